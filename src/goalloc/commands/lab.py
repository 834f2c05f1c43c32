"""goalloc lab: measure container choices for your own types and workload, on your Go."""

from __future__ import annotations

import sys

from goalloc.commands import options
from goalloc.errors import EXIT_OK, UsageError

EPILOG = """\
Generates Go benchmarks for your key, value or element types and your workload, runs them
with `go test -bench -benchmem -count N` (with --max-time, one sweep point per run), and
reports every
variant's median time, bytes and allocations per op with 95% confidence intervals, the
winner and by how much (Mann-Whitney U against the runner-up), and where along a sweep the
winner changes. An op is one whole workload (docs/lab.md).

examples:
  goalloc lab map --key string --value 'struct{X, Y int}' --n 1000 --reads 0.9
  goalloc lab map --key int --value string --n 10,100,1000,10000 --plot map.svg
  goalloc lab map --key string --value '*Profile' --package ./internal/model --n 1000 \\
                  --reads 0.5,0.9,0.99 --goroutines 8
  goalloc lab slice --elem 'struct{a int32; b string}' --n 10,1000,100000
  goalloc lab intern --distinct 100 --n 100000 --len 24 --format json
  goalloc lab map --key string --value int --n 100,10000,1000000 --max-time 120"""

KIND_HELP = {
    "map": ("compare maps, sync.Map, sorted slices, copy-on-write... for map[K]V",
            "variants: map, map-hint, rwmutex-map, sync-map, sync-map-ptr, sorted-slice,\n"
            "          slice-map, cow-snapshot, clear-reuse"),
    "slice": ("compare ways of building a []T of n elements",
              "variants: append, append-cap, append-undercap, slices-grow, reuse, pool,\n"
              "          fixed-array"),
    "intern": ("compare repeated strings with and without unique.Make (Go 1.23+)",
               "variants: plain, unique"),
}


def register(subparsers) -> None:
    p = options.add_parser(
        subparsers, "lab",
        help="measure container choices (maps, slices, interning) for your types and workload",
        description="Benchmark container choices for your own types, sizes and read/write mix "
                    "on your Go, and say which wins and by how much.",
        epilog_text=EPILOG)
    sub = p.add_subparsers(dest="lab_kind", metavar="{map,slice,intern}", parser_class=type(p))
    for kind, (help_text, variants) in KIND_HELP.items():
        k = options.add_parser(sub, kind, help=help_text, epilog_text=variants + "\n\n" + EPILOG)
        if kind == "map":
            k.add_argument("--key", required=True, metavar="TYPE",
                           help="key type in Go syntax (with --package: may be unexported)")
            k.add_argument("--value", required=True, metavar="TYPE", help="value type")
            k.add_argument("--reads", default="1", metavar="R[,R...]",
                           help="share of the accesses after the fill that are reads; the rest "
                                "write present keys (default 1)")
            k.add_argument("--goroutines", default="1", metavar="G[,G...]",
                           help="goroutines sharing the accesses (default 1)")
            k.add_argument("--ops", type=int, metavar="N",
                           help="accesses after the fill (default: n)")
        elif kind == "slice":
            k.add_argument("--elem", required=True, metavar="TYPE", help="element type")
            k.add_argument("--under", type=float, default=0.5, metavar="F",
                           help="append-undercap reserves n*F (default 0.5)")
        else:
            k.add_argument("--distinct", required=True, metavar="D[,D...]",
                           help="how many different strings among the n")
            k.add_argument("--len", type=int, default=16, dest="length", metavar="L",
                           help="bytes per string (default 16)")
        k.add_argument("--n", required=True, metavar="N[,N...]",
                       help="entries / elements / strings per op; a list is a sweep")
        _common(k)
        k.set_defaults(func=run)
    p.set_defaults(func=lambda args: _missing_kind(p))


def _common(p) -> None:
    p.add_argument("--package", metavar="PKG",
                   help="build the benchmark inside this package of the module at -C "
                        "(its types, unexported ones too, are then in scope)")
    options.add_module(p, example=True, patterns=False)
    p.add_argument("--import", dest="imports", action="append", default=[], metavar="PATH",
                   help="an import path the types name (repeatable; standard packages such as "
                        "time are found by themselves)")
    p.add_argument("--variants", metavar="NAME[,NAME]", help="run only these variants")
    p.add_argument("--count", type=int, default=6, metavar="N",
                   help="runs of each benchmark (default 6, the fewest for a 95%% CI)")
    p.add_argument("--benchtime", default="100ms", metavar="D",
                   help="go test -benchtime per run (default 100ms; e.g. 1s, 500x)")
    p.add_argument("--max-time", type=float, metavar="SECONDS",
                   help="stop the sweep before a point that would not finish in time; what "
                        "ran is reported and what was skipped is said")
    p.add_argument("--plot", metavar="FILE",
                   help="draw time and allocations along the sweep (.svg or .png; needs "
                        "goalloc[plot])")
    p.add_argument("--save-source", metavar="FILE", help="also write the generated benchmark")
    options.add_format(p)
    options.add_output(p)
    options.add_progress(p)


def _missing_kind(p) -> int:
    p.print_help(sys.stderr)
    return 2


def _numbers(flag: str, text: str, kind=int, low=None, high=None) -> list:
    values = []
    for item in (text or "").split(","):
        item = item.strip().replace("_", "")
        try:
            value = kind(item)
        except ValueError:
            what = "whole numbers" if kind is int else "numbers"
            raise UsageError(f"{flag} takes {what} separated by commas, e.g. "
                             f"{'10,100,1000' if kind is int else '0.5,0.9,0.99'}: "
                             f"{item!r}") from None
        if low is not None and value < low:
            raise UsageError(f"{flag} must be at least {low}, not {item}")
        if high is not None and value > high:
            raise UsageError(f"{flag} must be at most {high}, not {item}")
        values.append(value)
    return values


def question(args):
    """The goalloc.lab.plan.LabQuestion the flags ask."""
    from goalloc.lab.plan import LabQuestion, variant_names

    variants = None
    if args.variants:
        variants = [v.strip() for v in args.variants.split(",") if v.strip()]
        known = variant_names(args.lab_kind)
        bad = [v for v in variants if v not in known]
        if bad or not variants:
            raise UsageError(f"unknown {args.lab_kind} variant {', '.join(bad) or '(none)'}; "
                             f"choose from {', '.join(known)}")
    q = LabQuestion(args.lab_kind, _numbers("--n", args.n, low=1), variants=variants,
                    imports=list(args.imports))
    if args.lab_kind == "map":
        q.key, q.value = args.key, args.value
        q.reads = _numbers("--reads", args.reads, float, 0, 1)
        q.goroutines = _numbers("--goroutines", args.goroutines, low=1)
        if args.ops is not None and args.ops < 1:
            raise UsageError(f"--ops must be at least 1, not {args.ops}")
        q.ops = args.ops
    elif args.lab_kind == "slice":
        q.elem = args.elem
        if not 0 < args.under < 1:
            raise UsageError(f"--under must be between 0 and 1 (exclusive), not {args.under:g}")
        q.under = args.under
    else:
        q.distinct = _numbers("--distinct", args.distinct, low=1)
        if args.length < 1:
            raise UsageError(f"--len must be at least 1, not {args.length}")
        q.length = args.length
    return q


def run(args) -> int:
    from goalloc.app.lab import LabOptions, run_lab
    from goalloc.lab.plan import sweep_axes
    from goalloc.report import lab_json, lab_text
    from goalloc.report.output import write_output

    options.check_output(args)
    if args.count < 1:
        raise UsageError(f"--count must be at least 1, not {args.count}")
    if args.max_time is not None and args.max_time <= 0:
        raise UsageError(f"--max-time must be positive, not {args.max_time:g}")
    q = question(args)
    if args.plot:
        from goalloc.report.plot import check_plot_path

        if not sweep_axes(q):
            raise UsageError("--plot draws a sweep: give several values to --n (or --reads, "
                             "--goroutines, --distinct)")
        check_plot_path(args.plot)
    directory, _ = options.resolve_module(args)
    opts = LabOptions(q, directory, args.package, count=args.count, benchtime=args.benchtime,
                      max_time=args.max_time, save_source=args.save_source)
    result = run_lab(opts, progress=options.progress_for(args))
    if args.plot:
        lab_text.save_plot(args.plot, result)
    if args.format == "json":
        write_output(lab_json.render(result, args.plot), args.output)
    else:
        from goalloc.report.terminal import fit_text

        text = lab_text.render(result)
        if args.plot:
            text += f"\nplot: {args.plot}\n"
        write_output(fit_text(text, args.output), args.output)
    for point, why in result.skipped_points[:1]:
        print(f"goalloc: note: {len(result.skipped_points)} sweep point(s) not measured, from "
              f"{point.name}: {why}", file=sys.stderr)
    if args.count < 6:
        print(f"goalloc: note: --count {args.count}: a 95% confidence interval needs >= 6 runs "
              "and a significant winner >= 4", file=sys.stderr)
    return EXIT_OK

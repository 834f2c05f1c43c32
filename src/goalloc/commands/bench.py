"""goalloc bench: run Go benchmarks, and compare two sets of results as benchstat does."""

from __future__ import annotations

import sys

from goalloc.commands import bench_budget, options
from goalloc.errors import EXIT_OK, UsageError

RUN_EPILOG = """\
Runs `go test -run=^$ -bench REGEX -benchmem -count N -memprofile ...` per package, echoes
results to stderr as they come, saves the raw output (default .goalloc/bench/<UTC time>.txt)
and a memory profile plus test binary per package (default .goalloc/bench/<UTC time>/).
Exit 2 when nothing produced a benchmark result, 3 on compile errors.

examples:
  goalloc bench run ./... --bench Append --count 10 --save old.txt
  goalloc bench ./... --bench Append --count 10 --save new.txt   # 'run' may be left out
  goalloc bench compare old.txt new.txt"""

COMPARE_EPILOG = """\
Reads two files in the Go benchmark format (`-` is standard input) and compares every
benchmark and unit (sec/op, B/op, allocs/op, custom metrics): medians with 95% confidence
intervals, Mann-Whitney U test p-values, `~` when p > alpha (0.05), geomeans.

examples:
  goalloc bench compare old.txt new.txt
  go test -bench . -count 10 | goalloc bench compare old.txt -
  goalloc bench compare old.txt new.txt --format json"""

EPILOG = """\
goalloc bench run [PACKAGES] ...    run benchmarks (also: goalloc bench [PACKAGES] ...)
goalloc bench compare OLD NEW       compare two result files like benchstat

examples:
  goalloc bench run ./... --count 6 --save old.txt   # before the change
  goalloc bench run ./... --count 6 --save new.txt   # after it
  goalloc bench compare old.txt new.txt

A package directory named "run" or "compare" must be written ./run or ./compare."""

SUBCOMMANDS = ("run", "compare")


def normalize_argv(argv: list[str]) -> list[str]:
    """``bench [PACKAGES] [flags]`` is the old spelling of ``bench run ...``."""
    if argv and argv[0] in SUBCOMMANDS + ("-h", "--help"):
        return argv
    return ["run", *argv]


def register(subparsers) -> None:
    p = options.add_parser(
        subparsers, "bench",
        help="run go test benchmarks (-benchmem, -memprofile); compare results like benchstat",
        description="Run Go benchmarks with allocation statistics and save the results, or "
                    "compare two result files (goalloc bench compare OLD NEW).",
        epilog_text=EPILOG)
    sub = p.add_subparsers(dest="bench_command", metavar="{run,compare}", parser_class=type(p))

    r = options.add_parser(sub, "run", help="run benchmarks and save the results",
                           epilog_text=RUN_EPILOG)
    r.add_argument("packages", nargs="*", metavar="PACKAGE",
                   help="packages to benchmark (default .)")
    options.add_module(r, example=True, patterns=False)
    r.add_argument("--bench", default=".", metavar="REGEX",
                   help="benchmarks to run (go test -bench; default .)")
    r.add_argument("--count", type=int, default=6, metavar="N",
                   help="runs of each benchmark (default 6, the fewest for a 95%% CI)")
    r.add_argument("--benchtime", metavar="D", help="go test -benchtime (e.g. 1s, 1000x)")
    r.add_argument("--save", metavar="FILE",
                   help="save the raw go test output here (default .goalloc/bench/<UTC time>.txt)")
    r.add_argument("--memprofile-dir", metavar="DIR",
                   help="where the per-package .mem.pprof and test binaries go "
                        "(default .goalloc/bench/<UTC time>/)")
    r.add_argument("--no-memprofile", action="store_true", help="do not write memory profiles")
    r.add_argument("--timeout", type=float, metavar="SECONDS",
                   help="stop each package's go test run after this long (build included; "
                        "go test's own -timeout does not apply to benchmarks)")
    options.add_tags(r)
    options.add_format(r)
    options.add_output(r)
    options.add_progress(r)
    bench_budget.add_options(r)  # allocation budgets: docs/guard.md
    r.set_defaults(func=run_command)

    c = options.add_parser(sub, "compare", help="compare two result files like benchstat",
                           epilog_text=COMPARE_EPILOG)
    c.add_argument("files", nargs="*", metavar="OLD NEW",
                   help="results before and after (files, or - for standard input)")
    c.add_argument("--alpha", type=float, default=0.05,
                   help="significance level of the U test (default 0.05)")
    c.add_argument("--confidence", type=float, default=0.95,
                   help="confidence level of the intervals (default 0.95)")
    options.add_format(c)
    options.add_output(c)
    c.set_defaults(func=compare_command)
    p.set_defaults(func=lambda args: _missing_subcommand(p))


def _missing_subcommand(p) -> int:
    p.print_help(sys.stderr)
    return 2


def _read(path: str, what: str) -> tuple[str, str]:
    from goalloc.errors import InputError
    from goalloc.fsutil import read_text

    if path == "-":
        if sys.stdin is None or sys.stdin.isatty():
            raise UsageError(f"{what} is -, but nothing is piped into standard input")
        try:
            return sys.stdin.read(), "<stdin>"
        except UnicodeDecodeError:
            raise InputError("standard input is not UTF-8 text") from None
    return read_text(path, f"benchmark file ({what})"), path


def compare_command(args) -> int:
    from goalloc.app.bench import CompareOptions, compare_files
    from goalloc.report import bench_report
    from goalloc.report.output import write_output

    if len(args.files) != 2:
        raise UsageError("bench compare takes two files: OLD NEW")
    args.old, args.new = args.files
    if args.old == "-" and args.new == "-":
        raise UsageError("only one of OLD and NEW can be standard input")
    if not 0 < args.alpha < 1:
        raise UsageError("--alpha must be between 0 and 1")
    if not 0 < args.confidence < 1:
        raise UsageError("--confidence must be between 0 and 1")
    options.check_output(args)
    opts = CompareOptions(_read(args.old, "OLD"), _read(args.new, "NEW"), args.alpha,
                          args.confidence)
    res, skipped = compare_files(opts)
    for line in skipped:
        print(f"goalloc: {line}", file=sys.stderr)
    if args.format == "json":
        write_output(bench_report.render_compare_json(res), args.output)
    else:
        from goalloc.report.terminal import fit_text

        write_output(fit_text(bench_report.render_compare_text(res), args.output), args.output)
    return EXIT_OK


def _check_save(path: str | None) -> None:
    import os

    if not path:
        return
    if os.path.isdir(path):
        raise UsageError(f"--save {path} is a directory; name a file")
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise UsageError(f"--save {path}: directory {parent} does not exist")


def run_command(args) -> int:
    from goalloc.app.bench import BenchOptions, run_bench
    from goalloc.collect.bench_runner import BenchFailed

    if args.count < 1:
        raise UsageError("--count must be at least 1")
    if args.timeout is not None and args.timeout <= 0:
        raise UsageError("--timeout must be positive")
    _check_save(args.save)
    options.check_output(args)
    directory, _ = options.resolve_module(args)
    budgets = bench_budget.load(args, directory)
    opts = BenchOptions(directory, args.packages or None, bench=args.bench, count=args.count,
                        benchtime=args.benchtime, save=args.save,
                        memprofile_dir=args.memprofile_dir, memprofile=not args.no_memprofile,
                        timeout=args.timeout, tags=args.tags)
    log = None if args.no_progress else sys.stderr
    try:
        run = run_bench(opts, log=log)
    except BenchFailed as exc:
        if not exc.run.results:
            raise
        # Report what did run, then fail with the documented exit code.
        _report_run(args, exc.run)
        print(f"goalloc: error: {exc}", file=sys.stderr)
        return exc.exit_code
    _report_run(args, run)
    return bench_budget.apply(args, run, budgets)


def _report_run(args, run) -> None:
    from goalloc.report import bench_report
    from goalloc.report.output import write_output

    if run.packages_without_benchmarks:
        print("goalloc: no benchmarks in: " + ", ".join(run.packages_without_benchmarks),
              file=sys.stderr)
    if args.count < 6:
        print(f"goalloc: --count {args.count}: benchstat-style comparisons need >= 6 runs for a "
              "95% confidence interval and >= 4 to detect a difference", file=sys.stderr)
    if args.format == "json":
        write_output(bench_report.render_run_json(run), args.output)
    else:
        from goalloc.report.terminal import fit_text

        write_output(fit_text(bench_report.render_run_text(run), args.output), args.output)

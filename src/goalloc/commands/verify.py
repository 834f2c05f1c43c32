"""goalloc verify: run the benchmarks with a memory profile and say which escape sites and
findings cost real memory, and which reported heap sites cost nothing."""

from __future__ import annotations

import sys

from goalloc.commands import options
from goalloc.errors import UsageError

EPILOG = """\
what it does:
  1. goalloc scan of the packages (escape sites, causes, fixes, rule findings)
  2. go test -run=^$ -bench REGEX -benchmem -memprofile, with -memprofilerate=1 by default so
     every allocation is recorded (small pointer-free allocations are recorded once per new
     16-byte block, so a profile's counts can differ from -benchmem's allocs/op)
  3. each measured allocation is attributed to its first user-code line and linked to the
     escape site there

examples:
  goalloc verify --example
  goalloc verify ./internal/cache --bench 'Put|Evict' --benchtime 200ms
  goalloc verify --format json -o verify.json"""


def register(subparsers) -> None:
    p = options.add_parser(
        subparsers, "verify", help="benchmarks + memory profile + scan: which sites cost real memory",
        description="Run the benchmarks with a memory profile, attribute every measured "
                    "allocation to its source line, and show it next to the compiler's escape "
                    "site, cause and fix.", epilog_text=EPILOG)
    options.add_module(p)
    p.add_argument("--bench", default=".", metavar="REGEX", help="benchmarks to run (default all)")
    p.add_argument("--count", type=int, default=1, help="runs of each benchmark (default 1)")
    p.add_argument("--benchtime", default=None, metavar="D", help="go test -benchtime (e.g. 200ms, 1000x)")
    p.add_argument("--memprofilerate", type=int, default=1, metavar="N",
                   help="bytes per profile sample; 1 records every allocation (default)")
    options.add_tags(p)
    options.add_gcflags(p)
    p.add_argument("--top", type=int, default=15, metavar="N", help="text: sites to show (default 15)")
    options.add_format(p, ("text", "json", "html"))
    options.add_output(p)
    options.add_rules(p)
    options.add_progress(p)
    options.add_cache(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from goalloc.app.verify import VerifyOptions, verify
    from goalloc.commands.scan import warn
    from goalloc.report.output import write_output
    from goalloc.report.verify_report import render_json, render_text

    if args.count < 1:
        raise UsageError("--count must be at least 1")
    if args.memprofilerate < 1:
        raise UsageError("--memprofilerate must be at least 1")
    if args.top < 1:
        raise UsageError("--top must be at least 1")
    directory, patterns = options.resolve_module(args)
    options.check_output(args)
    opts = VerifyOptions(directory, patterns, bench=args.bench, count=args.count,
                         benchtime=args.benchtime, memprofilerate=args.memprofilerate,
                         tags=args.tags, gcflags=args.gcflags, use_cache=not args.no_cache,
                         rules=options.rule_selection(args))
    result = verify(opts, progress=options.progress_for(args),
                    bench_log=None if args.no_progress else sys.stderr, warn=warn)
    if args.format == "json":
        text = render_json(result)
    elif args.format == "html":
        from goalloc.report.html import render_verify

        text = render_verify(result)
    else:
        from goalloc.report.terminal import fit_text

        text = fit_text(render_text(result, args.top), args.output)
    write_output(text, args.output)
    if result.failure is not None:
        print(f"goalloc: error: {result.failure}", file=sys.stderr)
        return result.failure.exit_code
    return options.compile_errors(result.scan)

"""goalloc verify: run the benchmarks with a memory profile and say which escape sites and
findings cost real memory, and which reported heap sites cost nothing."""

from __future__ import annotations

import argparse
import sys

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
  goalloc verify --format json -o verify.json
"""


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "verify", help="benchmarks + memory profile + scan: which sites cost real memory",
        description="Run the benchmarks with a memory profile, attribute every measured "
                    "allocation to its source line, and show it next to the compiler's escape "
                    "site, cause and fix.", epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("patterns", nargs="*", metavar="PACKAGE", help="packages (default ./...)")
    p.add_argument("-C", dest="directory", default=".", metavar="DIR", help="run in DIR")
    p.add_argument("--example", action="store_true", help="verify the example shipped with goalloc")
    p.add_argument("--bench", default=".", metavar="REGEX", help="benchmarks to run (default all)")
    p.add_argument("--count", type=int, default=1, help="runs of each benchmark (default 1)")
    p.add_argument("--benchtime", default=None, metavar="D", help="go test -benchtime (e.g. 200ms, 1000x)")
    p.add_argument("--memprofilerate", type=int, default=1, metavar="N",
                   help="bytes per profile sample; 1 records every allocation (default)")
    p.add_argument("--tags", default=None, help="comma-separated build tags")
    p.add_argument("--top", type=int, default=15, metavar="N", help="text: sites to show (default 15)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE (atomically)")
    p.add_argument("--no-rules", nargs="?", const="*", default=None, metavar="ID[,ID]",
                   help="skip these source rules, or all")
    p.set_defaults(func=run, rules=None, assume_n=1000)


def run(args) -> int:
    from goalloc.commands.scan import example_dir
    from goalloc.report.output import write_output
    from goalloc.report.verify_report import render_json, render_text
    from goalloc.app.verify import verify

    if args.count < 1:
        raise UsageError("--count must be at least 1")
    if args.memprofilerate < 1:
        raise UsageError("--memprofilerate must be at least 1")
    directory, patterns = args.directory, args.patterns or ["./..."]
    if args.example:
        if args.patterns:
            raise UsageError("--example takes no package patterns")
        directory = example_dir()
    result = verify(patterns, directory, bench=args.bench, count=args.count,
                    benchtime=args.benchtime, memprofilerate=args.memprofilerate, tags=args.tags,
                    progress=sys.stderr, rules_args=args)
    text = render_json(result) if args.format == "json" else render_text(result, args.top)
    write_output(text, args.output)
    return 0

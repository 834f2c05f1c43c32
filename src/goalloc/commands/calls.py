"""goalloc calls: the runtime allocation calls the compiled code of each function makes."""

from __future__ import annotations

import argparse
import os

from goalloc.errors import EXIT_COMPILE, UsageError

FORMATS = ("text", "json", "sarif")

EPILOG = """\
what it reports:
  every function of the matched packages with the calls its compiled code makes into the
  runtime's allocation entry points (runtime.growslice, runtime.makemap, runtime.newobject,
  runtime.convT64, runtime.concatstring2, ...), each with its source line; a call from inlined
  code also names the function and line it was inlined from. The code is read from the
  package objects of the same build as 'goalloc scan' (same flags), so after a scan nothing is
  compiled again. See docs/calls.md for what each runtime function means.

  --sites also runs the escape analysis and points out stack verdicts whose line still calls
  the allocator (append past the stack buffer, a map hint above 8, ...) and heap verdicts
  whose line calls none.

examples:
  goalloc calls                          # ./... of the module in the current directory
  goalloc calls --example --sites
  goalloc calls net/http --format json -o http-calls.json
  goalloc calls -C svc ./internal/... --format sarif -o calls.sarif

exit codes: 0 ok, 2 usage/toolchain/input error,
            3 compile errors (what compiled is still reported), 130 interrupted
GOOS, GOARCH, GOFLAGS and GOALLOC_GO (the go binary) are read from the environment.
"""


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "calls", help="runtime allocation calls of the compiled code, per function and line",
        description="List, for every function of the matched packages, the calls its compiled "
                    "code makes into the runtime's allocation entry points, with source lines.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("patterns", nargs="*", metavar="PATTERN",
                   help="package patterns as for go build (default ./...)")
    p.add_argument("-C", dest="directory", default=".", metavar="DIR",
                   help="run in DIR, like go -C (default: current directory)")
    p.add_argument("--example", action="store_true",
                   help="read the example service shipped inside goalloc")
    p.add_argument("--tags", default=None, help="comma-separated build tags")
    p.add_argument("--sites", action="store_true",
                   help="also run the escape analysis and compare its verdicts with the calls")
    p.add_argument("--all", action="store_true",
                   help="text: list functions that call no allocation entry point too")
    p.add_argument("--no-cache", action="store_true",
                   help="read every package's object again instead of reusing the calls of an "
                        "unchanged archive (cache: $GOALLOC_CACHE_DIR or ~/.cache/goalloc/calls)")
    p.add_argument("--format", choices=FORMATS, default="text", help="output format (default text)")
    p.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE (atomically)")
    p.set_defaults(func=run)


def run(args) -> int:
    from goalloc.app.calls import CallsOptions, calls
    from goalloc.commands.scan import example_dir
    from goalloc.report.output import write_output

    directory, patterns = args.directory, args.patterns
    if args.example:
        if patterns:
            raise UsageError("--example takes no package patterns")
        directory = example_dir()
    if args.output and os.path.isdir(args.output):
        raise UsageError(f"--output {args.output} is a directory")
    result = calls(CallsOptions(tuple(patterns or ["./..."]), directory, args.tags, args.sites,
                                use_cache=not args.no_cache))
    if args.format == "json":
        from goalloc.report import calls_json

        text = calls_json.render(result)
    elif args.format == "sarif":
        from goalloc.report import calls_sarif

        text = calls_sarif.render(result)
    else:
        from goalloc.report import calls_text

        text = calls_text.render(result, show_all=args.all)
    write_output(text, args.output)
    if result.errors:
        import sys

        first = result.errors[0]
        where = f"{first.file}:{first.line}:{first.col}: " if first.file else ""
        print(f"goalloc: error: {len(result.failed_packages)} package(s) do not compile, "
              f"first: {where}{first.message}", file=sys.stderr)
        return EXIT_COMPILE
    return 0

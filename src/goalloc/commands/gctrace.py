"""goalloc gctrace: summarize a GODEBUG=gctrace=1 log."""

from __future__ import annotations

import sys

from goalloc.commands import options
from goalloc.errors import EXIT_OK, InputError, UsageError

EPILOG = """\
examples:
  GODEBUG=gctrace=1 ./server 2> gc.log; goalloc gctrace gc.log
  GODEBUG=gctrace=1 go test -run TestLoad 2>&1 | goalloc gctrace -
  goalloc gctrace gc.log --format json
  goalloc gctrace gc.log --plot heap.svg

Lines other than the runtime's "gc N @..." lines are skipped and counted. A log without
any gc line is an error (exit 2)."""


def register(subparsers) -> None:
    p = options.add_parser(
        subparsers, "gctrace", help="summarize GODEBUG=gctrace=1 output: pauses, CPU, heap over time",
        description="Read GODEBUG=gctrace=1 output and report the number of collections, "
                    "pause and CPU time, heap at start/end/live and goal, and rates over time.",
        epilog_text=EPILOG)
    p.add_argument("file", nargs="?", default="-", metavar="FILE|-",
                   help="the log (default: - for standard input)")
    options.add_format(p, ("text", "json", "html"))
    p.add_argument("--plot", metavar="FILE.svg|png",
                   help="draw heap size (and pauses) over time into an SVG or PNG file "
                        "(needs goalloc[plot])")
    p.add_argument("--windows", type=int, default=10, metavar="N",
                   help="number of time slices for the rates-over-time table (default 10)")
    options.add_output(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from goalloc.app.gctrace import read_gctrace
    from goalloc.fsutil import read_text
    from goalloc.report import gctrace_report
    from goalloc.report.output import write_output

    if args.windows < 1:
        raise UsageError("--windows must be at least 1")
    options.check_output(args)
    if args.plot:
        from goalloc.report.plot import check_plot_path

        check_plot_path(args.plot)
    if args.file == "-":
        if sys.stdin is None or sys.stdin.isatty():
            raise UsageError("no log given: name a file or pipe GODEBUG=gctrace=1 output into "
                             "'goalloc gctrace -'")
        try:
            text = sys.stdin.read()
        except UnicodeDecodeError:
            raise InputError("standard input is not UTF-8 text") from None
        source = "<stdin>"
    else:
        text = read_text(args.file, "gctrace log")
        source = args.file
    result = read_gctrace(text, source, windows=args.windows)
    trace, summary = result.trace, result.summary
    if args.format == "json":
        write_output(gctrace_report.render_json(trace, summary), args.output)
    elif args.format == "html":
        from goalloc.report.html import render_gctrace

        write_output(render_gctrace(trace, summary, gctrace_report.render_text(trace, summary)),
                     args.output)
    else:
        from goalloc.report.terminal import fit_text

        write_output(fit_text(gctrace_report.render_text(trace, summary), args.output),
                     args.output)
    if trace.skipped or trace.malformed:
        print(f"goalloc: {len(trace.cycles)} gc line(s) read, {trace.skipped} other line(s) "
              f"skipped, {len(trace.malformed)} malformed gc line(s) skipped", file=sys.stderr)
    if args.plot:
        gctrace_report.plot(trace, args.plot)
        print(f"goalloc: plot written to {args.plot}", file=sys.stderr)
    return EXIT_OK

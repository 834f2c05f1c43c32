"""goalloc calls: the runtime allocation calls the compiled code of each function makes."""

from __future__ import annotations

from goalloc.commands import options

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
"""


def register(subparsers) -> None:
    p = options.add_parser(
        subparsers, "calls", help="runtime allocation calls of the compiled code, per function and line",
        description="List, for every function of the matched packages, the calls its compiled "
                    "code makes into the runtime's allocation entry points, with source lines.",
        epilog_text=EPILOG + "\n" + options.ENVIRONMENT)
    options.add_module(p)
    options.add_tags(p)
    p.add_argument("--sites", action="store_true",
                   help="also run the escape analysis and compare its verdicts with the calls")
    p.add_argument("--all", action="store_true",
                   help="text: list functions that call no allocation entry point too")
    options.add_format(p, FORMATS)
    options.add_output(p)
    options.add_cache(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from goalloc.app.calls import CallsOptions, calls
    from goalloc.report.output import write_output

    directory, patterns = options.resolve_module(args)
    options.check_output(args)
    result = calls(CallsOptions(tuple(patterns), directory, args.tags, args.sites,
                                use_cache=not args.no_cache))
    if args.format == "json":
        from goalloc.report import calls_json

        text = calls_json.render(result)
    elif args.format == "sarif":
        from goalloc.report import calls_sarif

        text = calls_sarif.render(result)
    else:
        from goalloc.report import calls_text

        from goalloc.report.terminal import fit_text

        text = fit_text(calls_text.render(result, show_all=args.all), args.output)
    write_output(text, args.output)
    return options.compile_errors(result)

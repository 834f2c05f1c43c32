"""goalloc profile: read a heap/allocs profile and show where the program allocated."""

from __future__ import annotations

import argparse

from goalloc.commands import options
from goalloc.errors import UsageError

HELP = "read a Go heap/allocs profile: top allocation sites with kind, cause and fix"

EPILOG = """\
PROFILE is a profile.proto file, gzip-compressed or not, as written by
`go test -memprofile`, runtime/pprof or net/http/pprof (/debug/pprof/heap, /allocs).

examples:
  goalloc profile mem.out
  goalloc profile -C . --sample-index alloc_objects mem.out
      (-C runs goalloc scan of that module and shows each site's escape cause and fix)
  goalloc profile --format json --base before.out after.out"""


def register(subparsers) -> None:
    p = options.add_parser(subparsers, "profile", help=HELP, epilog_text=EPILOG)
    p.add_argument("file", metavar="PROFILE", help="the heap or allocs profile")
    p.add_argument("-C", "--dir", "--source", dest="source", metavar="DIR",
                   help="module root, to read source lines, report module-relative paths and "
                        "link each site to goalloc scan's cause and fix (--source is the old "
                        "spelling)")
    p.add_argument("--sample-index", metavar="TYPE",
                   help="alloc_objects, alloc_space, inuse_objects, inuse_space or a number "
                        "(default: the profile's default, like pprof)")
    p.add_argument("--base", metavar="OLD", help="show the difference OLD -> PROFILE per site")
    options.add_format(p, ("text", "json", "html"))
    p.add_argument("--top", type=int, default=None, metavar="N",
                   help="sites to show (text default 10 per table; json default all)")
    options.add_output(p)
    p.add_argument("--no-scan", action="store_true",
                   help="with -C: do not run goalloc scan to link each site to its escape "
                        "site, cause and fix")
    options.add_progress(p)
    options.add_cache(p)
    p.add_argument("--decoder", choices=("auto", "upb", "python"), default="auto",
                   help=argparse.SUPPRESS)
    p.set_defaults(func=run)


def run(args) -> int:
    from goalloc.app.profile import ProfileOptions, profile
    from goalloc.commands.scan import warn
    from goalloc.report.output import write_output

    if args.top is not None and args.top <= 0:
        raise UsageError("--top must be a positive number")
    options.check_output(args)
    opts = ProfileOptions(args.file, source=args.source, sample_index=args.sample_index,
                          base=args.base, link_scan=not args.no_scan, decoder=args.decoder,
                          use_cache=not args.no_cache)
    result = profile(opts, progress=options.progress_for(args), warn=warn)
    if args.format == "json":
        from goalloc.report import profile_json

        text = profile_json.render(result.attribution, path=args.file, base=args.base,
                                   go=result.go, top=args.top)
    elif args.format == "html":
        from goalloc.report.html import render_profile

        text = render_profile(result, args.file, source_root=args.source, base=args.base)
    else:
        from goalloc.report import profile_text

        from goalloc.report.terminal import fit_text

        text = fit_text(profile_text.render(result.attribution, path=args.file, base=args.base,
                                            top=args.top or 10), args.output)
    write_output(text, args.output)
    return 0

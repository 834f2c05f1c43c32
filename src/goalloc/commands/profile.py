"""goalloc profile: read a heap/allocs profile and show where the program allocated."""

from __future__ import annotations

import os

from goalloc.errors import UsageError

HELP = "read a Go heap/allocs profile: top allocation sites with kind, cause and fix"

EPILOG = """\
PROFILE is a profile.proto file, gzip-compressed or not, as written by
`go test -memprofile`, runtime/pprof or net/http/pprof (/debug/pprof/heap, /allocs).

examples:
  goalloc profile mem.out
  goalloc profile --source . --sample-index alloc_objects mem.out
      (--source runs goalloc scan of that module and shows each site's escape cause and fix)
  goalloc profile --format json --base before.out after.out
"""


def register(subparsers) -> None:
    import argparse

    p = subparsers.add_parser("profile", help=HELP, description=HELP, epilog=EPILOG,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("file", metavar="PROFILE", help="the heap or allocs profile")
    p.add_argument("--source", metavar="DIR",
                   help="module root, to read source lines and report module-relative paths")
    p.add_argument("--sample-index", metavar="TYPE",
                   help="alloc_objects, alloc_space, inuse_objects, inuse_space or a number "
                        "(default: the profile's default, like pprof)")
    p.add_argument("--base", metavar="OLD", help="show the difference OLD -> PROFILE per site")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--top", type=int, default=None, metavar="N",
                   help="sites to show (text default 10 per table; json default all)")
    p.add_argument("-o", "--output", metavar="FILE", help="write the report here (default stdout)")
    p.add_argument("--no-scan", action="store_true",
                   help="with --source: do not run goalloc scan to link each site to its escape "
                        "site, cause and fix")
    p.add_argument("--decoder", choices=("auto", "upb", "python"), default="auto",
                   help=argparse.SUPPRESS)
    p.set_defaults(func=run)


def run(args) -> int:
    from goalloc.report.output import write_output

    escape_sites = None
    if args.source and not args.no_scan and os.path.isdir(args.source):
        escape_sites = _escape_sites(args.source)
    write_output(render(args, escape_sites=escape_sites), args.output)
    return 0


def _escape_sites(directory: str) -> list | None:
    """The escape sites of the module at ``directory`` (goalloc scan, cached), or None with a
    one-line warning when it cannot be scanned: the profile report stands without them."""
    import sys

    from goalloc.errors import GoallocError
    from goalloc.app.scan import scan

    try:
        result = scan(["./..."], directory, progress=False)
    except GoallocError as exc:
        print(f"goalloc: warning: no escape sites to link ({exc})", file=sys.stderr)
        return None
    if result.errors:
        print(f"goalloc: warning: {len(result.failed_packages)} package(s) of {directory} do "
              f"not compile; their sites are not linked", file=sys.stderr)
    return result.sites


def render(args, escape_sites: list | None = None) -> str:
    """The report for parsed ``args``. ``escape_sites`` (``goalloc.escape.model.Site`` from
    ``goalloc scan`` of ``--source``) are linked to the measured sites when given; that is the
    hook for wiring scan into this command and into ``goalloc verify``."""
    from goalloc.profiles.attribution import attribute, diff
    from goalloc.collect.pprof import read_profile
    from goalloc.profiles.link import link_sites

    if args.source and not os.path.isdir(args.source):
        raise UsageError(f"--source {args.source} is not a directory")
    if args.top is not None and args.top <= 0:
        raise UsageError("--top must be a positive number")
    prof = read_profile(args.file, decoder=args.decoder)
    result = attribute(prof, args.sample_index, source_root=args.source)
    if args.base:
        old = read_profile(args.base, decoder=args.decoder)
        old_result = attribute(old, result.sample_type, source_root=args.source)
        result = diff(result, old_result)
    if escape_sites:
        link_sites(result.sites, escape_sites)
    if args.format == "json":
        from goalloc.report import profile_json
        return profile_json.render(result, path=args.file, base=args.base, top=args.top)
    from goalloc.report import profile_text
    return profile_text.render(result, path=args.file, base=args.base, top=args.top or 10)

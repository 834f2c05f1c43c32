"""goalloc scan: every heap allocation the compiler decides, with its root cause and a fix."""

from __future__ import annotations

import sys

from goalloc import example_dir  # noqa: F401 (where tests and scripts find it)
from goalloc.commands import options
from goalloc.errors import EXIT_POLICY, UsageError
from goalloc.escape.model import CAUSES, KINDS

FORMATS = ("text", "json", "sarif", "github", "html")

EPILOG = """\
what it reports:
  site    one allocation decision of the compiler (position + expression), heap or stack,
          with its kind, root cause, flow, explanation and fix; inlined copies have an origin
  param   a parameter fact (leaking param ..., or a parameter that does not escape); these are
          not allocations and are not counted as sites

causes (heap sites only):
  returned, closure-captured, goroutine, defer, interface-conversion, call-argument,
  stored-in-heap, channel-send, too-large, non-constant-size, append-growth, reflect,
  method-value, outlives-loop, other

--fail-on conditions (repeatable; exit 1 when any matches, and stderr says what matched):
  heap                any heap site          findings        any rule finding
  kind=K[,K]          heap sites of a kind   cause=C[,C]     heap sites with a cause
  package=GLOB[,GLOB] heap sites in packages rule=ID[,ID]    findings of these rules

examples:
  goalloc scan                          # ./... of the module in the current directory
  goalloc scan --example                # the example service shipped with goalloc
  goalloc scan -C svc ./internal/... -v # flows too
  goalloc scan net/http --format json -o http.json
  goalloc scan --format sarif -o goalloc.sarif   # for code scanning
  goalloc scan --fail-on kind=slice,map --cause returned   # exit 1 if any match

""" + options.ENVIRONMENT


def register(subparsers) -> None:
    p = options.add_parser(
        subparsers, "scan", help="heap allocations of a Go module, with root cause and fix",
        description="Ask the Go compiler for its escape analysis (-gcflags=-m=2) of the matched "
                    "packages and report every allocation decision with its root cause and a fix.",
        epilog_text=EPILOG)
    options.add_module(p)
    options.add_tags(p)
    options.add_gcflags(p)
    options.add_format(p, FORMATS)
    options.add_output(p)
    p.add_argument("-v", "--verbose", action="store_true",
                   help="text: show each heap site's flow and the stack sites")
    p.add_argument("--heap-only", action="store_true", help="leave out stack sites")
    p.add_argument("--kind", metavar="K[,K]", help=f"only these kinds: {', '.join(KINDS)}")
    p.add_argument("--cause", metavar="C[,C]", help="only these causes (implies --heap-only)")
    p.add_argument("--package", metavar="GLOB", action="append",
                   help="only packages matching this import path glob (repeatable)")
    p.add_argument("--fail-on", metavar="COND", action="append", default=[],
                   help="exit 1 if any reported site or finding matches COND (see below)")
    p.add_argument("--limit", type=int, default=None, metavar="N",
                   help="text: list at most N heap sites")
    p.add_argument("--profile", metavar="FILE",
                   help="a heap or allocs profile of the program: the fix-first list is "
                        "ranked by measured bytes and objects (static priority beside)")
    p.add_argument("--no-runtime-calls", action="store_true",
                   help="do not read the compiled code's allocator calls (runtime_calls; "
                        "runtime_cost then comes from the source text alone)")
    options.add_progress(p)
    options.add_cache(p)
    options.add_rules(p)
    p.set_defaults(func=run)


def parse_fail_on(conditions: list[str]):
    from goalloc.app.scan import FailCondition

    parsed = []
    for cond in conditions:
        if cond in ("heap", "findings"):
            parsed.append(FailCondition(cond))
            continue
        key, sep, value = cond.partition("=")
        if not sep or not value:
            raise UsageError(f"--fail-on {cond!r}: expected heap, findings, kind=..., cause=..., "
                             "package=... or rule=...")
        if key == "kind":
            values = options.split_list(value, KINDS, "kind")
        elif key == "cause":
            values = options.split_list(value, CAUSES, "cause")
        elif key == "rule":
            from goalloc.rules import RULES

            values = options.split_list(value, tuple(RULES), "rule")
        elif key == "package":
            values = {v for v in value.split(",") if v}
        else:
            raise UsageError(f"--fail-on {cond!r}: unknown key {key!r} "
                             "(heap, findings, kind, cause, package, rule)")
        parsed.append(FailCondition(key, frozenset(values)))
    return parsed


def report_policy(matches, stream=None) -> None:
    """Say on stderr which --fail-on conditions matched, how many, and the first few."""
    stream = stream or sys.stderr
    for m in matches:
        print(f"goalloc: --fail-on {m.condition} matched {len(m.matches)} "
              f"{'finding' if m.condition.key in ('findings', 'rule') else 'heap site'}(s):",
              file=stream)
        for item in m.matches[:5]:
            what = (f"{item.rule}: {item.message}" if hasattr(item, "rule")
                    else f"{item.expr} [{item.kind}, {item.cause}] in {item.function}")
            print(f"  {item.file}:{item.line}:{item.col}: {what}", file=stream)
        if len(m.matches) > 5:
            print(f"  ... and {len(m.matches) - 5} more", file=stream)


def warn(message: str) -> None:
    print(f"goalloc: warning: {message}", file=sys.stderr)


def run(args) -> int:
    from goalloc.app.scan import ScanOptions, SiteFilter, check_policy, scan_module, select_sites

    site_filter = SiteFilter(heap_only=args.heap_only,
                             kinds=options.split_list(args.kind, KINDS, "kind"),
                             causes=options.split_list(args.cause, CAUSES, "cause"),
                             packages=args.package)
    fail_on = parse_fail_on(args.fail_on)
    if args.limit is not None and args.limit < 0:
        raise UsageError("--limit must be 0 or more")
    directory, patterns = options.resolve_module(args)
    options.check_output(args)
    opts = ScanOptions(directory, patterns, tags=args.tags, use_cache=not args.no_cache,
                       rules=options.rule_selection(args), profile=args.profile,
                       gcflags=args.gcflags, runtime_calls=not args.no_runtime_calls)
    result = scan_module(opts, progress=options.progress_for(args), warn=warn)
    sites = select_sites(result.sites, site_filter)
    write_report(args, result, sites, site_filter.to_json())

    if result.errors:
        return options.compile_errors(result)
    from goalloc.commands.check import scan_contracts  # in-code contracts: docs/guard.md
    contracts_broken = scan_contracts(result, args.tags)
    matches = check_policy(fail_on, sites, result.findings)
    if matches or contracts_broken:
        report_policy(matches)
        return EXIT_POLICY
    if result.rules_error is not None:
        return result.rules_error.exit_code
    return 0


def write_report(args, result, sites, filters: dict) -> None:
    from goalloc.report.output import open_output, write_output

    if args.format == "json":
        from goalloc.report import scan_json

        with open_output(args.output) as fh:
            scan_json.write(result, sites, fh, filters)
        return
    if args.format == "sarif":
        from goalloc.report import sarif

        text = sarif.render(result, sites)
    elif args.format == "github":
        from goalloc.report import github

        text = github.render(result, sites)
    elif args.format == "html":
        from goalloc.report.html import render_scan

        text = render_scan(result, sites, filters)
    else:
        from goalloc.report import scan_text
        from goalloc.report.terminal import Terminal

        term = Terminal.for_output(args.output)
        text = scan_text.render(result, sites, verbose=args.verbose, term=term, limit=args.limit)
    write_output(text, args.output)

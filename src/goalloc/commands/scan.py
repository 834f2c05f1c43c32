"""goalloc scan: every heap allocation the compiler decides, with its root cause and a fix."""

from __future__ import annotations

import argparse
import fnmatch
import os

from goalloc.errors import EXIT_COMPILE, EXIT_POLICY, UsageError
from goalloc.escape.model import CAUSES, KINDS

FORMATS = ("text", "json", "sarif", "github")

EPILOG = """\
what it reports:
  site    one allocation decision of the compiler (position + expression), heap or stack,
          with its kind, root cause, flow, explanation and fix; inlined copies have an origin
  param   a parameter fact (leaking param ..., or a parameter that does not escape); these are
          not allocations and are not counted as sites

causes (heap sites only):
  returned, closure-captured, goroutine, defer, interface-conversion, call-argument,
  stored-in-heap, channel-send, too-large, non-constant-size, append-growth, reflect,
  method-value, other

examples:
  goalloc scan                          # ./... of the module in the current directory
  goalloc scan --example                # the example service shipped with goalloc
  goalloc scan -C svc ./internal/... -v # flows too
  goalloc scan net/http --format json -o http.json
  goalloc scan --format sarif -o goalloc.sarif   # for code scanning
  goalloc scan --fail-on kind=slice,map --cause returned   # exit 1 if any match

exit codes: 0 ok, 1 --fail-on matched, 2 usage/toolchain/input error,
            3 compile errors (what compiled is still reported)
GOOS, GOARCH, GOFLAGS and GOALLOC_GO (the go binary) are read from the environment.
"""


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "scan", help="heap allocations of a Go module, with root cause and fix",
        description="Ask the Go compiler for its escape analysis (-gcflags=-m=2) of the matched "
                    "packages and report every allocation decision with its root cause and a fix.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("patterns", nargs="*", metavar="PATTERN",
                   help="package patterns as for go build (default ./...)")
    p.add_argument("-C", dest="directory", default=".", metavar="DIR",
                   help="run in DIR, like go -C (default: current directory)")
    p.add_argument("--example", action="store_true",
                   help="scan the example service shipped inside goalloc")
    p.add_argument("--tags", default=None, help="comma-separated build tags")
    p.add_argument("--format", choices=FORMATS, default="text", help="output format (default text)")
    p.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE (atomically)")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="text: show each heap site's flow and the stack sites")
    p.add_argument("--heap-only", action="store_true", help="leave out stack sites")
    p.add_argument("--kind", metavar="K[,K]", help=f"only these kinds: {', '.join(KINDS)}")
    p.add_argument("--cause", metavar="C[,C]", help="only these causes (implies --heap-only)")
    p.add_argument("--package", metavar="GLOB", action="append",
                   help="only packages matching this import path glob (repeatable)")
    p.add_argument("--fail-on", metavar="COND", action="append", default=[],
                   help="exit 1 if any reported heap site matches: kind=K[,K], cause=C[,C], "
                        "package=GLOB, or 'heap' for any (repeatable)")
    p.add_argument("--limit", type=int, default=None, metavar="N",
                   help="text: list at most N heap sites")
    p.add_argument("--no-progress", action="store_true", help="no progress line on stderr")
    p.add_argument("--no-cache", action="store_true",
                   help="analyse every package again instead of reusing results for unchanged "
                        "compiler output (cache: $GOALLOC_CACHE_DIR or ~/.cache/goalloc/scan)")
    _add_rule_options(p)
    p.set_defaults(func=run)


def _add_rule_options(p) -> None:
    p.add_argument("--rules", metavar="ID[,ID]",
                   help="run only these source rules (see 'goalloc lint --help')")
    p.add_argument("--no-rules", nargs="?", const="*", default=None, metavar="ID[,ID]",
                   help="skip these rules, or all rules when given no list")
    p.add_argument("--assume-n", type=int, default=1000, metavar="N",
                   help="trip count assumed for loops whose bound is not constant (default 1000)")


def _split(value: str | None, allowed: tuple, what: str) -> set[str] | None:
    if not value:
        return None
    items = {v.strip() for v in value.split(",") if v.strip()}
    bad = sorted(items - set(allowed))
    if bad:
        raise UsageError(f"unknown {what} {', '.join(bad)}; choose from {', '.join(allowed)}")
    return items


def _parse_fail_on(conditions: list[str]):
    parsed = []
    for cond in conditions:
        if cond == "heap":
            parsed.append(("heap", None))
            continue
        key, sep, value = cond.partition("=")
        if not sep or not value:
            raise UsageError(f"--fail-on {cond!r}: expected kind=..., cause=..., package=... or heap")
        if key == "kind":
            parsed.append(("kind", _split(value, KINDS, "kind")))
        elif key == "cause":
            parsed.append(("cause", _split(value, CAUSES, "cause")))
        elif key == "package":
            parsed.append(("package", {v for v in value.split(",") if v}))
        else:
            raise UsageError(f"--fail-on {cond!r}: unknown key {key!r} (kind, cause, package, heap)")
    return parsed


def _matches(site, key, values) -> bool:
    if site.verdict != "heap":
        return False
    if key == "heap":
        return True
    if key == "package":
        return any(fnmatch.fnmatch(site.package, g) for g in values)
    return getattr(site, key) in values


def example_dir() -> str:
    from importlib import resources

    return str(resources.files("goalloc") / "example")


def select_sites(sites, heap_only=False, kinds=None, causes=None, packages=None):
    out = []
    for s in sites:
        if (heap_only or causes) and s.verdict != "heap":
            continue
        if kinds and s.kind not in kinds:
            continue
        if causes and s.cause not in causes:
            continue
        if packages and not any(fnmatch.fnmatch(s.package, g) for g in packages):
            continue
        out.append(s)
    return out


def run(args) -> int:
    from goalloc.app.scan import scan
    from goalloc.report.output import write_output

    kinds = _split(args.kind, KINDS, "kind")
    causes = _split(args.cause, CAUSES, "cause")
    fail_on = _parse_fail_on(args.fail_on)
    if args.limit is not None and args.limit < 0:
        raise UsageError("--limit must be 0 or more")
    directory, patterns = args.directory, args.patterns
    if args.example:
        if patterns:
            raise UsageError("--example takes no package patterns")
        directory, patterns = example_dir(), ["./..."]
    if args.output and os.path.isdir(args.output):
        raise UsageError(f"--output {args.output} is a directory")

    patterns = patterns or ["./..."]
    _rule_selection(args)  # unknown rule names fail before any work
    result = scan(patterns, directory, tags=args.tags,
                  progress=False if args.no_progress else None, use_cache=not args.no_cache)
    _run_rules(args, result)
    sites = select_sites(result.sites, args.heap_only, kinds, causes, args.package)
    filters = {k: v for k, v in (("heap_only", args.heap_only or bool(causes)),
                                 ("kind", sorted(kinds) if kinds else None),
                                 ("cause", sorted(causes) if causes else None),
                                 ("package", args.package)) if v}
    text = None
    if args.format == "json":
        from goalloc.report import scan_json
        from goalloc.report.output import open_output

        with open_output(args.output) as fh:
            scan_json.write(result, sites, fh, filters)
    elif args.format == "sarif":
        from goalloc.report import sarif

        text = sarif.render(result, sites)
    elif args.format == "github":
        from goalloc.report import github

        text = github.render(result, sites)
    else:
        from goalloc.report import scan_text

        color = not args.output and scan_text.use_color()
        text = scan_text.render(result, sites, verbose=args.verbose, color=color, limit=args.limit)
    if text is not None:
        write_output(text, args.output)

    if result.errors:
        import sys

        first = result.errors[0]
        where = f"{first.file}:{first.line}:{first.col}: " if first.file else ""
        print(f"goalloc: error: {len(result.failed_packages)} package(s) do not compile, "
              f"first: {where}{first.message}", file=sys.stderr)
        return EXIT_COMPILE
    if any(_matches(s, key, values) for s in sites for key, values in fail_on):
        return EXIT_POLICY
    if result.rules_error is not None:
        return result.rules_error.exit_code
    return 0


def _rule_selection(args):
    """(select, exclude) for goalloc.rules, or None when every rule is switched off. Unknown
    rule names fail here, before any work."""
    if args.no_rules == "*" and not args.rules:
        return None
    from goalloc.rules import resolve_rules

    exclude = None if args.no_rules in (None, "*") else [args.no_rules]
    select = [args.rules] if args.rules else None
    if args.assume_n < 1:
        raise UsageError(f"--assume-n must be at least 1, not {args.assume_n}")
    resolve_rules(select, exclude)
    return select, exclude


def _run_rules(args, result) -> None:
    """Source rules (goalloc.rules) add findings next to the sites they explain. They run
    after the compiler: on a cold cache the facts helper then finds the dependencies' export
    data already built, and on a warm one its answer comes from goalloc's cache. If facts
    cannot be had, the escape report stands and the failure is one line on stderr."""
    import sys

    from goalloc.errors import GoallocError

    selection = _rule_selection(args)
    if selection is None:
        return
    select, exclude = selection
    from goalloc.collect.facts import collect_facts
    from goalloc.rules import run_rules
    from goalloc.collect.toolchain import find_toolchain

    tc = find_toolchain()
    try:
        from goalloc.collect.compiler import build_flags

        facts = collect_facts(tc, result.directory, result.patterns, allow_errors=True,
                              build_flags=build_flags(args.tags))
        result.findings = run_rules(facts, result.sites, go_version=tc.release_str,
                                    assume_n=args.assume_n, select=select, exclude=exclude)
    except GoallocError as exc:
        print(f"goalloc: warning: source rules skipped: {exc}", file=sys.stderr)
        result.rules_error = exc

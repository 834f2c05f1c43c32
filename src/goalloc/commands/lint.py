"""goalloc lint: type-aware fix-it findings (rules over source facts and escape sites)."""

from __future__ import annotations

import argparse
import sys

HELP = "fix-it findings with their modeled cost (prealloc-slice, map-size-hint, ...)"


def register(subparsers) -> None:
    from goalloc.rules import RULES  # cheap: pure Python

    epilog = "rules:\n" + "\n".join(f"  {rid:20s} {r.title}" for rid, r in RULES.items())
    p = subparsers.add_parser("lint", help=HELP, description=HELP, epilog=epilog,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("patterns", nargs="*", default=["./..."], metavar="PATTERNS",
                   help="Go package patterns (default ./...)")
    p.add_argument("-C", dest="directory", default=".", metavar="DIR",
                   help="run in DIR (a Go module)")
    p.add_argument("--rules", action="append", metavar="IDS",
                   help="run only these rules (comma-separated, repeatable)")
    p.add_argument("--no-rules", action="append", metavar="IDS", dest="no_rules",
                   help="skip these rules (comma-separated, repeatable)")
    p.add_argument("--assume-n", type=int, default=1000, metavar="N",
                   help="trip count assumed for loops whose bound is not a constant "
                        "(default 1000)")
    p.add_argument("--no-escape", action="store_true",
                   help="do not run the compiler's escape analysis (rules that need it, "
                        "box-in-loop and closure-capture, then report nothing)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE")
    p.add_argument("--fail-on-findings", action="store_true",
                   help="exit 1 when there is any finding")
    p.set_defaults(func=run)


def run(args) -> int:
    from goalloc.errors import EXIT_OK, EXIT_POLICY, GoallocError, UsageError
    from goalloc.collect.facts import collect_facts
    from goalloc.report.findings_json import dumps, lint_document
    from goalloc.report.findings_text import format_findings
    from goalloc.report.output import write_output
    from goalloc.rules import resolve_rules, run_rules
    from goalloc.collect.toolchain import find_toolchain

    if args.assume_n < 1:
        raise UsageError(f"--assume-n must be at least 1, not {args.assume_n}")
    rules = resolve_rules(args.rules, args.no_rules)  # unknown names fail before any work
    ids = [r.id for r in rules]
    tc = find_toolchain()
    facts = collect_facts(tc, args.directory, args.patterns)
    sites = []
    escape = "not run (--no-escape)"
    if args.no_escape or not any(r.needs_sites for r in rules):
        if not args.no_escape:
            escape = "not needed by the selected rules"
    else:
        try:
            from goalloc.app.scan import scan
        except ImportError:
            escape = "unavailable (goalloc.escape has no scanner)"
        else:
            try:
                result = scan(list(args.patterns), args.directory, toolchain=tc, progress=False)
                sites = list(result.sites)
                escape = f"{len(sites)} sites"
            except GoallocError as exc:
                escape = f"unavailable: {exc}"
                print(f"goalloc: warning: escape analysis failed, rules that need it report "
                      f"nothing: {exc}", file=sys.stderr)
    findings = run_rules(facts, sites, go_version=tc.release_str, assume_n=args.assume_n,
                         select=ids)
    if args.format == "json":
        doc = lint_document(findings, go_version=tc.version, goarch=facts.goarch,
                            assume_n=args.assume_n, rules=ids,
                            packages=[p.path for p in facts.packages], escape=escape)
        text = dumps(doc)
    else:
        text = format_findings(findings)
    write_output(text, args.output)
    return EXIT_POLICY if (args.fail_on_findings and findings) else EXIT_OK

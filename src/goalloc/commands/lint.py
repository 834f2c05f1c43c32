"""goalloc lint: type-aware fix-it findings (rules over source facts and escape sites)."""

from __future__ import annotations

import sys

from goalloc.commands import options
from goalloc.errors import EXIT_OK, EXIT_POLICY

HELP = "fix-it findings with their modeled cost (prealloc-slice, map-size-hint, ...)"

EXAMPLES = """\
examples:
  goalloc lint                          # ./... of the module here
  goalloc lint --example
  goalloc lint ./internal/... --rules prealloc-slice,map-size-hint
  goalloc lint --no-rules box-in-loop --format json -o findings.json
  goalloc lint --fail-on findings       # exit 1 when there is any finding (CI)"""


def register(subparsers) -> None:
    from goalloc.rules import RULES  # cheap: pure Python

    rules = "rules:\n" + "\n".join(f"  {rid:20s} {r.title}" for rid, r in RULES.items())
    p = options.add_parser(subparsers, "lint", help=HELP,
                           epilog_text=rules + "\n\n" + EXAMPLES)
    options.add_module(p)
    options.add_tags(p)
    options.add_gcflags(p)
    options.add_rules(p, lint=True)
    p.add_argument("--no-escape", action="store_true",
                   help="do not run the compiler's escape analysis (rules that need it, "
                        "box-in-loop and closure-capture, then report nothing)")
    options.add_format(p)
    options.add_output(p)
    p.add_argument("--fail-on", metavar="COND", action="append", default=[],
                   help="exit 1 when COND matches: findings (any), or rule=ID[,ID]")
    p.add_argument("--fail-on-findings", action="store_true",
                   help="the same as --fail-on findings")
    options.add_progress(p)
    options.add_cache(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from goalloc.app.lint import LintOptions, lint
    from goalloc.app.scan import check_policy
    from goalloc.commands.scan import parse_fail_on, report_policy, warn
    from goalloc.errors import UsageError
    from goalloc.report.output import write_output

    conditions = parse_fail_on(args.fail_on + (["findings"] if args.fail_on_findings else []))
    if any(c.key not in ("findings", "rule") for c in conditions):
        raise UsageError("lint's --fail-on takes findings or rule=ID[,ID]")
    directory, patterns = options.resolve_module(args)
    options.check_output(args)
    opts = LintOptions(directory, patterns, tags=args.tags, gcflags=args.gcflags,
                       rules=options.rule_selection(args, lint=True),
                       run_escape=not args.no_escape, use_cache=not args.no_cache)
    result = lint(opts, progress=options.progress_for(args), warn=warn)
    if args.format == "json":
        from goalloc.report.findings_json import render

        text = render(result)
    else:
        from goalloc.report.findings_text import format_findings

        from goalloc.report.terminal import fit_text

        text = fit_text(format_findings(result.findings), args.output)
    write_output(text, args.output)
    if result.broken:
        from goalloc.errors import EXIT_COMPILE

        path, first = result.broken[0]
        more = (f"; {len(result.broken) - 1} more package(s) do not type-check"
                if len(result.broken) > 1 else "")
        rest = "; the other packages' findings are reported" if result.packages else ""
        print(f"goalloc: error: package {path} does not type-check: {first}{more}{rest}",
              file=sys.stderr)
        return EXIT_COMPILE
    matches = check_policy(conditions, [], result.findings)
    if matches:
        report_policy(matches)
        return EXIT_POLICY
    return EXIT_OK

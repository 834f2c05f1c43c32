"""goalloc check: fail only on what is new since the baseline (or a git revision), on broken
in-code contracts and on exceeded budgets (docs/guard.md)."""

from __future__ import annotations

import argparse
import sys

from goalloc.commands import options
from goalloc.errors import EXIT_COMPILE, EXIT_OK, EXIT_POLICY, GoallocError, UsageError

EPILOG = """\
what fails (exit 1):
  a heap site or rule finding whose fingerprint is not in the baseline, unless an [[allow]]
  entry of goalloc.toml or a //goalloc:ignore CAUSE reason accepts it, and [fail] selects it;
  a //goalloc:noescape or //goalloc:noalloc the compiler breaks, a malformed contract;
  more heap sites in a package or function than [budgets.packages]/[budgets.functions] allow.
Only those are printed. Unchanged sites, sites gone since the baseline and stale contracts
are counted. The policy is goalloc.toml next to go.mod (or --config FILE).

formats: text, json, sarif (baselineState and fingerprints), github (annotations for new
sites only), markdown (a pull-request comment), junit, codeclimate (GitLab Code Quality).

examples:
  goalloc baseline && git add .goalloc/baseline.json   # once: accept what is there
  goalloc check                                  # exit 1 only for what is new
  goalloc check --new-from-rev origin/main       # against a revision instead of a file
  goalloc check --format github --report markdown=summary.md --report sarif=goalloc.sarif
  goalloc check --shard 1/4 --format json -o shard1.json   # one runner of a CI matrix

""" + options.ENVIRONMENT


def add_guard_options(p) -> None:
    """What baseline and check share: the module, tags, rules, policy and shard. No
    --example: a baseline belongs next to the module's go.mod, not inside goalloc."""
    options.add_module(p, example=False)
    options.add_tags(p)
    p.add_argument("--config", metavar="FILE",
                   help="the policy file (default: goalloc.toml next to go.mod, if any)")
    p.add_argument("--shard", metavar="I/N",
                   help="only the packages of shard I of N (a stable split by import path)")
    options.add_progress(p)
    options.add_cache(p)
    options.add_rules(p)


def guard_options(args, cls):
    """A GuardOptions (or CheckOptions) from the shared arguments."""
    from goalloc.guard.shard import Shard

    shard = None
    if args.shard:
        try:
            shard = Shard.parse(args.shard)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    directory, patterns = options.resolve_module(args)
    return cls(directory, patterns, tags=args.tags, use_cache=not args.no_cache,
               rules=options.rule_selection(args), config=args.config, shard=shard)


def parse_reports(values: list[str] | None) -> list[tuple[str, str]]:
    from goalloc.report.guard_formats import FORMATS

    out = []
    for value in values or []:
        fmt, sep, path = value.partition("=")
        if not sep or not path:
            raise UsageError(f"--report {value!r}: expected FORMAT=FILE, e.g. markdown=summary.md")
        if fmt not in FORMATS:
            raise UsageError(f"--report {value!r}: unknown format {fmt!r}; choose from "
                             f"{', '.join(FORMATS)}")
        out.append((fmt, path))
    return out


def register(subparsers) -> None:
    from goalloc.report.guard_formats import FORMATS

    p = options.add_parser(
        subparsers, "check",
        help="fail on heap allocations that are new since the baseline (a CI gate)",
        description="Scan the module and compare it with the baseline (goalloc baseline) or "
                    "a git revision: exit 1 only for what is new, broken in-code contracts "
                    "and exceeded budgets.",
        epilog_text=EPILOG)
    add_guard_options(p)
    source = p.add_mutually_exclusive_group()
    source.add_argument("--baseline", metavar="FILE",
                        help="the baseline (default: [baseline] file of the policy, else "
                             ".goalloc/baseline.json at the module root)")
    source.add_argument("--new-from-rev", metavar="REV",
                        help="compare with git revision REV (scanned in a temporary worktree) "
                             "instead of a baseline file")
    options.add_format(p, FORMATS)
    options.add_output(p)
    p.add_argument("--report", action="append", metavar="FORMAT=FILE",
                   help="also write the report in FORMAT to FILE (repeatable)")
    p.set_defaults(func=run)


def warn(message: str) -> None:
    print(f"goalloc: warning: {message}", file=sys.stderr)


def write_reports(report, fmt: str, output: str | None, extra: list[tuple[str, str]]) -> None:
    from goalloc.report.guard_formats import render
    from goalloc.report.output import write_output
    from goalloc.report.terminal import Terminal

    write_output(render(report, fmt, Terminal.for_output(output)), output)
    for extra_fmt, path in extra:
        write_output(render(report, extra_fmt, Terminal.for_output(path)), path)


def say_compile_errors(errors: list, packages: int, then: str = "") -> None:
    first = errors[0]
    where = f"{first.file}:{first.line}:{first.col}: " if first.file else ""
    print(f"goalloc: error: {packages} package(s) do not compile, first: {where}"
          f"{first.message}{then}", file=sys.stderr)


def exit_code(report) -> int:
    if report.errors:
        say_compile_errors(report.errors, len(report.failed_packages))
        return EXIT_COMPILE
    return EXIT_OK if report.passed else EXIT_POLICY


def run(args) -> int:
    from goalloc.app.guard import CheckOptions, check

    opts = guard_options(args, CheckOptions)
    opts.baseline = args.baseline
    opts.new_from_rev = args.new_from_rev
    extra = parse_reports(args.report)
    options.check_output(args)
    for _, path in extra:
        options.check_output(argparse.Namespace(output=path))
    report = check(opts, progress=options.progress_for(args), warn=warn)
    for line in report.warnings:
        warn(line)
    write_reports(report, args.format, args.output, extra)
    return exit_code(report)


def scan_contracts(result, tags: str | None) -> bool:
    """For goalloc scan: judge the in-code contracts of what it scanned, say on stderr which
    are broken or stale; True when one is broken."""
    from goalloc.app.guard import scan_contracts as judge
    from goalloc.report.guard_text import contract_line

    try:
        results = judge(result, tags)
    except GoallocError as exc:  # the scan's report stands; say why contracts were not read
        warn(f"in-code contracts not checked: {exc}")
        return False
    for c in results:
        if c.status != "ok":
            kind = "error" if c.fails else "warning"
            print(f"goalloc: {kind}: {contract_line(c)}", file=sys.stderr)
    return any(c.fails for c in results)

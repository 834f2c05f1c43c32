"""Rules: small checks that read source facts and escape sites and yield fix-it findings.

    from goalloc.rules import run_rules, RULES
    findings = run_rules(facts, sites, go_version="1.27", assume_n=1000, select=None)

Each rule is one module with a ``RULE`` (id, title, doc, check). ``RULES`` maps ids to rules
in report order. A finding is suppressed by ``//goalloc:ignore RULE[,RULE...] reason`` at
the end of its line or alone on the line above (``all`` suppresses every rule).
"""

from __future__ import annotations

from goalloc.errors import UsageError
from goalloc.rules import (box_in_loop, closure_capture, conversion_in_loop, large_copy,
                           map_never_shrinks, map_size_hint, prealloc_slice)
from goalloc.rules.base import Context, Cost, Estimate, Finding, Fix, Rule

__all__ = ["RULES", "Context", "Cost", "Estimate", "Finding", "Fix", "Rule", "find",
           "resolve_rules", "run_rules"]

RULES: dict[str, Rule] = {m.RULE.id: m.RULE for m in (
    prealloc_slice, map_size_hint, map_never_shrinks, box_in_loop, conversion_in_loop,
    large_copy, closure_capture)}


def _split(names) -> list[str]:
    out = []
    for item in names or []:
        out += [n.strip() for n in str(item).split(",") if n.strip()]
    return out


def resolve_rules(select=None, exclude=None) -> list[Rule]:
    """The rules to run: ``select`` (ids, or comma-separated strings; None means all)
    minus ``exclude``. Unknown ids raise UsageError."""
    chosen = _split(select) if select is not None else list(RULES)
    excluded = _split(exclude)
    for name in chosen + excluded:
        if name not in RULES:
            raise UsageError(f"unknown rule {name!r} (known rules: {', '.join(RULES)})")
    return [RULES[n] for n in RULES if n in chosen and n not in excluded]


def _ignores(facts) -> dict[tuple[str, int], set[str]]:
    out: dict[tuple[str, int], set[str]] = {}
    for pkg in getattr(facts, "packages", []) or []:
        for ig in pkg.get("ignores", []):
            rules = set(ig.get("rules") or [])
            lines = [ig["line"]]
            if ig.get("own_line"):
                lines = [ig["line"] + 1]
            for ln in lines:
                out.setdefault((ig["file"], ln), set()).update(rules)
    return out


def run_rules(facts, sites=None, *, go_version: str, assume_n: int = 1000, select=None,
              exclude=None) -> list[Finding]:
    """Run the selected rules over ``facts`` (goalloc.facts.Facts) and escape ``sites``
    (goalloc.escape.model.Site list; may be empty: rules that need it report nothing).
    Findings are sorted by file, line, column and rule; suppressed ones are dropped."""
    if not isinstance(assume_n, int) or assume_n < 1:
        raise UsageError(f"--assume-n must be a positive integer, not {assume_n!r}")
    rules = resolve_rules(select, exclude)
    ctx = Context(facts, sites or [], go_version, assume_n)
    ignores = _ignores(facts)
    findings: list[Finding] = []
    seen = set()
    for rule in rules:
        for f in rule.check(ctx):
            ign = ignores.get((f.file, f.line), set())
            if f.rule in ign or "all" in ign:
                continue
            key = (f.rule, f.file, f.line, f.col)
            if key in seen:
                continue
            seen.add(key)
            findings.append(f)
    findings.sort(key=lambda f: (f.file, f.line, f.col, f.rule))
    return findings


def find(directory, patterns, sites=None, *, toolchain=None, assume_n: int = 1000, select=None,
         exclude=None, env=None) -> list[Finding]:
    """Facts + rules in one call, for ``goalloc scan``: collect facts for ``patterns`` in
    ``directory`` and run the rules with the escape ``sites`` already scanned.

    Raises GoallocError (FactsError for a package that does not type-check, ToolchainError for
    a helper that does not build, UsageError for an unknown rule): the caller can report it in
    one line and keep its escape report."""
    from goalloc.facts import collect_facts
    from goalloc.collect.toolchain import find_toolchain

    rules = resolve_rules(select, exclude)  # fail on unknown names before any work
    tc = toolchain or find_toolchain()
    facts = collect_facts(tc, directory, list(patterns or ["./..."]), env=env)
    return run_rules(facts, sites or [], go_version=tc.release_str, assume_n=assume_n,
                     select=[r.id for r in rules])

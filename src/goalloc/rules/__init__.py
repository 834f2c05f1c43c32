"""Rules: small checks that read source facts and escape sites and yield fix-it findings.

    from goalloc.rules import run_rules, RULES
    findings = run_rules(facts, sites, go_version="1.27", assume_n=1000, select=None)

Each rule is one module with a ``RULE`` (id, title, doc, the fact families it needs, and
its run function); ``RULES`` maps ids to rules in report order. A finding is suppressed by
``//goalloc:ignore RULE[,RULE...] reason`` at the end of its line or alone on the line
above (``all`` suppresses every rule). Facts come from goalloc.collect.facts.collect_facts.
"""

from __future__ import annotations

from goalloc.errors import InputError
from goalloc.facts import Facts
from goalloc.rules import (box_in_loop, closure_capture, constant_error, conversion_in_loop,
                           large_copy, map_never_shrinks, map_size_hint, prealloc_slice)
from goalloc.rules.base import Context, Cost, Estimate, Finding, Fix, Rule

__all__ = ["RULES", "Context", "Cost", "Estimate", "Finding", "Fix", "Rule", "resolve_rules",
           "run_rules"]

RULES: dict[str, Rule] = {m.RULE.id: m.RULE for m in (
    prealloc_slice, map_size_hint, map_never_shrinks, box_in_loop, conversion_in_loop,
    large_copy, closure_capture, constant_error)}


def _split(names) -> list[str]:
    out = []
    for item in names or []:
        out += [n.strip() for n in str(item).split(",") if n.strip()]
    return out


def resolve_rules(select=None, exclude=None) -> list[Rule]:
    """The rules to run: ``select`` (ids, or comma-separated strings; None means all)
    minus ``exclude``. Unknown ids raise InputError."""
    chosen = _split(select) if select is not None else list(RULES)
    excluded = _split(exclude)
    for name in chosen + excluded:
        if name not in RULES:
            raise InputError(f"unknown rule {name!r} (known rules: {', '.join(RULES)})")
    return [RULES[n] for n in RULES if n in chosen and n not in excluded]


def _ignores(facts: Facts) -> dict[tuple[str, int], set[str]]:
    """(file, line) -> the rules suppressed there."""
    out: dict[tuple[str, int], set[str]] = {}
    for pkg in facts.packages:
        for ig in pkg.ignores:
            line = ig.line + 1 if ig.own_line else ig.line
            out.setdefault((ig.file, line), set()).update(ig.rules)
    return out


def run_rules(facts: Facts, sites=None, *, go_version: str, assume_n: int = 1000, select=None,
              exclude=None) -> list[Finding]:
    """Run the selected rules over ``facts`` and escape ``sites`` (goalloc.escape.model.Site
    list; may be empty: rules that need them then report nothing). Findings are sorted by
    file, line, column and rule; suppressed ones are dropped."""
    if not isinstance(assume_n, int) or assume_n < 1:
        raise InputError(f"the assumed trip count must be a positive integer, not {assume_n!r}")
    rules = resolve_rules(select, exclude)
    ctx = Context(facts, sites or [], go_version, assume_n)
    ignores = _ignores(facts)
    findings: list[Finding] = []
    seen = set()
    for rule in rules:
        if rule.needs_sites and not ctx.sites:
            continue
        for f in rule.run(ctx.for_rule(rule)):
            ign = ignores.get((f.file, f.line), set())
            key = (f.rule, f.file, f.line, f.col)
            if f.rule in ign or "all" in ign or key in seen:
                continue
            seen.add(key)
            findings.append(f)
    findings.sort(key=lambda f: (f.file, f.line, f.col, f.rule))
    return findings

"""`goalloc check` as text: only what fails the gate (new sites and findings, broken
contracts, exceeded budgets), each with its cause, the compiler's reason, the fix and the
priority when the site has one; then one line of counts."""

from __future__ import annotations

from goalloc.report.terminal import Terminal, fit_lines


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def site_line(site) -> str:
    tags = [site.kind, site.cause or "other"]
    priority = getattr(site, "priority", None)
    if priority:
        tags.append(f"priority {priority}")
    where = f" in {site.function}" if site.function else ""
    return f"{site.file}:{site.line}:{site.col}: {site.expr}{where} [{', '.join(tags)}]"


def finding_line(f) -> str:
    where = f" in {f.function}" if f.function else ""
    return f"{f.file}:{f.line}:{f.col}: {f.rule}{where}: {f.message}"


def contract_line(c) -> str:
    k = c.contract
    names = f" {','.join(k.names)}" if k.names else ""
    what = f"//goalloc:{k.verb}{names}"
    if k.function:
        what += f" ({k.function})"
    return f"{k.file}:{k.line}: {what} {c.status}: {c.message}"


def budget_line(b) -> str:
    noun = "heap site" if b.count == 1 else "heap sites"
    return (f"{b.name}: {b.count} {noun}, budget {b.budget.limit} "
            f"({b.budget.scope} budget at {b.budget.where})")


def headline(report) -> str:
    s = report.summary()
    failing = []
    if s["failing_sites"]:
        failing.append(_plural(s["failing_sites"], "new heap site"))
    if s["failing_findings"]:
        failing.append(_plural(s["failing_findings"], "new finding"))
    if s["broken_contracts"]:
        failing.append(_plural(s["broken_contracts"], "broken contract"))
    if s["budgets_exceeded"]:
        failing.append(_plural(s["budgets_exceeded"], "exceeded budget"))
    verdict = "FAIL: " + ", ".join(failing) if failing else "ok: nothing new fails the gate"
    return f"goalloc check: {verdict}"


def counts(report) -> str:
    s = report.summary()
    parts = [f"{s['unchanged_sites']} unchanged heap sites",
             f"{s['unchanged_findings']} unchanged findings"]
    exempt = sum(1 for i in report.sites + report.findings
                 if i.state == "new" and not i.fails and not i.allowed)
    if exempt:
        parts.append(f"{exempt} new but not selected by [fail]")
    if s["allowed"]:
        parts.append(f"{s['allowed']} allowed")
    gone = s["absent_sites"] + s["absent_findings"]
    if gone:
        parts.append(f"{gone} gone since the baseline (run 'goalloc baseline' to record it)")
    if s["stale_contracts"]:
        parts.append(_plural(s["stale_contracts"], "stale contract"))
    return f"against {report.baseline_source}: " + ", ".join(parts)


def render(report, term: Terminal | None = None) -> str:
    term = term or Terminal()
    lines = [term.bold(headline(report)), counts(report)]
    failing = report.failing
    sites = [i.subject for i in failing if i.is_site]
    findings = [i.subject for i in failing if not i.is_site]
    if sites:
        lines += ["", term.bold("new heap sites:")]
        for s in sites:
            lines.append("  " + term.heap(site_line(s)))
            if s.explanation:
                lines.append(f"      why: {s.explanation}")
            if s.suggestion:
                lines.append(f"      fix: {s.suggestion}")
    if findings:
        lines += ["", term.bold("new findings:")]
        for f in findings:
            lines.append("  " + finding_line(f))
            if f.fix is not None:
                lines.append(f"      fix: {f.fix.description}")
    contracts = [c for c in report.contracts if c.status != "ok"]
    if contracts:
        lines += ["", term.bold("contracts:")]
        lines += ["  " + (term.red(contract_line(c)) if c.fails else contract_line(c))
                  for c in contracts]
    if report.exceeded_budgets:
        lines += ["", term.bold("budgets exceeded:")]
        lines += ["  " + budget_line(b) for b in report.exceeded_budgets]
    if report.errors:
        lines += ["", term.bold("compile errors:")]
        lines += [f"  {e.file}:{e.line}:{e.col}: {e.message}" if e.file else f"  {e.message}"
                  for e in report.errors]
    return fit_lines(lines, term)

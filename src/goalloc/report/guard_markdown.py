"""`goalloc check --format markdown`: a summary for a pull-request comment or a CI job summary
(GitHub-flavoured Markdown: a headline, counts, and tables of what fails)."""

from __future__ import annotations

from goalloc.report.guard_text import budget_line, counts, headline


def _cell(text) -> str:
    """Table-cell text: pipes escaped, one line."""
    return str(text if text is not None else "").replace("\\", "\\\\").replace("|", "\\|") \
        .replace("\r", " ").replace("\n", " ")


def _code(text: str) -> str:
    text = _cell(text)
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def render(report) -> str:
    icon = ":white_check_mark:" if report.passed else ":x:"
    lines = [f"### {icon} {headline(report)}", "", counts(report) + ".", ""]
    failing = report.failing
    sites = [i for i in failing if i.is_site]
    findings = [i for i in failing if not i.is_site]
    if sites:
        lines += ["#### New heap sites", "",
                  "| where | allocation | kind | cause | priority | why | fix |",
                  "|---|---|---|---|---|---|---|"]
        for i in sites:
            s = i.subject
            lines.append(f"| {_code(f'{s.file}:{s.line}')} | {_code(s.expr)} in "
                         f"{_cell(s.function)} | {_cell(s.kind)} | {_cell(s.cause)} | "
                         f"{_cell(getattr(s, 'priority', None) or '')} | "
                         f"{_cell(s.explanation)} | {_cell(s.suggestion)} |")
        lines.append("")
    if findings:
        lines += ["#### New findings", "", "| where | rule | finding | fix |", "|---|---|---|---|"]
        for i in findings:
            f = i.subject
            lines.append(f"| {_code(f'{f.file}:{f.line}')} | {_cell(f.rule)} | "
                         f"{_cell(f.message)} | {_cell(f.fix.description if f.fix else '')} |")
        lines.append("")
    contracts = [c for c in report.contracts if c.status != "ok"]
    if contracts:
        lines += ["#### Contracts", "", "| where | contract | status | reason |",
                  "|---|---|---|---|"]
        for c in contracts:
            k = c.contract
            lines.append(f"| {_code(f'{k.file}:{k.line}')} | {_code(k.text)} | {c.status} | "
                         f"{_cell(c.message)} |")
        lines.append("")
    if report.exceeded_budgets:
        lines += ["#### Budgets exceeded", ""]
        lines += [f"- {_cell(budget_line(b))}" for b in report.exceeded_budgets]
        lines.append("")
    if report.errors:
        lines += ["#### Compile errors", ""]
        lines += [f"- {_code(f'{e.file}:{e.line}') + ' ' if e.file else ''}{_cell(e.message)}"
                  for e in report.errors]
        lines.append("")
    lines.append("<sub>goalloc check; fingerprints and the baseline: docs/guard.md</sub>")
    return "\n".join(lines) + "\n"

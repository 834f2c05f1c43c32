"""`goalloc check --format github`: GitHub Actions annotations for what fails the gate only
(new sites and findings, broken contracts as errors; stale contracts as warnings; exceeded
budgets on the policy file), then one summary line."""

from __future__ import annotations

from goalloc.report.github import annotation
from goalloc.report.guard_text import budget_line, headline


def render(report) -> str:
    lines = []
    for item in report.failing:
        s = item.subject
        if item.is_site:
            if s.file.startswith(("<", "/")):
                continue
            msg = s.explanation + (f"\nFix: {s.suggestion}" if s.suggestion else "")
            priority = getattr(s, "priority", None)
            title = f"new heap allocation ({s.cause}{', ' + priority if priority else ''}): {s.expr}"
            lines.append(annotation("error", s.file, s.line, s.col, title, msg))
        else:
            fix = f"\nFix: {s.fix.description}" if s.fix else ""
            lines.append(annotation("error", s.file, s.line, s.col, f"new finding {s.rule}",
                                    s.message + fix))
    for c in report.contracts:
        if c.status == "ok":
            continue
        k = c.contract
        lines.append(annotation("error" if c.fails else "warning", k.file, k.line, 0,
                                f"{k.text} {c.status}", c.message))
    for b in report.exceeded_budgets:
        where, _, line = b.budget.where.rpartition(":")
        lines.append(annotation("error", where, int(line) if line.isdigit() else 0, 0,
                                "heap-site budget exceeded", budget_line(b)))
    for e in report.errors:
        if e.file:
            lines.append(annotation("error", e.file, e.line, e.col, "compile error", e.message))
    lines.append(headline(report))
    return "\n".join(lines) + "\n"

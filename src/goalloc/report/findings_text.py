"""Rule findings as text: one block per finding, grouped by file, fix and estimate below."""

from __future__ import annotations

from goalloc.rules.base import Finding, fmt_bytes


def format_finding(f: Finding, indent: str = "") -> str:
    lines = [f"{indent}{f.file}:{f.line}:{f.col}: [{f.rule}] {f.message}"]
    if f.fix:
        lines.append(f"{indent}    fix: {f.fix.description}")
        if f.fix.replacement and f.fix.line is not None:
            for e in f.fix.edits():
                verb = "insert at" if (e.line, e.col) == (e.end_line, e.end_col) else "replace"
                where = (f"{e.line}:{e.col}" if verb == "insert at"
                         else f"{e.line}:{e.col}-{e.end_line}:{e.end_col}")
                lines.append(f"{indent}    {verb} {where}: {e.replacement.strip()}")
    if f.lab:
        lines.append(f"{indent}    measure: {f.lab}")
    if f.estimate and f.estimate.after is not None:
        b, a = f.estimate.before, f.estimate.after
        lines.append(f"{indent}    modeled at n={f.estimate.n:,}: {b.allocations:,} allocations, "
                     f"{fmt_bytes(b.bytes)} -> {a.allocations:,} allocations, "
                     f"{fmt_bytes(a.bytes)}")
    return "\n".join(lines)


def format_findings(findings: list[Finding], *, header: bool = True) -> str:
    if not findings:
        return "no findings"
    out = []
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.rule] = counts.get(f.rule, 0) + 1
        out.append(format_finding(f))
    if header:
        summary = ", ".join(f"{rule} {n}" for rule, n in sorted(counts.items()))
        out.append(f"\n{len(findings)} findings ({summary})")
    return "\n".join(out)

"""Text and JSON reports for ``goalloc bench`` and ``goalloc bench compare``."""

from __future__ import annotations

import json

from goalloc.goinfo import GoInfo
from goalloc.report.envelope import document
import math
import os

from goalloc.benchstat.compare import CompareResult, Row, UnitTable

SCHEMA_VERSION = 1

_SI = [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"), (1, ""), (1e-3, "m"), (1e-6, "µ"),
       (1e-9, "n"), (1e-12, "p")]
_BINARY = [(1 << 40, "Ti"), (1 << 30, "Gi"), (1 << 20, "Mi"), (1 << 10, "Ki"), (1, "")]


# Units benchstat shows in base units: ns/op as sec/op, MB/s (10^6 bytes) as B/s.
_DISPLAY = {"ns/op": ("sec/op", 1e-9), "MB/s": ("B/s", 1e6)}


def display_unit(unit: str) -> str:
    """The unit as the text report shows it (values are scaled accordingly)."""
    return _DISPLAY.get(unit, (unit, 1))[0]


def _four_digits(x: float) -> str:
    if x == 0:
        return "0"
    a = abs(x)
    digits = max(0, 3 - int(math.floor(math.log10(a)))) if a < 1000 else 0
    return f"{x:.{digits}f}"


def format_value(value: float, unit: str) -> str:
    """A value with an SI (or, for bytes, binary) prefix and four significant digits."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "?"
    if unit in _DISPLAY:
        unit, scale = _DISPLAY[unit]
        value = value * scale
    if value == 0:
        return "0"
    table = _BINARY if unit.startswith("B/") or unit == "B" else _SI
    a = abs(value)
    for size, prefix in table:
        if a >= size * 0.9995 or size == table[-1][0]:
            if table is _BINARY and size == 1 and a < 1:
                return _four_digits(value)
            return _four_digits(value / size) + prefix
    return _four_digits(value)


_SUPER = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _layout(lines: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(r[i]) for r in lines if i < len(r))
              for i in range(max(len(r) for r in lines))]
    out = []
    for r in lines:
        cells = []
        for i, cell in enumerate(r):
            cells.append(cell.rjust(widths[i]) if i in right else cell.ljust(widths[i]))
        out.append("  ".join(cells).rstrip())
    return out


def render_compare_text(res: CompareResult) -> str:
    out: list[str] = []
    for key, value in res.config.items():
        if key in ("goos", "goarch", "pkg", "cpu"):
            out.append(f"{key}: {value}")
    old_label = os.path.basename(res.old_source) or res.old_source
    new_label = os.path.basename(res.new_source) or res.new_source
    footnotes: list[str] = []

    def mark(msgs: list[str]) -> str:
        marks = []
        for msg in msgs:
            if msg not in footnotes:
                footnotes.append(msg)
            marks.append(str(footnotes.index(msg) + 1).translate(_SUPER))
        return " ".join(marks)

    for table in res.tables:
        unit = table.unit
        lines = [["", f"{old_label}", "", f"{new_label}", "", "", ""],
                 ["", display_unit(unit), "", display_unit(unit), "", "vs base", ""]]
        for row in table.rows:
            lines.append(_row_cells(row, mark))
        if len(table.rows) > 1:
            gm = ["geomean",
                  format_value(table.old_geomean, unit) if table.old_geomean else "",
                  "",
                  format_value(table.new_geomean, unit) if table.new_geomean else "",
                  "",
                  (f"{table.geomean_delta_pct:+.2f}%" if table.geomean_delta_pct is not None
                   else "?"),
                  mark(table.warnings)]
            lines.append(gm)
        if out:
            out.append("")
        out.extend(_layout(lines, right={1, 3, 5}))
    if footnotes:
        out.append("")
        for i, msg in enumerate(footnotes, 1):
            out.append(f"{str(i).translate(_SUPER)} {msg}")
    if res.only_old:
        out.append(f"only in {old_label}: {', '.join(res.only_old)}")
    if res.only_new:
        out.append(f"only in {new_label}: {', '.join(res.only_new)}")
    for note in res.notes:
        out.append(f"note: {note}")
    return "\n".join(out) + "\n"


def _cell(summary, unit: str) -> str:
    if summary is None:
        return ""
    return f"{format_value(summary.center, unit)} ± {summary.range_str()}"


def _row_cells(row: Row, mark) -> list[str]:
    warn_old = mark(row.old.warnings) if row.old else ""
    warn_new = mark(row.new.warnings) if row.new else ""
    delta, detail = "", ""
    if row.comparison is not None:
        c = row.comparison
        n = f"n={c.n1}" if c.n1 == c.n2 else f"n={c.n1}+{c.n2}"
        delta = row.delta_str
        detail = f"(p={c.p:.3f} {n})"
        w = mark(c.warnings)
        if w:
            detail += " " + w
    return [row.name, _cell(row.old, row.unit), warn_old, _cell(row.new, row.unit), warn_new,
            delta, detail]


def _num(x: float | None):
    if x is None or (isinstance(x, float) and (math.isinf(x) or math.isnan(x))):
        return None
    return x


def _ci(summary) -> list | None:
    if summary is None:
        return None
    return [_num(summary.lo), _num(summary.hi)]


def compare_json(res: CompareResult) -> dict:
    comparisons = []
    all_warnings: list[str] = []

    def collect(msgs):
        for m in msgs:
            if m not in all_warnings:
                all_warnings.append(m)

    for table in res.tables:
        for row in table.rows:
            if row.comparison is None:
                continue
            c = row.comparison
            warnings = row.old.warnings + row.new.warnings + c.warnings
            collect(warnings)
            comparisons.append({
                "pkg": row.pkg,
                "name": row.name,
                "unit": row.unit,
                "old_median": row.old.center,
                "new_median": row.new.center,
                "old_ci": _ci(row.old),
                "new_ci": _ci(row.new),
                "old_n": c.n1,
                "new_n": c.n2,
                "delta_pct": _num(row.delta_pct),
                "p": c.p,
                "significant": c.significant,
                "delta": row.delta_str,
                "test": c.method,
                "warnings": list(dict.fromkeys(warnings)),
            })
        collect(table.warnings)
    geomeans = [{
        "unit": t.unit,
        "old": _num(t.old_geomean),
        "new": _num(t.new_geomean),
        "delta_pct": _num(t.geomean_delta_pct),
        "benchmarks": sum(1 for r in t.rows if r.comparison is not None),
        "warnings": t.warnings,
    } for t in res.tables]
    config = res.config if isinstance(res.config, dict) else {}
    go = GoInfo(config.get("go") or None, config.get("goos") or None, config.get("goarch") or None)
    return document("bench compare", SCHEMA_VERSION, go, {
        "old": res.old_source,
        "new": res.new_source,
        "alpha": res.alpha,
        "confidence": res.confidence,
        "config": res.config,
        "comparisons": comparisons,
        "geomeans": geomeans,
        "only_old": res.only_old,
        "only_new": res.only_new,
        "notes": res.notes,
        "warnings": all_warnings,
    })


def render_compare_json(res: CompareResult) -> str:
    return json.dumps(compare_json(res), indent=2, ensure_ascii=False)


def render_run_text(run) -> str:
    """Medians of one run (``goalloc bench``): a table per unit, a row per benchmark."""
    from goalloc.benchstat.compare import summaries

    rows = summaries(run.parsed)
    multi_pkg = len({pkg for _, pkg, _, _, _ in rows}) > 1
    out: list[str] = []
    for unit in dict.fromkeys(u for u, *_ in rows):
        lines = [["", display_unit(unit), "n"]]
        for u, pkg, name, summary, values in rows:
            if u == unit:
                label = f"{pkg}.{name}" if multi_pkg and pkg else name
                lines.append([label, _cell(summary, unit), str(summary.n)])
        if out:
            out.append("")
        out.extend(_layout(lines, right={1, 2}))
    if out:
        out.append("")
    for pkg, path in run.profiles.items():
        out.append(f"memprofile {pkg}: {path}")
    if run.out_path:
        out.append(f"results: {run.out_path}")
    return "\n".join(out) + "\n"


def run_json(run) -> dict:
    from goalloc.benchstat.compare import summaries

    benchmarks = [{
        "pkg": pkg, "name": name, "unit": unit, "median": summary.center,
        "ci": _ci(summary), "n": summary.n, "values": values, "warnings": summary.warnings,
    } for unit, pkg, name, summary, values in summaries(run.parsed)]
    go = getattr(run, "go", None) or GoInfo(run.go_version)
    return document("bench", SCHEMA_VERSION, go, {
        "go_version": run.go_version,
        "packages": run.packages,
        "packages_without_benchmarks": run.packages_without_benchmarks,
        "results_file": run.out_path,
        "memprofiles": run.profiles,
        "test_binaries": run.binaries,
        "benchmarks": benchmarks,
    })


def render_run_json(run) -> str:
    return json.dumps(run_json(run), indent=2, ensure_ascii=False)


__all__ = ["SCHEMA_VERSION", "UnitTable", "compare_json", "display_unit", "format_value",
           "render_compare_json", "render_compare_text", "render_run_json", "render_run_text",
           "run_json"]

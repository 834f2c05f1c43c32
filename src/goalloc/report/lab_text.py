"""The text report of ``goalloc lab`` (a goalloc.app.lab.LabResult), and its plot."""

from __future__ import annotations

import math

from goalloc.lab.plan import number, summary_of
from goalloc.lab.verdict import describe_params
from goalloc.report.bench_report import _layout, format_value

OP_MEANING = {
    "map": "an op fills a new container with n entries, then makes the accesses (reads of "
           "present keys, writes of new values to present keys)",
    "slice": "an op appends n elements one by one to a slice the function uses and drops",
    "intern": "an op turns n byte strings (distinct of them different) into strings kept in "
              "a slice",
}


def title(result) -> str:
    q = result.question
    if q.kind == "map":
        what = f"map[{result.types['key']}]{result.types['value']}"
    elif q.kind == "slice":
        what = f"[]{result.types['elem']}"
    else:
        what = "strings, with and without unique.Make"
    where = ""
    if result.package is not None:
        where = f" in {result.package.import_path}"
    return f"goalloc lab {q.kind}: {what}{where}"


def machine_line(result) -> str:
    m, opts = result.machine, result.options
    cpu = f", CPU {m.cpu}" if m.cpu else ""
    procs = f", GOMAXPROCS {m.gomaxprocs}" if m.gomaxprocs else ""
    return (f"{result.go.version} {m.goos}/{m.goarch}{procs}{cpu}; {opts.count} run"
            f"{'s' if opts.count != 1 else ''} of each variant, -benchtime {opts.benchtime}")


def _time(ns: float | None) -> str:
    return "" if ns is None else format_value(ns, "ns/op") + "s"


def _bytes(b: float | None) -> str:
    return "" if b is None else format_value(b, "B/op") + "B"


def _count(x: float | None) -> str:
    if x is None:
        return ""
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.1f}"


def _with_range(summary, fmt) -> str:
    if summary is None:
        return ""
    return f"{fmt(summary.center)} ±{summary.range_str()}"


def winner_sentence(pv) -> str:
    w = pv.winner
    if w is None:
        return "no variant ran"
    if w.runner_up is None:
        return f"only {w.name} ran"
    how = f"{w.speedup:.2f}× faster than {w.runner_up}" if w.speedup else \
        f"ahead of {w.runner_up}"
    if w.significant:
        return f"winner: {w.name}, {how} (p={w.p_value:.3f})"
    why = "; ".join(w.warnings) or f"p={w.p_value:.3f}"
    return f"fastest: {w.name}, {how}, but not a significant difference ({why})"


def point_lines(pv, kind: str) -> list[str]:
    live = kind != "slice"
    header = ["variant", "time/op", "B/op", "allocs/op"] + (["live heap"] if live else []) + \
        ["vs fastest"]
    rows = [header]
    for v in sorted(pv.variants, key=lambda v: v.median()):
        row = [v.name, _with_range(v.summaries.get("ns"), _time),
               _with_range(v.summaries.get("bytes"), _bytes),
               _with_range(v.summaries.get("allocs"), _count)]
        if live:
            row.append(_bytes(v.median("live")))
        row.append(f"{v.vs_winner:.2f}×" if v.vs_winner else "")
        rows.append(row)
    out = [describe_params(pv.point)]
    if pv.variants:
        out += ["  " + line for line in _layout(rows, right=set(range(1, len(header))))]
    for name, why in pv.skipped:
        out.append(f"  skipped {name}: {why}")
    out.append("  " + winner_sentence(pv))
    if pv.fewest_allocs and pv.winner and pv.fewest_allocs != pv.winner.name:
        best = pv.variant(pv.fewest_allocs)
        out.append(f"  fewest allocations: {best.name} ({_count(best.median('allocs'))} "
                   "allocs/op)")
    return out


def crossover_line(c) -> str:
    fixed = ", ".join(f"{k} {number(v)}" for k, v in c.fixed.items())
    at = f", crossing near {c.axis} ≈ {number(float(f'{c.at:.3g}'))}" if c.at is not None \
        else ""
    lo, hi = (number(x) for x in c.between)
    what = "the new winner" if c.kind == "winner" else "faster"
    sure = "" if c.significant else " (not significant at both ends)"
    return (f"{c.axis} {lo} → {hi}{' (' + fixed + ')' if fixed else ''}: {c.after} overtakes "
            f"{c.before} ({what} at {hi}){at}{sure}")


def render(result) -> str:
    q = result.question
    out = [title(result), machine_line(result), OP_MEANING[q.kind] + "."]
    for pv in result.points:
        out.append("")
        out += point_lines(pv, q.kind)
    if len(result.points) > 1:
        out += ["", "winners"]
        rows = [[pv.point.name, pv.winner.name if pv.winner else "-",
                 f"{pv.winner.speedup:.2f}× vs {pv.winner.runner_up}"
                 if pv.winner and pv.winner.speedup else ""]
                for pv in result.points]
        out += ["  " + line for line in _layout(rows, right=set())]
    if result.crossovers:
        out += ["", "crossovers"]
        ordered = sorted(result.crossovers, key=lambda c: (c.kind != "winner", not c.significant))
        out += ["  " + crossover_line(c) for c in ordered]
    if result.skipped_points:
        out += ["", "not measured"]
        out += [f"  {p.name}: {why}" for p, why in result.skipped_points]
    out += ["", "variants"]
    ran = {v.name for pv in result.points for v in pv.variants} | \
        {name for pv in result.points for name, _ in pv.skipped}
    out += [f"  {name}: {summary_of(q.kind, name)}" for name in
            (v for v in _catalogue(q.kind) if v in ran)]
    return "\n".join(out) + "\n"


def _catalogue(kind: str) -> list[str]:
    from goalloc.lab.plan import variant_names

    return variant_names(kind)


def save_plot(path: str, result) -> None:
    """Median time per op (and allocations per op) of each variant along the first swept
    parameter; one time panel per combination of the others."""
    from goalloc.lab.plan import sweep_axes
    from goalloc.report.plot import Panel, save_panels

    axes = sweep_axes(result.question) or ["n"]
    axis = axes[0]
    lines: dict[tuple, list] = {}
    for pv in result.points:
        rest = tuple((k, v) for k, v in pv.point.params.items() if k != axis and k != "ops")
        lines.setdefault(rest, []).append(pv)
    panels = []
    for rest, pvs in list(lines.items())[:6]:
        pvs.sort(key=lambda pv: pv.point.params[axis])
        label = ", ".join(f"{k} {number(v)}" for k, v in rest)
        panels.append(Panel(f"time per op{': ' + label if label else ''}", "time/op (s)",
                            _series(pvs, axis, "ns", 1e-9), ylog=True))
        if len(lines) == 1:
            panels.append(Panel("allocations per op", "allocs/op",
                                _series(pvs, axis, "allocs", 1)))
    save_panels(path, title(result), _axis_label(axis), panels,
                xlog=axis != "reads" and _spread(result.points, axis))


def _series(pvs, axis: str, what: str, scale: float) -> list:
    from goalloc.report.plot import Series

    names = []
    for pv in pvs:
        names += [v.name for v in pv.variants if v.name not in names]
    out = []
    for name in names:
        xs, ys = [], []
        for pv in pvs:
            v = pv.variant(name)
            if v is not None and v.median(what) is not None:
                xs.append(pv.point.params[axis])
                ys.append(v.median(what) * scale)
        if xs:
            out.append(Series(name, xs, ys, style="-" if len(out) < 10 else "--"))
    return out


def _axis_label(axis: str) -> str:
    return {"n": "n (entries / elements / strings per op)", "reads": "share of reads",
            "goroutines": "goroutines", "distinct": "distinct strings"}[axis]


def _spread(points, axis: str) -> bool:
    xs = [pv.point.params[axis] for pv in points if pv.point.params.get(axis)]
    return bool(xs) and min(xs) > 0 and max(xs) / min(xs) >= 10 and not math.isinf(max(xs))

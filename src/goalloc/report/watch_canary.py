"""Reports of ``goalloc canary``: text, Markdown (for a pull request or a rollout record) and
JSON (schema_version 1, docs/watch.md)."""

from __future__ import annotations

import math

from goalloc.report.envelope import document, dumps
from goalloc.report.watch_json import site_ref
from goalloc.report.watch_text import info_lines
from goalloc.units import short_bytes

SCHEMA_VERSION = 1
ORDER = {"regression": 0, "inconclusive": 1, "improvement": 2, "same": 3}
UNITS = {"objects_per_second": "objects/s", "bytes_per_second": "bytes/s",
         "gc_cycles_per_second": "GC cycles/s", "heap_live_bytes": "live heap"}


def _value(metric: str, x: float) -> str:
    if math.isinf(x):
        return "∞"
    if metric in ("bytes_per_second", "heap_live_bytes"):
        return short_bytes(x) + ("/s" if metric == "bytes_per_second" else "")
    return f"{x:,.1f}" if x < 100 else f"{x:,.0f}"


def _delta(row) -> str:
    r = row.ratio
    if r is None:
        return "0"
    if math.isinf(r):
        return "new"
    return f"{(r - 1) * 100:+.0f}%"


def _what(row) -> str:
    if row.site is None:
        return "process"
    return f"{row.site.label()} ({row.site.kind})"


def _ranked(rows):
    return sorted(rows, key=lambda r: (ORDER[r.verdict], r.p_adjusted, _what(r), r.metric))


def _header(run) -> list[str]:
    res, pol = run.result, run.result.policy
    return [f"goalloc canary: {res.verdict.upper()}",
            f"baseline {run.base.name} ({run.base.url}), canary {run.canary.name} "
            f"({run.canary.url})",
            f"{res.base_windows} + {res.canary_windows} windows of about "
            f"{run.options.interval:g}s; a row regresses when the "
            f"canary is over +{100 * pol.threshold:g}% with p <= {pol.alpha:g} (Holm-adjusted "
            f"over {len(res.rows)} rows); sites under {pol.min_objects_per_second:g} objects/s "
            "are not compared"] + [f"inconclusive: {r}" for r in res.reasons]


def text(run) -> str:
    lines = _header(run)
    rows = _ranked(run.result.rows)
    flagged = [r for r in rows if r.verdict in ("regression", "inconclusive")]
    if flagged:
        lines.append("")
    for r in flagged:
        lines.append(f"{r.verdict}: {_what(r)}")
        lines.append(f"    {UNITS[r.metric]}: {_value(r.metric, r.base.center)} -> "
                     f"{_value(r.metric, r.canary.center)} ({_delta(r)}, "
                     f"p={r.p_adjusted:.2g})")
        lines += info_lines(r.info, "    ")
    lines += ["", f"{'verdict':<13} {'metric':<12} {'baseline':>12} {'canary':>12} "
                  f"{'delta':>7} {'p':>7}  site"]
    for r in rows:
        lines.append(f"{r.verdict:<13} {UNITS[r.metric]:<12} "
                     f"{_value(r.metric, r.base.center):>12} "
                     f"{_value(r.metric, r.canary.center):>12} {_delta(r):>7} "
                     f"{r.p_adjusted:>7.2g}  {_what(r)}")
    return "\n".join(lines) + "\n"


def markdown(run) -> str:
    head = _header(run)
    lines = [f"### {head[0]}", "", *(f"{x}  " for x in head[1:]), "",
             "| verdict | site | metric | baseline | canary | delta | p | cause | fix |",
             "|---|---|---|---:|---:|---:|---:|---|---|"]
    for r in _ranked(run.result.rows):
        info = r.info
        cells = [f"**{r.verdict}**" if r.verdict == "regression" else r.verdict,
                 f"`{_what(r)}`", UNITS[r.metric], _value(r.metric, r.base.center),
                 _value(r.metric, r.canary.center), _delta(r), f"{r.p_adjusted:.2g}",
                 (info.cause or "") if info else "", (info.fix or "") if info else ""]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def _summary(s) -> dict:
    return {"median": s.center,
            "lo": None if math.isinf(s.lo) else s.lo,
            "hi": None if math.isinf(s.hi) else s.hi, "n": s.n}


def _side(side) -> dict:
    return {"name": side.name, "url": side.url, "polls": side.polls,
            "errors": len(side.errors), "restarts": side.restarts}


def render_json(run) -> str:
    res, pol = run.result, run.result.policy
    rows = []
    for r in _ranked(res.rows):
        ratio = r.ratio
        rows.append({"metric": r.metric,
                     "site": site_ref(r.site, r.info) if r.site else None,
                     "base": _summary(r.base), "canary": _summary(r.canary),
                     "ratio": None if ratio is None or math.isinf(ratio) else round(ratio, 4),
                     "p": r.comparison.p, "p_adjusted": r.p_adjusted, "verdict": r.verdict})
    doc = document("canary", SCHEMA_VERSION, run.go, {
        "verdict": res.verdict, "reasons": res.reasons,
        "base": _side(run.base), "canary": _side(run.canary),
        "seconds": round(run.seconds, 3), "interval_seconds": run.options.interval,
        "windows": {"base": res.base_windows, "canary": res.canary_windows},
        "gc_forced": run.options.force_gc,
        "alpha": pol.alpha, "threshold": pol.threshold,
        "min_objects_per_second": pol.min_objects_per_second, "scanned": run.scanned,
        "rows": rows,
    })
    return dumps(doc)

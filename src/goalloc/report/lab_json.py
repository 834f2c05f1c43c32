"""The JSON document of ``goalloc lab`` (schema_version 1, documented in docs/lab.md)."""

from __future__ import annotations

import math

from goalloc.report.envelope import document, dumps

SCHEMA_VERSION = 1
_METRICS = (("ns_per_op", "ns"), ("bytes_per_op", "bytes"), ("allocs_per_op", "allocs"),
            ("live_bytes", "live"))


def _finite(x: float | None) -> float | None:
    return None if x is None or math.isinf(x) or math.isnan(x) else x


def variant_json(v, point) -> dict:
    out: dict = {"name": v.name}
    for key, what in _METRICS:
        s = v.summaries.get(what)
        out[key] = None if s is None else s.center
        out[f"{key}_ci"] = None if s is None else [_finite(s.lo), _finite(s.hi)]
    out["runs"] = v.runs
    out["vs_winner"] = v.vs_winner
    ns = v.median()
    out["ops_per_sec"] = 1e9 / ns if ns else None
    if "ops" in point.params:
        out["accesses_per_sec"] = (point.n + point.params["ops"]) * 1e9 / ns if ns else None
    return out


def winner_json(w) -> dict | None:
    if w is None:
        return None
    return {"name": w.name, "runner_up": w.runner_up, "speedup": w.speedup,
            "p_value": w.p_value, "significant": w.significant, "warnings": w.warnings}


def point_json(pv) -> dict:
    return {"name": pv.point.name, "params": pv.point.params,
            "variants": [variant_json(v, pv.point) for v in pv.variants],
            "winner": winner_json(pv.winner), "fewest_allocs": pv.fewest_allocs,
            "skipped": [{"name": n, "reason": why} for n, why in pv.skipped]}


def crossover_json(c) -> dict:
    return {"axis": c.axis, "fixed": c.fixed, "between": list(c.between), "before": c.before,
            "after": c.after, "at": c.at, "kind": c.kind, "significant": c.significant}


def question_json(result) -> dict:
    q, pkg = result.question, result.package
    out = {"n": q.n}
    if q.kind == "map":
        out.update(key=result.types["key"], value=result.types["value"], reads=q.reads,
                   goroutines=q.goroutines, ops=q.ops)
    elif q.kind == "slice":
        out.update(elem=result.types["elem"], under=q.under)
    else:
        out.update(distinct=q.distinct, length=q.length)
    out.update(variants=q.variants, imports=q.imports,
               package=pkg.pattern if pkg else None,
               import_path=pkg.import_path if pkg else None)
    return out


def render(result, plot: str | None = None) -> str:
    points = [point_json(pv) for pv in result.points]
    single = points[0] if len(points) == 1 and not result.skipped_points else None
    m, opts = result.machine, result.options
    body = {
        "kind": result.question.kind,
        "question": question_json(result),
        "run": {"count": opts.count, "benchtime": opts.benchtime, "max_time": opts.max_time},
        "machine": {"cpu": m.cpu, "gomaxprocs": m.gomaxprocs, "goos": m.goos,
                    "goarch": m.goarch},
        "variants": single["variants"] if single else None,
        "winner": single["winner"] if single else None,
        "points": points,
        "crossovers": [crossover_json(c) for c in result.crossovers],
        "skipped_points": [{"name": p.name, "params": p.params, "reason": why}
                           for p, why in result.skipped_points],
        "complete": result.complete,
        "plot": plot,
    }
    return dumps(document("lab", SCHEMA_VERSION, result.go, body))

"""The JSON report of ``goalloc profile`` (schema_version 2, documented in docs/profile.md)."""

from __future__ import annotations

import json

from goalloc.goinfo import GoInfo
from goalloc.report.envelope import document

SCHEMA_VERSION = 2  # 2: go is the envelope object (was null)
MAX_SIZES = 8  # object sizes listed per site, largest space first


def _escape(site) -> dict | None:
    es = site.escape
    if es is None:
        return None
    return {
        "file": es.file, "line": es.line, "col": es.col, "function": es.function,
        "expr": es.expr, "kind": es.kind, "verdict": es.verdict, "cause": es.cause,
        "explanation": es.explanation, "suggestion": es.suggestion,
        "note": getattr(es, "note", ""),
    }


def site_json(site, index_name: str) -> dict:
    top = sorted(site.sizes.items(), key=lambda kv: (-kv[1][1], kv[0]))[:MAX_SIZES]
    sizes = [{"bytes": size, "objects": acc[0], "space": acc[1]} for size, acc in top]
    return {
        "function": site.function,
        "file": site.file,
        "line": site.line,
        "profile_file": site.profile_file,
        "kind": site.kind,
        "kind_from": site.kind_from or None,
        "entry": site.entry,
        "callee": site.callee,
        "user": site.user,
        "value": site.values.get(index_name, 0),
        "values": dict(site.values),
        "base_values": dict(site.base_values) if site.base_values is not None else None,
        "samples": site.samples,
        "sizes": sizes,
        "sizes_total": len(site.sizes),
        "source": site.source,
        "escape": _escape(site),
    }


def render(attr, *, path: str, base: str | None = None, go: GoInfo | None = None,
           top: int | None = None) -> str:
    prof = attr.profile
    index_name = attr.sample_type
    sites = sorted(attr.sites, key=lambda s: (-abs(s.values.get(index_name, 0)), s.file,
                                              s.line, s.function))
    if top:
        sites = sites[:top]
    doc = document("profile", SCHEMA_VERSION, go, {
        "file": path,
        "base": base,
        "decoder": prof.decoder,
        "binary": prof.binary,
        "sample_types": [{"type": st.type, "unit": st.unit} for st in prof.sample_types],
        "sample_index": index_name,
        "unit": prof.sample_types[attr.sample_index].unit,
        "default_sample_type": prof.default_sample_type or None,
        "period_type": ({"type": prof.period_type.type, "unit": prof.period_type.unit}
                        if prof.period_type else None),
        "period": prof.period,
        "time_nanos": prof.time_nanos,
        "duration_nanos": prof.duration_nanos,
        "comments": list(prof.comments),
        "samples": prof.sample_count,
        "stacks": prof.stack_count,
        "totals": dict(attr.totals),
        "functions": [{"name": r.name, "flat": r.flat, "cum": r.cum} for r in attr.functions],
        "sites": [site_json(s, index_name) for s in sites],
    })
    if len(doc["sites"]) + len(doc["functions"]) > 2000:
        return json.dumps(doc, separators=(",", ":"))  # the C encoder: indent is slow on big ones
    return json.dumps(doc, indent=2)

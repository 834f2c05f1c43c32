"""Sites and findings read back from a JSON report (``Site.to_json``, ``Finding.to_json``), so
that shard reports can be merged and rendered in any format as if they had just been made."""

from __future__ import annotations

from dataclasses import fields

from goalloc.escape.model import FlowStep, Position, Site
from goalloc.rules.base import Cost, Estimate, Finding, Fix

_SITE_FIELDS = {f.name for f in fields(Site)}
_FLOW_FIELDS = {f.name for f in fields(FlowStep)}


def site_from_json(d: dict) -> Site:
    """A Site from its JSON; keys this Site does not have are left out, fields the JSON
    lacks keep their defaults (documents of other goalloc versions read back)."""
    values = {k: v for k, v in d.items() if k in _SITE_FIELDS}
    values["flow"] = [FlowStep(**{k: v for k, v in st.items() if k in _FLOW_FIELDS})
                      for st in d.get("flow") or []]
    origin = d.get("origin")
    values["origin"] = Position(origin["file"], origin["line"], origin["col"]) if origin else None
    # runtime_calls is null when the compiled code was not read, a list (maybe empty) when it was.
    values["calls_read"] = d.get("runtime_calls") is not None
    values["runtime_calls"] = d.get("runtime_calls") or []
    values["runtime_cost"] = d.get("runtime_cost") or ""
    for key in ("inlined_from", "explanation", "suggestion", "diagnostic", "note"):
        if values.get(key) is None and key in values:
            values[key] = ""
    return Site(**values)


def _cost(d: dict | None) -> Cost | None:
    if not d:
        return None
    return Cost(d["allocations"], d["bytes"], d.get("bytes_copied"))


def finding_from_json(d: dict) -> Finding:
    fix = Fix.from_json(d["fix"]) if d.get("fix") else None
    est = None
    if d.get("estimate"):
        e = d["estimate"]
        est = Estimate(e["n"], _cost(e["before"]), _cost(e.get("after")), e.get("go", ""),
                       e.get("note", ""))
    return Finding(d["rule"], d["file"], d["line"], d["col"], d["message"],
                   d.get("package", ""), d.get("function", ""), fix, est,
                   [(s["file"], s["line"], s["col"]) for s in d.get("sites") or []],
                   fix_kind=d.get("fix_kind") or "", priority=d.get("priority") or "",
                   priority_reasons=list(d.get("priority_reasons") or []),
                   rank=d.get("rank"), lab=d.get("lab") or "")

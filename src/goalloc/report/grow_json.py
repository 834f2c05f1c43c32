"""The JSON documents of ``goalloc grow`` (schema_version 2, documented in docs/growth.md).

2: the envelope's ``go`` is an object ({"version": "go1.27", ...}: the release modeled) and the
release is also ``release`` ("1.27"). A query file is answered with a JSON list, one document
per query in order, each with the envelope (the list is the contract of ``--queries``)."""

from __future__ import annotations

from goalloc.goinfo import GoInfo
from goalloc.report.envelope import document, dumps

SCHEMA_VERSION = 2


def _slice_fields(g) -> dict:
    return {"elem_size": g.elem_size, "pointers": g.pointers, "n": g.n,
            "start_cap": g.start_cap, "bulk": g.bulk, "allocations": g.allocations,
            "bytes_allocated": g.bytes_allocated, "bytes_copied": g.bytes_copied,
            "peak_live_bytes": g.peak_live_bytes, "final_cap": g.final_cap, "caps": g.caps}


def _map_fields(g) -> dict:
    return {"key": g.key, "value": g.value, "n": g.n, "hint": g.hint,
            "delete_all": g.delete_all, "implementation": g.implementation,
            "allocations": g.allocations, "bytes_allocated": g.bytes_allocated,
            "live_bytes": g.live_bytes, "deterministic": g.deterministic,
            "tables": g.tables, "capacity": g.capacity, "slot_bytes": g.slot_bytes,
            "bytes_range": g.bytes_range, "allocations_range": g.allocations_range,
            "note": g.note}


def _preallocated(p) -> dict | None:
    if p is None:
        return None
    out = {"expression": p.expression, "allocations": p.allocations,
           "bytes_allocated": p.bytes_allocated}
    if p.bytes_copied is not None:
        out["bytes_copied"] = p.bytes_copied
    if p.live_bytes is not None:
        out["live_bytes"] = p.live_bytes
    return out


def answer_json(answer, steps: bool = True) -> dict:
    g = answer.growth
    out = {"release": answer.question.release, "kind": answer.kind}
    if answer.kind == "slice":
        out["elem"] = answer.question.elem
        out.update(_slice_fields(g))
    else:
        out.update(_map_fields(g))
    if steps:
        out["steps"] = [vars(s) for s in g.steps]
        if answer.kind == "slice":
            out["preallocated"] = _preallocated(answer.preallocated)
            out["stack_note"] = answer.stack_note
        else:
            out["hinted"] = _preallocated(answer.preallocated)
    return out


def _go(release: str) -> GoInfo:
    # The models are of 64-bit platforms' layouts (amd64 and arm64 agree).
    return GoInfo(f"go{release}", None, "amd64")


def render(answer) -> str:
    return dumps(document("grow", SCHEMA_VERSION, _go(answer.question.release),
                          answer_json(answer)))


def render_answers(answers: list) -> str:
    return dumps([document("grow", SCHEMA_VERSION, _go(a.question.release),
                           answer_json(a, steps=False)) for a in answers])

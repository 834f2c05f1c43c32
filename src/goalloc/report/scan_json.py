"""The JSON document of `goalloc scan` (a public contract: docs/scan.md, envelope in docs/json.md)."""

from __future__ import annotations

import json
from collections import Counter

from goalloc.goinfo import GoInfo
from goalloc.report.envelope import document as envelope_document

SCHEMA_VERSION = 1


def summary(result, sites) -> dict:
    heap = [s for s in sites if s.verdict == "heap"]
    return {
        "sites": len(sites),
        "heap": len(heap),
        "stack": len(sites) - len(heap),
        "params": len(result.params),
        "inlined_copies": sum(1 for s in sites if s.inlined_from),
        "no_cost_heap": sum(1 for s in heap if s.note.startswith("allocates nothing")),
        "by_cause": dict(Counter(s.cause for s in heap).most_common()),
        "by_kind": dict(Counter(s.kind for s in heap).most_common()),
        "by_package": dict(Counter(s.package for s in heap).most_common()),
        "findings": len(result.findings),
        "by_runtime_cost": dict(Counter(s.runtime_cost for s in heap).most_common()),
        "runtime_findings": dict(Counter(f.kind for f in result.runtime_findings).most_common()),
    }


def document(result, sites, filters: dict | None = None) -> dict:
    go = GoInfo(result.go_version, result.goos, result.goarch)
    return envelope_document("scan", SCHEMA_VERSION, go, {
        "directory": result.directory,
        "module_root": result.module_root,
        "patterns": result.patterns,
        "packages": result.packages,
        "failed_packages": result.failed_packages,
        "filters": filters or {},
        "summary": summary(result, sites),
        "sites": [s.to_json() for s in sites],
        "params": [p.to_json() for p in result.params],
        "findings": [f.to_json() for f in result.findings],
        "runtime_findings": [f.to_json() for f in result.runtime_findings],
        "runtime_calls_error": str(result.calls_error) if result.calls_error else None,
        "errors": [e.to_json() for e in result.errors],
    })


def render(result, sites, filters: dict | None = None) -> str:
    import io

    buf = io.StringIO()
    write(result, sites, buf, filters)
    return buf.getvalue()


def write(result, sites, fh, filters: dict | None = None) -> None:
    """The document on one line, written item by item: scanning all of std gives 44,000 sites
    and a 75 MB document, which is never held whole."""
    doc = document(result, [], filters)
    doc["summary"] = summary(result, sites)
    lists = {"sites": sites, "params": result.params, "findings": result.findings,
             "runtime_findings": result.runtime_findings}
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    fh.write("{")
    for i, (key, value) in enumerate(doc.items()):
        fh.write(("," if i else "") + dumps(key) + ":")
        if key in lists:
            fh.write("[")
            for j, item in enumerate(lists[key]):
                fh.write(("," if j else "") + dumps(item.to_json()))
            fh.write("]")
        else:
            fh.write(dumps(value))
    fh.write("}\n")

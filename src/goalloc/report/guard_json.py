"""The JSON documents of the gate: `goalloc baseline` (the baseline file) and `goalloc check
--format json` (docs/guard.md lists every key; the envelope is docs/json.md's)."""

from __future__ import annotations

from goalloc.goinfo import GoInfo
from goalloc.guard.baseline import SCHEMA_VERSION as BASELINE_SCHEMA_VERSION
from goalloc.report.envelope import document, dumps

SCHEMA_VERSION = 1  # of the check document


def _go(go: dict | None) -> GoInfo:
    go = go or {}
    return GoInfo(go.get("version"), go.get("goos"), go.get("goarch"))


def render_baseline(baseline) -> str:
    """Sorted, one entry per line: a baseline is reviewed as a diff, where a site that came
    or went is one line."""
    doc = document("baseline", BASELINE_SCHEMA_VERSION, _go(baseline.go), baseline.body())
    lists = ("sites", "findings")
    head = dumps({k: v for k, v in doc.items() if k not in lists}, indent=2)
    parts = [head[:-2]]  # without the closing "\n}"
    for key in lists:
        entries = ",".join("\n    " + dumps(e, indent=None) for e in doc[key])
        parts.append(f',\n  "{key}": [{entries}' + ("\n  ]" if doc[key] else "]"))
    return "".join(parts) + "\n}\n"


def render_check(report) -> str:
    from goalloc.guard.gate import body

    return dumps(document("check", SCHEMA_VERSION, _go(report.go), body(report)),
                 indent=1) + "\n"

"""The JSON document of `goalloc calls` (a public contract: see docs/calls.md)."""

from __future__ import annotations

import json
from collections import Counter

from goalloc import __version__

SCHEMA_VERSION = 1


def summary(result) -> dict:
    calls = [c for f in result.functions for c in f.calls]
    return {
        "functions": len(result.functions),
        "functions_with_calls": sum(1 for f in result.functions if f.calls),
        "calls": len(calls),
        "in_loop": sum(1 for c in calls if c.in_loop),
        "inlined": sum(1 for c in calls if c.inlined_from is not None),
        "by_runtime": dict(Counter(c.runtime for c in calls).most_common()),
        "by_family": dict(Counter(c.family for c in calls).most_common()),
        "findings": dict(Counter(f.kind for f in result.findings).most_common()),
    }


def document(result) -> dict:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "goalloc", "version": __version__},
        "go": {"version": result.go_version, "goos": result.goos, "goarch": result.goarch},
        "command": "calls",
        "directory": result.directory,
        "module_root": result.module_root,
        "patterns": result.patterns,
        "packages": result.packages,
        "failed_packages": result.failed_packages,
        "summary": summary(result),
        "functions": [f.to_json() for f in result.functions],
        "sites_checked": result.sites_checked,
        "findings": [f.to_json() for f in result.findings],
        "errors": [e.to_json() for e in result.errors],
    }


def render(result) -> str:
    return json.dumps(document(result), ensure_ascii=False, separators=(",", ":")) + "\n"

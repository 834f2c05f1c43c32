"""The envelope every JSON document of goalloc starts with (documented in docs/json.md).

    {"schema_version": N, "tool": {"name": "goalloc", "version": ...}, "command": "scan",
     "go": {"version": "go1.27.3", "goos": "linux", "goarch": "amd64"}, ...}

``schema_version`` is the version of that command's document: it changes only when a key
changes meaning or goes away; new keys are added without a bump."""

from __future__ import annotations

import json

from goalloc import __version__
from goalloc.goinfo import GoInfo


def envelope(command: str, schema_version: int, go: GoInfo | None) -> dict:
    return {"schema_version": schema_version,
            "tool": {"name": "goalloc", "version": __version__},
            "command": command,
            "go": (go or GoInfo(None)).to_json()}


def document(command: str, schema_version: int, go: GoInfo | None, body: dict) -> dict:
    doc = envelope(command, schema_version, go)
    for key, value in body.items():
        if key in doc:
            raise ValueError(f"{key!r} is an envelope key")
        doc[key] = value
    return doc


def dumps(doc: dict, indent: int | None = 1) -> str:
    return json.dumps(doc, indent=indent, ensure_ascii=False)

"""Rule findings as JSON (schema_version 1; documented in docs/rules.md)."""

from __future__ import annotations

import json

from goalloc.rules.base import Finding

SCHEMA_VERSION = 1


def findings_json(findings: list[Finding]) -> list[dict]:
    return [f.to_json() for f in findings]


def lint_document(findings: list[Finding], *, go_version: str, goarch: str, assume_n: int,
                  rules: list[str], packages: list[str], escape: str) -> dict:
    return {"schema_version": SCHEMA_VERSION, "go_version": go_version, "goarch": goarch,
            "assume_n": assume_n, "rules": rules, "packages": packages, "escape": escape,
            "findings": findings_json(findings)}


def dumps(doc: dict) -> str:
    return json.dumps(doc, indent=2)

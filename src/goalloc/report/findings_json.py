"""Rule findings as JSON: the ``findings`` list of scan's document and the document of
``goalloc lint`` (schema_version 2; documented in docs/rules.md and docs/json.md)."""

from __future__ import annotations

from goalloc.report.envelope import GoInfo, document, dumps
from goalloc.rules.base import Finding

SCHEMA_VERSION = 2  # 2: go_version/goarch moved into the envelope's go; escape is an object


def findings_json(findings: list[Finding]) -> list[dict]:
    return [f.to_json() for f in findings]


def lint_document(result) -> dict:
    """``result`` is a goalloc.app.lint.LintResult."""
    tc = result.toolchain
    go = GoInfo(tc.version, tc.goos, result.goarch)
    return document("lint", SCHEMA_VERSION, go, {
        "assume_n": result.assume_n, "rules": result.rules, "packages": result.packages,
        "escape": result.escape.to_json(), "findings": findings_json(result.findings),
        "failed_packages": [{"package": p, "error": e} for p, e in result.broken]})


def render(result) -> str:
    return dumps(lint_document(result), indent=2)

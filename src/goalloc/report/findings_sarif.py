"""Rule findings as SARIF 2.1.0 pieces, for goalloc scan's SARIF report to merge in.

    driver["rules"] += sarif_rules()
    run["results"] += sarif_results(findings)
"""

from __future__ import annotations

from goalloc.report.sarif_location import artifact_location
from goalloc.rules import RULES
from goalloc.rules.base import Finding


def sarif_rules(rule_ids=None) -> list[dict]:
    out = []
    for rid, rule in RULES.items():
        if rule_ids is not None and rid not in rule_ids:
            continue
        out.append({
            "id": rid,
            "name": rid,
            "shortDescription": {"text": rule.title},
            "fullDescription": {"text": rule.doc.split("\n\n")[0].replace("**What it finds.** ", "")},
            "help": {"text": rule.doc, "markdown": rule.doc},
            "helpUri": f"docs/rules.md#{rid}",
            "defaultConfiguration": {"level": "warning"},
        })
    return out


def _region(line, col, end_line=None, end_col=None) -> dict:
    r = {"startLine": line, "startColumn": col}
    if end_line is not None:
        r["endLine"] = end_line
        r["endColumn"] = end_col
    return r


def _by_file(edits) -> list[tuple[str, list]]:
    """Edits grouped by file, in order; SARIF wants one artifactChange per file."""
    out: dict[str, list] = {}
    for e in edits:
        out.setdefault(e.file, []).append(e)
    return list(out.items())


def sarif_result(f: Finding) -> dict:
    res = {
        "ruleId": f.rule,
        "level": "warning",
        "message": {"text": f.message},
        "locations": [{"physicalLocation": {
            "artifactLocation": artifact_location(f.file),
            "region": _region(f.line, f.col)}}],
        "properties": {"package": f.package, "function": f.function,
                       "estimate": f.estimate.to_json() if f.estimate else None},
    }
    if f.fix and f.fix.replacement and f.fix.line is not None:
        res["fixes"] = [{
            "description": {"text": f.fix.description},
            "artifactChanges": [{
                "artifactLocation": artifact_location(file),
                "replacements": [{
                    "deletedRegion": _region(e.line, e.col, e.end_line, e.end_col),
                    "insertedContent": {"text": e.replacement}} for e in edits],
            } for file, edits in _by_file(f.fix.edits())],
        }]
    if f.sites:
        res["relatedLocations"] = [
            {"id": i, "physicalLocation": {"artifactLocation": artifact_location(file),
                                           "region": _region(line, col)}}
            for i, (file, line, col) in enumerate(f.sites)]
    return res


def sarif_results(findings: list[Finding]) -> list[dict]:
    return [sarif_result(f) for f in findings]


def mark_baseline(res: dict, fingerprint: str, state: str | None = None) -> None:
    """The gate's fingerprint (docs/guard.md) and, from a check, the result's baselineState
    (new, unchanged or absent)."""
    res.setdefault("partialFingerprints", {})["goallocGuard/v1"] = fingerprint
    if state:
        res["baselineState"] = state

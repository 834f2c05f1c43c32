"""SARIF 2.1.0 for `goalloc scan`: one result per heap site, its flow as a codeFlow."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from urllib.parse import quote

from goalloc import __version__
from goalloc.escape.advice import CAUSE_DOCS
from goalloc.report.sarif_location import artifact_location

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFO_URI = "https://pypi.org/project/goalloc/"


def _rule_id(cause: str) -> str:
    return f"heap/{cause}"


def _location(file: str, line: int, col: int, message: str | None = None) -> dict:
    artifact = artifact_location(file)
    region = {"startLine": max(line, 1)}
    if col:
        region["startColumn"] = col
    loc = {"physicalLocation": {"artifactLocation": artifact, "region": region}}
    if message:
        loc["message"] = {"text": message}
    return loc


def _fingerprint(parts: list[str]) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def _site_rules() -> list[dict]:
    return [{
        "id": _rule_id(cause),
        "name": "HeapAllocation" + "".join(w.title() for w in cause.split("-")),
        "shortDescription": {"text": f"Heap allocation: {doc}"},
        "fullDescription": {"text": f"The compiler's escape analysis put this allocation on the "
                                    f"heap because {doc}."},
        "defaultConfiguration": {"level": "note"},
        "properties": {"tags": ["performance", "allocation", cause]},
    } for cause, doc in CAUSE_DOCS.items()]


def render(result, sites, guard=None) -> str:
    """``guard`` (report.guard_sarif.GuardMarks) adds the gate's fingerprint, baselineState
    and level to each result and the absent ones; scan gets fingerprints alone."""
    from goalloc.report.guard_sarif import GuardMarks

    guard = guard or GuardMarks.fingerprints_only(sites, result.findings)
    rules = _site_rules()
    finding_rules = []
    if result.findings:
        from goalloc.report.findings_sarif import sarif_rules

        finding_rules = sarif_rules({f.rule for f in result.findings})
    rule_index = {r["id"]: i for i, r in enumerate(rules + finding_rules)}
    results = []
    occurrences: Counter = Counter()
    for s in sites:
        if s.verdict != "heap":
            continue
        text = s.explanation
        if s.suggestion:
            text += f" Fix: {s.suggestion}."
        if s.note:
            text += f" Note: {s.note}."
        key = [s.package, s.file, s.function, s.expr, s.kind, s.cause or ""]
        occurrences[tuple(key)] += 1
        key.append(str(occurrences[tuple(key)]))
        res = {
            "ruleId": _rule_id(s.cause or "other"),
            "ruleIndex": rule_index[_rule_id(s.cause or "other")],
            "level": "note",
            "message": {"text": text},
            "locations": [_location(s.file, s.line, s.col)],
            # Line numbers are left out so the fingerprint survives edits above the site.
            "partialFingerprints": {"goallocSite/v1": _fingerprint(key)},
            "properties": {"kind": s.kind, "expr": s.expr, "function": s.function,
                           "package": s.package},
        }
        guard.mark(res, s)
        if s.flow:
            res["codeFlows"] = [{"threadFlows": [{"locations": [
                {"location": _location(st.file, st.line, st.col,
                                       f"{st.expr} ({st.reason})" if st.reason else st.expr)}
                for st in s.flow]}]}]
        results.append(res)
    if result.findings:
        from goalloc.report.findings_sarif import sarif_result

        for f in result.findings:
            res = sarif_result(f)
            res["ruleIndex"] = rule_index[f.rule]
            res["partialFingerprints"] = {"goallocFinding/v1": _fingerprint(
                [f.rule, f.file, f.function or "", f.message.split(":")[0]])}
            guard.mark(res, f)
            results.append(res)
    results += guard.absent_results()
    run = {
        "tool": {"driver": {"name": "goalloc", "version": __version__,
                            "semanticVersion": __version__, "informationUri": INFO_URI,
                            "rules": rules + finding_rules}},
        "results": results,
        # Go prints byte columns; SARIF has no byte unit. They agree on ASCII lines.
        "columnKind": "unicodeCodePoints",
        "properties": {"go": result.go_version, "goos": result.goos, "goarch": result.goarch},
    }
    if result.module_root:
        root = quote(result.module_root.rstrip("/"), safe="/")
        run["originalUriBaseIds"] = {"SRCROOT": {"uri": f"file://{root}/"}}
    invocation = {"executionSuccessful": not result.errors}
    if result.errors:
        invocation["toolExecutionNotifications"] = [
            {"level": "error", "message": {"text": e.message},
             **({"locations": [_location(e.file, e.line, e.col)]} if e.file else {})}
            for e in result.errors]
    run["invocations"] = [invocation]
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"

"""SARIF 2.1.0 for `goalloc calls`: a note per runtime allocation call (an inlined call has
its origin as a related location), and the findings beside the escape sites."""

from __future__ import annotations

import json
from collections import Counter

from goalloc import __version__
from goalloc.calls.entrypoints import FAMILIES, entry_point
from goalloc.calls.model import FINDING_KINDS
from goalloc.report.sarif import INFO_URI, SARIF_SCHEMA, _fingerprint, _location

_FAMILY_DOCS = {
    "slice": "slice growth or creation",
    "map": "map creation, growth or copy",
    "object": "an object allocated with new, &T{}, a closure or a moved variable",
    "boxing": "a value copied to the heap to be stored in an interface",
    "string": "a string or byte/rune slice built at run time",
    "defer": "a defer record the runtime allocates",
    "goroutine": "a goroutine started by a go statement",
    "channel": "a channel and its buffer",
}
_FINDING_DOCS = {
    "stack-site-allocates": "The compiler keeps this value on the stack, yet the compiled code "
                            "calls the runtime's allocator for it on this line",
    "heap-site-without-call": "The compiler reports a heap allocation, yet the compiled code "
                              "calls no allocator on this line",
}


def _rules() -> list[dict]:
    rules = [{
        "id": f"runtime-call/{family}",
        "name": "RuntimeCall" + family.title(),
        "shortDescription": {"text": f"Runtime allocation call: {_FAMILY_DOCS[family]}"},
        "defaultConfiguration": {"level": "note"},
        "properties": {"tags": ["performance", "allocation", family]},
    } for family in FAMILIES]
    rules += [{
        "id": f"calls/{kind}",
        "name": "".join(w.title() for w in kind.split("-")),
        "shortDescription": {"text": _FINDING_DOCS[kind]},
        "defaultConfiguration": {"level": "warning"},
        "properties": {"tags": ["performance", "allocation"]},
    } for kind in FINDING_KINDS]
    return rules


def _call_result(fn, call, rule_index: dict, occurrences: Counter) -> dict:
    entry = entry_point(call.runtime)
    text = f"{fn.function} calls {call.runtime}"
    if entry is not None:
        text += f" ({entry.source}; allocates {entry.allocates})"
    if call.in_loop:
        text += ", in a loop"
    key = (fn.package, fn.symbol, call.runtime, call.file)
    occurrences[key] += 1
    res = {
        "ruleId": f"runtime-call/{call.family}",
        "ruleIndex": rule_index[f"runtime-call/{call.family}"],
        "level": "note",
        "message": {"text": text},
        "locations": [_location(call.file, call.line, 0)],
        "partialFingerprints": {"goallocCall/v1": _fingerprint(
            [*key, str(occurrences[key])])},
        "properties": {"runtime": call.runtime, "function": fn.function,
                       "package": fn.package, "in_loop": call.in_loop},
    }
    if call.inlined_from is not None:
        origin = call.inlined_from
        res["relatedLocations"] = [dict(_location(origin.file, origin.line, 0,
                                                  f"inlined from {origin.function}"), id=0)]
    return res


def _finding_result(f, rule_index: dict) -> dict:
    s = f.site
    rule = f"calls/{f.kind}"
    return {
        "ruleId": rule,
        "ruleIndex": rule_index[rule],
        "level": "warning",
        "message": {"text": f"{s.expr} ({s.verdict} verdict): {f.reason}"},
        "locations": [_location(s.file, s.line, s.col)],
        "partialFingerprints": {"goallocCallFinding/v1": _fingerprint(
            [f.kind, s.package, s.file, s.function, s.expr])},
        "properties": {"function": s.function, "package": s.package,
                       "runtime": [c.runtime for c in f.calls]},
    }


def render(result) -> str:
    rules = _rules()
    rule_index = {r["id"]: i for i, r in enumerate(rules)}
    occurrences: Counter = Counter()
    results = [_call_result(fn, call, rule_index, occurrences)
               for fn in result.functions for call in fn.calls]
    results += [_finding_result(f, rule_index) for f in result.findings]
    run = {
        "tool": {"driver": {"name": "goalloc", "version": __version__,
                            "semanticVersion": __version__, "informationUri": INFO_URI,
                            "rules": rules}},
        "results": results,
        "columnKind": "unicodeCodePoints",
        "properties": {"go": result.go_version, "goos": result.goos, "goarch": result.goarch,
                       "command": "calls"},
    }
    if result.module_root:
        run["originalUriBaseIds"] = {"SRCROOT": {"uri": "file://" + result.module_root.rstrip("/") + "/"}}
    invocation = {"executionSuccessful": not result.errors}
    if result.errors:
        invocation["toolExecutionNotifications"] = [
            {"level": "error", "message": {"text": e.message},
             **({"locations": [_location(e.file, e.line, e.col)]} if e.file else {})}
            for e in result.errors]
    run["invocations"] = [invocation]
    return json.dumps({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]},
                      indent=2, ensure_ascii=False) + "\n"

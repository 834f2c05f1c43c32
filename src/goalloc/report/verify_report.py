"""Text and JSON for `goalloc verify`."""

from __future__ import annotations

from goalloc.goinfo import GoInfo
from goalloc.report.envelope import document, dumps
from goalloc.units import short_bytes

SCHEMA_VERSION = 1


def _site_json(s) -> dict | None:
    if s is None:
        return None
    return {"file": s.file, "line": s.line, "col": s.col, "expr": s.expr, "kind": s.kind,
            "verdict": s.verdict, "cause": s.cause, "explanation": s.explanation,
            "suggestion": s.suggestion, "note": s.note, "fix_kind": s.fix_kind or None,
            "priority": s.priority or None, "priority_reasons": list(s.priority_reasons),
            "rank": s.rank}


def render_json(v) -> str:
    doc = document("verify", SCHEMA_VERSION, v.go or GoInfo(v.go_version), {
        "directory": v.directory,
        "memprofilerate": v.memprofilerate,
        "benchmarks": [{"package": r.pkg, "name": r.name, "iterations": r.iterations,
                        "values": r.values} for r in v.benchmarks],
        "totals": v.totals,
        "measured": [{
            "package": m.package, "function": m.function, "file": m.file, "line": m.line,
            "kind": m.kind, "bytes": m.bytes, "objects": m.objects, "share": round(m.share, 6),
            "source": m.source, "callee": m.callee, "escape": _site_json(m.site),
            "findings": [f.to_json() for f in m.findings],
        } for m in v.measured],
        "no_cost": [_site_json(s) | {"package": s.package, "function": s.function}
                    for s in v.no_cost],
        "unexercised_heap_sites": v.unexercised,
        "test_code_bytes": v.test_code_bytes,
        "packages_without_benchmarks": v.packages_without_benchmarks,
    })
    return dumps(doc, indent=2) + "\n"


def render_text(v, top: int = 15) -> str:
    out = [f"goalloc verify: {v.go_version}, {len(v.benchmarks)} benchmark result(s), "
           f"-memprofilerate={v.memprofilerate}", ""]
    if v.benchmarks:
        out.append("Benchmarks")
        width = max(len(r.name) for r in v.benchmarks)
        for r in v.benchmarks:
            vals = r.values
            out.append(f"  {r.name:<{width}}  {vals.get('ns/op', 0):>12.1f} ns/op  "
                       f"{vals.get('B/op', 0):>10.0f} B/op  {vals.get('allocs/op', 0):>7.0f} allocs/op")
        out.append("")
    total = v.totals.get("alloc_space", 0)
    out.append(f"Where the memory went ({short_bytes(total)} and {v.totals.get('alloc_objects', 0):,} "
               f"objects in the profiles, top {min(top, len(v.measured))} sites)")
    for m in v.measured[:top]:
        out.append(f"  {m.file}:{m.line}  {short_bytes(m.bytes):>10}  {m.share * 100:5.1f}%  "
                   f"{m.objects:>9,} obj  {m.kind:<13} {m.function}")
        if m.source:
            out.append(f"      | {m.source}")
        if m.site is not None:
            s = m.site
            cause = f", {s.cause}" if s.cause else ""
            out.append(f"      escape: {s.expr} [{s.kind}, {s.verdict}{cause}]")
            if s.verdict == "heap":
                out.append(f"      why: {s.explanation}")
                if s.priority:
                    # The static priority beside what was measured (as scan --profile shows).
                    reasons = "; ".join(s.priority_reasons)
                    out.append(f"      priority: {s.priority}" + (f" ({reasons})" if reasons else ""))
                out.append(f"      {s.fix_kind or 'fix'}: {s.suggestion}")
            else:
                out.append("      the compiler keeps this on the stack; the bytes come from growth "
                           "or an allocation inside the runtime (e.g. map buckets, growslice)")
        elif m.callee:
            out.append(f"      allocated inside {m.callee}, called here")
        else:
            out.append("      no escape site at this line")
        for f in m.findings:
            out.append(f"      finding {f.rule}: {f.message}")
    out.append("")
    if v.no_cost:
        out.append(f"Heap sites that cost nothing in these runs ({len(v.no_cost)}; in functions "
                   f"the benchmarks ran, with no allocation measured at their line)")
        for s in v.no_cost[:top]:
            why = f"  ({s.note})" if s.note else ""
            out.append(f"  {s.file}:{s.line}:{s.col}  {s.expr}  [{s.kind}, {s.cause}]  in {s.function}{why}")
        if len(v.no_cost) > top:
            out.append(f"  ... and {len(v.no_cost) - top} more (--format json)")
        out.append("")
    if v.test_code_bytes:
        out.append(f"Benchmark setup in _test.go files allocated {short_bytes(v.test_code_bytes)} "
                   f"(not listed: test code is not scanned).")
    if v.unexercised:
        out.append(f"{v.unexercised} heap site(s) are in functions these benchmarks never ran.")
    if v.packages_without_benchmarks:
        out.append("Packages without benchmarks: " + ", ".join(v.packages_without_benchmarks))
    return "\n".join(out).rstrip() + "\n"

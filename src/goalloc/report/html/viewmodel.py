"""The data of an HTML report: plain dicts and lists, built from typed results.

The page's script renders everything from this one document, so what it contains is exactly
what the reader sees; nothing here is HTML. Optional attributes that other parts of goalloc
add to sites (``priority``, ``priority_reasons``, ``fix_kind``, ``rank``, ``runtime_cost``,
``runtime_calls``) are read when present.
"""

from __future__ import annotations

import os
import re

from goalloc.escape.model import CAUSES, KINDS

# The order of the local fix-first ranking, used when sites carry no ``rank`` of their own:
# growth and sized allocations first (they cost per element), then per-call boxing.
_KIND_ORDER = {k: i for i, k in enumerate(("slice", "map", "string", "interface", "closure",
                                           "object", "variable", "other"))}
_CAUSE_ORDER = {c: i for i, c in enumerate(("append-growth", "non-constant-size",
                                            "interface-conversion", "call-argument", "returned",
                                            "stored-in-heap", "closure-captured", "channel-send",
                                            "goroutine", "defer", "method-value", "reflect",
                                            "too-large", "other"))}
_PRIORITY_ORDER = {"high": 0, "medium": 1, "low": 2, "none": 3}
GROWTH_N = 1000  # elements or entries a growth picture models when no finding says otherwise
MAX_GROWTH_N = 1_000_000


def is_free(site) -> bool:
    """A heap site whose allocation costs nothing at run time (static data, zero size)."""
    return (site.note or "").startswith("allocates nothing") or getattr(
        site, "runtime_cost", None) in ("none", "zero")


def site_key(site) -> tuple:
    return (site.file, site.line, site.col, site.expr)


def fix_first_order(sites, finding_lines: set) -> list[int]:
    """Indexes of the heap sites, most worth fixing first: by ``rank`` when the sites carry
    one, else allocating before free, with a rule finding before without, then by kind and
    cause."""
    heap = [i for i, s in enumerate(sites) if s.verdict == "heap"]
    if any(getattr(sites[i], "rank", None) is not None for i in heap):
        def ranked(i):
            r = getattr(sites[i], "rank", None)
            return (r is None, r if r is not None else 0, sites[i].file, sites[i].line)
        return sorted(heap, key=ranked)

    def local(i):
        s = sites[i]
        return (is_free(s), _PRIORITY_ORDER.get(getattr(s, "priority", None) or "", 4),
                (s.file, s.line) not in finding_lines, _KIND_ORDER.get(s.kind, 9),
                _CAUSE_ORDER.get(s.cause or "other", 99), s.file, s.line, s.col)
    return sorted(heap, key=local)


def _runtime_calls(site) -> list[dict]:
    out = []
    for c in getattr(site, "runtime_calls", None) or []:
        out.append({"runtime": getattr(c, "runtime", str(c)), "family": getattr(c, "family", ""),
                    "in_loop": bool(getattr(c, "in_loop", False))})
    return out


def _text_list(value) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def site_record(index: int, site) -> dict:
    origin = site.origin
    rank = getattr(site, "rank", None)
    cost = getattr(site, "runtime_cost", None)
    return {
        "id": index, "package": site.package, "file": site.file, "line": site.line,
        "col": site.col, "function": site.function, "expr": site.expr, "kind": site.kind,
        "verdict": site.verdict, "cause": site.cause, "explanation": site.explanation,
        "suggestion": site.suggestion, "diagnostic": site.diagnostic, "note": site.note,
        "inlined_from": site.inlined_from or None,
        "origin": [origin.file, origin.line, origin.col] if origin else None,
        "flow": [[st.file, st.line, st.col, st.reason, st.expr, st.flow] for st in site.flow],
        "free": is_free(site) if site.verdict == "heap" else False,
        "priority": getattr(site, "priority", None) or None,
        "priority_reasons": _text_list(getattr(site, "priority_reasons", None)),
        "fix_kind": getattr(site, "fix_kind", None) or None,
        "rank": rank if isinstance(rank, (int, float)) else None,
        "runtime_cost": None if cost is None else str(cost),
        "runtime_calls": _runtime_calls(site),
        "findings": [], "growth": None, "measured": None,
    }


def finding_record(index: int, f) -> dict:
    est = f.estimate.to_json() if getattr(f, "estimate", None) else None
    return {"id": index, "rule": f.rule, "file": f.file, "line": f.line, "col": f.col,
            "function": f.function, "package": f.package, "message": f.message,
            "fix": f.fix.description if f.fix else None,
            "replacement": f.fix.replacement if f.fix and f.fix.replacement else None,
            "estimate": est}


def link_findings(site_recs: list[dict], finding_recs: list[dict], findings) -> None:
    """Tie each finding to the sites it names, or else to the heap sites on its line."""
    by_pos = {(r["file"], r["line"], r["col"]): r for r in site_recs}
    by_line: dict[tuple, list] = {}
    for r in site_recs:
        if r["verdict"] == "heap":
            by_line.setdefault((r["file"], r["line"]), []).append(r)
    for rec, f in zip(finding_recs, findings):
        named = [by_pos[p] for p in (tuple(p) for p in f.sites) if p in by_pos]
        for r in named or by_line.get((f.file, f.line), []):
            if rec["id"] not in r["findings"]:
                r["findings"].append(rec["id"])


# ------------------------------------------------------------------------------ growth

_SLICE_TYPE = re.compile(r"\[\]([\w.*\[\]]+)")
_MAP_TYPE = re.compile(r"map\[([\w.*\[\]]+)\]([\w.*\[\]]+)")


def make_size(text: str) -> tuple[bool, int | None]:
    """For ``make(T, len[, cap])`` or ``make(map[K]V, hint)``: whether a size is given, and
    its value when it is a literal (the capacity if there is one)."""
    start = text.find("make(")
    if start < 0:
        return False, None
    args, depth, current = [], 0, ""
    for ch in text[start + 5:]:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            if depth == 0:
                break
            depth -= 1
        if ch == "," and depth == 0:
            args.append(current.strip())
            current = ""
        else:
            current += ch
    args.append(current.strip())
    if len(args) < 2 or not args[-1]:
        return False, None
    size = args[-1].replace("_", "")
    return True, int(size) if size.isdigit() else None


_POINTER_TO_NAMED = re.compile(r"\*[\w.]+")


def _modelable(type_expr: str) -> str:
    """A pointer is one word whatever it points to; the models need not know the type."""
    return _POINTER_TO_NAMED.sub("*byte", type_expr)


class GrowthModels:
    """Growth pictures of slice and map sites from goalloc.models, computed once per shape."""

    def __init__(self, go_version: str):
        self.go = go_version
        self._cache: dict[tuple, dict | None] = {}

    def for_site(self, site, line_text: str, n: int | None, notes: tuple = ()) -> dict | None:
        """``notes``: the messages of the findings at the site, which name the slice's type
        when neither the expression (``append``) nor the line does."""
        if site.verdict != "heap" or site.kind not in ("slice", "map"):
            return None
        n = max(1, min(n or GROWTH_N, MAX_GROWTH_N))
        # A finding's message names the type, but the make it shows is the fix, not the code:
        # its size is not the site's.
        for text, sized in ((site.expr, True), (line_text, True), *((t, False) for t in notes)):
            picture = (self._slice(text, n, sized) if site.kind == "slice"
                       else self._map(text, n, sized))
            if picture is not None:
                return picture
        return None

    def _slice(self, text: str, n: int, read_size: bool = True) -> dict | None:
        m = _SLICE_TYPE.search(text or "")
        if not m:
            return None
        sized, literal = make_size(text) if read_size else (False, None)
        # A make sized by an expression (len(x)) is assumed sized right: one allocation.
        start = (literal if literal is not None else n) if sized else 0
        n = max(n, start)
        key = ("slice", m.group(1), n, start)
        if key not in self._cache:
            self._cache[key] = self._simulate_slice(m.group(1), n, start)
        return self._cache[key]

    def _simulate_slice(self, elem: str, n: int, start: int) -> dict | None:
        from goalloc.errors import GoallocError
        from goalloc.models import layout_of, simulate_slice

        try:
            lay = layout_of(_modelable(elem))
            g = simulate_slice(self.go, lay.size, lay.pointers, n, start_cap=start)
        except GoallocError:
            return None
        return {"kind": "slice", "type": "[]" + elem, "n": n, "go": g.go, "start": start,
                "allocations": g.allocations, "bytes": g.bytes_allocated,
                "copied": g.bytes_copied, "final": g.final_cap,
                "steps": [[st.at_len, st.old_cap, st.new_cap, st.bytes_allocated]
                          for st in g.steps]}

    def _map(self, text: str, n: int, read_size: bool = True) -> dict | None:
        m = _MAP_TYPE.search(text or "")
        if not m:
            return None
        sized, literal = make_size(text) if read_size else (False, None)
        hint = (literal if literal is not None else n) if sized else None
        key = ("map", m.group(1), m.group(2), n, hint)
        if key not in self._cache:
            self._cache[key] = self._simulate_map(m.group(1), m.group(2), n, hint)
        return self._cache[key]

    def _simulate_map(self, k: str, v: str, n: int, hint: int | None) -> dict | None:
        from goalloc.errors import GoallocError
        from goalloc.models import simulate_map

        try:
            g = simulate_map(self.go, _modelable(k), _modelable(v), n, hint=hint)
        except GoallocError:
            return None
        return {"kind": "map", "type": f"map[{k}]{v}", "n": n, "go": g.go, "start": hint or 0,
                "allocations": g.allocations, "bytes": g.bytes_allocated,
                "implementation": g.implementation,
                "steps": [[st.at_n, st.what, st.allocations, st.bytes_allocated]
                          for st in g.steps]}


# ------------------------------------------------------------------------------ files, tree

def read_source(root: str | None, path: str) -> str | None:
    """The file's text, or None; a relative path without a root is not guessed at (it would
    be read from wherever goalloc runs)."""
    if not os.path.isabs(path) and not root:
        return None
    full = path if os.path.isabs(path) else os.path.join(root, path)
    try:
        with open(full, "rb") as fh:
            data = fh.read()
    except OSError:
        return None
    return data.decode("utf-8", errors="replace").replace("\r\n", "\n")


def module_path(module_root: str | None) -> str:
    if not module_root:
        return ""
    try:
        with open(os.path.join(module_root, "go.mod"), encoding="utf-8", errors="replace") as fh:
            for line in fh:
                parts = line.split()
                if len(parts) >= 2 and parts[0] == "module":
                    return parts[1].strip('"')
    except OSError:
        pass
    return ""


def module_of(package: str, module: str) -> str:
    if module and (package == module or package.startswith(module + "/")):
        return module
    first = package.split("/", 1)[0]
    return "std" if "." not in first else "other modules"


def build_tree(site_recs: list[dict], module: str) -> list[dict]:
    """module -> package -> file, each with its heap and stack counts."""
    modules: dict[str, dict] = {}
    for r in site_recs:
        mod = modules.setdefault(module_of(r["package"], module),
                                 {"name": module_of(r["package"], module), "heap": 0,
                                  "stack": 0, "packages": {}})
        pkg = mod["packages"].setdefault(r["package"], {"name": r["package"], "heap": 0,
                                                        "stack": 0, "files": {}})
        f = pkg["files"].setdefault(r["file"], {"name": r["file"], "heap": 0, "stack": 0})
        for node in (mod, pkg, f):
            node[r["verdict"] if r["verdict"] in ("heap", "stack") else "stack"] += 1
    out = []
    for mod in sorted(modules.values(), key=lambda m: (-m["heap"], m["name"])):
        pkgs = []
        for pkg in sorted(mod["packages"].values(), key=lambda p: (-p["heap"], p["name"])):
            pkg["files"] = sorted(pkg["files"].values(), key=lambda f: (-f["heap"], f["name"]))
            pkgs.append(pkg)
        mod["packages"] = pkgs
        out.append(mod)
    return out


# ------------------------------------------------------------------------------ documents

def sites_document(mode: str, title: str, meta: dict, sites, findings, module_root: str | None,
                   go_version: str, extra_files: tuple = ()) -> dict:
    """The shared part of every report that shows escape sites on their source."""
    site_recs = [site_record(i, s) for i, s in enumerate(sites)]
    finding_recs = [finding_record(i, f) for i, f in enumerate(findings)]
    link_findings(site_recs, finding_recs, findings)
    files: dict[str, str | None] = {}
    for path in [r["file"] for r in site_recs] + [f["file"] for f in finding_recs] + list(extra_files):
        if path and path not in files:
            files[path] = read_source(module_root, path)
    growth = GrowthModels(go_version)
    pictures: list[dict] = []
    picture_ids: dict[int, int] = {}
    for rec, site in zip(site_recs, sites):
        n = next((finding_recs[i]["estimate"]["n"] for i in rec["findings"]
                  if finding_recs[i]["estimate"]), None)
        text = _line(files.get(site.file), site.line)
        pic = growth.for_site(site, text, n, tuple(finding_recs[i]["message"]
                                                   for i in rec["findings"]))
        if pic is not None:
            if id(pic) not in picture_ids:
                picture_ids[id(pic)] = len(pictures)
                pictures.append(pic)
            rec["growth"] = picture_ids[id(pic)]
    finding_lines = {(f.file, f.line) for f in findings}
    module = module_path(module_root)
    return {
        "mode": mode, "title": title, "meta": meta, "module": module,
        "sites": site_recs, "order": fix_first_order(sites, finding_lines),
        "findings": finding_recs, "files": files, "tree": build_tree(site_recs, module),
        "growth": pictures, "flame": None, "gc": None, "measured": [],
        "vocab": {"causes": list(CAUSES), "kinds": list(KINDS)},
    }


def _line(text: str | None, line: int) -> str:
    if not text:
        return ""
    lines = text.split("\n", line)
    return lines[line - 1] if 0 < line <= len(lines) else ""


def scan_document(result, sites, filters: dict | None = None) -> dict:
    from goalloc.report.scan_json import summary

    meta = {"go": result.go_version, "goos": result.goos, "goarch": result.goarch,
            "directory": result.directory, "module_root": result.module_root,
            "patterns": list(result.patterns), "packages": len(result.packages),
            "failed_packages": list(result.failed_packages),
            "errors": [e.to_json() for e in result.errors], "filters": filters or {},
            "summary": summary(result, sites)}
    title = "goalloc scan " + " ".join(result.patterns)
    return sites_document("scan", title, meta, sites, result.findings, result.module_root,
                          result.go_version)


def measured_record(m, site_ids: dict) -> dict:
    esc = getattr(m, "site", None) if hasattr(m, "site") else getattr(m, "escape", None)
    return {"function": m.function, "file": m.file, "line": m.line, "kind": m.kind,
            "bytes": m.bytes, "objects": m.objects, "share": round(m.share, 6),
            "callee": m.callee, "site": site_ids.get(id(esc)) if esc is not None else None}


def attach_measured(doc: dict, measured: list[dict]) -> None:
    """Measured bytes on the sites and lines they were attributed to; measured sites first."""
    doc["measured"] = measured
    by_site = {}
    for m in measured:
        if m["site"] is not None:
            rec = doc["sites"][m["site"]]
            rec["measured"] = [(rec["measured"] or [0, 0])[0] + m["bytes"],
                               (rec["measured"] or [0, 0])[1] + m["objects"]]
            by_site[m["site"]] = rec["measured"][0]
    doc["order"] = sorted(doc["order"], key=lambda i: (-by_site.get(i, 0),))


def verify_document(v) -> dict:
    doc = scan_document(v.scan, v.scan.sites)
    doc["mode"] = "verify"
    doc["title"] = "goalloc verify " + " ".join(v.scan.patterns)
    ids = {id(s): i for i, s in enumerate(v.scan.sites)}
    attach_measured(doc, [measured_record(m, ids) for m in v.measured])
    doc["meta"].update({"memprofilerate": v.memprofilerate, "totals": dict(v.totals),
                        "benchmarks": [_bench_line(b) for b in v.benchmarks],
                        "unexercised": v.unexercised, "no_cost": len(v.no_cost),
                        "test_code_bytes": v.test_code_bytes})
    return doc


def _bench_line(b) -> str:
    name = getattr(b, "name", "")
    parts = [str(name)]
    for attr, unit in (("ns_per_op", "ns/op"), ("bytes_per_op", "B/op"),
                       ("allocs_per_op", "allocs/op")):
        value = getattr(b, attr, None)
        if value is not None:
            parts.append(f"{value:g} {unit}")
    return "  ".join(parts)


class _ProfileMeasured:
    """A profile site seen the way verify's measured sites are, for measured_record."""

    def __init__(self, ps, index: int, total: int):
        self.function, self.file, self.line, self.kind = ps.function, ps.file, ps.line, ps.kind
        self.bytes = ps.values.get("alloc_space", ps.values.get("inuse_space", 0))
        self.objects = ps.values.get("alloc_objects", ps.values.get("inuse_objects", 0))
        value = list(ps.values.values())[index] if len(ps.values) > index else 0
        self.share = value / total if total else 0.0
        self.callee = ps.callee
        self.escape = ps.escape


def profile_document(result, path: str, source_root: str | None, base: str | None = None) -> dict:
    from goalloc.report.html.flame import flame_graph

    attr = result.attribution
    escapes, seen = [], set()
    for ps in attr.sites:
        for s in [ps.escape] + list(ps.escape_candidates or []):
            if s is not None and id(s) not in seen:
                seen.add(id(s))
                escapes.append(s)
    user_files = tuple(ps.file for ps in attr.sites if ps.user and not os.path.isabs(ps.file))
    go = getattr(result.go, "version", None) or ""
    meta = {"go": go, "profile": path, "base": base, "source": source_root,
            "sample_type": attr.sample_type, "totals": dict(attr.totals),
            "scanned": bool(result.scanned)}
    doc = sites_document("profile", "goalloc profile " + os.path.basename(path), meta, escapes,
                         [], source_root, go or "1.27", extra_files=user_files)
    ids = {id(s): i for i, s in enumerate(escapes)}
    total = attr.totals.get(attr.sample_type, 0)
    measured = [measured_record(_ProfileMeasured(ps, attr.sample_index, total), ids)
                for ps in attr.sites if ps.user]
    measured.sort(key=lambda m: -m["bytes"])
    attach_measured(doc, measured)
    doc["flame"] = flame_graph(attr.profile, attr.sample_index, source_root, set(doc["files"]))
    return doc


def gctrace_document(trace, summary: dict, text: str) -> dict:
    series = []
    for n, cycles in enumerate(trace.processes or [trace.cycles], start=1):
        series.append({"process": n, "points": [
            [c.t, c.heap_start_mb, c.heap_end_mb, c.heap_live_mb, c.goal_mb,
             round(c.sweep_term_ms + c.mark_term_ms, 4)] for c in cycles]})
    return {"mode": "gctrace", "title": "goalloc gctrace " + os.path.basename(trace.source),
            "meta": {"source": trace.source, "cycles": len(trace.cycles),
                     "skipped": trace.skipped, "malformed": len(trace.malformed)},
            "module": "", "sites": [], "order": [], "findings": [], "files": {}, "tree": [],
            "growth": [], "flame": None, "measured": [], "summary_text": text,
            "gc": {"series": series}, "vocab": {"causes": list(CAUSES), "kinds": list(KINDS)}}

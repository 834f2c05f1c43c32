"""Plain explanations and concrete fixes for each root cause, naming the expression and place."""

from __future__ import annotations

import re

from goalloc.escape.causes import Decision, callee_of, is_constant
from goalloc.escape.model import Site

# cause -> one-line description, used by the reports' cause table and the SARIF rules
CAUSE_DOCS = {
    "returned": "the value is returned, so it must outlive the function",
    "closure-captured": "a closure that outlives the function captures it by reference",
    "goroutine": "a goroutine's closure or wrapper holds it; goroutines always live on the heap",
    "defer": "a heap-allocated defer (a defer in a loop) holds it",
    "interface-conversion": "it is boxed into an interface value that escapes",
    "call-argument": "it is passed to a function whose parameter leaks",
    "stored-in-heap": "it is stored into memory already on the heap (global, field, map, slice)",
    "channel-send": "it is sent on a channel",
    "too-large": "it is too large for the stack",
    "non-constant-size": "its size is not known at compile time",
    "append-growth": "append must grow it beyond what fits on the stack",
    "reflect": "it is passed to reflect",
    "method-value": "a method value (a closure binding the receiver) escapes",
    "outlives-loop": "allocated inside a loop and kept in a variable declared outside it",
    "other": "the compiler's flow names no single reason",
}


def _where(step_file: str, line: int) -> str:
    return f"{step_file}:{line}"


def _subject(site: Site) -> str:
    return f"`{site.expr}`"


def explain(site: Site, d: Decision) -> tuple[str, str]:
    """(explanation, suggestion) for a heap site."""
    via = getattr(d, "via", "")
    subj = _subject(site) + (f" (a {via})" if via == "method value" else
                             f" ({via})" if via.startswith(("held by", "stored in")) else "")
    at = _where(d.step.file, d.step.line) if d.step else _where(site.file, site.line)
    fn = site.function or "the function"
    kind = site.kind
    c = d.cause
    if c == "returned":
        exp = f"{subj} is returned at {at}, so it must outlive {fn}."
        if kind == "slice":
            fix = (f"let the caller pass a buffer in (e.g. `func {fn.split('.')[-1]}(dst []T, ...) []T` "
                   f"appending to dst, like strconv.AppendInt) so it can be reused")
        elif kind == "map":
            fix = "let the caller pass the map in and fill it, so one map can be reused"
        elif kind in ("object", "variable"):
            fix = ("return it by value if it is small (a few words), or let the caller pass a "
                   "pointer to fill")
        elif kind == "closure":
            fix = "return a struct with a method instead of a closure, or let the caller own the state"
        elif kind == "string":
            fix = "append into a caller-provided []byte (or a strings.Builder the caller reuses)"
        else:
            fix = "let the caller provide the storage"
        return exp, fix
    if c == "closure-captured":
        exp = f"{subj} is captured by a closure at {at} that outlives {fn}, so it moves to the heap."
        fix = ("if the closure does not need to outlive the call, call it directly (or keep it "
               "local) so it stays on the stack; otherwise capture only what it needs")
        return exp, fix
    if c == "goroutine":
        exp = (f"{subj} is held by the goroutine started at {at}; a goroutine's closure always "
               f"lives on the heap.")
        fix = ("usually unavoidable for a goroutine; if one goroutine runs per item, reuse a fixed "
               "set of workers fed by a channel. Passing it as an argument instead of capturing it "
               "moves the cost into the goroutine's wrapper and is often not cheaper")
        return exp, fix
    if c == "defer":
        exp = (f"{subj} is held by the deferred call at {at}; a defer that runs in a loop is "
               f"heap allocated.")
        fix = ("move the loop body into its own function so its defer runs once per call and "
               "stays on the stack")
        return exp, fix
    if c == "interface-conversion":
        callee = d.detail if d.detail and d.detail not in ("returned", "other") else ""
        target = f" passed to {callee}" if callee and "." in callee else ""
        exp = f"{subj} is converted to an interface at {at} and the interface value escapes{target}."
        if callee.startswith("fmt."):
            fix = ("format without boxing: strconv.AppendInt/AppendFloat/AppendQuote into a "
                   "reused []byte, or a typed writer method")
        else:
            fix = "keep the concrete type: a typed parameter, a typed method, or generics instead of any"
        return exp, fix
    if c == "call-argument":
        callee = d.detail or "the callee"
        exp = f"{subj} is passed to {callee} at {at}, whose parameter leaks to the heap."
        fix = (f"change {callee} so it does not keep the pointer (copy what it needs), or pass a "
               f"value instead of a pointer")
        return exp, fix
    if c == "stored-in-heap":
        exp = (f"{subj} is stored at {at} into memory that is already on the heap (a global, a "
               f"field reached through a pointer, a map or a heap slice).")
        fix = ("store a value instead of a pointer, or allocate such objects in batches or reuse "
               "them (a slice of values, sync.Pool)")
        return exp, fix
    if c == "channel-send":
        exp = f"{subj} is sent on a channel at {at}; the receiver may be another goroutine."
        fix = "send small values by value, or recycle buffers through a sync.Pool or a free list"
        return exp, fix
    if c == "too-large":
        exp = (f"{subj} is too large for the stack ({d.detail}): implicit allocations over "
               f"64 KiB and variables over 128 KiB go to the heap.")
        fix = "allocate it once and reuse it (a field, a sync.Pool) instead of per call"
        return exp, fix
    if c == "non-constant-size":
        exp = f"{subj} has a size not known at compile time, so this Go version puts it on the heap."
        fix = ("if a small upper bound is known, use a constant capacity (make([]T, n, K)); Go 1.25+ "
               "keeps small variable-size makes on the stack")
        return exp, fix
    if c == "append-growth" and kind == "variable":
        exp = (f"{subj} has its address appended at {at}; append may copy the pointer into a new "
               f"heap array, so {subj} moves to the heap.")
        fix = "append a copy of the value ([]T instead of []*T), or allocate the slice's elements together"
        return exp, fix
    if c == "append-growth":
        exp = f"{subj} grows the slice past the stack buffer the compiler gave it."
        fix = "preallocate the capacity once: make([]T, 0, n) before the loop"
        return exp, fix
    if c == "reflect":
        exp = f"{subj} is passed to {d.detail or 'reflect'} at {at}; reflect makes values escape."
        fix = "avoid reflect on hot paths: typed code or generics"
        return exp, fix
    if c == "method-value":
        exp = f"{subj} is a method value (a closure binding its receiver) created at {at} that escapes."
        fix = ("pass the receiver and call the method directly, or use a func literal that calls "
               "the method where it is needed")
        return exp, fix
    if c == "outlives-loop":
        exp = (f"{subj} is allocated inside a loop and kept at {at} in `{d.detail}`, declared "
               f"outside the loop, so it must outlive the iteration that made it.")
        fix = ("build the result with a strings.Builder or an append to one preallocated buffer, "
               "or keep the value inside the iteration (declare the variable in the loop body)")
        return exp, fix
    why = f" ({d.detail})" if d.detail else ""
    if d.detail == "zero-sized element":
        return (f"{subj} has zero-size elements{why}; the compiler marks it heap.",
                "nothing to do: it allocates nothing")
    return (f"the compiler's flow for {subj} names no single reason{why}; see the flow (-v).",
            "read the flow (-v) to see where it goes")


def cost_note(site: Site) -> str:
    """Where the verdict and the real cost differ in ways we know."""
    if site.verdict != "heap":
        return ""
    if site.kind == "interface" and is_constant(site.expr):
        return "allocates nothing: a constant in an interface points to static data"
    if site.kind == "slice" and site.expr.startswith("make([]struct {}"):
        return "allocates nothing: zero-size elements share one address (runtime.zerobase)"
    if site.cause == "other" and "zero-size" in site.explanation:
        return "allocates nothing: zero-size elements share one address (runtime.zerobase)"
    return ""


# --- the kind of fix: one documented word per site and finding (docs/scan.md, "fix_kind") ---

FIX_KINDS = {
    "none": "nothing to do: it allocates nothing, or never runs",
    "cold-path": "only on an error, panic, exit or init path, or in a test: leave it",
    "unavoidable": "needed by design: goroutine state, a value shared with its callers or "
                   "another goroutine",
    "preallocate": "give the slice or map its size up front (a capacity, a size hint)",
    "reuse-buffer": "reuse one buffer (the caller's, a field, a sync.Pool) instead of a new one",
    "caller-buffer": "let the caller pass the storage in (a dst []T to append to, a map to fill)",
    "sentinel-error": "a constant error message: make the error once, as a package variable",
    "avoid-interface": "keep the concrete type instead of boxing it into an interface",
    "avoid-conversion": "avoid the string/[]byte conversion, or make it once",
    "return-value": "return the value itself instead of a pointer to it",
    "hoist": "make it once, before the loop, and reuse it in each iteration",
    "restructure-closure": "change the closure or defer so it does not outlive the call",
    "pass-pointer": "pass or range over a pointer instead of copying a large value",
    "replace-map": "replace a map that was emptied by a new one, so its memory can be freed",
    "no-known-fix": "no concrete fix is known for this site: read the flow (-v)",
}

# Rule -> the kind of fix its findings suggest.
_RULE_FIX_KINDS = {
    "prealloc-slice": "preallocate", "map-size-hint": "preallocate",
    "box-in-loop": "avoid-interface", "conversion-in-loop": "avoid-conversion",
    "large-copy": "pass-pointer", "closure-capture": "restructure-closure",
    "map-never-shrinks": "replace-map", "constant-error": "sentinel-error",
}

_FREE_COSTS = ("free", "unreachable")


def _what(site: Site) -> str:
    """The site in words: `expr`, or "the append at line 12" for the compiler's generic
    names (append, func literal, ... argument)."""
    if site.expr in ("append", "func literal", "... argument", "composite literal"):
        return f"the {site.expr} at line {site.line}"
    return f"`{site.expr}`"


def _short(function: str) -> str:
    return (function or "the function").rsplit(".", 1)[-1]


def _fix_none(site: Site, code) -> tuple[str, str] | None:
    cost = getattr(site, "runtime_cost", "allocates")
    if site.note.startswith("allocates nothing") or cost in _FREE_COSTS:
        why = site.note or f"the compiled code makes no allocation here ({cost})"
        return "none", f"nothing to do: {why}"
    if site.kind == "interface" and _boxes_for_free(site.expr):
        return "none", (f"nothing to do: {_what(site)} is a small integer or a single byte, "
                        f"which the runtime boxes from a static table")
    return None


def _boxes_for_free(expr: str) -> bool:
    """Integers 0..255 and single-byte characters: convT64/convT16 use runtime.staticuint64s."""
    text = expr.strip()
    if re.fullmatch(r"\d+", text):
        return int(text) <= 255
    return re.fullmatch(r"'(?:[^'\\]|\\.)'", text) is not None and len(text.encode()) <= 4


def _fix_cold_path(site: Site, code) -> tuple[str, str] | None:
    if code is None:
        return None
    if code.in_test:
        return "cold-path", f"leave it: {_what(site)} is in a test file"
    if code.in_init:
        return "cold-path", f"leave it: {_what(site)} is made once, in init"
    if code.cold is None:
        return None
    where = {"error-return": "on the error return", "panic": "on the way to the panic",
             "exit": "on the way to the exit"}.get(code.cold.kind, "on a failure path")
    return "cold-path", (f"leave it: {_what(site)} is made only {where} at line {code.cold.at}, "
                         f"once per failure")


def _fix_error_value(site: Site, code, source_line) -> tuple[str, str] | None:
    ev = code.error_value if code is not None else None
    if ev is None or ev.package or site.kind not in ("object", "interface", "variable", "other"):
        return None
    if not ev.constant:
        if code.cold is not None or code.in_test or code.in_init:
            return None  # the cold path says it better
        return "no-known-fix", (f"the error from {ev.call} at line {ev.line} is built with "
                                f"arguments, so it is made each time; if it happens on a "
                                f"failure path only, leave it")
    call = _error_call_text(ev, source_line)
    name = sentinel_name(call)
    return "sentinel-error", (f"the message is constant: declare `var {name} = {call or ev.call + '(...)'}` "
                              f"once at package level and use {name} at line {ev.line}")


def _error_call_text(ev, source_line) -> str:
    if ev.line != ev.end_line:
        return ""
    return source_line(ev.file, ev.line)[ev.col - 1:ev.end_col - 1]


def sentinel_name(call: str) -> str:
    """errEmptyKey for errors.New("empty key")."""
    m = re.search(r'"((?:[^"\\]|\\.)*)"', call or "")
    words = re.findall(r"[A-Za-z0-9]+", m.group(1) if m else "")[:4]
    name = "err" + "".join(w[:1].upper() + w[1:] for w in words)
    return name if name != "err" and not name[3:4].isdigit() else "errSentinel"


def _fix_returned(site: Site, code) -> tuple[str, str]:
    fn_facts = code.function if code is not None else None
    short = _short(site.function)
    buffer = fn_facts.buffer_param if fn_facts is not None else ""
    if site.kind == "closure":
        return "restructure-closure", (f"{short} returns a closure: return a struct with a "
                                       f"method, so the state it captures is one value")
    if site.kind == "interface":
        return "avoid-interface", (f"{short} returns {_what(site)} as an interface: return the "
                                   f"concrete type if callers do not need the interface")
    if buffer:
        if site.expr.startswith("append") or buffer in site.expr:
            return "reuse-buffer", (f"{short} already appends to its parameter `{buffer}`: this "
                                    f"allocation is `{buffer}` growing; callers should pass one "
                                    f"buffer with enough room and reuse it (`{buffer}[:0]`)")
        return "no-known-fix", (f"{short} already takes `{buffer}`; {_what(site)} is separate "
                                f"storage it returns, and a caller buffer is not the fix")
    if site.kind in ("slice", "string"):
        elem = "byte" if site.kind == "string" else "T"
        return "caller-buffer", (f"{short} returns new storage ({_what(site)}): let callers "
                                 f"pass a buffer to append to, `func {short}(dst []{elem}, ...) "
                                 f"[]{elem}` like strconv.AppendInt, so one buffer is reused")
    if site.kind == "map":
        return "caller-buffer", (f"let callers of {short} pass the map to fill, so one map "
                                 f"can be cleared and reused")
    if re.match(r"^(New|new)[A-Z_]?", short):
        return "unavoidable", (f"{short} is a constructor: callers share the {_what(site)} it "
                               f"returns, one allocation per object is the design")
    results = fn_facts.results if fn_facts is not None else []
    pointer = next((r for r in results if r.startswith("*")), "")
    if pointer and "interface" not in pointer:
        return "return-value", (f"return `{pointer[1:]}` by value from {short} instead of "
                                f"`{pointer}`, if it is small and callers do not share it")
    return "no-known-fix", f"{_what(site)} outlives {short} by design; no change here removes it"


def _fix_closure(site: Site, code) -> tuple[str, str]:
    if site.cause == "defer":
        return "restructure-closure", ("move the loop body into its own function so its defer "
                                       "runs once per call and stays on the stack")
    if site.cause == "method-value":
        return "restructure-closure", ("call the method directly, or pass the receiver, instead "
                                       f"of the method value {_what(site)}")
    return "restructure-closure", (f"{_what(site)} is captured by a closure that outlives "
                                   f"{_short(site.function)}: call the closure directly, or "
                                   f"capture a copy made inside it")


def _fix_shared(site: Site, code) -> tuple[str, str]:
    if site.cause == "goroutine":
        return "unavoidable", (f"{_what(site)} is state of a goroutine started in "
                               f"{_short(site.function)}; a goroutine's closure lives on the heap")
    return "unavoidable", f"{_what(site)} is sent to another goroutine, which shares it"


def _fix_interface(site: Site, code) -> tuple[str, str]:
    callee = _callee_in(site.explanation)
    if callee.startswith(("fmt.", "log.", "*log.Logger", "(*log.Logger)")):
        return "avoid-interface", (f"format {_what(site)} without {callee}: strconv.Append* into "
                                   f"a reused []byte, or a typed writer method")
    return "avoid-interface", (f"keep {_what(site)} concrete: a typed parameter, a typed method "
                               f"or generics instead of an interface")


def _callee_in(explanation: str) -> str:
    m = re.search(r"passed to (\S+?)[.]?$", explanation or "")
    return m.group(1) if m else ""


def _fix_size(site: Site, code) -> tuple[str, str]:
    loops = code.loops if code is not None else []
    if loops and site.cause in ("too-large", "non-constant-size"):
        return "hoist", (f"make {_what(site)} once before the loop at line {loops[-1].line} "
                         f"and reuse it in each iteration")
    if site.cause == "too-large":
        return "reuse-buffer", (f"{_what(site)} is too large for the stack: keep one (a field, "
                                f"a sync.Pool) and reuse it instead of making it per call")
    if site.cause == "append-growth":
        return "preallocate", "give the slice its final capacity before appending to it"
    return "preallocate", (f"if a small upper bound of the size of {_what(site)} is known, use "
                           f"it as a constant capacity so it can stay on the stack")


def _fix_unknown(site: Site, code) -> tuple[str, str]:
    if "zero-size" in site.explanation:
        return "none", "nothing to do: zero-size elements allocate nothing"
    if site.cause == "call-argument":
        callee = site.explanation.split(" is passed to ", 1)[-1].split(" at ", 1)[0]
        return "no-known-fix", (f"{_what(site)} is kept by {callee}, whose parameter leaks; "
                                f"no change at this call removes it")
    if site.cause == "stored-in-heap":
        return "no-known-fix", (f"{_what(site)} is kept by the heap memory it is stored into; "
                                f"no change here removes it (many small ones: allocate them "
                                f"in batches)")
    if site.cause == "reflect":
        return "avoid-interface", f"use typed code or generics instead of reflect for {_what(site)}"
    return "no-known-fix", "no concrete fix is known: read the flow (-v) to see where it goes"


_BY_CAUSE = {
    "returned": _fix_returned, "closure-captured": _fix_closure, "defer": _fix_closure,
    "method-value": _fix_closure, "goroutine": _fix_shared, "channel-send": _fix_shared,
    "interface-conversion": _fix_interface, "too-large": _fix_size,
    "non-constant-size": _fix_size, "append-growth": _fix_size,
}


def fix_for_site(site: Site, code=None, findings=(), source_line=lambda f, n: "") -> tuple[str, str]:
    """(fix_kind, text) for a heap site: the text names the expression, the function, the
    line; ``code`` is the goalloc.escape.priority.SiteCode of the site (None without facts),
    ``findings`` the rule findings that explain it (their fix is the more concrete one)."""
    # A constant error message wants a sentinel even on the failure path; other errors
    # made there are fine as they are.
    found = (_fix_none(site, code) or _fix_error_value(site, code, source_line)
             or _fix_cold_path(site, code))
    if found:
        return found
    for f in findings:
        if f.fix is not None and f.fix_kind:
            return f.fix_kind, f.fix.description
    return _BY_CAUSE.get(site.cause, _fix_unknown)(site, code)


def fix_kind_for_finding(finding, code=None) -> str:
    # A constant error wants its sentinel even on the failure path (it is still ranked cold).
    if finding.rule != "constant-error" and code is not None and (
            code.cold is not None or code.in_test or code.in_init):
        return "cold-path"
    return _RULE_FIX_KINDS.get(finding.rule, "no-known-fix")


def advise(sites, findings, index=None) -> None:
    """Set fix_kind (and a site-true suggestion) on heap sites, and fix_kind on findings.
    ``index`` is a goalloc.escape.priority.CodeIndex (None: no facts)."""
    by_site: dict[tuple, list] = {}
    for f in findings:
        code = index.code_at(f.file, f.line, f.col, f.function) if index else None
        f.fix_kind = fix_kind_for_finding(f, code)
        for pos in f.sites:
            by_site.setdefault(tuple(pos), []).append(f)
    source_line = index.source_line if index else (lambda f, n: "")
    for s in sites:
        if s.verdict != "heap":
            continue
        code = index.code_at(s.file, s.line, s.col, s.function, s.expr) if index else None
        s.fix_kind, text = fix_for_site(s, code, by_site.get((s.file, s.line, s.col), ()),
                                        source_line)
        s.suggestion = text


__all__ = ["CAUSE_DOCS", "FIX_KINDS", "advise", "explain", "cost_note", "callee_of",
           "fix_for_site", "fix_kind_for_finding", "sentinel_name"]

"""Plain explanations and concrete fixes for each root cause, naming the expression and place."""

from __future__ import annotations

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


__all__ = ["CAUSE_DOCS", "explain", "cost_note", "callee_of"]

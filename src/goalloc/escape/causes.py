"""The one root cause of a heap decision, read from the structure of its -m=2 flow.

A flow is a chain of "flow: DST ← SRC" links, each with the "from EXPR (REASON) at POS" notes
that justify it. The chain starts at the allocation and ends at the location that outlives
it (the heap, a result, a closure's storage, a variable that itself moved to the heap). The
cause is decided by what the chain passes through and where it ends, and, where the compiler
hides it, by the source at the chain's positions: go and defer statements appear only as
"captured by a closure" into a compiler-made wrapper.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from goalloc.escape.model import Site

_RESULT = re.compile(r"^~[rR]\d+$")
_CONST = re.compile(r'^(?:-?\d[\d_]*(?:\.\d*)?(?:[eE][-+]?\d+)?|0[xX][0-9a-fA-F_]+|"(?:[^"\\]|\\.)*"'
                    r"|`[^`]*`|'(?:[^'\\]|\\.)+'|true|false|nil)$")
_STORE_REASONS = {"assign", "assign-pair", "key of map put", "value of map put",
                  "map literal key", "map literal value", "assign-pair-mapr",
                  "assign-pair-receive", "assign-pair-dot-type", "star-equals", "dot-equals",
                  "copied slice"}
_CONTAINER_REASONS = {"struct literal element", "slice-literal-element",
                      "array literal element", "pointer literal"}


@dataclass
class Step:
    """A flow note with its position resolved and its link."""

    dst: str
    src: str
    expr: str
    reason: str
    file: str
    line: int
    col: int


@dataclass
class Decision:
    cause: str
    step: Step | None = None  # the note that decided it, when one did
    detail: str = ""  # the callee, the closure's statement, the variable ...
    via: str = ""  # how the value reaches the decisive one: "held by v", "stored in &T{...}"


class CauseContext:
    """What cause derivation may look at besides the flow: the source and the other sites."""

    def __init__(self, source_for, site_lookup, boxed_at=None):
        self.source_for = source_for  # file -> GoFile | None
        # (function, expr, kind, position=None) -> (Site, Decision) | None
        self.site_lookup = site_lookup
        # (file, line, col, expr) of conversions to an interface that a site's flow names
        # ("X (interface-converted) at P") -> ids of those sites: the decision printed at P
        # for X, when another site names it, is that box.
        self.boxed_at = boxed_at or {}

    def is_box(self, site: Site) -> bool:
        naming = self.boxed_at.get((site.file, site.line, site.col, site.expr))
        return bool(naming) and any(i != id(site) for i in naming)


def callee_of(call_text: str) -> str:
    """'fmt.Sprint(... argument...)' -> 'fmt.Sprint'; '(*sync.WaitGroup).Add(wg, 1)' -> ..."""
    depth = 0
    for i, c in enumerate(call_text):
        if c == "(":
            if depth == 0 and i > 0 and call_text[i - 1] not in " (":
                return call_text[:i]
            depth += 1
        elif c == ")":
            depth -= 1
    return call_text.split("(", 1)[0]


def _starter_at(ctx: CauseContext, step_or_site) -> str:
    """'go' or 'defer' when the position is a go/defer statement or inside its func literal."""
    src = ctx.source_for(step_or_site.file)
    if src is None:
        return ""
    text = src.text_at(step_or_site.line, step_or_site.col, 8)
    m = re.match(r"(go|defer)\b", text)
    if m:
        return m.group(1)
    return src.literal_starter(step_or_site.line, step_or_site.col)


def _wrapper_statement(ctx: CauseContext, captured: Step, steps: list[Step]) -> str:
    """'go'/'defer' when the closure that captures is the compiler's wrapper of a go or defer
    statement: the wrapper captures compiler temporaries (.autotmp_N) that the statement's
    arguments are assigned to, at the statement's own position."""
    if not captured.src.startswith(".autotmp"):
        return ""
    for s in steps:
        src = ctx.source_for(s.file)
        if src is not None:
            m = re.match(r"(go|defer)\b", src.text_at(s.line, s.col, 8))
            if m:
                return m.group(1)
    return ""


def _literal_started_by(ctx: CauseContext, site: Site) -> str:
    """For a func literal site: 'go'/'defer' when a go or defer statement runs it. A go/defer
    of a plain call is compiled into a wrapper literal reported at the statement itself."""
    src = ctx.source_for(site.file)
    if src is None:
        return ""
    m = re.match(r"(go|defer)\b", src.text_at(site.line, site.col, 8))
    if m:
        return m.group(1)
    before = src.text_before(site.line, site.col).rstrip()
    m = re.search(r"\b(go|defer)$", before)
    return m.group(1) if m else ""


def _is_named_result(ctx: CauseContext, site: Site, name: str) -> bool:
    src = ctx.source_for(site.file)
    if src is None:
        return False
    chain = src.enclosing(site.line, site.col)
    return any(name in span.results for span in chain[-1:])


def _appended(site: Site, step: Step, ctx: CauseContext) -> Decision:
    """A value appended to a slice. The compiler sends every appended value to the heap,
    because append may copy it into a new heap array. When the slice itself lives on the heap
    (a global, a field, a returned slice), that is the reason a reader knows; when the slice
    is local, append's growth is the only reason."""
    if site.kind == "variable":
        # A variable whose address is appended moves because append may copy the pointer
        # into a new heap array, whatever becomes of the slice.
        return Decision("append-growth", step, "append")
    found = ctx.site_lookup(site.function, "append", None, (step.file, step.line, step.col))
    if found is not None and found[0] is not site and found[0].verdict == "heap" \
            and found[1].cause not in ("append-growth", "other"):
        return Decision(found[1].cause, found[1].step or step, found[1].detail,
                        via="appended to a slice that is")
    return Decision("append-growth", step, "append")


def _without_flow(site: Site, ctx: CauseContext) -> Decision | None:
    """Some decisions come with no -m=2 explanation: a value handed to panic, and package
    variable initializers. The source line says which."""
    src = ctx.source_for(site.file)
    if src is None:
        return None
    if not src.enclosing(site.line, site.col):
        return Decision("stored-in-heap", None, "package variable")
    before = src.text_before(site.line, site.col)
    if re.search(r"\bpanic\(", before):
        return Decision("call-argument", None, "panic")
    if site.origin is not None and site.origin.line:
        # Inlined code is often printed without a flow: its own line in the callee says.
        origin = ctx.source_for(site.origin.file)
        text = origin.line_text(site.origin.line).strip() if origin else ""
        if re.match(r"return\b", text):
            return Decision("returned", None, "in the inlined callee")
        if re.match(r"panic\(", text):
            return Decision("call-argument", None, "panic")
        if re.match(r"[\w\]\[.]+\.[\w\]\[.]+\s*=[^=]", text):
            return Decision("stored-in-heap", None, "a field of the inlined callee's receiver")
    return None


def is_constant(expr: str) -> bool:
    return bool(_CONST.match(expr.strip()))


def derive(site: Site, paths: list[list[Step]], roots: list[str], ctx: CauseContext,
           depth: int = 0) -> Decision:
    steps = paths[0] if paths else []
    root = roots[0] if roots else ""

    for s in steps:
        if s.reason in ("too large for stack", "too aligned for stack"):
            return Decision("too-large", s, s.reason)
        if s.reason == "non-constant size":
            return Decision("non-constant-size", s)
        if s.reason == "zero-sized element":
            return Decision("other", s, "zero-sized element")

    for s in steps:
        if s.reason == "captured by a closure":
            starter = _starter_at(ctx, s) or _wrapper_statement(ctx, s, steps)
            if starter == "go":
                return Decision("goroutine", s)
            if starter == "defer":
                return Decision("defer", s)
            return Decision("closure-captured", s)

    for s in steps:
        if s.reason == "call parameter" and callee_of(s.expr).startswith("reflect."):
            return Decision("reflect", s, callee_of(s.expr))
        if s.dst.startswith("reflect.") or s.src.startswith("reflect."):
            return Decision("reflect", s, "reflect")

    if site.kind == "closure" and site.expr != "func literal":
        # A method value is a value like any other: a store into the heap is its reason.
        sink = _sink(site, steps, root, ctx, depth)
        if sink.cause == "stored-in-heap":
            return Decision("stored-in-heap", sink.step, sink.detail, via="method value")
        return Decision("method-value", steps[0] if steps else None)

    if site.expr == "func literal":
        starter = _literal_started_by(ctx, site)
        if starter == "go":
            return Decision("goroutine")
        if starter == "defer":
            return Decision("defer")

    converted = next((s for s in steps if s.reason == "interface-converted"), None)
    if site.kind == "interface" or ctx.is_box(site):
        sink = _sink(site, steps, root, ctx, depth)
        if converted is None and sink.step is not None and _through_dictionary(sink.step):
            return sink  # a type parameter's method: no interface in the flow
        return Decision("interface-conversion", converted or sink.step, sink.detail or sink.cause)

    sink = _sink(site, steps, root, ctx, depth)
    if converted is not None and sink.cause == "call-argument":
        return Decision("interface-conversion", converted, sink.detail)
    return sink


_DICTIONARY_CALL = "a method of a type parameter (called through the generic dictionary)"


def _through_dictionary(step: Step) -> bool:
    """A method called on a type parameter is compiled as a call through the instantiation's
    dictionary: (func(go.shape.T) string)(&.dict[0])(v)."""
    return step.reason == "call parameter" and "(&.dict[" in step.expr


def _root_variable(site: Site, root: str, steps: list[Step], ctx: CauseContext):
    """The heap site of the variable a flow ends in. An inlined callee's parameter or local is
    printed under its own name, which may also be a caller's variable: the one moved to heap
    at a position of this flow (the inlined call) is meant before any other of that name."""
    for s in reversed(steps):
        if s.dst != root:
            continue
        found = ctx.site_lookup(site.function, root, "variable", (s.file, s.line, s.col))
        if found is not None:
            return found
    if any(s.dst == root and _assigned_by_inlining(s, ctx) for s in steps):
        return None  # an inlined parameter that stayed on the stack: no caller variable
    return ctx.site_lookup(site.function, root, "variable")


def _assigned_by_inlining(step: Step, ctx: CauseContext) -> bool:
    """'i := &p' / 'v, i := v, &p' at an inlined call: how the compiler binds the callee's
    parameters; the caller's source has no such declaration at that position."""
    if step.reason != "assign-pair" or ":=" not in step.expr:
        return False
    src = ctx.source_for(step.file)
    text = src.text_at(step.line, step.col, 200) if src is not None else ""
    return not re.match(r"[\w\s,]*\b" + re.escape(step.dst) + r"\b[\w\s,]*:=", text)


def _outlives_loop(ctx: CauseContext, site: Site, root: str, steps: list[Step]) -> bool:
    """The compiler's loop-depth rule: a value allocated inside a loop and kept in a variable
    declared outside it must survive the iteration, so it cannot live in the iteration's frame."""
    src = ctx.source_for(site.file)
    if src is None:
        return False
    assigned = next((s for s in reversed(steps) if s.dst == root), None)
    at = assigned or site
    declared = src.declaration_depth(root, at.line, at.col)
    return declared is not None and src.loop_depth(site.line, site.col) > declared


def _sink(site: Site, steps: list[Step], root: str, ctx: CauseContext, depth: int) -> Decision:
    last = steps[-1] if steps else None
    if last is not None and last.reason == "return" and not root.startswith("{"):
        return Decision("returned", last)
    if _RESULT.match(root):
        return Decision("returned", last)
    for s in steps:
        if s.reason in ("appendee slice", "appended slice..."):
            return _appended(site, s, ctx)
    for s in steps:
        if s.reason == "send":
            return Decision("channel-send", s)
    if not steps:
        unexplained = _without_flow(site, ctx)
        if unexplained is not None:
            return unexplained
    if root == "{heap}":
        if last is None:
            return Decision("append-growth" if site.expr.startswith("append") else "other")
        if last.reason == "call parameter" and _through_dictionary(last):
            return Decision("call-argument", last, _DICTIONARY_CALL)
        if last.reason == "call parameter":
            callee = callee_of(last.expr)
            if callee == "append":
                return _appended(site, last, ctx)
            return Decision("call-argument", last, callee)
        if last.reason in _STORE_REASONS:
            return Decision("stored-in-heap", last)
        if last.reason == "interface-converted":
            return Decision("interface-conversion", last)
        if last.reason == "spill" and site.expr.startswith("append"):
            return Decision("append-growth", last)
        if last.reason == "address-of":
            return Decision("stored-in-heap", last)
        return Decision("other", last, last.reason)
    if root.startswith("{storage for ") and depth < 4:
        container = root[len("{storage for "):-1]
        found = ctx.site_lookup(site.function, container, None)
        if found is not None and found[0] is not site:
            return Decision(found[1].cause, found[1].step or last, found[1].detail,
                            via=f"stored in {container}")
        return Decision("stored-in-heap", last, container)
    if root and not root.startswith("{") and depth < 4:
        # A named variable that itself lives on the heap: it decides.
        found = _root_variable(site, root, steps, ctx)
        if found is not None and found[0] is not site:
            return Decision(found[1].cause, found[1].step or last, found[1].detail,
                            via=f"held by {root}")
        if root.startswith("~") or root.startswith("."):
            return Decision("returned" if root.startswith("~") else "other", last)
        if _is_named_result(ctx, site, root):
            return Decision("returned", last)
        if _outlives_loop(ctx, site, root, steps):
            return Decision("outlives-loop", last, root)
        return Decision("stored-in-heap", last, root)
    if site.expr.startswith("append"):
        return Decision("append-growth", last)
    return Decision("other", last)

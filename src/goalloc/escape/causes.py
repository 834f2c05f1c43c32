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


class CauseContext:
    """What cause derivation may look at besides the flow: the source and the other sites."""

    def __init__(self, source_for, site_lookup):
        self.source_for = source_for  # file -> GoFile | None
        # (function, expr, kind, position=None) -> (Site, Decision) | None
        self.site_lookup = site_lookup


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
    found = ctx.site_lookup(site.function, "append", None, (step.file, step.line, step.col))
    if found is not None and found[0] is not site and found[0].verdict == "heap" \
            and found[1].cause not in ("append-growth", "other"):
        return Decision(found[1].cause, found[1].step or step, "appended to a slice that is")
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
            starter = _starter_at(ctx, s)
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
        return Decision("method-value", steps[0] if steps else None)

    if site.expr == "func literal":
        starter = _literal_started_by(ctx, site)
        if starter == "go":
            return Decision("goroutine")
        if starter == "defer":
            return Decision("defer")

    converted = next((s for s in steps if s.reason == "interface-converted"), None)
    if site.kind == "interface":
        sink = _sink(site, steps, root, ctx, depth)
        return Decision("interface-conversion", converted or sink.step, sink.detail or sink.cause)

    sink = _sink(site, steps, root, ctx, depth)
    if converted is not None and sink.cause == "call-argument":
        return Decision("interface-conversion", converted, sink.detail)
    return sink


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
            return Decision(found[1].cause, found[1].step or last, f"stored in {container}")
        return Decision("stored-in-heap", last, container)
    if root and not root.startswith("{") and depth < 4:
        # A named variable that itself lives on the heap: it decides.
        found = ctx.site_lookup(site.function, root, "variable")
        if found is not None and found[0] is not site:
            return Decision(found[1].cause, found[1].step or last, f"held by {root}")
        if root.startswith("~") or root.startswith("."):
            return Decision("returned" if root.startswith("~") else "other", last)
        if _is_named_result(ctx, site, root):
            return Decision("returned", last)
        return Decision("stored-in-heap", last, root)
    if site.expr.startswith("append"):
        return Decision("append-growth", last)
    return Decision("other", last)

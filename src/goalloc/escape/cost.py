"""What a site costs when the program runs, from its verdict and the allocator calls of the
compiled code (``Site.runtime_calls``, read by goalloc.calls from scan's own build).

An escape verdict says where a value would live, not whether the code that makes it runs or
calls the allocator. Two facts of the compiled code settle that:

* a heap site of a kind that cannot be built without the allocator (a composite literal, new,
  make, a variable moved to the heap, append, a string conversion or concatenation, a method
  value) whose own position has no allocator call was removed as dead code: it is
  ``unreachable``. For an inlined copy the position is its origin in the inlined function
  (the compiled code names it through the inlining tree), so a branch of an inlined function
  that the caller's arguments rule out (fmt.Errorf's errors.New when arguments are given) is
  told apart from the live code of the same line. Only inlined copies are judged so: on a
  line of its own the call may sit on another line of a long statement.
* a heap site of a kind the compiler can build from static data (an interface box of a
  constant, a zero value, a zero-size or one-byte value, a func literal that captures nothing)
  with no allocator call at its position is ``free``.

Some inlined branches are live code that the arguments of the call still rule out: Go 1.27's
fmt.Errorf calls its inlined errors.New only when fmt.errorf returned nil, which it does only
for a call without arguments whose format has no '%'. Such a guard is read from the
toolchain's own source (``guarded_branches``), never assumed: a release whose fmt.Errorf has
another shape gets no such rule.

Without the compiled code (``calls_read`` false) only what the text shows is used: constants
and zero-size values are ``free``, the rest ``allocates``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from goalloc.escape.model import Site

RUNTIME_COSTS = ("allocates", "free", "unreachable")

FREE_STATIC = ("allocates nothing: the compiled code calls no allocator for it (the compiler "
               "uses static data: a constant, a zero value, a zero-size or one-byte value)")
FREE_CLOSURE = ("allocates nothing: the compiled code calls no allocator for it (a func "
                "literal that captures no variable is a static function value)")
UNREACHABLE = ("never runs: the compiled code has no allocation at this position; the "
               "compiler removed it as dead code (a branch of the inlined {callee} that the "
               "arguments given here rule out)")
NO_CALL_ON_LINE = ("the compiled code calls no allocator on this line: the allocation may be "
                   "on another line of the statement, or was folded away")


def _may_be_static(site: Site) -> bool:
    """A value the compiler can point at static data (or zerobase) instead of allocating."""
    return site.kind == "interface" or site.expr == "func literal" or _zero_size(site.expr)


def _zero_size(expr: str) -> bool:
    return expr.startswith(("struct {}{", "&struct {}{", "[0]", "&[0]", "make([]struct {}"))


# The families of allocator calls (goalloc.calls.entrypoints.FAMILIES) that can build a value
# of each kind: a box may be built by convT* or by a plain object allocation, a slice literal's
# array by newobject ...
_OWN_FAMILIES = {
    "interface": {"boxing", "object"},
    "slice": {"slice", "object"},
    "map": {"map", "object"},
    "string": {"string", "boxing", "object"},
    "closure": {"object"},
    "object": {"object"},
    "variable": {"object"},
}


def own_calls(site: Site) -> list:
    """The allocator calls that can be the site's own: of a family that builds its kind, at
    its position (for an inlined copy with a known origin, inlined from the origin's line;
    otherwise on its line)."""
    families = _OWN_FAMILIES.get(site.kind)
    calls = [c for c in site.runtime_calls or [] if families is None or c.family in families]
    if site.inlined_from and site.origin is not None:
        return [c for c in calls if c.inlined_from is not None
                and c.inlined_from.line == site.origin.line
                and _same_file(c.inlined_from.file, site.origin.file)]
    return calls


def _same_file(a: str, b: str) -> bool:
    return a == b or a.endswith("/" + b) or b.endswith("/" + a)


@dataclass(frozen=True)
class GuardedBranch:
    """The allocations of an inlined function (``origin_file``) inside ``callee`` that run
    only when the call passes no argument past the first ``fixed`` and a format without '%'."""

    callee: str
    origin_file: str
    fixed: int
    why: str


_ERRORF_FAST_PATH = re.compile(
    r"func Errorf\(format string, a \.\.\.any\) \(err error\) \{(?:(?!\n\}).)*?"
    r"if err = errorf\(format, a\.\.\.\); err != nil \{\s*return err\s*\}"
    r"(?:(?!\n\}).)*?return errors\.New\(format\)\s*\n\}", re.S)
_ERRORF_NIL = re.compile(
    r"func errorf\(format string, a \.\.\.any\) error \{\s*"
    r"if len\(a\) == 0 && \w+\.IndexByte\(format, '%'\) == -1 \{\s*return nil\s*\}"
    r"(?P<rest>(?:(?!\n\}).)*)\n\}", re.S)


def guarded_branches(fmt_errors_go: str) -> tuple[GuardedBranch, ...]:
    """The guarded branches the toolchain's fmt/errors.go shows: Errorf falls through to its
    errors.New only when errorf returned nil, and errorf returns nil only at its first
    statement, for no arguments and a format without '%'."""
    nil_return = _ERRORF_NIL.search(fmt_errors_go)
    if not _ERRORF_FAST_PATH.search(fmt_errors_go) or nil_return is None \
            or "return nil" in nil_return.group("rest"):
        return ()
    return (GuardedBranch("fmt.Errorf", "errors/errors.go", 1,
                          "fmt.Errorf reaches its inlined errors.New only for a call without "
                          "arguments whose format has no '%'"),)


def never_runs(site: Site, arguments: list[str] | None,
               branches: tuple[GuardedBranch, ...]) -> str:
    """Why the inlined copy ``site`` never runs, given the arguments of the call it was
    inlined into ("" when it may run or the call cannot be read)."""
    if site.verdict != "heap" or not site.inlined_from or site.origin is None or arguments is None:
        return ""
    if any(a.endswith("...") for a in arguments):
        return ""  # a spread slice: its length is not in the text
    for b in branches:
        if site.inlined_from != b.callee or not site.origin.file.endswith(b.origin_file):
            continue
        fmt = arguments[0] if arguments else ""
        if len(arguments) > b.fixed or (fmt[:1] in ('"', "`") and "%" in fmt):
            return f"never runs: {b.why}; this call gives arguments or a '%'"
    return ""


def runtime_cost(site: Site, static_note: str = "") -> tuple[str, str]:
    """(runtime_cost, note) of a site. ``static_note`` is what the text alone says a heap
    verdict costs (goalloc.escape.advice.cost_note: "allocates nothing: ...")."""
    if site.verdict != "heap":
        return "free", site.note
    if static_note:
        return "free", static_note
    if not site.calls_read:
        return "allocates", ""
    if own_calls(site):
        return "allocates", ""
    if _may_be_static(site):
        return "free", FREE_CLOSURE if site.expr == "func literal" else FREE_STATIC
    if site.inlined_from and not _inlined_calls_elsewhere(site):
        return "unreachable", UNREACHABLE.format(callee=site.inlined_from)
    return "allocates", NO_CALL_ON_LINE


def _inlined_calls_elsewhere(site: Site) -> bool:
    """Whether the line has allocator calls of the site's families inlined from somewhere
    else than its origin. The origin found for a copy is not always the innermost position
    (a call inside the inlined function, when the allocation is one more level in), and the
    compiled code names only the innermost: such a call may be the site's own."""
    families = _OWN_FAMILIES.get(site.kind)
    return any(c.inlined_from is not None and (families is None or c.family in families)
               for c in site.runtime_calls or [])


def can_allocate(site: Site) -> bool:
    return site.verdict == "heap" and site.runtime_cost not in ("free", "unreachable")

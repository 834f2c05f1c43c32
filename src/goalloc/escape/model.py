"""The Site model: one allocation decision of the compiler, and one parameter fact.

These are the public data of ``goalloc scan`` (see docs/json.md); every escape diagnostic
the compiler prints lands in exactly one ``Site`` or one ``Param``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

KINDS = ("slice", "map", "string", "closure", "interface", "object", "variable", "other")

CAUSES = (
    "returned", "closure-captured", "goroutine", "defer", "interface-conversion",
    "call-argument", "stored-in-heap", "channel-send", "too-large", "non-constant-size",
    "append-growth", "reflect", "method-value", "outlives-loop", "other",
)


@dataclass(frozen=True, slots=True)
class Position:
    file: str  # relative to the module root; absolute outside it
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(slots=True)
class FlowStep:
    """One ``from EXPR (REASON) at POS`` line of a ``-m=2`` flow, with the flow it belongs to."""

    file: str
    line: int
    col: int
    reason: str  # the compiler's word in parentheses: "spill", "assign", "return", ...
    expr: str  # the compiler's text of the expression at this step
    flow: str  # the "flow: DST ← SRC" header this step is under, e.g. "~r0 ← s"
    text: str = ""  # the source line at this position, stripped


@dataclass(slots=True)
class Site:
    package: str
    file: str
    line: int
    col: int
    function: str
    expr: str
    kind: str
    verdict: str  # "heap" or "stack"
    cause: str | None = None
    flow: list[FlowStep] = field(default_factory=list)
    origin: Position | None = None  # the allocation's own position when inlined elsewhere
    explanation: str = ""
    suggestion: str = ""
    diagnostic: str = ""  # the compiler's summary message, e.g. "escapes to heap", "moved to heap"
    note: str = ""  # where the real cost differs from the verdict (static data, zero size)
    inlined_from: str = ""  # the inlined callee this copy comes from, when inlined
    # The runtime allocation calls the compiled code makes on this line
    # (goalloc.calls.model.RuntimeCall), once goalloc.calls.attach_runtime_calls has run.
    runtime_calls: list = field(default_factory=list)
    # What to do about it and how much it matters (docs/scan.md): a kind of fix from
    # goalloc.escape.advice.FIX_KINDS, hot/normal/cold with the reasons
    # (goalloc.escape.priority), and the 1-based place in the fix-first order
    # (goalloc.escape.ranking; None until ranked).
    fix_kind: str = ""
    priority: str = ""
    priority_reasons: list[str] = field(default_factory=list)
    rank: int | None = None
    # goalloc.escape.cost: "allocates", "free" or "unreachable" (why, in note); and whether
    # runtime_calls were read from the compiled code (else they are unknown, not empty).
    runtime_cost: str = ""
    calls_read: bool = False

    @property
    def position(self) -> Position:
        return Position(self.file, self.line, self.col)

    def to_json(self) -> dict:
        # Written out by hand: dataclasses.asdict is the slowest part of a large report.
        return {
            "package": self.package, "file": self.file, "line": self.line, "col": self.col,
            "function": self.function, "expr": self.expr, "kind": self.kind,
            "verdict": self.verdict, "cause": self.cause,
            "flow": [{"file": st.file, "line": st.line, "col": st.col, "reason": st.reason,
                      "expr": st.expr, "flow": st.flow, "text": st.text} for st in self.flow],
            "origin": ({"file": self.origin.file, "line": self.origin.line, "col": self.origin.col}
                       if self.origin else None),
            "inlined_from": self.inlined_from or None,
            "explanation": self.explanation, "suggestion": self.suggestion,
            "diagnostic": self.diagnostic, "note": self.note,
            "fix_kind": self.fix_kind or None, "priority": self.priority or None,
            "priority_reasons": list(self.priority_reasons), "rank": self.rank,
            "runtime_cost": self.runtime_cost or None,
            # Items are RuntimeCalls, or their JSON when read back from a report.
            "runtime_calls": ([c if isinstance(c, dict) else c.to_json()
                               for c in self.runtime_calls] if self.calls_read else None),
        }


@dataclass(slots=True)
class Param:
    package: str
    file: str
    line: int
    col: int
    function: str
    name: str
    leak: str  # "none", "heap", "content", "result", "uintptr", "storage"
    diagnostic: str = ""
    result: str = ""  # for leak "result": the result it leaks to ("~r0", a named result)
    level: int = 0  # for leak "result": dereferences, as the compiler prints them

    def to_json(self) -> dict:
        return {"package": self.package, "file": self.file, "line": self.line, "col": self.col,
                "function": self.function, "name": self.name, "leak": self.leak,
                "result": self.result or None, "level": self.level if self.result else None,
                "diagnostic": self.diagnostic}

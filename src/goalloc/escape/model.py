"""The Site model: one allocation decision of the compiler, and one parameter fact.

These are the public data of ``goalloc scan`` (see docs/json.md); every escape diagnostic
the compiler prints lands in exactly one ``Site`` or one ``Param``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

KINDS = ("slice", "map", "string", "closure", "interface", "object", "variable", "other")

CAUSES = (
    "returned", "closure-captured", "goroutine", "defer", "interface-conversion",
    "call-argument", "stored-in-heap", "channel-send", "too-large", "non-constant-size",
    "append-growth", "reflect", "method-value", "other",
)


@dataclass(frozen=True)
class Position:
    file: str  # relative to the module root; absolute outside it
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass
class FlowStep:
    """One ``from EXPR (REASON) at POS`` line of a ``-m=2`` flow, with the flow it belongs to."""

    file: str
    line: int
    col: int
    reason: str  # the compiler's word in parentheses: "spill", "assign", "return", ...
    expr: str  # the compiler's text of the expression at this step
    flow: str  # the "flow: DST ← SRC" header this step is under, e.g. "~r0 ← s"
    text: str = ""  # the source line at this position, stripped


@dataclass
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

    @property
    def position(self) -> Position:
        return Position(self.file, self.line, self.col)

    def to_json(self) -> dict:
        d = asdict(self)
        d["origin"] = asdict(self.origin) if self.origin else None
        return d


@dataclass
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
        return asdict(self)

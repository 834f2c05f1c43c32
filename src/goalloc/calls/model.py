"""What the compiled code calls: runtime allocation calls per function, and the findings that
come from setting them beside the escape sites (public data of ``goalloc calls``; see
docs/calls.md)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class InlinedFrom:
    """Where an inlined call really is: the inlined function and the line in it."""

    function: str  # as the linker names it, e.g. "strings.(*Builder).grow"; "" when unknown
    file: str
    line: int

    def to_json(self) -> dict:
        return {"function": self.function or None, "file": self.file, "line": self.line}


@dataclass(frozen=True, slots=True)
class RuntimeCall:
    runtime: str  # the called symbol, e.g. "runtime.growslice"
    family: str  # goalloc.calls.entrypoints.FAMILIES
    file: str  # the line in the function being compiled
    line: int
    inlined_from: InlinedFrom | None = None  # the innermost origin, for code inlined here
    in_loop: bool = False  # the line (or an inlined origin of it) is inside a for statement

    def to_json(self) -> dict:
        return {"runtime": self.runtime, "family": self.family, "file": self.file,
                "line": self.line,
                "inlined_from": self.inlined_from.to_json() if self.inlined_from else None,
                "in_loop": self.in_loop}


@dataclass(slots=True)
class FunctionCalls:
    """One compiled function and the allocation entry points its code calls."""

    package: str
    function: str  # as goalloc scan names functions: "F", "(*T).M", "F.func1"
    symbol: str  # the linker's name, unique: generic instantiations differ only here
    file: str
    line: int
    calls: list[RuntimeCall] = field(default_factory=list)

    @property
    def loop_calls(self) -> int:
        return sum(1 for c in self.calls if c.in_loop)

    def summary(self) -> str:
        """'Describe calls runtime.convT64 3×, runtime.growslice 1× (in a loop)'."""
        if not self.calls:
            return f"{self.function} calls no allocation entry point"
        counts = Counter(c.runtime for c in self.calls)
        looped = Counter(c.runtime for c in self.calls if c.in_loop)
        parts = []
        for name, n in counts.most_common():
            part = f"{name} {n}×"
            if looped[name] == n:
                part += " (in a loop)"
            elif looped[name]:
                part += f" ({looped[name]} in a loop)"
            parts.append(part)
        return f"{self.function} calls {', '.join(parts)}"

    def to_json(self) -> dict:
        return {"package": self.package, "function": self.function, "symbol": self.symbol,
                "file": self.file, "line": self.line, "summary": self.summary(),
                "calls": [c.to_json() for c in self.calls]}


FINDING_KINDS = ("stack-site-allocates", "heap-site-without-call")


@dataclass(slots=True)
class CallFinding:
    """An escape verdict that the compiled code contradicts or qualifies."""

    kind: str  # one of FINDING_KINDS
    site: object  # goalloc.escape.model.Site
    reason: str
    calls: list[RuntimeCall] = field(default_factory=list)  # the calls behind the finding

    def to_json(self) -> dict:
        s = self.site
        return {"kind": self.kind, "package": s.package, "function": s.function, "file": s.file,
                "line": s.line, "col": s.col, "expr": s.expr, "verdict": s.verdict,
                "site_kind": s.kind, "reason": self.reason,
                "calls": [c.to_json() for c in self.calls]}

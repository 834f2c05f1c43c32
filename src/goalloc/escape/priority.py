"""How much an allocation matters by where it runs: ``hot`` (inside a loop, at any depth,
including the loop of a caller it was inlined into), ``cold`` (only on a failure path: an
error return, a panic or exit, ``init``, a test file) or ``normal``; with the reasons, in
words that name the loop or the line (docs/scan.md, "priority").

The places come from the type-aware facts (loops, cold_paths, error_values, functions);
without facts only test files and ``init`` are known, and everything else is ``normal``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

HOT, NORMAL, COLD = "hot", "normal", "cold"
PRIORITIES = (HOT, NORMAL, COLD)

_COLD_WORDS = {"error-return": "on the error return at line {at}",
               "panic": "on the path to the panic at line {at}",
               "exit": "on the path to the exit at line {at}"}


@dataclass
class SiteCode:
    """What the facts say about the code around one position."""

    function: object = None  # goalloc.facts.Function of the declared function around it
    loops: list = field(default_factory=list)  # enclosing goalloc.facts.Loop, innermost first
    cold: object = None  # the goalloc.facts.ColdPath around it, if any
    error_value: object = None  # the goalloc.facts.ErrorValue at it, if any
    in_test: bool = False
    in_init: bool = False


def _is_init(function: str) -> bool:
    return function == "init" or re.match(r"^init(\.|$)", function or "") is not None


def _contains(span, line: int, col: int) -> bool:
    start, end = (span.line, span.col), (span.end_line, span.end_col)
    return start <= (line, col) < end


class CodeIndex:
    """The facts' loops, failure paths, error values and functions, looked up by position."""

    def __init__(self, facts=None):
        self.root = Path(facts.root) if facts is not None and facts.root else None
        self._loops: dict[str, list] = {}
        self._cold: dict[str, list] = {}
        self._errors: dict[tuple[str, int], list] = {}
        self._functions: dict[str, list] = {}
        self._lines: dict[str, list[str]] = {}
        for pkg in (facts.packages if facts is not None else []):
            for lp in pkg.loops:
                self._loops.setdefault(lp.file, []).append(lp)
            for cp in getattr(pkg, "cold_paths", []):
                self._cold.setdefault(cp.file, []).append(cp)
            for ev in getattr(pkg, "error_values", []):
                for ln in range(ev.line, ev.end_line + 1):
                    self._errors.setdefault((ev.file, ln), []).append(ev)
            for fn in pkg.functions:
                self._functions.setdefault(fn.file, []).append(fn)

    def code_at(self, file: str, line: int, col: int, function: str = "",
                expr: str = "") -> SiteCode:
        """What the facts say at a position. A loop's header line is inside the loop only
        for a variable declared there (one per iteration since Go 1.22) or a one-line loop:
        a range expression or an init statement runs once."""
        loop_var = re.fullmatch(r"[A-Za-z_]\w*", expr or "") is not None
        loops = [lp for lp in self._loops.get(file, ())
                 if lp.line < line <= lp.end_line or (
                     lp.line == line and (loop_var or lp.end_line == line))]
        loops.sort(key=lambda lp: (lp.line, lp.col), reverse=True)
        cold = next((cp for cp in sorted(self._cold.get(file, ()),
                                         key=lambda c: (c.end_line - c.line, c.end_col))
                     if _contains(cp, line, col)), None)
        errors = self._errors.get((file, line), [])
        error_value = next((ev for ev in errors if (ev.line, ev.col) <= (line, col)
                            < (ev.end_line, ev.end_col)), errors[0] if errors else None)
        fns = [fn for fn in self._functions.get(file, ()) if fn.line <= line <= fn.end_line]
        fn = max(fns, key=lambda f: f.line) if fns else None
        return SiteCode(function=fn, loops=loops, cold=cold, error_value=error_value,
                        in_test=file.endswith("_test.go"), in_init=_is_init(function))

    def loop_words(self, loop) -> str:
        """"a loop over `items`", "a `for i < n` loop", "an endless loop": from the loop's
        first source line."""
        text = self.source_line(loop.file, loop.line)[max(0, loop.col - 1):].strip()
        m = re.search(r"\brange\s+(.+?)\s*\{\s*(//.*)?$", text)
        if m:
            return f"a loop over `{m.group(1)}`"
        m = re.match(r"for\s+(.+?)\s*\{\s*(//.*)?$", text)
        if m:
            header = m.group(1).split(";")
            cond = header[1].strip() if len(header) == 3 else header[0].strip()
            return f"a `for {cond}` loop" if cond else "an endless `for` loop"
        return "an endless `for` loop" if re.match(r"for\s*\{", text) else "a loop"

    def source_line(self, file: str, line: int) -> str:
        if file not in self._lines:
            path = Path(file)
            if not path.is_absolute() and self.root is not None:
                path = self.root / file
            try:
                self._lines[file] = path.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                self._lines[file] = []
        lines = self._lines[file]
        return lines[line - 1] if 0 < line <= len(lines) else ""


def judge(code: SiteCode, index: CodeIndex) -> tuple[str, list[str]]:
    """(priority, reasons) of code at one position. A failure path wins over a loop: a
    return or panic inside a loop leaves it, so it runs once."""
    if code.in_test:
        return COLD, ["in a test file"]
    if code.in_init:
        return COLD, ["in init: runs once"]
    if code.cold is not None:
        return COLD, [_COLD_WORDS.get(code.cold.kind, "on a failure path at line {at}")
                      .format(at=code.cold.at)]
    if code.loops:
        depth = len(code.loops)
        return HOT, [f"in {index.loop_words(code.loops[0])} at line {code.loops[0].line}, "
                     f"depth {depth}"]
    return NORMAL, ["not in a loop, not on a failure path"]


def assign_priorities(sites, findings, index: CodeIndex) -> None:
    """Set priority and priority_reasons of heap sites and findings. An allocation inlined
    into a loop of a caller makes its own (origin) site hot too."""
    heap = [s for s in sites if s.verdict == "heap"]
    for s in heap:
        code = index.code_at(s.file, s.line, s.col, s.function, s.expr)
        s.priority, s.priority_reasons = judge(code, index)
    by_position = {(s.file, s.line, s.col): s for s in heap}
    for s in heap:
        if s.origin is None or s.priority != HOT:
            continue
        own = by_position.get((s.origin.file, s.origin.line, s.origin.col))
        if own is not None and own.priority == NORMAL:
            own.priority = HOT
            own.priority_reasons = [f"inlined into {s.function} at {s.file}:{s.line}, "
                                    f"{s.priority_reasons[0]}"]
    for f in findings:
        # A range copy happens on the loop's header line, once per iteration.
        per_iteration = f.rule == "large-copy" and f.message.startswith("range copies")
        code = index.code_at(f.file, f.line, f.col, f.function, "v" if per_iteration else "")
        if f.rule == "map-never-shrinks":
            # The loop that empties the map is the finding's own statement, not a reason
            # it runs often.
            code.loops = [lp for lp in code.loops if lp.range_over != "map"]
        f.priority, f.priority_reasons = judge(code, index)

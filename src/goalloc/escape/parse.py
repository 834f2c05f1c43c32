"""Parse the compiler's ``-m=2`` escape diagnostics of one package.

The output has two layers:
  * summaries, one line per decision: ``X escapes to heap``, ``moved to heap: X``,
    ``X does not escape``, ``leaking param: X`` ...;
  * explanations (``-m=2`` only): a header ``X escapes to heap in F:`` or
    ``parameter X leaks to R for F with derefs=N:`` followed by ``flow:`` and ``from`` lines.
    One decision may be explained several times (one header per path found), and go/defer
    wrapper closures are explained without a summary.

Everything here is structural; which diagnostic is a parameter fact is decided by the caller
from the source (a parameter is reported at its declaration in the signature).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Go <= 1.22 prints no " in F" / " for F", and "flow: DST = SRC" instead of "DST ← SRC".
_HEADER_ESC = re.compile(r"^(?P<expr>.+) escapes to heap(?: in (?P<func>.+))?:$")
# A root is a name, "{heap}" or "{storage for EXPR}" (which has spaces, and " for " in it).
_HEADER_PARAM = re.compile(r"^parameter (?P<name>\S+) leaks to"
                           r" (?P<root>\{(?:[^{}]|\{[^{}]*\})*\}|\S+)"
                           r"(?: for (?P<func>.+))? with derefs=(?P<derefs>-?\d+):$")
_FLOW = re.compile(r"^\s+flow: (?P<dst>.*?) (?:←|=) (?P<src>.*):$")
_FROM = re.compile(r"^\s+from (?P<expr>.*) \((?P<reason>[^()]*)\) at (?P<at>.*)$")
_TRUNCATED = re.compile(r"^\s+warning: truncated explanation")

_MOVED = re.compile(r"^moved to heap: (?P<expr>.+)$")
_ESCAPES = re.compile(r"^(?P<expr>.+) escapes to heap$")
_NOESC = re.compile(r"^(?P<expr>.+) does not escape(?P<mc>, mutate, or call)?$")
_LEAK = re.compile(r"^leaking param(?P<content> content)?: (?P<name>\S+)"
                   r"(?: to result (?P<result>\S+) level=(?P<level>-?\d+))?$")
_UINTPTR = re.compile(r"^(?:assuming (?P<a>\S+) is unsafe uintptr"
                      r"|marking (?P<m>\S+) as escaping (?P<dots>\.\.\.)?uintptr)$")
_ZEROCOPY = "zero-copy string->[]byte conversion"
_CONSTANT_TEXT = re.compile(r'^(?:-?[\d.][\w.+-]*|"(?:[^"\\]|\\.)*"|`[^`]*`|\'(?:[^\'\\]|\\.)+\'|true|false)$')
_CAPTURE = re.compile(r"^(?P<func>\S+) capturing by (?P<how>value|ref): (?P<name>\S+) ")


@dataclass
class RawStep:
    flow_dst: str
    flow_src: str
    expr: str
    reason: str
    at: str  # position as printed: "./x.go:3:4"


@dataclass
class Explanation:
    """One -m=2 header with its flow."""

    pos: tuple  # (file, line, col) as printed
    kind: str  # "escape" or "param"
    expr: str  # escaping expression, or the parameter name
    func: str
    root: str = ""  # for params: where it leaks ("{heap}", "~r0", "{storage for ...}")
    derefs: int = 0
    flows: list[tuple[str, str]] = field(default_factory=list)
    steps: list[RawStep] = field(default_factory=list)


@dataclass
class Summary:
    pos: tuple
    kind: str  # "heap", "moved", "stack", "leak", "uintptr"
    expr: str
    content: bool = False
    result: str = ""
    level: int = 0
    raw: str = ""
    explanations: list[Explanation] = field(default_factory=list)
    zero_copy: bool = False


@dataclass
class PackageDiagnostics:
    summaries: list[Summary] = field(default_factory=list)
    orphans: list[Explanation] = field(default_factory=list)  # explained, never summarized
    inlined_calls: dict = field(default_factory=dict)  # pos -> [callee, ...] (outermost first)
    captures: dict = field(default_factory=dict)  # pos -> (how, name)
    other: list[tuple] = field(default_factory=list)  # lines we do not interpret (pos, msg)


def split_pos(line: str):
    """'file:12:5: msg' -> (('file', 12, 5), 'msg'); None for other lines. Hand-split because
    most lines are long "can inline" texts where a regex costs more than the rest."""
    i = line.find(": ")
    if i < 0:
        return None
    head = line[:i]
    parts = head.rsplit(":", 2)
    try:
        if len(parts) == 3 and parts[2].isdigit():
            pos = (parts[0], int(parts[1]), int(parts[2]))
        else:
            file, _, ln = head.rpartition(":")
            pos = (file, int(ln), 0)
    except ValueError:
        return None
    return pos, line[i + 2:]


def parse_at(at: str) -> tuple:
    m = re.match(r"^(.+?):(\d+)(?::(\d+))?$", at)
    if not m:
        return (at, 0, 0)
    return (m.group(1), int(m.group(2)), int(m.group(3) or 0))


def parse_lines(lines) -> PackageDiagnostics:
    out = PackageDiagnostics()
    explanations: list[Explanation] = []
    current: Explanation | None = None
    zero_copy_positions: set = set()
    for line in lines:
        parsed = split_pos(line)
        if parsed is None:
            current = None
            continue
        pos, msg = parsed
        if current is not None and msg.startswith(" "):
            if current.kind == "param":
                # Parameter flows are not kept (params carry no flow); go/types prints 770k.
                continue
            m = _FROM.match(msg)
            if m:
                dst, src = current.flows[-1] if current.flows else ("", "")
                current.steps.append(RawStep(dst, src, m.group("expr"), m.group("reason"),
                                             m.group("at")))
                continue
            m = _FLOW.match(msg)
            if m:
                current.flows.append((m.group("dst"), m.group("src")))
                continue
            if _TRUNCATED.match(msg):  # the compiler cut an assignment cycle short
                continue
        current = None
        # Cheap prefix tests first: inlining lines are most of the output and the longest.
        if msg.startswith(("can inline ", "cannot inline ")):
            continue
        if msg.startswith("inlining call to "):
            out.inlined_calls.setdefault(pos, []).append(msg[len("inlining call to "):])
            continue
        m = _HEADER_ESC.match(msg) if msg.endswith(":") else None
        if m:
            current = Explanation(pos, "escape", m.group("expr"), m.group("func") or "")
            explanations.append(current)
            continue
        m = _HEADER_PARAM.match(msg) if msg.startswith("parameter ") else None
        if m:
            current = Explanation(pos, "param", m.group("name"), m.group("func") or "",
                                  root=m.group("root"), derefs=int(m.group("derefs")))
            explanations.append(current)
            continue
        m = _MOVED.match(msg)
        if m:
            out.summaries.append(Summary(pos, "moved", m.group("expr"), raw=msg))
            continue
        m = _ESCAPES.match(msg)
        if m:
            expr = m.group("expr")
            out.summaries.append(Summary(pos, "heap", expr, raw=msg))
            continue
        m = _NOESC.match(msg)
        if m:
            out.summaries.append(Summary(pos, "stack", m.group("expr"), raw=msg))
            continue
        m = _LEAK.match(msg)
        if m:
            out.summaries.append(Summary(pos, "leak", m.group("name"), content=bool(m.group("content")),
                                         result=m.group("result") or "",
                                         level=int(m.group("level") or 0), raw=msg))
            continue
        m = _UINTPTR.match(msg)
        if m:
            out.summaries.append(Summary(pos, "uintptr", m.group("a") or m.group("m"), raw=msg))
            continue
        if msg == _ZEROCOPY:
            zero_copy_positions.add(pos)
            continue
        m = _CAPTURE.match(msg)
        if m:
            out.captures[pos] = (m.group("how"), m.group("name"))
            continue
        out.other.append((pos, msg))

    _attach(out, explanations)
    if zero_copy_positions:
        for s in out.summaries:
            if s.pos in zero_copy_positions and s.kind == "stack":
                s.zero_copy = True
    return out


def _same_expr(header: str, summary: Summary) -> bool:
    if summary.kind == "moved":
        return header == summary.expr
    if summary.expr == "append":
        return header.startswith("append(")
    return header == summary.expr


def _attach(out: PackageDiagnostics, explanations: list[Explanation]) -> None:
    """Give each header to the summary it explains (same position, same expression)."""
    by_pos: dict[tuple, list[Summary]] = {}
    for s in out.summaries:
        by_pos.setdefault(s.pos, []).append(s)
    unmatched: list[Explanation] = []
    for ex in explanations:
        candidates = by_pos.get(ex.pos, [])
        target = None
        if ex.kind == "escape":
            heapish = [s for s in candidates if s.kind in ("heap", "moved")]
            same = [s for s in heapish if _same_expr(ex.expr, s)]
            # Identical summaries at one position (a literal and its interface box; instantiated
            # generic code) each get their own header; a further header of the same function is
            # another path of a decision already explained.
            target = (next((s for s in same if not s.explanations), None)
                      or next((s for s in same if s.explanations and s.explanations[0].func == ex.func), None)
                      or (same[0] if same else None))
            if target is None:
                unmatched.append(ex)
                continue
        else:
            leaks = [s for s in candidates if s.kind == "leak" and s.expr == ex.expr]
            want_result = ex.root.startswith("~r") or (
                ex.root and not ex.root.startswith("{") and ex.root != "{heap}")
            for s in leaks:
                if bool(s.result) == bool(want_result):
                    target = s
                    break
            if target is None and leaks:
                target = leaks[0]
            if target is None:
                # a parameter that leaks only into a heap variable of its own function is
                # summarized as "moved to heap: X" (the parameter is copied to the heap)
                target = next((s for s in candidates if s.kind == "moved" and s.expr == ex.expr),
                              None)
        if target is not None:
            target.explanations.append(ex)
        else:
            out.orphans.append(ex)
    for ex in unmatched:
        target = _renamed_target(ex, by_pos.get(ex.pos, []))
        if target is not None:
            target.explanations.append(ex)
        else:
            out.orphans.append(ex)


def _renamed_target(ex: Explanation, candidates: list[Summary]) -> Summary | None:
    """The decision a header explains under another name: an inlined callee's parameter (the
    header says ``typeName``) whose argument the summary shows folded (``"datetime"``). It is
    the one decision at the position left without a header."""
    heapish = [s for s in candidates if s.kind in ("heap", "moved")]
    if len(heapish) == 1:
        return heapish[0]
    bare = [s for s in heapish if not s.explanations]
    if len(bare) == 1:
        return bare[0]
    constants = [s for s in bare if _CONSTANT_TEXT.match(s.expr)]
    return constants[0] if len(constants) == 1 else None

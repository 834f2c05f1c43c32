"""Which lines of a Go file are inside a for statement (its header or its body).

A call on such a line runs once per iteration, which is what makes an allocation expensive.
This reads the source rather than the machine code: a backward branch can only be found by
decoding instructions of every architecture, while ``for`` is the only loop Go has (apart
from goto, which is not considered). The body of a range-over-func loop is a closure the
compiler emits as its own function; its lines are inside the for statement all the same.
"""

from __future__ import annotations

import bisect
import re

# Comments, strings and runes are matched whole so that their contents are skipped; the
# tokens that matter are captured.
_TOKEN = re.compile(
    rb"//[^\n]*|/\*.*?\*/"
    rb'|"(?:[^"\\\n]|\\.)*"|`[^`]*`'
    rb"|'(?:[^'\\\n]|\\.)*'"
    rb"|(\bfor\b|[{}])",
    re.S,
)
# Before a "{" in a for header: the type of a composite literal ([]T{, [N]T{, map[K]V{), not
# the loop body (a literal of a named type must be parenthesized there).
_LITERAL_TYPE = re.compile(rb"\]\s*\*?\s*[A-Za-z_][\w.]*\s*$")


class LoopLines:
    """The line ranges of one file's for statements."""

    def __init__(self, data: bytes):
        spans = []
        for start, end in _for_statements(data):
            first = data.count(b"\n", 0, start) + 1
            spans.append((first, first + data.count(b"\n", start, end)))
        self._spans = sorted(spans)
        self._starts = [s for s, _ in self._spans]

    def contains(self, line: int) -> bool:
        i = bisect.bisect_right(self._starts, line)
        return any(end >= line for _, end in self._spans[:i])

    @property
    def spans(self) -> list[tuple[int, int]]:
        return list(self._spans)


def _for_statements(data: bytes) -> list[tuple[int, int]]:
    """(offset of 'for', offset of the body's closing brace) of every for statement."""
    tokens = [(m.start(1), m.group(1)) for m in _TOKEN.finditer(data) if m.lastindex]
    match: dict[int, int] = {}
    stack: list[int] = []
    for i, (_, tok) in enumerate(tokens):
        if tok == b"{":
            stack.append(i)
        elif tok == b"}" and stack:
            match[stack.pop()] = i
    out = []
    for i, (off, tok) in enumerate(tokens):
        if tok == b"for":
            body = _body_brace(data, tokens, match, i)
            if body is not None:
                out.append((off, tokens[match[body]][0]))
    return out


def _body_brace(data: bytes, tokens, match: dict[int, int], i: int) -> int | None:
    """The token index of the loop body's "{": the first one after 'for' that does not open a
    composite literal (whose braces are skipped whole)."""
    j = i + 1
    while j < len(tokens) and tokens[j][1] == b"{":
        if j not in match:
            return None
        if not _LITERAL_TYPE.search(data, tokens[i][0], tokens[j][0]):
            return j
        j = match[j] + 1
    return None

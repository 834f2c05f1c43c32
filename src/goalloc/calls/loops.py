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
    """The line ranges of a file's for statements, found one top-level declaration at a time:
    a caller asks about a few lines of a file, and most of a file is comments. A declaration
    starts at a line that begins with "func " and ends at the next line that begins with "}"
    (gofmt's layout; with another layout the region only grows, since it always starts at a
    declaration)."""

    def __init__(self, data: bytes):
        self.data = data
        self._line_starts: list[int] | None = None
        self._regions: dict[int, list[tuple[int, int]]] = {}

    def contains(self, line: int) -> bool:
        return any(first <= line <= last for first, last in self._spans_around(line))

    @property
    def spans(self) -> list[tuple[int, int]]:
        """Every for statement's (first line, last line), for the whole file."""
        return sorted(self._lines(0, _for_statements(self.data)))

    def _spans_around(self, line: int) -> list[tuple[int, int]]:
        starts = self._starts()
        if not 1 <= line <= len(starts):
            return []
        at = starts[line - 1]
        begin = 0 if self.data.startswith(b"func ") else self.data.rfind(b"\nfunc ", 0, at) + 1
        spans = self._regions.get(begin)
        if spans is None:
            end = self.data.find(b"\n}", at)
            end = len(self.data) if end < 0 else end + 2
            region = self.data[begin:end]
            spans = self._regions[begin] = self._lines(begin, _for_statements(region))
        return spans

    def _lines(self, base: int, statements) -> list[tuple[int, int]]:
        starts = self._starts()
        return [(bisect.bisect_right(starts, base + a), bisect.bisect_right(starts, base + b))
                for a, b in statements]

    def _starts(self) -> list[int]:
        if self._line_starts is None:
            self._line_starts = [0] + [i + 1 for i in _newlines(self.data)]
        return self._line_starts


def _newlines(data: bytes):
    at = data.find(b"\n")
    while at >= 0:
        yield at
        at = data.find(b"\n", at + 1)


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

"""How text reports fit where they go: the width to wrap at, colour, and bars.

A report for a terminal wraps at the terminal's width and uses colour (unless NO_COLOR or
TERM=dumb); a report for a file or a pipe wraps at $COLUMNS or 100 columns, without colour.
Wrapped lines keep their indentation plus four spaces, so a site's lines stay together."""

from __future__ import annotations

import os
import re
import shutil
import sys
import textwrap
from dataclasses import dataclass

DEFAULT_WIDTH = 100
MIN_WIDTH = 60
_ANSI = re.compile(r"\033\[[0-9;]*m")


def visible_len(text: str) -> int:
    return len(_ANSI.sub("", text))


def _stream_is_terminal(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


@dataclass
class Terminal:
    width: int = DEFAULT_WIDTH
    color: bool = False

    @classmethod
    def for_output(cls, path: str | None = None, stream=None) -> "Terminal":
        """The terminal a report written to ``path`` (None or '-' for stdout) is read in."""
        stream = stream or sys.stdout
        to_terminal = path in (None, "-") and _stream_is_terminal(stream)
        columns = os.environ.get("COLUMNS", "")
        if columns.isdigit():
            width = int(columns)
        elif to_terminal:
            width = shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns
        else:
            width = DEFAULT_WIDTH
        color = (to_terminal and os.environ.get("NO_COLOR") is None
                 and os.environ.get("TERM") != "dumb")
        return cls(max(MIN_WIDTH, width), color)

    # --- style ------------------------------------------------------------------------
    def _sgr(self, code: str, text: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.color and text else text

    def bold(self, text: str) -> str:
        return self._sgr("1", text)

    def dim(self, text: str) -> str:
        return self._sgr("2", text)

    def heap(self, text: str) -> str:
        return self._sgr("33", text)

    def red(self, text: str) -> str:
        return self._sgr("31", text)

    def green(self, text: str) -> str:
        return self._sgr("32", text)

    # --- layout -----------------------------------------------------------------------
    def fit(self, line: str, indent: str | None = None) -> list[str]:
        """``line`` wrapped at the width: continuation lines get ``indent`` (default: the
        line's own indentation plus four spaces). Colour codes do not count as width."""
        if visible_len(line) <= self.width:
            return [line]
        lead = line[:len(line) - len(line.lstrip(" "))]
        if line.lstrip(" ").startswith("| "):
            # Quoted source is cut, never wrapped.
            return [self.clip(_ANSI.sub("", line), self.width)]
        more = lead + "    " if indent is None else indent
        if _ANSI.search(line):
            # Wrap the plain text; colour is dropped on the wrapped line only.
            line = _ANSI.sub("", line)
        return textwrap.wrap(line, width=self.width, initial_indent="", subsequent_indent=more,
                             break_long_words=True, break_on_hyphens=False,
                             drop_whitespace=True) or [line[:self.width]]

    def clip(self, text: str, room: int) -> str:
        """``text`` cut to ``room`` columns with an ellipsis (for quoted source)."""
        if room < 4 or len(text) <= room:
            return text if room >= len(text) else text[:max(room, 0)]
        return text[:room - 1] + "…"

    def bar(self, n: int, top: int, width: int = 24) -> str:
        if top <= 0 or n <= 0:
            return ""
        return "█" * max(1, round(width * n / top))


def fit_text(text: str, path: str | None = None) -> str:
    """A finished text report fitted to where it goes (see Terminal.for_output)."""
    return fit_lines(text.rstrip("\n").split("\n"), Terminal.for_output(path))


def fit_lines(lines: list[str], term: Terminal) -> str:
    out: list[str] = []
    for line in lines:
        out.extend(term.fit(line))
    return "\n".join(out).rstrip() + "\n"

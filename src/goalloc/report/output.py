"""Where a report goes: stdout, or a file written atomically."""

from __future__ import annotations

import sys

from contextlib import contextmanager

from goalloc.fsutil import atomic_open, atomic_write


def write_output(text: str, path: str | None = None) -> None:
    """Print ``text`` or write it to ``path`` (``-`` or None means stdout)."""
    if not text.endswith("\n"):
        text += "\n"
    if path in (None, "-"):
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        atomic_write(path, text)


@contextmanager
def open_output(path: str | None = None):
    """A text stream for a report: stdout, or ``path`` replaced atomically at the end."""
    if path in (None, "-"):
        yield sys.stdout
        sys.stdout.flush()
        return
    with atomic_open(path) as fh:
        yield fh

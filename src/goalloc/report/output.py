"""Where a report goes: stdout, or a file written atomically (see goalloc.fsutil).

A report that cannot be written is an OutputError (one line, exit 2), never a traceback:
a full disk, a closed standard output, a reader that went away (EPIPE).

A standard output whose encoding cannot hold a character of the report (for instance
``PYTHONIOENCODING=latin-1`` and the bar glyphs) still gets the report: goalloc's own glyphs
become ASCII look-alikes (``█`` -> ``#``, ``←`` -> ``<-``, ``…`` -> ``...``) and any other such
character a ``\\uXXXX`` escape, which keeps JSON valid and decodes to the same text. One
warning on stderr says so. Files are always UTF-8.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager

from goalloc.errors import OutputError
from goalloc.fsutil import FALLBACK_ERRORS, atomic_open, atomic_write

_warned_encoding = False


def write_output(text: str, path: str | None = None) -> None:
    """Print ``text`` or write it to ``path`` (``-`` or None means stdout)."""
    if not text.endswith("\n"):
        text += "\n"
    if path in (None, "-"):
        stream = _stdout()
        _guarded_write(stream, _for_stream(text, stream))
        finish_stdout()
    else:
        atomic_write(path, text)


@contextmanager
def open_output(path: str | None = None):
    """A text stream for a report: stdout, or ``path`` replaced atomically at the end."""
    if path in (None, "-"):
        stream = _stdout()
        yield _StdoutWriter(stream)
        finish_stdout()
        return
    with atomic_open(path) as fh:
        yield fh


class _ClosedStdout:
    """Stands in for a standard output the process was started without (``>&-``), so code
    that asks whether it is a terminal gets an answer and writing is an OutputError."""

    closed = True
    encoding = "utf-8"

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        raise OutputError("cannot write to standard output: it is closed")

    def flush(self) -> None:
        pass


def guard_std_streams() -> None:
    """A process started with stdout or stderr closed has None there: stdout becomes a
    stream whose writes fail with one clear error, stderr a sink (there is nowhere to say
    anything, and print(file=None) would write to stdout instead)."""
    if sys.stdout is None:
        sys.stdout = _ClosedStdout()
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w")


def finish_stdout() -> None:
    """Flush stdout now, so a full or closed one is an OutputError here rather than a
    message from the interpreter at exit."""
    stream = sys.stdout
    if stream is None:
        return
    try:
        stream.flush()
    except (OSError, ValueError) as exc:
        raise stdout_failed(exc) from None


def stdout_failed(exc: BaseException) -> OutputError:
    """The error for a failed write to stdout. Descriptor 1 is pointed at /dev/null, so the
    interpreter's own flush at exit (of what is still buffered) cannot fail a second time."""
    if isinstance(exc, OSError) and exc.strerror:
        why = exc.strerror
    else:
        why = "it is closed"
    _discard_stdout()
    return OutputError(f"cannot write to standard output: {why}")


def _discard_stdout() -> None:
    try:
        fd = 1
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, fd)
        os.close(null)
    except (OSError, ValueError, AttributeError):
        pass


def _stdout():
    stream = sys.stdout
    if stream is None or getattr(stream, "closed", False):
        raise OutputError("cannot write to standard output: it is closed")
    return stream


def _guarded_write(stream, text: str) -> None:
    try:
        stream.write(text)
    except (OSError, ValueError) as exc:
        if isinstance(exc, UnicodeError):
            raise
        raise stdout_failed(exc) from None


def _for_stream(text: str, stream) -> str:
    """``text`` with what the stream's encoding cannot hold replaced (see the module doc)."""
    encoding = getattr(stream, "encoding", None)
    if not encoding:
        return text
    try:
        text.encode(encoding)
        return text
    except UnicodeEncodeError:
        pass
    except LookupError:
        return text
    _warn_encoding(encoding)
    return text.encode(encoding, FALLBACK_ERRORS).decode(encoding)


def _warn_encoding(encoding: str) -> None:
    global _warned_encoding
    if _warned_encoding:
        return
    _warned_encoding = True
    try:
        sys.stderr.write(f"goalloc: warning: standard output's encoding ({encoding}) cannot "
                         "show some characters of the report; they are written as ASCII or "
                         "\\uXXXX (set PYTHONIOENCODING=utf-8 to keep them)\n")
    except (OSError, ValueError, AttributeError):
        pass


class _StdoutWriter:
    """What ``open_output`` yields for stdout: writes that degrade characters the encoding
    cannot hold and turn a failed write into an OutputError."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        _guarded_write(self._stream, _for_stream(text, self._stream))
        return len(text)

    def flush(self) -> None:
        finish_stdout()

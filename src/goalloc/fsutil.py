"""Writing user files safely: never a half-written or lost file.

Where a written path really goes:

* a path naming one of this process's own descriptors (``/dev/stdout``, ``/dev/stderr``,
  ``/dev/fd/N``, ``/proc/self/fd/N``), directly or through symlinks, is written to that
  descriptor: reopening it by path would truncate a file the shell opened for appending, and
  renaming over it would replace the system's ``/dev/stdout`` link;
* a symlink is followed to its target, which is written as below (a dangling link creates its
  target);
* a device, a pipe or a socket is written in place;
* a regular file (or a new one) is written to a temporary file in the same directory that
  replaces it only once complete. A new file gets the umask's mode; an existing file keeps its
  mode and, where we may, its owner.
"""

from __future__ import annotations

import codecs
import errno
import os
import re
import stat
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from goalloc.errors import InputError, OutputError

_MAX_LINKS = 40  # as the kernel's MAXSYMLINKS

# Characters goalloc itself draws, for a stream whose encoding cannot hold them.
_ASCII_LOOKALIKES = {"←": "<-", "→": "->", "█": "#", "▏": "|", "…": "...", "—": "--",
                     "–": "-", "µ": "u", "±": "+/-", "×": "x", "≈": "~", "∞": "inf",
                     "·": ".", "≤": "<=", "≥": ">="}
_SUPERSCRIPTS = {"⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6",
                 "⁷": "7", "⁸": "8", "⁹": "9", "⁻": "-"}
FALLBACK_ERRORS = "goalloc-fallback"


def _fallback(err: UnicodeError):
    """Codec error handler: ASCII look-alikes for goalloc's glyphs, ``^`` for superscript
    runs, and a ``\\uXXXX`` escape for anything else (which keeps JSON valid and lossless)."""
    if not isinstance(err, UnicodeEncodeError):
        raise err
    out = []
    previous_superscript = False
    for ch in err.object[err.start:err.end]:
        if ch in _SUPERSCRIPTS:
            out.append(("" if previous_superscript else "^") + _SUPERSCRIPTS[ch])
            previous_superscript = True
            continue
        previous_superscript = False
        if ch in _ASCII_LOOKALIKES:
            out.append(_ASCII_LOOKALIKES[ch])
        elif ord(ch) > 0xFFFF:
            high, low = divmod(ord(ch) - 0x10000, 0x400)
            out.append(f"\\u{0xD800 + high:04x}\\u{0xDC00 + low:04x}")
        else:
            out.append(f"\\u{ord(ch):04x}")
    return "".join(out), err.end


codecs.register_error(FALLBACK_ERRORS, _fallback)


@dataclass(frozen=True)
class Destination:
    """Where writing ``path`` really goes (see the module docstring)."""

    path: str  # as given
    real: str  # after following symlinks
    descriptor: int | None = None  # one of our own descriptors, named by the path
    in_place: bool = False  # a device, pipe or socket


_STD_NAMES = {"stdin": 0, "stdout": 1, "stderr": 2}


def _own_descriptor(path: str) -> int | None:
    m = re.fullmatch(r"/dev/std(in|out|err)", path)
    if m:
        return _STD_NAMES["std" + m.group(1)]
    m = (re.fullmatch(r"/dev/fd/(\d+)", path)
         or re.fullmatch(rf"/proc/(?:self|thread-self|{os.getpid()}(?:/task/\d+)?)/fd/(\d+)",
                         path))
    return int(m.group(1)) if m else None


def resolve_destination(path: str | os.PathLike) -> Destination:
    """Follow ``path``'s symlinks one at a time, stopping at one of our own descriptors."""
    given = os.fspath(path)
    current = os.path.abspath(given)
    for _ in range(_MAX_LINKS):
        for candidate in (current, os.path.join(_real_dir(current), os.path.basename(current))):
            fd = _own_descriptor(candidate)
            if fd is not None:
                return Destination(given, candidate, descriptor=fd)
        current = os.path.join(_real_dir(current), os.path.basename(current))
        if not os.path.islink(current):
            break
        try:
            link = os.readlink(current)
        except OSError as exc:
            raise OutputError(f"cannot write {given}: {exc.strerror}") from None
        # Not normalised: "sub/.." must go through sub's own target, which the next round's
        # realpath of the directory part does.
        current = os.path.join(os.path.dirname(current), link)
    else:
        raise OutputError(f"cannot write {given}: too many levels of symbolic links")
    try:
        mode = os.stat(current).st_mode
    except FileNotFoundError:
        return Destination(given, current)
    except OSError as exc:
        raise OutputError(f"cannot write {given}: {exc.strerror}") from None
    if stat.S_ISDIR(mode):
        raise OutputError(f"cannot write {given}: it is a directory")
    return Destination(given, current, in_place=not stat.S_ISREG(mode))


def _real_dir(path: str) -> str:
    return os.path.realpath(os.path.dirname(path))


def _umask() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)  # the only portable way to read it is to set it
    os.umask(mask)
    return mask


def _reason(exc: OSError) -> str:
    return exc.strerror or errno.errorcode.get(exc.errno or 0, str(exc))


@contextmanager
def atomic_open(path: str | os.PathLike, binary: bool = False):
    """A file handle whose content reaches ``path`` only when the block succeeds.

    A failed write raises OutputError (exit 2) and leaves an existing regular file as it was.
    """
    dest = resolve_destination(path)
    mode = "wb" if binary else "w"
    kwargs = {} if binary else {"encoding": "utf-8", "errors": FALLBACK_ERRORS}
    if dest.descriptor is not None or dest.in_place:
        with _in_place(dest, mode, kwargs) as fh:
            yield fh
        return
    with _replacing(dest, mode, kwargs) as fh:
        yield fh


@contextmanager
def _in_place(dest: Destination, mode: str, kwargs: dict):
    try:
        if dest.descriptor is not None:
            fh = os.fdopen(os.dup(dest.descriptor), mode, **kwargs)
        else:
            fh = open(dest.real, mode, **kwargs)
    except OSError as exc:
        raise OutputError(f"cannot write {dest.path}: {_reason(exc)}") from None
    try:
        with fh:
            yield fh
    except OSError as exc:
        raise OutputError(f"cannot write {dest.path}: {_reason(exc)}") from None


@contextmanager
def _replacing(dest: Destination, mode: str, kwargs: dict):
    directory = os.path.dirname(dest.real)
    if not os.path.isdir(directory):
        raise OutputError(f"cannot write {dest.path}: directory {directory} does not exist")
    try:
        existing = os.stat(dest.real)
    except FileNotFoundError:
        existing = None
    except OSError as exc:
        raise OutputError(f"cannot write {dest.path}: {_reason(exc)}") from None
    if existing is not None and not os.access(dest.real, os.W_OK):
        raise OutputError(f"cannot write {dest.path}: permission denied")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(dest.real)}.", suffix=".tmp",
                                   dir=directory)
    except OSError as exc:
        raise OutputError(f"cannot write {dest.path}: {_reason(exc)}") from None
    try:
        _take_over_mode(fd, existing)
        with os.fdopen(fd, mode, **kwargs) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, dest.real)
    except OSError as exc:
        _unlink(tmp)
        raise OutputError(f"cannot write {dest.path}: {_reason(exc)}") from None
    except BaseException:
        _unlink(tmp)
        raise


def _take_over_mode(fd: int, existing: os.stat_result | None) -> None:
    """The mode a plain open() would have left: the old file's, or 0666 less the umask."""
    if existing is None:
        os.fchmod(fd, 0o666 & ~_umask())
        return
    os.fchmod(fd, stat.S_IMODE(existing.st_mode))
    if (existing.st_uid, existing.st_gid) != (os.geteuid(), os.getegid()):
        try:
            os.fchown(fd, existing.st_uid, existing.st_gid)
        except OSError:
            pass  # only root may give a file away; the content still arrives


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def atomic_write(path: str | os.PathLike, data: str | bytes) -> None:
    """Write ``data`` to ``path`` through :func:`atomic_open`."""
    with atomic_open(path, binary=isinstance(data, bytes)) as fh:
        fh.write(data)


def read_text(path: str | os.PathLike, what: str = "file") -> str:
    """Read a user file as text, turning OS errors into one-line input errors."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{what} not found: {path}") from None
    except IsADirectoryError:
        raise InputError(f"{what} is a directory: {path}") from None
    except PermissionError:
        raise InputError(f"cannot read {what} {path}: permission denied") from None
    except UnicodeDecodeError:
        raise InputError(f"{what} {path} is not UTF-8 text") from None
    except OSError as exc:
        raise InputError(f"cannot read {what} {path}: {exc.strerror}") from None


def read_bytes(path: str | os.PathLike, what: str = "file") -> bytes:
    """Read a user file as bytes, turning OS errors into one-line input errors."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(f"{what} not found: {path}") from None
    except IsADirectoryError:
        raise InputError(f"{what} is a directory: {path}") from None
    except PermissionError:
        raise InputError(f"cannot read {what} {path}: permission denied") from None
    except OSError as exc:
        raise InputError(f"cannot read {what} {path}: {exc.strerror}") from None

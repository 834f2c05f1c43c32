"""Writing user files safely: never a half-written or lost file."""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

from goalloc.errors import InputError


@contextmanager
def atomic_open(path: str | os.PathLike, binary: bool = False):
    """A file handle whose content replaces ``path`` only when the block succeeds.

    Regular files are written to a temporary file in the same directory and renamed, so a
    crash or a full disk leaves the old file as it was. A device or a pipe (``-o /dev/null``)
    is written in place: renaming over it would replace the device node itself.
    """
    target = Path(path)
    mode = "wb" if binary else "w"
    kwargs = {} if binary else {"encoding": "utf-8"}
    if target.exists() and not target.is_file():
        if target.is_dir():
            raise InputError(f"cannot write {target}: it is a directory")
        try:
            fh = open(target, mode, **kwargs)
        except OSError as exc:
            raise InputError(f"cannot write {target}: {exc.strerror}") from None
        with fh:
            yield fh
        return
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise InputError(f"cannot write {target}: directory {directory} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise InputError(f"cannot write {target}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, mode, **kwargs) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        _unlink(tmp)
        raise InputError(f"cannot write {target}: {exc.strerror}") from None
    except BaseException:
        _unlink(tmp)
        raise


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

"""Writing user files safely: never a half-written or lost file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from goalloc.errors import InputError


def atomic_write(path: str | os.PathLike, data: str | bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same directory, then rename.

    A crash or a full disk leaves the old file as it was.
    """
    target = Path(path)
    if target.exists() and not target.is_file():
        # A device or a pipe (-o /dev/null, -o /dev/stdout): renaming over it would replace
        # the device node itself, so write into it.
        if target.is_dir():
            raise InputError(f"cannot write {target}: it is a directory")
        try:
            with open(target, "wb" if isinstance(data, bytes) else "w",
                      **({} if isinstance(data, bytes) else {"encoding": "utf-8"})) as fh:
                fh.write(data)
        except OSError as exc:
            raise InputError(f"cannot write {target}: {exc.strerror}") from None
        return
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise InputError(f"cannot write {target}: directory {directory} does not exist")
    mode = "wb" if isinstance(data, bytes) else "w"
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise InputError(f"cannot write {target}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, mode, **({} if mode == "wb" else {"encoding": "utf-8"})) as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise InputError(f"cannot write {target}: {exc.strerror}") from None
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


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

"""goalloc's result cache: entries keyed by what they were computed from.

* ``scan``: a package's sites and params, keyed by the compiler's -m=2 output for it (which the
  go command replays from its own cache on a warm build), the toolchain and goalloc's code.
* ``facts``: the facts helper's JSON, keyed by the helper, the patterns and the module's Go files.
* ``calls``: a package's runtime allocation calls, keyed by its archive (the go command names
  archives by their content) and the toolchain.

Each entry also records the size and modification time of the source files it read, and is
used only while they are unchanged. Anything wrong with an entry (missing, stale, unreadable)
is a miss: the work is done as usual.

A cache is only ever an optimisation. ``GOALLOC_NO_CACHE=1`` (or :func:`disable`, which
``--no-cache`` calls) switches every persistent read and write off; what must still live on
disk for the run goes to a temporary directory removed at exit. A cache directory that cannot
be written is replaced by a private temporary one, with one warning.
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import os
import pickle
import shutil
import stat
import sys
import tempfile

from goalloc import __version__

# Outputs larger than this are parsed while they stream in, without a cache entry.
MAX_CACHED_OUTPUT = 16 << 20
_FORMAT = 1

_disabled = False
_usable: dict[str, str] = {}  # configured root -> the root actually used
_run_dir: str | None = None  # this process's temporary root, when one was needed


def disable() -> None:
    """No persistent cache reads or writes for the rest of this process (``--no-cache``)."""
    global _disabled
    _disabled = True


def reset() -> None:
    """Forget :func:`disable` and the directories already checked (one CLI run ends)."""
    global _disabled
    _disabled = False
    _usable.clear()


def enabled() -> bool:
    return not _disabled and os.environ.get("GOALLOC_NO_CACHE", "") in ("", "0")


def configured_root() -> str:
    return os.environ.get("GOALLOC_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"),
        "goalloc")


def root() -> str:
    """The directory for goalloc's state on disk (result caches, the facts helper binary).

    With caching off: a temporary directory of this process, removed at exit. With a
    configured directory that cannot be written: a private directory under the system's
    temporary directory (kept between runs, so the facts helper is built once), and one
    warning saying why."""
    if not enabled():
        return _run_root()
    configured = configured_root()
    usable = _usable.get(configured)
    if usable is None:
        why = _unwritable(configured)
        usable = configured if why is None else _fallback_root()
        if why is not None:
            _warn(f"goalloc: warning: cannot use the cache directory {configured} ({why}); "
                  f"using {usable} instead (set GOALLOC_CACHE_DIR to a writable directory)")
        _usable[configured] = usable
    return usable


def cache_dir(kind: str = "scan") -> str | None:
    """Where entries of ``kind`` are kept, or None when caching is off."""
    if not enabled():
        return None
    return os.path.join(root(), kind)


def _unwritable(directory: str) -> str | None:
    """Why ``directory`` cannot hold the cache, or None when it can."""
    try:
        os.makedirs(directory, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".probe.", dir=directory)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def _fallback_root() -> str:
    """``$TMPDIR/goalloc-cache-<uid>``, when it is ours alone; else this run's own."""
    shared = os.path.join(tempfile.gettempdir(), f"goalloc-cache-{os.getuid()}")
    try:
        os.mkdir(shared, 0o700)
    except FileExistsError:
        pass
    except OSError:
        return _run_root()
    try:
        st = os.lstat(shared)
    except OSError:
        return _run_root()
    if (stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid()
            and stat.S_IMODE(st.st_mode) & 0o077 == 0 and _unwritable(shared) is None):
        return shared
    return _run_root()


def _run_root() -> str:
    global _run_dir
    if _run_dir is None or not os.path.isdir(_run_dir):
        _run_dir = tempfile.mkdtemp(prefix="goalloc-run-")
        atexit.register(shutil.rmtree, _run_dir, True)
    return _run_dir


def _warn(line: str) -> None:
    try:
        print(line, file=sys.stderr)
    except (OSError, ValueError, AttributeError):
        pass


@functools.lru_cache(maxsize=None)
def _code_digest() -> str:
    """The analysis code itself is part of the key: a changed goalloc never reads old entries."""
    h = hashlib.sha256()
    here = os.path.dirname(os.path.abspath(__file__))
    for sub in ("escape", "facts", "collect", "calls", "app", "."):
        folder = os.path.join(here, sub)
        for name in sorted(os.listdir(folder)):
            if name.endswith(".py"):
                with open(os.path.join(folder, name), "rb") as fh:
                    h.update(fh.read())
    return h.hexdigest()


def key(parts: list[str], lines: list[str]) -> str:
    h = hashlib.sha256()
    for part in (str(_FORMAT), __version__, _code_digest(), *parts):
        h.update(part.encode())
        h.update(b"\0")
    for line in lines:
        h.update(line.encode("utf-8", "surrogateescape"))
        h.update(b"\n")
    return h.hexdigest()


def _signature(paths) -> list[tuple[str, int, int]]:
    sig = []
    for p in sorted(paths):
        try:
            st = os.stat(p)
        except OSError:
            return []
        sig.append((p, st.st_mtime_ns, st.st_size))
    return sig


def load(directory: str | None, digest: str):
    if not directory:
        return None
    try:
        with open(os.path.join(directory, digest[:2], digest), "rb") as fh:
            entry = pickle.load(fh)
    except Exception:  # a missing, partial or foreign file is a miss
        return None
    if not isinstance(entry, dict) or entry.get("format") != _FORMAT:
        return None
    sig = entry.get("sources", [])
    if _signature(p for p, _, _ in sig) != sig:
        return None
    return entry.get("value")


def store(directory: str | None, digest: str, value, source_paths) -> None:
    if not directory:
        return
    sig = _signature(p for p in source_paths if not p.startswith("<"))
    entry = {"format": _FORMAT, "sources": sig, "value": value}
    target_dir = os.path.join(directory, digest[:2])
    try:
        os.makedirs(target_dir, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target_dir, suffix=".tmp")
    except OSError:
        return  # a cache that cannot be written is only slower
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(entry, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, os.path.join(target_dir, digest))
    except OSError:
        try:
            os.unlink(tmp)  # a full disk leaves no partial entry behind
        except OSError:
            pass

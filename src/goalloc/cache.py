"""goalloc's result cache: entries keyed by what they were computed from.

* ``scan``: a package's sites and params, keyed by the compiler's -m=2 output for it (which the
  go command replays from its own cache on a warm build), the toolchain and goalloc's code.
* ``facts``: the facts helper's JSON, keyed by the helper, the patterns and the module's Go files.
* ``calls``: a package's runtime allocation calls, keyed by its archive (the go command names
  archives by their content) and the toolchain.

Each entry also records the size and modification time of the source files it read, and is
used only while they are unchanged. Anything wrong with an entry (missing, stale, unreadable)
is a miss: the work is done as usual. ``GOALLOC_NO_CACHE=1`` switches it off.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import tempfile

from goalloc import __version__

# Outputs larger than this are parsed while they stream in, without a cache entry.
MAX_CACHED_OUTPUT = 16 << 20
_FORMAT = 1


def cache_dir(kind: str = "scan") -> str | None:
    if os.environ.get("GOALLOC_NO_CACHE"):
        return None
    base = os.environ.get("GOALLOC_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"),
        "goalloc")
    return os.path.join(base, kind)


@functools.lru_cache(maxsize=None)
def _code_digest() -> str:
    """The analysis code itself is part of the key: a changed goalloc never reads old entries."""
    h = hashlib.sha256()
    here = os.path.dirname(os.path.abspath(__file__))
    for sub in ("escape", "facts", "collect", "calls", "."):
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
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(entry, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, os.path.join(target_dir, digest))
    except OSError:
        pass  # a cache that cannot be written is only slower

"""Build the facts helper once per Go version and helper source, safely under concurrency.

The binary lives in ``<cache>/facts-helper/<goversion>-<hash>/factshelper`` where ``<hash>``
covers the helper's source files. Builds happen under an exclusive file lock and end with an
atomic rename, so concurrent goalloc runs never see a half-written binary and build it once.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from goalloc.errors import ToolchainError

HELPER_DIR = Path(__file__).with_name("helper")
BINARY_NAME = "factshelper.exe" if os.name == "nt" else "factshelper"


def cache_root() -> Path:
    explicit = os.environ.get("GOALLOC_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "goalloc"


def helper_files() -> list[str]:
    """What the binary is built from: go.mod and the non-test Go files."""
    return ["go.mod", *sorted(p.name for p in HELPER_DIR.glob("*.go")
                              if not p.name.endswith("_test.go"))]


def source_hash() -> str:
    h = hashlib.sha256()
    for name in helper_files():
        h.update(name.encode() + b"\0")
        try:
            h.update((HELPER_DIR / name).read_bytes())
        except OSError as exc:
            raise ToolchainError(f"the facts helper source is missing: {HELPER_DIR / name}: "
                                 f"{exc.strerror}") from None
        h.update(b"\0")
    return h.hexdigest()[:16]


def helper_dir(toolchain) -> Path:
    return cache_root() / "facts-helper" / f"{toolchain.version}-{source_hash()}"


def _lock(path: Path):
    fh = open(path, "a+")
    try:
        import fcntl

        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
    except ImportError:  # pragma: no cover - not POSIX: rely on the atomic rename alone
        pass
    return fh


def helper_binary(toolchain) -> Path:
    """The path of the built helper for ``toolchain``, building it first if needed."""
    target_dir = helper_dir(toolchain)
    binary = target_dir / BINARY_NAME
    if binary.is_file():
        return binary
    try:
        target_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ToolchainError(f"cannot create the helper cache {target_dir}: {exc.strerror}") from None
    lock = _lock(target_dir / ".lock")
    try:
        if binary.is_file():  # another process built it while we waited
            return binary
        with tempfile.TemporaryDirectory(prefix="build.", dir=target_dir) as tmp:
            src = Path(tmp) / "src"
            src.mkdir()
            for name in helper_files():
                shutil.copyfile(HELPER_DIR / name, src / name)
            out = Path(tmp) / BINARY_NAME
            host = toolchain.run(["env", "GOHOSTOS", "GOHOSTARCH"])
            env = {"CGO_ENABLED": "0", "GOFLAGS": "-mod=mod", "GOWORK": "off",
                   "GO111MODULE": "on"}
            if host.returncode == 0 and len(host.stdout.split()) == 2:
                env["GOOS"], env["GOARCH"] = host.stdout.split()
            proc = toolchain.run(["build", "-trimpath", "-o", str(out), "."], cwd=src, env=env)
            if proc.returncode != 0 or not out.is_file():
                lines = [ln for ln in (proc.stderr or "").splitlines() if ln.strip()
                         and not ln.startswith("#")]
                first = lines[0] if lines else "no output"
                raise ToolchainError(f"cannot build the facts helper with {toolchain.version}: "
                                     f"{first}")
            os.replace(out, binary)
    finally:
        lock.close()
    return binary

"""Build and run the facts helper, and cache what it reports.

The helper (goalloc/facts/helper, a Go program of the standard library only) is built with
the user's toolchain on first use into ``<cache>/facts-helper/<goversion>-<hash>/`` and
reused after that; ``<hash>`` covers the files the binary is built from (go.mod and the
non-test Go files, not the helper's tests and testdata). Builds happen under an exclusive
file lock and end with an atomic rename, so concurrent goalloc runs build it once and never
see a half-written binary. One run covers every package the patterns match; its JSON is
kept in the ``facts`` result cache (goalloc.cache), keyed by the module's files.

Both caches are only an optimisation: a cache directory that cannot be written is replaced
by a temporary one for the process (with one warning), a cached binary that does not run or
prints something else than facts is rebuilt once, and ``GOALLOC_NO_CACHE=1`` reads and
writes no persistent cache at all (the helper is built into a temporary directory).

    facts = collect_facts(find_toolchain(), "/path/to/module", ["./..."])
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import goalloc.facts
from goalloc import cache
from goalloc.errors import InputError, ToolchainError
from goalloc.facts import Facts, FactsError, FactsFormatError

HELPER_DIR = Path(goalloc.facts.__file__).resolve().parent / "helper"
BINARY_NAME = "factshelper.exe" if os.name == "nt" else "factshelper"
# The helper prefixes its own error messages with this; anything else on a failed run is
# the sign of a binary that is not the helper any more.
_HELPER_PREFIX = "factshelper: "

__all__ = ["BINARY_NAME", "HELPER_DIR", "collect_facts", "helper_binary", "helper_dir",
           "helper_files", "source_hash"]


def collect_facts(toolchain, module_dir, patterns=None, env: dict | None = None, *,
                  allow_errors: bool = False, timeout: float = 600,
                  build_flags: list[str] | None = None) -> Facts:
    """Run the facts helper on ``patterns`` (default ``./...``) in ``module_dir``.

    Raises ``ToolchainError`` if the helper cannot be built or run, ``InputError`` if the
    directory or patterns are unusable, and ``FactsError`` (exit code 3) if a target package
    does not type-check, unless ``allow_errors`` (then the broken packages carry ``errors``).
    ``build_flags`` (``-gcflags=...``, ``-tags=...``) are given to the helper's ``go list
    -export``: the flags of a build that just ran make its export data cache hits.
    """
    module_dir = Path(module_dir)
    if not module_dir.is_dir():
        raise InputError(f"not a directory: {module_dir}")
    patterns = list(patterns or ["./..."])
    binary = helper_binary(toolchain)
    root = _module_root(module_dir)
    merged = {**toolchain.env, **(env or {})}
    goarch = merged.get("GOARCH") or toolchain.goarch
    options = ["-go", toolchain.go, "-C", str(module_dir), "-root", str(root), "-goarch", goarch,
               "-buildflags", " ".join(build_flags or []), "--", *patterns]
    store = _usable_cache("facts") if cache.cache_dir("facts") else None
    digest = ""
    if store:
        digest = cache.key([str(binary), *options, toolchain.version, merged.get("GOOS", ""),
                            merged.get("GOFLAGS", ""), str(module_dir.resolve())], [])
    facts = _parsed(cache.load(str(store), digest)) if store else None
    if facts is None:
        stdout, facts = _run_or_rebuild(toolchain, binary, options, merged, timeout)
        if store:
            cache.store(str(store), digest, stdout, _module_files(root))
    return _checked(facts, patterns, module_dir, allow_errors)


def _module_root(module_dir: Path) -> Path:
    """The directory file names are relative to: the module root (the nearest go.mod above),
    else the directory itself."""
    d = module_dir.resolve()
    for candidate in (d, *d.parents):
        if (candidate / "go.mod").is_file():
            return candidate
    return module_dir


_MODULE_FILES = (".go", "go.mod", "go.sum", "go.work", "go.work.sum")


def _module_files(root: Path) -> list[str]:
    """Every file of the module that can change facts: sources of the target packages and of
    the module packages they import, and the module files. (Standard-library patterns outside
    a module depend only on the toolchain, which is in the key.)"""
    if not (root / "go.mod").is_file():
        return []
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith((".", "_"))]
        out.append(dirpath)  # a new or removed file changes its directory
        out += [os.path.join(dirpath, f) for f in filenames if f.endswith(_MODULE_FILES)]
    return out


def _parsed(stdout) -> Facts | None:
    """Facts from a cached helper output, or None if it is not usable facts JSON."""
    if not isinstance(stdout, str):
        return None
    try:
        return Facts.from_json(json.loads(stdout))
    except (ValueError, FactsFormatError):
        return None


class _BrokenHelper(Exception):
    """The binary is not a working helper: it does not start, dies of a signal, or prints
    something that is not facts JSON of this goalloc's version."""


def _run_or_rebuild(toolchain, binary: Path, options: list[str], env: dict,
                    timeout: float) -> tuple[str, Facts]:
    """Run the helper; if the binary is broken (a damaged cache), build it again once."""
    ran = _identity(binary)
    try:
        return _run_helper(binary, options, env, timeout)
    except _BrokenHelper:
        pass
    rebuilt = helper_binary(toolchain, broken=ran)
    try:
        return _run_helper(rebuilt, options, env, timeout)
    except _BrokenHelper as exc:
        raise ToolchainError(f"the facts helper failed: {exc}") from None


def _run_helper(binary: Path, options: list[str], env: dict, timeout: float) -> tuple[str, Facts]:
    try:
        proc = subprocess.run([str(binary), *options], env=env, capture_output=True, text=True,
                              errors="replace", timeout=timeout)
    except subprocess.TimeoutExpired:
        raise ToolchainError(f"the facts helper did not finish within {timeout:.0f} s") from None
    except OSError as exc:
        raise _BrokenHelper(f"cannot run {binary}: {exc.strerror}") from None
    last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
    if proc.returncode != 0:
        if proc.returncode > 0 and last.startswith(_HELPER_PREFIX):
            msg = last.removeprefix(_HELPER_PREFIX)
            if msg.startswith("go list failed:"):
                raise InputError(msg)
            raise ToolchainError(f"the facts helper failed: {msg}")
        raise _BrokenHelper(f"{binary} exited with code {proc.returncode}: {last}")
    try:
        return proc.stdout, Facts.from_json(json.loads(proc.stdout))
    except ValueError:
        raise _BrokenHelper(f"{binary} printed something that is not JSON") from None
    except FactsFormatError as exc:
        raise _BrokenHelper(str(exc)) from None


def _checked(facts: Facts, patterns: list[str], module_dir: Path, allow_errors: bool) -> Facts:
    if facts.errors and not facts.packages:
        raise InputError(f"no packages to check: {facts.errors[0]}")
    if not facts.packages:
        raise InputError(f"no Go packages match {' '.join(patterns)} in {module_dir}")
    loadable = [p for p in facts.packages if p.files or not p.errors]
    for pkg in facts.packages:  # go list could not load it: a pattern or directory problem
        if pkg.errors and not pkg.files and not (allow_errors and loadable):
            raise InputError(f"cannot load {pkg.path}: {' '.join(pkg.errors[0].split())}")
    if not allow_errors:
        errs = facts.package_errors()
        if errs:
            path, first = errs[0]
            first = " ".join(first.split())
            more = f" (and {len(errs) - 1} more errors)" if len(errs) > 1 else ""
            raise FactsError(f"package {path} does not type-check: {first}{more}")
    return facts


# ---- the helper binary ------------------------------------------------------------------


def helper_files() -> list[str]:
    """What the binary is built from: go.mod (and go.sum) and the non-test Go files. The
    helper's own tests and testdata are left out: they change no binary."""
    names = [n for n in ("go.mod", "go.sum") if (HELPER_DIR / n).is_file()]
    return names + sorted(p.name for p in HELPER_DIR.glob("*.go")
                          if not p.name.endswith("_test.go"))


def source_hash() -> str:
    h = hashlib.sha256()
    names = helper_files()
    if "go.mod" not in names:
        raise ToolchainError(f"the facts helper source is missing: {HELPER_DIR / 'go.mod'}")
    for name in names:
        h.update(name.encode() + b"\0")
        try:
            h.update((HELPER_DIR / name).read_bytes())
        except OSError as exc:
            raise ToolchainError(f"the facts helper source is missing: {HELPER_DIR / name}: "
                                 f"{exc.strerror}") from None
        h.update(b"\0")
    return h.hexdigest()[:16]


def helper_dir(toolchain) -> Path:
    """Where the helper for ``toolchain`` is (or will be) built."""
    return _usable_cache("facts-helper") / f"{toolchain.version}-{source_hash()}"


def helper_binary(toolchain, *, broken: tuple[int, int, int] | None = None) -> Path:
    """The path of the built helper for ``toolchain``, building it first if needed.

    ``broken``: the identity (``_identity``) of a binary that turned out not to work; it is
    built again, unless another process already replaced it while this one waited.
    """
    target_dir = helper_dir(toolchain)
    binary = target_dir / BINARY_NAME
    if broken is None and binary.is_file():
        return binary
    try:
        target_dir.mkdir(parents=True, exist_ok=True)
        lock = _lock(target_dir / ".lock")
    except OSError as exc:
        raise ToolchainError(f"cannot create the helper cache {target_dir}: "
                             f"{exc.strerror}") from None
    try:
        current = _identity(binary)
        if current is not None and current != broken:  # built (or rebuilt) while we waited
            return binary
        _build(toolchain, target_dir, binary)
    finally:
        lock.close()
    return binary


def _identity(path: Path) -> tuple[int, int, int] | None:
    """Which file is at path (inode, size, modification time), or None if none is."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns


def _lock(path: Path):
    fh = open(path, "a+")
    try:
        import fcntl

        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
    except ImportError:  # pragma: no cover - not POSIX: rely on the atomic rename alone
        pass
    return fh


def _build(toolchain, target_dir: Path, binary: Path) -> None:
    """Build the helper from a copy of its files and rename it into place."""
    try:
        with tempfile.TemporaryDirectory(prefix="build.", dir=target_dir) as tmp:
            src = Path(tmp) / "src"
            src.mkdir()
            for name in helper_files():
                shutil.copyfile(HELPER_DIR / name, src / name)
            out = Path(tmp) / BINARY_NAME
            proc = toolchain.run(["build", "-trimpath", "-o", str(out), "."], cwd=src,
                                 env=_build_env(toolchain))
            if proc.returncode != 0 or not out.is_file():
                lines = [ln for ln in (proc.stderr or "").splitlines() if ln.strip()
                         and not ln.startswith("#")]
                first = lines[0] if lines else "no output"
                raise ToolchainError(f"cannot build the facts helper with {toolchain.version}: "
                                     f"{first}")
            os.replace(out, binary)
    except OSError as exc:
        raise ToolchainError(f"cannot build the facts helper in {target_dir}: "
                             f"{exc.strerror}") from None


def _build_env(toolchain) -> dict:
    """A standalone build for the host, whatever the user's GOOS/GOARCH/GOFLAGS say."""
    env = {"CGO_ENABLED": "0", "GOFLAGS": "-mod=mod", "GOWORK": "off", "GO111MODULE": "on"}
    host = toolchain.run(["env", "GOHOSTOS", "GOHOSTARCH"])
    if host.returncode == 0 and len(host.stdout.split()) == 2:
        env["GOOS"], env["GOARCH"] = host.stdout.split()
    return env


# ---- cache directories ------------------------------------------------------------------

def _usable_cache(kind: str) -> Path:
    """goalloc's directory for ``kind``, created. goalloc.cache.root() decides where that is:
    the configured cache, a private temporary one when it cannot be written (one warning), or
    this process's own temporary directory when caching is off (GOALLOC_NO_CACHE)."""
    path = Path(cache.root()) / kind
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ToolchainError(f"cannot create {path}: {exc.strerror or exc}") from None
    return path

"""Type-aware source facts about Go packages, from Go's own type checker.

A small Go program (``facts/helper``, standard library only) is built with the user's
toolchain on first use into ``$GOALLOC_CACHE_DIR`` (default ``~/.cache/goalloc``)
``/facts-helper/<goversion>-<hash>/`` and reused after that. One run of it covers every
package the patterns match; see docs/rules.md ("The facts JSON") for the output.

    facts = collect_facts(find_toolchain(), "/path/to/module", ["./..."])
    for pkg in facts.packages: ...
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from goalloc import cache
from goalloc.errors import EXIT_COMPILE, GoallocError, InputError, ToolchainError
from goalloc.facts.build import helper_binary

SCHEMA_VERSION = 1

__all__ = ["Facts", "FactsError", "collect_facts", "helper_binary", "SCHEMA_VERSION"]


class FactsError(GoallocError):
    """A target package does not type-check (exit code 3, as for compile errors)."""

    exit_code = EXIT_COMPILE


@dataclass
class Facts:
    """The facts of one helper run. ``packages`` are dicts as in the facts JSON."""

    go_version: str
    goarch: str
    root: str
    packages: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"schema_version": SCHEMA_VERSION, "go_version": self.go_version,
                "goarch": self.goarch, "root": self.root, "packages": self.packages,
                "errors": self.errors}

    @classmethod
    def from_json(cls, data: dict) -> "Facts":
        if data.get("facts_version") != SCHEMA_VERSION:
            raise InputError(f"facts_version {data.get('facts_version')!r} is not "
                             f"{SCHEMA_VERSION}")
        return cls(go_version=data.get("go_version", ""), goarch=data.get("goarch", ""),
                   root=data.get("root", ""), packages=list(data.get("packages") or []),
                   errors=list(data.get("errors") or []))

    def package_errors(self) -> list[tuple[str, str]]:
        out = []
        for p in self.packages:
            for e in p.get("errors") or []:
                out.append((p.get("path", ""), e))
        return out


def _module_root(toolchain, module_dir: Path, env: dict | None) -> Path:
    """The directory file names are relative to: the module root (the nearest go.mod above,
    as `go env GOMOD` finds it), else the directory itself."""
    d = module_dir.resolve()
    for candidate in (d, *d.parents):
        if (candidate / "go.mod").is_file():
            return candidate
    return module_dir


_MODULE_FILES = (".go", "go.mod", "go.sum", "go.work", "go.work.sum")


def _module_files(root: Path, module_dir: Path) -> list[str]:
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
    root = _module_root(toolchain, module_dir, env)
    merged = dict(toolchain.env)
    if env:
        merged.update(env)
    goarch = merged.get("GOARCH") or toolchain.goarch
    args = [str(binary), "-go", toolchain.go, "-C", str(module_dir), "-root", str(root),
            "-goarch", goarch, "-buildflags", " ".join(build_flags or []), "--", *patterns]
    store = cache.cache_dir("facts")
    module_files = _module_files(root, module_dir) if store else []
    digest = cache.key([*args, toolchain.version, merged.get("GOOS", ""),
                        merged.get("GOFLAGS", ""), str(module_dir.resolve())], []) if store else ""
    cached = cache.load(store, digest) if store else None
    if cached is None:
        stdout = _run_helper(binary, args, merged, timeout)
        if store:
            cache.store(store, digest, stdout, module_files)
    else:
        stdout = cached
    try:
        data = json.loads(stdout)
    except json.JSONDecodeError:
        raise ToolchainError("the facts helper printed something that is not JSON") from None
    return _checked(Facts.from_json(data), patterns, module_dir, allow_errors)


def _run_helper(binary, args: list[str], env: dict, timeout: float) -> str:
    import subprocess

    try:
        proc = subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout)
    except OSError as exc:
        raise ToolchainError(f"cannot run the facts helper {binary}: {exc.strerror}") from None
    except subprocess.TimeoutExpired:
        raise ToolchainError(f"the facts helper did not finish within {timeout:.0f} s") from None
    if proc.returncode != 0:
        msg = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        msg = msg.removeprefix("factshelper: ")
        if msg.startswith("go list failed:"):
            raise InputError(msg)
        raise ToolchainError(f"the facts helper failed: {msg}")
    return proc.stdout


def _checked(facts: Facts, patterns: list[str], module_dir: Path, allow_errors: bool) -> Facts:
    if facts.errors and not facts.packages:
        raise InputError(f"no packages to check: {facts.errors[0]}")
    if not facts.packages:
        raise InputError(f"no Go packages match {' '.join(patterns)} in {module_dir}")
    for pkg in facts.packages:  # go list could not load it: a pattern or directory problem
        if pkg.get("errors") and not pkg.get("files"):
            raise InputError(f"cannot load {pkg.get('path')}: "
                             f"{' '.join(pkg['errors'][0].split())}")
    if not allow_errors:
        errs = facts.package_errors()
        if errs:
            path, first = errs[0]
            first = " ".join(first.split())
            more = f" (and {len(errs) - 1} more errors)" if len(errs) > 1 else ""
            raise FactsError(f"package {path} does not type-check: {first}{more}")
    return facts

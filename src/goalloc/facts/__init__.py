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
        if data.get("schema_version") != SCHEMA_VERSION:
            raise InputError(f"facts schema_version {data.get('schema_version')!r} is not "
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
    """The directory file names are relative to: the module root (as `go env GOMOD` says)."""
    proc = toolchain.run(["env", "GOMOD"], cwd=module_dir, env=env)
    gomod = proc.stdout.strip() if proc.returncode == 0 else ""
    if gomod and gomod != os.devnull and Path(gomod).is_file():
        return Path(gomod).parent
    return module_dir


def collect_facts(toolchain, module_dir, patterns=None, env: dict | None = None, *,
                  allow_errors: bool = False, timeout: float = 600) -> Facts:
    """Run the facts helper on ``patterns`` (default ``./...``) in ``module_dir``.

    Raises ``ToolchainError`` if the helper cannot be built or run, ``InputError`` if the
    directory or patterns are unusable, and ``FactsError`` (exit code 3) if a target package
    does not type-check, unless ``allow_errors`` (then the broken packages carry ``errors``).
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
    import subprocess

    args = [str(binary), "-go", toolchain.go, "-C", str(module_dir), "-root", str(root),
            "-goarch", goarch, "--", *patterns]
    try:
        proc = subprocess.run(args, env=merged, capture_output=True, text=True, timeout=timeout)
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
    try:
        data = json.loads(proc.stdout)
    except json.JSONDecodeError:
        raise ToolchainError("the facts helper printed something that is not JSON") from None
    facts = Facts.from_json(data)
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

"""The compiled packages themselves: ``go list -export`` with scan's build flags.

``go list -export`` builds what is not in the build cache yet and names each package's
archive. With the same flags as ``goalloc scan`` (``build_flags``), it is the very build scan
asked for, so after a scan it costs the go command's cache lookup only. ``-deps`` names the
dependencies' archives too: an object file names other packages' inlined functions by
index, and their own objects hold the names.
"""

from __future__ import annotations

import json
import subprocess
import time
from dataclasses import dataclass, field

from goalloc.collect.compiler import build_flags
from goalloc.collect.toolchain import Toolchain
from goalloc.errors import InputError, ToolchainError

_FIELDS = "ImportPath,Name,Dir,Export,DepOnly,Error,DepsErrors,Incomplete"


@dataclass
class PackageError:
    package: str
    text: str  # the go command's message; a compile error starts with "# <package>\n"

    @property
    def is_compile_error(self) -> bool:
        return self.text.startswith("# ")


@dataclass
class CompiledPackages:
    targets: list[str] = field(default_factory=list)  # matched packages that compiled, in order
    dirs: dict[str, str] = field(default_factory=dict)  # import path -> source directory
    names: dict[str, str] = field(default_factory=dict)  # import path -> package name
    exports: dict[str, str] = field(default_factory=dict)  # import path -> archive (with deps)
    errors: list[PackageError] = field(default_factory=list)  # matched packages that did not
    warnings: list[str] = field(default_factory=list)  # the go command's other complaints
    seconds: float = 0.0


def list_args(patterns: list[str], tags: str | None, gcflags: str | None = None) -> list[str]:
    args = ["list", "-e", "-export", "-deps", f"-json={_FIELDS}", *build_flags(tags, gcflags)]
    args += ["--", *patterns] if any(p.startswith("-") for p in patterns) else patterns
    return args


def compile_packages(toolchain: Toolchain, patterns: list[str], cwd: str,
                     tags: str | None = None, gcflags: str | None = None) -> CompiledPackages:
    start = time.monotonic()
    try:
        proc = toolchain.run(list_args(patterns, tags, gcflags), cwd=cwd, timeout=3600)
    except subprocess.TimeoutExpired:
        raise ToolchainError("go list -export did not finish within an hour") from None
    result = parse_list_output(proc.stdout)
    # -m=2 diagnostics of freshly compiled packages come on stderr; keep the go command's own.
    result.warnings = [ln for ln in proc.stderr.splitlines()
                       if ln.startswith(("go: ", "warning: ", "pattern "))]
    if proc.returncode != 0 and not result.targets and not result.errors:
        first = next((ln for ln in proc.stderr.splitlines()
                      if ln.strip() and not ln.startswith("#")), "go list failed")
        raise InputError(first.removeprefix("go: ").strip())
    result.seconds = time.monotonic() - start
    return result


def parse_list_output(text: str) -> CompiledPackages:
    """go list -json prints one JSON object after another."""
    result = CompiledPackages()
    decoder = json.JSONDecoder()
    at, n = 0, len(text)
    while True:
        while at < n and text[at].isspace():
            at += 1
        if at >= n:
            break
        try:
            pkg, at = decoder.raw_decode(text, at)
        except json.JSONDecodeError:
            raise ToolchainError("go list -json printed something that is not JSON") from None
        _add_package(result, pkg)
    return result


def _add_package(result: CompiledPackages, pkg: dict) -> None:
    path = pkg.get("ImportPath", "")
    export = pkg.get("Export") or ""
    if export:
        result.exports[path] = export
    if pkg.get("DepOnly"):
        return
    result.dirs[path] = pkg.get("Dir", "")
    result.names[path] = pkg.get("Name", "")
    error = pkg.get("Error") or {}
    if export and not error:
        result.targets.append(path)
        return
    text = error.get("Err", "")
    if not text:
        dep_errors = pkg.get("DepsErrors") or []
        text = dep_errors[0].get("Err", "") if dep_errors else "did not compile"
    result.errors.append(PackageError(path, text.rstrip("\n")))

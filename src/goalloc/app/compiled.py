"""The runtime allocation calls of every function of the matched packages, read from the
objects of the same build as goalloc scan (goalloc calls' core; goalloc scan reads them too
to judge each site's runtime cost, so this module does not depend on the scan use case)."""

from __future__ import annotations

import os
import re
import struct
import time
from dataclasses import dataclass, field
from goalloc import cache
from goalloc.calls.analyze import package_functions
from goalloc.calls.entrypoints import defines_entry_points, is_entry_point
from goalloc.calls.loops import LoopLines
from goalloc.calls.model import CallFinding, FunctionCalls
from goalloc.collect import compiler as collect
from goalloc.collect.goobj import ObjectLibrary, object_format
from goalloc.collect.objects import PackageError, compile_packages
from goalloc.collect.toolchain import Toolchain, find_toolchain
from goalloc.errors import InputError, ToolchainError


@dataclass
class CompileError:
    package: str
    message: str
    file: str = ""
    line: int = 0
    col: int = 0

    def to_json(self) -> dict:
        return {"package": self.package, "file": self.file or None, "line": self.line or None,
                "col": self.col or None, "message": self.message}


@dataclass(frozen=True)
class CallsOptions:
    patterns: tuple[str, ...] = ("./...",)
    directory: str = "."
    tags: str | None = None
    # Also run goalloc scan's escape analysis and point out the verdicts the calls qualify.
    with_sites: bool = False
    # Reuse a package's calls while its archive and the source files read for it are the same.
    use_cache: bool = True
    gcflags: str | None = None  # the user's compiler flags (goalloc.collect.compiler.check_gcflags)


@dataclass
class CallsResult:
    go_version: str
    go_release: tuple[int, int]  # (major, minor) of go_version
    goos: str
    goarch: str
    directory: str
    module_root: str | None
    patterns: list[str]
    packages: list[str] = field(default_factory=list)
    functions: list[FunctionCalls] = field(default_factory=list)
    errors: list[CompileError] = field(default_factory=list)
    failed_packages: list[str] = field(default_factory=list)
    findings: list[CallFinding] = field(default_factory=list)
    sites: list = field(default_factory=list)  # with_sites: goalloc scan's sites, runtime_calls set
    build_seconds: float = 0.0
    seconds: float = 0.0

    @property
    def sites_checked(self) -> int:
        return len(self.sites)

    @property
    def calls(self) -> int:
        return sum(len(f.calls) for f in self.functions)


class _Paths:
    """Files as the object records them -> files as reports show them (like goalloc scan:
    relative to the module root inside it, absolute elsewhere)."""

    def __init__(self, goroot: str, module_root: str | None):
        self.goroot = goroot
        self.module_root = module_root
        self._report: dict[str, str] = {}

    def absolute(self, printed: str) -> str:
        if printed.startswith("$GOROOT/"):
            return os.path.join(self.goroot, printed[len("$GOROOT/"):])
        return printed

    def report(self, printed: str) -> str:
        shown = self._report.get(printed)
        if shown is None:
            shown = absolute = self.absolute(printed)
            if self.module_root and os.path.isabs(absolute):
                rel = os.path.relpath(absolute, self.module_root)
                if not rel.startswith(".."):
                    shown = rel
            self._report[printed] = shown
        return shown


class _Loops:
    """For-statement lines of each source file, read once."""

    def __init__(self, paths: _Paths):
        self.paths = paths
        self._files: dict[str, LoopLines | None] = {}
        self.touched: set[str] = set()  # files asked about since the caller last cleared it

    def __call__(self, printed: str, line: int) -> bool:
        self.touched.add(self.paths.absolute(printed))
        lines = self._files.get(printed, False)
        if lines is False:
            try:
                with open(self.paths.absolute(printed), "rb") as fh:
                    lines = LoopLines(fh.read())
            except OSError:
                lines = None
            self._files[printed] = lines
        return lines is not None and lines.contains(line)


def read_calls(options: CallsOptions, toolchain: Toolchain | None = None) -> CallsResult:
    """The runtime allocation calls of the matched packages' compiled objects (without
    escape analysis: ``options.with_sites`` is goalloc.app.calls.calls's)."""
    started = time.monotonic()
    toolchain = toolchain or find_toolchain()
    cwd = collect.check_directory(options.directory)
    module_root = collect.find_module_root(cwd)
    patterns = list(options.patterns) or ["./..."]
    if module_root is None and any(collect.is_relative_pattern(p) for p in patterns):
        raise InputError(f"not a Go module: no go.mod in {cwd} or any parent directory "
                         "(standard-library packages such as 'fmt' can be read from anywhere)")
    result = CallsResult(toolchain.version, toolchain.release, toolchain.goos, toolchain.goarch,
                         cwd, module_root, patterns)
    compiled = compile_packages(toolchain, patterns, cwd, options.tags, options.gcflags)
    result.build_seconds = compiled.seconds
    if not compiled.targets:
        setup = [e for e in compiled.errors if not e.is_compile_error]
        if setup or not compiled.errors:
            first = setup[0].text if setup else next(iter(compiled.warnings), "no packages to read")
            raise InputError(first.splitlines()[0].removeprefix("go: ").strip())

    paths = _Paths(toolchain.goroot, module_root)
    loops = _Loops(paths)
    library = ObjectLibrary(compiled.exports, object_format(toolchain.goroot, toolchain.goarch))
    store = cache.cache_dir("calls") if options.use_cache else None
    key_parts = ["calls", toolchain.version, toolchain.goroot, toolchain.goos, toolchain.goarch,
                 module_root or ""]
    for package in compiled.targets:
        archive = compiled.exports[package]
        digest = cache.key(key_parts + [package, archive], [])
        functions = cache.load(store, digest) if store else None
        if functions is None:
            loops.touched.clear()
            functions = _read_package(package, archive, library, compiled, paths, loops)
            if store:
                cache.store(store, digest, functions, loops.touched)
        result.packages.append(package)
        result.functions += functions
    for error in compiled.errors:
        result.failed_packages.append(error.package)
        result.errors += _compile_errors(error, paths, cwd)

    result.seconds = time.monotonic() - started
    return result


def _read_package(package: str, archive: str, library: ObjectLibrary, compiled, paths: _Paths,
                  loops: _Loops) -> list[FunctionCalls]:
    # The linker names a command's symbols main.F, whatever its import path.
    prefix = "main" if compiled.names.get(package) == "main" else ""
    try:
        symbols = library.object(package).functions(
            is_entry_point, own_callees=defines_entry_points(package))
        functions = package_functions(package, symbols, paths.report, loops, prefix)
    except (struct.error, IndexError, ValueError) as exc:
        raise ToolchainError(f"{archive}: a malformed Go object file ({exc})") from None
    functions.sort(key=lambda f: (f.file, f.line, f.symbol))
    return functions


_POSITION = re.compile(r"^(.+?):(\d+):(?:(\d+):)? (.*)$")


def _compile_errors(error: PackageError, paths: _Paths, cwd: str) -> list[CompileError]:
    out = []
    for line in error.text.splitlines():
        if not line.strip() or line.startswith("# "):
            continue
        m = _POSITION.match(line)
        if m:
            printed = m.group(1)
            if not os.path.isabs(printed) and not printed.startswith("$"):
                printed = os.path.normpath(os.path.join(cwd, printed))
            out.append(CompileError(error.package, m.group(4), paths.report(printed),
                                    int(m.group(2)), int(m.group(3) or 0)))
        else:
            out.append(CompileError(error.package, line.strip()))
    return out or [CompileError(error.package, "did not compile")]

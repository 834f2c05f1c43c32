"""Run the compiler for escape analysis and split its output by package.

We use the text of ``-gcflags=-m=2``: the go command replays it from the build cache on a warm
build, so a second scan costs little and is complete. (``-gcflags=-json=0,DIR`` writes nothing
on a cache hit and never records "does not escape".) The output is read line by line as it
comes and handed over one package at a time: a package's block starts with ``# import/path``,
and go/types alone prints 68 MB, so nothing holds the whole output. (``go build -json`` would
put that block on one line.)

A block whose first line is not an escape or inlining diagnostic is held until the exit status
is known: with a failure, a block without any such diagnostic is the compiler's error report
(type errors stop the compiler before escape analysis prints anything).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field

from goalloc.errors import GoallocError, InputError
from goalloc.collect.toolchain import Toolchain, go_list, go_reason


@dataclass
class PackageOutput:
    import_path: str
    lines: list[str] = field(default_factory=list)
    failed: bool = False
    stream: object = None  # an iterator over the lines while they are read from the compiler

    def iter_lines(self):
        if self.stream is not None:
            return self.stream
        return iter(self.lines)


@dataclass
class BuildOutput:
    failed: dict[str, PackageOutput]  # packages that did not compile, with their errors
    setup_errors: list[str]  # go command errors that belong to no compiled package
    returncode: int
    cwd: str
    seconds: float = 0.0


def check_gcflags(gcflags: str | None) -> str | None:
    """The user's compiler flags (``--gcflags``), checked: ``ARGS`` for the named packages, or
    ``all=ARGS`` for every package. -m is goalloc's own (it asks for -m=2), and a narrower
    package pattern cannot be combined with it (the go command keeps one -gcflags per
    package: the last that matches)."""
    if gcflags is None or not gcflags.strip():
        return None
    gcflags = gcflags.strip()
    pattern, args = _split_gcflags(gcflags)
    if pattern not in ("", "all"):
        raise InputError(f"--gcflags {gcflags!r}: only ARGS or all=ARGS are supported (goalloc "
                         f"adds -m=2 for the named packages, which a pattern like {pattern!r} "
                         "would override)")
    if any(re.match(r"-?-m(?:=|$)", a) for a in args.split()):
        raise InputError(f"--gcflags {gcflags!r}: -m is set by goalloc (-m=2)")
    return gcflags


def _split_gcflags(gcflags: str) -> tuple[str, str]:
    # As the go command reads them: a leading "pattern=" unless the text starts with "-".
    if not gcflags.startswith("-") and "=" in gcflags:
        pattern, _, args = gcflags.partition("=")
        return pattern, args
    return "", gcflags


def build_flags(tags: str | None, gcflags: str | None = None) -> list[str]:
    """-m=2 (with the user's ``gcflags``) for the named packages only; dependencies are
    compiled as usual (and cached), or with the user's flags for ``all=ARGS``."""
    if not gcflags:
        flags = ["-gcflags=-m=2"]
    else:
        pattern, args = _split_gcflags(gcflags)
        # The go command keeps the last -gcflags matching a package: the named ones get
        # -m=2 and the user's flags, every other package the user's flags for all=.
        flags = ([f"-gcflags=all={args}"] if pattern == "all" else []) + [f"-gcflags=-m=2 {args}"]
    return flags + ([f"-tags={tags}"] if tags else [])


def helper_build_flags(tags: str | None, gcflags: str | None = None) -> list[str]:
    """The build flags the facts helper can take (it splits its -buildflags at spaces, so a
    -gcflags with several arguments is left out: type facts do not depend on it, only the
    helper's reuse of the build's export data does)."""
    return [f for f in build_flags(tags, gcflags) if not any(c.isspace() for c in f)]


def build_args(patterns: list[str], tags: str | None, gcflags: str | None = None) -> list[str]:
    args = ["build", *build_flags(tags, gcflags), "-o", os.devnull]
    args += ["--", *patterns] if any(p.startswith("-") for p in patterns) else patterns
    return args


class _Progress:
    """A one-line counter on stderr while the compiler runs, only for a terminal."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.start = time.monotonic()
        self.count = 0
        self.last = 0.0

    def package_done(self, import_path: str) -> None:
        self.count += 1
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.last < 0.1:
            return
        self.last = now
        sys.stderr.write(f"\rgoalloc: compiled {self.count} package(s), {now - self.start:.1f}s"
                         f"  {import_path[:50]:<50}")
        sys.stderr.flush()

    def finish(self) -> None:
        if self.enabled and self.count:
            sys.stderr.write("\r" + " " * 100 + "\r")
            sys.stderr.flush()


_DIAGNOSTIC_PREFIXES = ("can inline ", "cannot inline ", "inlining call to ", "moved to heap: ",
                        "leaking param", "parameter ", " ", "index bounds check elided",
                        "zero-copy string->[]byte conversion", "assuming ", "marking ")
_DIAGNOSTIC_SUFFIXES = ("escapes to heap", "does not escape", "does not escape, mutate, or call")


def is_diagnostic(line: str) -> bool:
    """True for the compiler's -m lines (escape, inlining), False for anything else."""
    i = line.find(": ")
    if i < 0:
        return False
    msg = line[i + 2:]
    return (msg.startswith(_DIAGNOSTIC_PREFIXES) or msg.endswith(_DIAGNOSTIC_SUFFIXES)
            or (msg.endswith(":") and " escapes to heap in " in msg)
            or " capturing by " in msg or msg.startswith("calls param") or msg.startswith("mutates param"))


class _Lines:
    """The compiler's output with one line of lookahead, so a package's lines can be handed
    over as an iterator that stops at the next package's header."""

    def __init__(self, stream):
        self._stream = stream
        self._peeked: str | None = None

    def peek(self) -> str | None:
        if self._peeked is None:
            raw = self._stream.readline()
            if not raw:
                return None
            self._peeked = raw.rstrip("\n")
        return self._peeked

    def take(self) -> str | None:
        line = self.peek()
        self._peeked = None
        return line

    def block(self):
        """Lines up to (not including) the next '# pkg' header or the end."""
        while True:
            line = self.peek()
            if line is None or line.startswith("# "):
                return
            self._peeked = None
            if line:
                yield line


def run_build(toolchain: Toolchain, patterns: list[str], cwd: str, tags: str | None = None,
              progress: bool | None = None, on_package=None,
              gcflags: str | None = None) -> BuildOutput:
    """Run the compiler and call ``on_package(PackageOutput)`` for each package that compiled,
    while its lines are still being read. Packages that failed are returned with their
    error lines."""
    if progress is None:
        progress = sys.stderr.isatty()
    ticker = _Progress(progress)
    start = time.monotonic()
    proc = toolchain.popen(build_args(patterns, tags, gcflags), cwd=cwd, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, encoding="utf-8",
                           errors="replace")
    failed: dict[str, PackageOutput] = {}
    held: list[PackageOutput] = []
    setup: list[str] = []
    lines = _Lines(proc.stdout)
    try:
        while True:
            line = lines.take()
            if line is None:
                break
            if not line.startswith("# "):
                if line.strip():
                    setup.append(line)
                continue
            # "# pkg [pkg.test]" for test variants: keep the first word.
            name = line[2:].strip().split(" ")[0]
            first = lines.peek()
            if first is not None and not first.startswith("# ") and not is_diagnostic(first):
                # Errors, or a diagnostic this version of goalloc does not know: decide when
                # the exit status is known.
                held.append(PackageOutput(name, list(lines.block())))
                continue
            block = lines.block()
            if on_package is not None:
                on_package(PackageOutput(name, stream=block))
            for _ in block:  # whatever the consumer left
                pass
            ticker.package_done(name)
    except BaseException:
        proc.kill()
        proc.wait()
        ticker.finish()
        raise
    rc = proc.wait()
    for pkg in held:
        # A block with escape or inlining lines compiled: type errors stop before those.
        if rc != 0 and not any(is_diagnostic(line) for line in pkg.lines):
            pkg.failed = True
            failed[pkg.import_path] = pkg
        elif on_package is not None:
            on_package(pkg)
        ticker.package_done(pkg.import_path)
    ticker.finish()
    return BuildOutput(failed, setup, rc, cwd, time.monotonic() - start)


def find_module_root(directory: str) -> str | None:
    d = os.path.abspath(directory)
    while True:
        if os.path.isfile(os.path.join(d, "go.mod")):
            return d
        parent = os.path.dirname(d)
        if parent == d:
            return None
        d = parent


def check_directory(directory: str) -> str:
    if not os.path.exists(directory):
        raise InputError(f"directory not found: {directory}")
    if not os.path.isdir(directory):
        raise InputError(f"not a directory: {directory}")
    if not os.access(directory, os.R_OK | os.X_OK):
        raise InputError(f"cannot read directory {directory}: permission denied")
    return os.path.abspath(directory)


def is_relative_pattern(pattern: str) -> bool:
    return pattern.startswith((".", "/")) or pattern == "..."


def setup_error(lines: list[str]) -> GoallocError:
    """The go command's reason for building nothing, with its detail lines (bounded)."""
    return InputError(go_reason(lines, "go build failed"))


@dataclass
class LoadResult:
    """What ``go list`` says of the patterns when ``go build`` stopped before compiling."""

    loadable: list[str]  # import paths that load, with their dependencies
    broken: list[PackageOutput]  # packages of their own that fail before the compiler
    setup_errors: list[str]  # errors that belong to no package (a missing directory)


_LOAD_FIELDS = ["ImportPath", "Dir", "Error", "DepsErrors", "GoFiles", "CgoFiles",
                "InvalidGoFiles", "IgnoredGoFiles"]


def load_packages(toolchain: Toolchain, patterns: list[str], cwd: str,
                  tags: str | None = None) -> LoadResult:
    """Sort the patterns' packages into those that load and those that do not (an empty .go
    file, two package names in one directory, an import nothing provides), so a build of
    the loadable ones can still report them: ``go build`` compiles nothing when any named
    package fails to load."""
    flags = [f"-tags={tags}"] if tags else []
    packages, proc = go_list(toolchain, _LOAD_FIELDS, patterns, cwd, flags)
    result = LoadResult([], [], [])
    for pkg in packages:
        import_path = pkg.get("ImportPath", "")
        errors = ([pkg["Error"]] if pkg.get("Error") else []) + list(pkg.get("DepsErrors") or [])
        if not errors:
            result.loadable.append(import_path)
            continue
        has_sources = pkg.get("Dir") and any(pkg.get(k) for k in _LOAD_FIELDS[4:])
        lines = [_load_error_line(import_path, err) for err in errors]
        if has_sources:
            result.broken.append(PackageOutput(import_path, lines, failed=True))
        else:
            result.setup_errors += lines
    if proc.returncode != 0:
        result.setup_errors.append(go_reason(proc.stderr, "go list failed"))
    return result


def _load_error_line(import_path: str, err: dict) -> str:
    """'file:line:col: message' (message on one line), as the compiler prints errors;
    a broken dependency's error is 'import dep: its error (its position)'."""
    message = go_reason(err.get("Err") or "", "cannot load the package")
    pos = err.get("Pos") or ""
    stack = err.get("ImportStack") or []
    if stack and stack[-1] != import_path and stack[-1] not in message:
        # The position is in the dependency's files: named after the message, so the line
        # is not read as an error at that position of this package.
        return f"import {stack[-1]}: {message}" + (f" ({pos})" if pos else "")
    return f"{pos}: {message}" if pos else message

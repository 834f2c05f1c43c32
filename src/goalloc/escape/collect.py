"""Run the compiler for escape analysis and split its output by package.

We use the text of ``-gcflags=-m=2``: the go command replays it from the build cache on a warm
build, so a second scan costs little and is complete. (``-gcflags=-json=0,DIR`` writes nothing
on a cache hit and never records "does not escape".) From Go 1.24 ``go build -json`` tells
which package each line belongs to and which packages failed; before that we read the
``# import/path`` headers of the text output.
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import dataclass, field

from goalloc.errors import GoallocError, InputError
from goalloc.toolchain import Toolchain


@dataclass
class PackageOutput:
    import_path: str
    lines: list[str] = field(default_factory=list)
    failed: bool = False
    text: str = ""  # the output after the "# pkg" header, when kept whole

    def iter_lines(self):
        """The output's lines; a large output (go/types prints 68 MB) is not split at once."""
        if self.lines:
            yield from self.lines
            return
        text, start = self.text, 0
        while start < len(text):
            end = text.find("\n", start)
            if end < 0:
                end = len(text)
            if end > start:
                yield text[start:end]
            start = end + 1


@dataclass
class BuildOutput:
    packages: dict[str, PackageOutput]  # in the order the compiler finished them
    setup_errors: list[str]  # go command errors that belong to no compiled package
    returncode: int
    cwd: str
    seconds: float = 0.0


def build_args(patterns: list[str], tags: str | None, use_json: bool) -> list[str]:
    args = ["build"]
    if use_json:
        args.append("-json")
    if tags:
        args.append(f"-tags={tags}")
    # -m=2 for the named packages only; dependencies are compiled as usual (and cached).
    args += ["-gcflags=-m=2", "-o", os.devnull]
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


def run_build(toolchain: Toolchain, patterns: list[str], cwd: str, tags: str | None = None,
              progress: bool | None = None, on_package=None) -> BuildOutput:
    """Run the compiler. With ``on_package``, each package's output is handed over as soon as
    it is complete and not kept (scanning all of std holds one package at a time)."""
    use_json = toolchain.release >= (1, 24)
    if progress is None:
        progress = sys.stderr.isatty()
    ticker = _Progress(progress)
    start = time.monotonic()
    import subprocess

    packages: dict[str, PackageOutput] = {}

    def emit(pkg: PackageOutput) -> None:
        ticker.package_done(pkg.import_path)
        if on_package is None or pkg.failed:
            packages[pkg.import_path] = pkg
        if on_package is not None:
            on_package(pkg)

    proc = toolchain.popen(build_args(patterns, tags, use_json), cwd=cwd,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           encoding="utf-8", errors="replace")
    if use_json:
        # stderr is small (go command failures); read it after stdout to keep this simple.
        setup = _read_json(proc.stdout, emit)
        stderr = proc.stderr.read()
        setup += [line for line in stderr.splitlines() if line.strip()]
    else:
        stdout_text = proc.stdout.read()
        stderr = proc.stderr.read()
        found, setup = _read_text(stderr.splitlines())
        setup += [line for line in stdout_text.splitlines() if line.strip()]
        if proc.wait() != 0:
            _mark_text_failures(found)
        for pkg in found.values():
            emit(pkg)
    rc = proc.wait()
    ticker.finish()
    return BuildOutput(packages, setup, rc, cwd, time.monotonic() - start)


# A package's output arrives as one or more build-output events, a failure ends with
# build-fail. Output of another package in between is rare; a package is taken as complete
# (and successful) once this many events for other packages have passed.
_SETTLE_EVENTS = 32


def _read_json(stream, emit) -> list[str]:
    setup: list[str] = []
    pending: dict[str, list] = {}  # path -> [chunks, events seen since its last chunk]

    def flush(path: str, failed: bool) -> None:
        chunks = pending.pop(path, [[], 0])[0]
        text = chunks[0] if len(chunks) == 1 else "".join(chunks)
        del chunks
        if text.startswith("# "):
            pkg = _package_from_text(path, text)
            pkg.failed = failed
            emit(pkg)
        elif text.strip():
            setup.extend(line for line in text.splitlines() if line.strip())

    for raw in stream:
        if not raw.startswith("{"):
            setup.append(raw.rstrip("\n"))
            continue
        try:
            event = json.loads(raw)
        except json.JSONDecodeError:
            setup.append(raw.rstrip("\n"))
            continue
        path = event.get("ImportPath", "")
        action = event.get("Action")
        for other in [p for p, st in pending.items() if p != path]:
            pending[other][1] += 1
            if pending[other][1] > _SETTLE_EVENTS:
                flush(other, False)
        if action == "build-output":
            entry = pending.setdefault(path, [[], 0])
            entry[0].append(event.get("Output", ""))
            entry[1] = 0
        elif action == "build-fail":
            if path in pending:
                flush(path, True)
            else:
                emit(PackageOutput(path, [], failed=True))
    for path in list(pending):
        flush(path, False)
    return setup


def _package_from_text(path: str, text: str) -> PackageOutput:
    first_end = text.find("\n")
    first = text if first_end < 0 else text[:first_end]
    header = first[2:].strip() if first.startswith("# ") else path
    body = "" if first_end < 0 else text[first_end + 1:]
    # "# pkg [pkg.test]" for test variants: keep the first word.
    return PackageOutput(header.split(" ")[0] or path, text=body)


def _read_text(lines: list[str]):
    packages: dict[str, PackageOutput] = {}
    setup: list[str] = []
    current: PackageOutput | None = None
    for line in lines:
        if line.startswith("# "):
            name = line[2:].strip().split(" ")[0]
            current = packages.setdefault(name, PackageOutput(name))
            continue
        if current is None:
            if line.strip():
                setup.append(line)
            continue
        if line:
            current.lines.append(line)
    return packages, setup


_DIAGNOSTIC_HINTS = ("escapes to heap", "does not escape", "moved to heap", "leaking param",
                     "inline", "flow:", "from ", "capturing by", "leaks to", "uintptr",
                     "zero-copy", "bounds check", "truncated explanation")


def _mark_text_failures(packages: dict[str, PackageOutput]) -> None:
    """Without -json, a package failed when it printed lines that are not diagnostics."""
    for pkg in packages.values():
        for line in pkg.iter_lines():
            if not any(h in line for h in _DIAGNOSTIC_HINTS):
                pkg.failed = True
                break


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
    first = next((ln for ln in lines if ln.strip()), "go build failed")
    first = first.removeprefix("go: ").strip()
    return InputError(first)

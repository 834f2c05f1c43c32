"""Run ``go test -bench`` for real and keep what it printed and the memory profiles.

``go test -memprofile`` takes one package at a time, so each package runs separately:

    go test -run=^$ -bench REGEX -benchmem -count N -memprofile DIR/<pkg>.mem.pprof
            -o DIR/<pkg>.test PKG

(the test binary is kept next to the profile: pprof needs it for symbols, and ``-o`` keeps
it out of the user's working directory). Benchmark lines are echoed to stderr as they come.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from typing import TextIO

from goalloc.benchstat.format import BenchFile, BenchResult, parse_bench_text
from goalloc.errors import EXIT_COMPILE, GoallocError, InputError, UsageError
from goalloc.fsutil import atomic_write

DEFAULT_DIR = os.path.join(".goalloc", "bench")
_BUILD_FAILED = re.compile(r"\[(build|setup) failed\]")
_COMPILER_LINE = re.compile(r"^\S+\.go:\d+(:\d+)?: ")


class BenchFailed(GoallocError):
    """A run that could not complete; ``run`` holds what did (results may be empty)."""

    def __init__(self, message: str, run: "BenchRun", exit_code: int | None = None):
        super().__init__(message, exit_code)
        self.run = run


@dataclass
class BenchRun:
    """The outcome of :func:`run_benchmarks`."""

    packages: list[str]  # import paths that were run
    raw_text: str  # everything `go test` printed on stdout, package after package
    parsed: BenchFile  # the results parsed from raw_text
    profiles: dict[str, str] = field(default_factory=dict)  # import path -> .mem.pprof
    binaries: dict[str, str] = field(default_factory=dict)  # import path -> test binary
    packages_without_benchmarks: list[str] = field(default_factory=list)
    out_path: str | None = None  # where raw_text was saved, if it was
    go_version: str = ""
    commands: list[list[str]] = field(default_factory=list)
    go: object = None  # goalloc.goinfo.GoInfo of the toolchain, set by the use case

    @property
    def results(self) -> list[BenchResult]:
        return self.parsed.results


def default_out_path(cwd: str | os.PathLike | None = None, now: _dt.datetime | None = None) -> str:
    """``.goalloc/bench/<UTC timestamp>.txt`` under cwd."""
    now = now or _dt.datetime.now(_dt.timezone.utc)
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    return os.path.join(cwd or ".", DEFAULT_DIR, f"{stamp}.txt")


def _slug(import_path: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", import_path).strip("_") or "pkg"


def list_packages(toolchain, patterns: list[str], cwd) -> list[tuple[str, bool]]:
    """Resolve package patterns to (import path, has test files)."""
    proc = toolchain.run(["list", "-e", "-json=ImportPath,TestGoFiles,XTestGoFiles,Error",
                          *patterns], cwd=cwd)
    if proc.returncode != 0:
        msg = _first_meaningful(proc.stderr) or "go list failed"
        raise InputError(f"cannot list packages {' '.join(patterns)}: {msg}")
    found = []
    missing = []
    decoder = json.JSONDecoder()
    text, pos = proc.stdout, 0
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            break
        try:
            pkg, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError:
            raise InputError("go list printed something that is not JSON") from None
        err = ((pkg.get("Error") or {}).get("Err") or "").strip()
        if "no Go files" in err:
            continue
        if err and not (pkg.get("TestGoFiles") or pkg.get("XTestGoFiles")):
            # A package that is not there (no directory, no module provides it). Packages
            # with source errors go on to `go test`, which reports them as compile errors.
            missing.append(err.splitlines()[0].split("; to add it")[0])
            continue
        found.append((pkg.get("ImportPath", ""),
                      bool(pkg.get("TestGoFiles") or pkg.get("XTestGoFiles"))))
    if missing and not found:
        raise InputError(f"no Go package at {' '.join(patterns)}: {missing[0]}")
    if not found:
        warn = _first_meaningful(proc.stderr)
        raise InputError(f"no Go packages match {' '.join(patterns)}"
                         + (f" ({warn})" if warn else ""))
    return found


def _first_meaningful(text: str) -> str:
    for line in (text or "").splitlines():
        line = line.strip()
        if line and not line.startswith("go: downloading"):
            return line
    return ""


def _progress_line(line: str) -> str | None:
    s = line.strip()
    if s.startswith("Benchmark") or s.startswith("pkg:") or s.startswith("--- FAIL") \
            or s.startswith("FAIL") or s.startswith("panic:"):
        return s
    return None


def _run_one(toolchain, args: list[str], cwd,
             progress: TextIO | None) -> tuple[int, str, str]:
    proc = toolchain.popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, encoding="utf-8", errors="replace", bufsize=1)
    err_chunks: list[str] = []

    def drain():
        for chunk in proc.stderr:
            err_chunks.append(chunk)

    t = threading.Thread(target=drain, daemon=True)
    t.start()
    out_lines: list[str] = []
    try:
        for line in proc.stdout:
            out_lines.append(line)
            shown = _progress_line(line)
            if progress is not None and shown:
                progress.write(f"  {shown}\n")
                progress.flush()
        proc.wait()
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    finally:
        t.join(timeout=5)
    return proc.returncode, "".join(out_lines), "".join(err_chunks)


def run_benchmarks(toolchain, packages: list[str] | None = None, bench: str = ".",
                   count: int = 1, cwd: str | os.PathLike | None = None,
                   memprofile_dir: str | os.PathLike | None = None, *,
                   benchtime: str | None = None, out: str | os.PathLike | None = None,
                   progress: TextIO | None = sys.stderr, timeout: float | None = None,
                   extra_args: list[str] | None = None) -> BenchRun:
    """Run the benchmarks of ``packages`` (default ``.``) with ``go test`` and parse them.

    ``memprofile_dir`` gets ``<pkg>.mem.pprof`` and ``<pkg>.test`` per package (None: no
    profiles). ``out`` saves the raw output there atomically (when there are results).
    ``timeout`` (seconds) is passed to ``go test -timeout``. Raises BenchFailed (a
    GoallocError whose ``run`` holds the packages that did work): exit 3 with the compiler's
    errors when a package does not compile, exit 2 when a benchmark failed; InputError
    (exit 2) when nothing produced a benchmark result (no benchmarks, a ``bench`` regexp
    that matches none).
    """
    if count < 1:
        raise UsageError("--count must be at least 1")
    try:
        re.compile(bench)  # Go's regexp syntax is close enough to catch typos early
    except re.error as exc:
        raise UsageError(f"--bench {bench!r} is not a valid regular expression: {exc}") from None
    cwd = os.fspath(cwd) if cwd is not None else os.getcwd()
    if not os.path.isdir(cwd):
        raise InputError(f"directory not found: {cwd}")
    patterns = packages or ["."]
    listed = list_packages(toolchain, patterns, cwd)
    run = BenchRun(packages=[], raw_text="", parsed=BenchFile(source=""),
                   go_version=toolchain.version)
    with_tests = [p for p, has in listed if has]
    run.packages_without_benchmarks = [p for p, has in listed if not has]
    created_dir = False
    if memprofile_dir is not None:
        memprofile_dir = os.path.abspath(os.path.join(cwd, os.fspath(memprofile_dir)))
        created_dir = not os.path.isdir(memprofile_dir)
        top_created = memprofile_dir  # the highest directory makedirs will create
        while not os.path.isdir(os.path.dirname(top_created)):
            top_created = os.path.dirname(top_created)
        try:
            os.makedirs(memprofile_dir, exist_ok=True)
        except OSError as exc:
            raise InputError(f"cannot create {memprofile_dir}: {exc.strerror}") from None

    chunks: list[str] = []
    compile_errors: list[str] = []
    failures: list[str] = []
    for pkg in with_tests:
        args = ["test", "-run=^$", f"-bench={bench}", "-benchmem", f"-count={count}"]
        if benchtime:
            args.append(f"-benchtime={benchtime}")
        if timeout:
            args.append(f"-timeout={timeout:g}s")  # go test stops the binary itself
        profile = binary = None
        if memprofile_dir is not None:
            slug = _slug(pkg)
            profile = os.path.join(memprofile_dir, f"{slug}.mem.pprof")
            binary = os.path.join(memprofile_dir, f"{slug}.test")
            args += [f"-memprofile={profile}", "-o", binary]
        args += list(extra_args or [])
        args.append(pkg)
        run.commands.append(["go", *args])
        if progress is not None:
            progress.write(f"goalloc: benchmarking {pkg}\n")
            progress.flush()
        rc, stdout, stderr = _run_one(toolchain, args, cwd, progress)
        parsed = parse_bench_text(stdout)
        if _BUILD_FAILED.search(stdout) or (rc != 0 and _has_compiler_lines(stderr)):
            compile_errors.append(_compiler_message(pkg, stderr or stdout))
            continue
        if rc != 0:
            failures.append(f"{pkg}: {_failure_message(stdout, stderr)}")
            for leftover in (profile, binary):  # a failed run's files are not worth keeping
                if leftover and os.path.exists(leftover):
                    os.unlink(leftover)
            if parsed.results:
                chunks.append(stdout)
            continue
        run.packages.append(pkg)
        if not parsed.results:
            run.packages_without_benchmarks.append(pkg)
            for leftover in (profile, binary):  # nothing was measured: keep no files
                if leftover and os.path.exists(leftover):
                    os.unlink(leftover)
            continue
        chunks.append(stdout)
        if profile and os.path.exists(profile):
            run.profiles[pkg] = profile
            if binary and os.path.exists(binary):
                run.binaries[pkg] = binary

    if created_dir and not os.listdir(memprofile_dir):
        # Nothing was measured: leave no empty directories behind.
        d = memprofile_dir
        while True:
            try:
                os.rmdir(d)
            except OSError:
                break
            if d == top_created:
                break
            d = os.path.dirname(d)
    run.raw_text = "".join(chunks)
    run.parsed = parse_bench_text(run.raw_text, source=os.fspath(out) if out else "-")
    if out is not None and run.parsed.results:
        out = os.fspath(out)
        os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
        atomic_write(out, run.raw_text)
        run.out_path = out

    if compile_errors:
        raise BenchFailed("compile errors:\n" + "\n".join(compile_errors), run,
                          exit_code=EXIT_COMPILE)
    if failures:
        raise BenchFailed("benchmarks failed: " + "; ".join(failures), run)
    if not run.parsed.results:
        where = ", ".join(p for p, _ in listed) or " ".join(patterns)
        if not with_tests:
            raise InputError(f"no benchmarks in {where}: no test files")
        if bench in (".", ""):
            raise InputError(f"no benchmarks in {where}: go test ran but printed no "
                             "benchmark results")
        raise InputError(f"no benchmark matches -bench {bench!r} in {where}")
    return run


def _has_compiler_lines(stderr: str) -> bool:
    return any(_COMPILER_LINE.match(line.strip()) for line in stderr.splitlines())


def _compiler_message(pkg: str, text: str) -> str:
    lines = [ln.rstrip() for ln in text.splitlines()
             if ln.strip() and not ln.startswith("FAIL")]
    return "\n".join(lines[:40]) or f"{pkg}: build failed"


def _failure_message(stdout: str, stderr: str) -> str:
    for text in (stdout, stderr):
        lines = text.splitlines()
        for i, line in enumerate(lines):
            s = line.strip()
            if s.startswith(("--- FAIL", "panic:", "fatal error:")):
                nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
                return f"{s} ({nxt})" if nxt and not nxt.startswith("FAIL") else s
    return _first_meaningful(stderr) or "go test failed"


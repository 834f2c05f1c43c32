"""Run ``go test -bench`` for real and keep what it printed and the memory profiles.

``go test -memprofile`` takes one package at a time, so each package runs separately:

    go test -run=^$ -bench REGEX -benchmem -count N -memprofile DIR/<pkg>.mem.pprof
            -o DIR/<pkg>.test PKG

(the test binary is kept next to the profile: pprof needs it for symbols, and ``-o`` keeps
it out of the user's working directory). Benchmark lines are echoed to stderr as they come.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from typing import TextIO

from goalloc.benchstat.format import BenchFile, BenchResult, parse_bench_text
from goalloc.collect.toolchain import go_list, go_reason
from goalloc.errors import EXIT_COMPILE, GoallocError, InputError
from goalloc.fsutil import atomic_write

DEFAULT_DIR = os.path.join(".goalloc", "bench")
# ``out`` / ``memprofile_dir`` value: a new ``.goalloc/bench/<UTC time>`` of this run's own.
AUTO = "<auto>"
MAX_DETAIL_LINES = 6
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
    """``.goalloc/bench/<UTC timestamp>.txt`` under cwd (not reserved: see reserve_run_stem)."""
    now = now or _dt.datetime.now(_dt.timezone.utc)
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    return os.path.join(cwd or ".", DEFAULT_DIR, f"{stamp}.txt")


def reserve_run_stem(cwd: str | os.PathLike, now: _dt.datetime | None = None) -> str:
    """A new ``<cwd>/.goalloc/bench/<UTC time>[-N]`` directory, created now: it is the run's
    reservation, so two runs started in the same second get different names (``-2``, ``-3``
    ...). The results file is the same name plus ``.txt``."""
    now = now or _dt.datetime.now(_dt.timezone.utc)
    base = os.path.join(os.fspath(cwd), DEFAULT_DIR, now.strftime("%Y%m%dT%H%M%SZ"))
    try:
        os.makedirs(os.path.dirname(base), exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create {os.path.dirname(base)}: {exc.strerror}") from None
    for n in range(1, 10_000):
        stem = base if n == 1 else f"{base}-{n}"
        try:
            os.mkdir(stem)
        except FileExistsError:
            continue
        except OSError as exc:
            raise InputError(f"cannot create {stem}: {exc.strerror}") from None
        if not os.path.exists(stem + ".txt"):
            return stem
        os.rmdir(stem)  # a finished run of the same second kept only its results file
    raise InputError(f"cannot find a free results name next to {base}")


def _slug(import_path: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", import_path).strip("_") or "pkg"


def list_packages(toolchain, patterns: list[str], cwd) -> list[tuple[str, bool]]:
    """Resolve package patterns to (import path, has test files)."""
    packages, proc = go_list(toolchain, ["ImportPath", "TestGoFiles", "XTestGoFiles", "Error"],
                             patterns, cwd)
    if proc.returncode != 0:
        raise InputError(f"cannot list packages {' '.join(patterns)}: "
                         f"{go_reason(proc.stderr, 'go list failed')}")
    found = []
    missing = []
    for pkg in packages:
        err = ((pkg.get("Error") or {}).get("Err") or "").strip()
        if "no Go files" in err:
            continue
        if err and not (pkg.get("TestGoFiles") or pkg.get("XTestGoFiles")):
            # A package that is not there (no directory, no module provides it). Packages
            # with source errors go on to `go test`, which reports them as compile errors.
            missing.append(go_reason(err))
            continue
        found.append((pkg.get("ImportPath", ""),
                      bool(pkg.get("TestGoFiles") or pkg.get("XTestGoFiles"))))
    if missing and not found:
        raise InputError(f"no Go package at {' '.join(patterns)}: {missing[0]}")
    if not found:
        warn = go_reason(proc.stderr)
        raise InputError(f"no Go packages match {' '.join(patterns)}"
                         + (f" ({warn})" if warn else ""))
    return found


def _progress_line(line: str) -> str | None:
    s = line.strip()
    if s.startswith("Benchmark") or s.startswith("pkg:") or s.startswith("--- FAIL") \
            or s.startswith("FAIL") or s.startswith("panic:"):
        return s
    return None


@dataclass
class _Outcome:
    returncode: int
    stdout: str
    stderr: str
    timed_out: bool = False


def _kill_group(proc: subprocess.Popen) -> None:
    """go test runs the test binary as its child: stop both."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (OSError, AttributeError):
        proc.kill()


def _run_one(toolchain, args: list[str], cwd, progress: TextIO | None,
             timeout: float | None = None) -> _Outcome:
    proc = toolchain.popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, encoding="utf-8", errors="replace", bufsize=1,
                           start_new_session=True)
    err_chunks: list[str] = []
    expired = threading.Event()

    def drain():
        for chunk in proc.stderr:
            err_chunks.append(chunk)

    def expire():
        expired.set()
        _kill_group(proc)

    t = threading.Thread(target=drain, daemon=True)
    t.start()
    # go test's own -timeout does not stop benchmarks (the testing package arms it for tests
    # only), so the whole run of the package is timed here.
    timer = threading.Timer(timeout, expire) if timeout else None
    if timer is not None:
        timer.daemon = True
        timer.start()
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
        _kill_group(proc)
        proc.wait()
        raise
    finally:
        if timer is not None:
            timer.cancel()
        t.join(timeout=5)
    return _Outcome(proc.returncode, "".join(out_lines), "".join(err_chunks), expired.is_set())


class _Created:
    """Files and directories this run made, so a run that ends without results (or is
    interrupted) leaves none of them behind, and no empty directory."""

    def __init__(self):
        self.dirs: list[str] = []  # outermost first
        self.files: list[str] = []

    def makedirs(self, path: str) -> None:
        missing = []
        d = path
        while not os.path.isdir(d):
            missing.append(d)
            parent = os.path.dirname(d)
            if parent == d:
                break
            d = parent
        try:
            os.makedirs(path, exist_ok=True)
        except OSError as exc:
            raise InputError(f"cannot create {path}: {exc.strerror}") from None
        self.dirs += reversed(missing)

    def remove_files(self) -> None:
        for f in self.files:
            try:
                os.unlink(f)
            except OSError:
                pass
        self.files.clear()

    def remove_empty_dirs(self) -> None:
        for d in reversed(self.dirs):
            try:
                os.rmdir(d)  # only when empty
            except OSError:
                pass


def run_benchmarks(toolchain, packages: list[str] | None = None, bench: str = ".",
                   count: int = 1, cwd: str | os.PathLike | None = None,
                   memprofile_dir: str | os.PathLike | None = None, *,
                   benchtime: str | None = None, out: str | os.PathLike | None = None,
                   progress: TextIO | None = sys.stderr, timeout: float | None = None,
                   extra_args: list[str] | None = None) -> BenchRun:
    """Run the benchmarks of ``packages`` (default ``.``) with ``go test`` and parse them.

    ``memprofile_dir`` gets ``<pkg>.mem.pprof`` and ``<pkg>.test`` per package (None: no
    profiles). ``out`` saves the raw output there atomically (when there are results). Either
    may be :data:`AUTO`: a new ``.goalloc/bench/<UTC time>[-N]`` (``.txt``) of this run's own
    under ``cwd``. ``timeout`` (seconds) bounds each package's whole ``go test`` run. ``bench``
    is judged by the testing package itself (Go's regexp syntax, split at ``/``).

    Raises BenchFailed (a GoallocError whose ``run`` holds the packages that did work): exit 3
    with the compiler's errors when a package does not compile, exit 2 when a benchmark failed
    or timed out; InputError for a ``bench`` pattern or ``benchtime`` that go test refuses;
    InputError (exit 2) when nothing produced a benchmark result. A run that ends without
    results, or is interrupted, leaves no file or directory of its own behind.
    """
    if count < 1:
        raise InputError("--count must be at least 1")
    if timeout is not None and not timeout > 0:
        raise InputError("--timeout must be positive")
    cwd = os.fspath(cwd) if cwd is not None else os.getcwd()
    if not os.path.isdir(cwd):
        raise InputError(f"directory not found: {cwd}")
    patterns = packages or ["."]
    listed = list_packages(toolchain, patterns, cwd)
    run = BenchRun(packages=[], raw_text="", parsed=BenchFile(source=""),
                   go_version=toolchain.version)
    with_tests = [p for p, has in listed if has]
    run.packages_without_benchmarks = [p for p, has in listed if not has]
    created = _Created()
    try:
        memprofile_dir, out = _destinations(memprofile_dir, out, cwd, created)
        chunks, compile_errors, failures = _run_packages(
            toolchain, run, with_tests, bench, count, benchtime, timeout, extra_args, cwd,
            memprofile_dir, progress, created)
        run.raw_text = "".join(chunks)
        run.parsed = parse_bench_text(run.raw_text, source=os.fspath(out) if out else "-")
        if out is not None and run.parsed.results:
            out = os.fspath(out)
            created.makedirs(os.path.dirname(os.path.abspath(out)))
            atomic_write(out, run.raw_text)
            run.out_path = out
    except BaseException:
        created.remove_files()
        raise
    finally:
        created.remove_empty_dirs()

    if compile_errors:
        raise BenchFailed(_compile_failure(compile_errors), run, exit_code=EXIT_COMPILE)
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


def _destinations(memprofile_dir, out, cwd: str, created: _Created):
    """(profile directory, results file) with AUTO resolved and the directory created."""
    stem = None
    if AUTO in (memprofile_dir, out):
        created.makedirs(os.path.join(cwd, DEFAULT_DIR))
        stem = reserve_run_stem(cwd)
        created.dirs.append(stem)
    if out == AUTO:
        out = stem + ".txt"
    if memprofile_dir == AUTO:
        memprofile_dir = stem
    elif memprofile_dir is not None:
        memprofile_dir = os.path.abspath(os.path.join(cwd, os.fspath(memprofile_dir)))
        created.makedirs(memprofile_dir)
    return memprofile_dir, out


def _run_packages(toolchain, run: BenchRun, with_tests: list[str], bench: str, count: int,
                  benchtime, timeout, extra_args, cwd, memprofile_dir, progress,
                  created: _Created):
    chunks: list[str] = []
    compile_errors: list[tuple[str, list[str]]] = []
    failures: list[str] = []
    for pkg in with_tests:
        args = ["test", "-run=^$", f"-bench={bench}", "-benchmem", f"-count={count}"]
        if benchtime:
            args.append(f"-benchtime={benchtime}")
        profile = binary = None
        if memprofile_dir is not None:
            slug = _slug(pkg)
            profile = os.path.join(memprofile_dir, f"{slug}.mem.pprof")
            binary = os.path.join(memprofile_dir, f"{slug}.test")
            args += [f"-memprofile={profile}", "-o", binary]
            # Removed again if the run is interrupted (files of an earlier run stay).
            created.files += [f for f in (profile, binary) if not os.path.exists(f)]
        args += list(extra_args or [])
        args.append(pkg)
        run.commands.append(["go", *args])
        if progress is not None:
            progress.write(f"goalloc: benchmarking {pkg}\n")
            progress.flush()
        outcome = _run_one(toolchain, args, cwd, progress, timeout)
        parsed = parse_bench_text(outcome.stdout)
        kept = _judge(pkg, outcome, parsed, bench, benchtime, timeout, run, compile_errors,
                      failures)
        if kept:
            chunks.append(outcome.stdout)
        if profile is None:
            continue
        if kept and outcome.returncode == 0 and os.path.exists(profile):
            run.profiles[pkg] = profile
            if os.path.exists(binary):
                run.binaries[pkg] = binary
        else:  # a failed or empty run's files are not worth keeping
            for leftover in (profile, binary):
                if os.path.exists(leftover):
                    os.unlink(leftover)
    return chunks, compile_errors, failures


def _judge(pkg, outcome: _Outcome, parsed: BenchFile, bench, benchtime, timeout,
           run: BenchRun, compile_errors: list, failures: list) -> bool:
    """Sort one package's go test outcome; True when its output holds results to keep."""
    stdout, stderr = outcome.stdout, outcome.stderr
    if outcome.timed_out:
        failures.append(f"{pkg}: stopped after --timeout {timeout:g}s"
                        + (f" ({len(parsed.results)} result(s) kept)" if parsed.results else ""))
        return bool(parsed.results)
    if _BUILD_FAILED.search(stdout) or (outcome.returncode != 0 and _has_compiler_lines(stderr)):
        compile_errors.append((pkg, _compiler_lines(stderr or stdout)))
        return False
    if outcome.returncode != 0:
        _raise_for_flag_errors(stdout + "\n" + stderr, bench, benchtime)
        failures.append(f"{pkg}: {_failure_message(stdout, stderr)}")
        return bool(parsed.results)
    run.packages.append(pkg)
    if not parsed.results:
        run.packages_without_benchmarks.append(pkg)
        return False
    return True


_BAD_REGEXP = re.compile(r"^testing: invalid regexp for element \d+ of -test\.bench "
                         r"\(.*?\): (?P<why>.*)$", re.M)
_BAD_FLAG = re.compile(r"^invalid value \"(?P<value>.*)\" for flag -test\.(?P<flag>\w+): "
                       r"(?P<why>.*)$", re.M)


def _raise_for_flag_errors(text: str, bench: str, benchtime: str | None) -> None:
    """A pattern or flag value the test binary refuses is the same for every package: stop
    with the testing package's own words instead of failing each package."""
    m = _BAD_REGEXP.search(text)
    if m:
        raise InputError(f"--bench {bench!r} is not a valid Go regular expression: "
                         f"{m.group('why')}")
    m = _BAD_FLAG.search(text)
    if m:
        flag = m.group("flag")
        raise InputError(f"--{flag} {m.group('value')!r}: {m.group('why')}"
                         + (" (a duration such as 1s or a count such as 100x)"
                            if flag == "benchtime" else ""))


def _has_compiler_lines(stderr: str) -> bool:
    return any(_COMPILER_LINE.match(line.strip()) for line in stderr.splitlines())


def _compiler_lines(text: str) -> list[str]:
    """The compiler's error lines, without go test's '# pkg' headers and FAIL lines."""
    return [ln.rstrip() for ln in text.splitlines()
            if ln.strip() and not ln.startswith(("FAIL", "# "))]


def _compile_failure(errors: list[tuple[str, list[str]]]) -> str:
    """One line naming the first error, then a few more lines (bounded)."""
    pkg, lines = errors[0]
    first = lines[0] if lines else "build failed"
    head = (f"{len(errors)} package(s) do not compile, first: {pkg}: {first}"
            if len(errors) > 1 else f"{pkg} does not compile: {first}")
    detail = [f"{p}: {ln}" if p != pkg else ln
              for p, ls in errors for ln in (ls or ["build failed"])][1:]
    shown = [f"  {ln[:200]}" for ln in detail[:MAX_DETAIL_LINES]]
    if len(detail) > MAX_DETAIL_LINES:
        shown.append(f"  ... {len(detail) - MAX_DETAIL_LINES} more line(s)")
    return "\n".join([head, *shown])


# Output of a failed go test that is not its reason: the flag usage the test binary prints,
# the closing FAIL / exit status lines, the benchmark header.
_NOT_A_REASON = re.compile(r"^(?:exit status \d+|FAIL\b|ok\s|PASS$|goos:|goarch:|pkg:|cpu:|"
                           r"Benchmark)")


def _failure_message(stdout: str, stderr: str) -> str:
    for text in (stdout, stderr):
        lines = text.splitlines()
        for i, line in enumerate(lines):
            s = line.strip()
            if s.startswith(("--- FAIL", "panic:", "fatal error:")):
                nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
                return f"{s} ({nxt})" if nxt and not nxt.startswith("FAIL") else s
    reasons = []
    in_usage = False
    for raw in (stdout + "\n" + stderr).splitlines():
        if raw.startswith("Usage of "):
            in_usage = True
            continue
        if in_usage and raw[:1].isspace():
            continue
        in_usage = False
        if raw.strip() and not _NOT_A_REASON.match(raw.strip()):
            reasons.append(raw)
    return go_reason(reasons, "go test failed")

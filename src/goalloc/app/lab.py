"""The lab use case: generate Go benchmarks for a container question, run them with the real
toolchain one sweep point at a time (``go test -bench -benchmem -count N``), and return the
verdicts: medians with confidence intervals per variant, the winner and by how much, the
crossovers along the sweep, and what was skipped and why."""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field

from goalloc.errors import EXIT_COMPILE, InputError, ToolchainError
from goalloc.lab.plan import LabQuestion, Point

DEFAULT_COUNT = 6  # the fewest runs that give a 95% confidence interval of a median
DEFAULT_BENCHTIME = "100ms"
MIN_RELEASE = (1, 21)  # slices, maps, clear
MIN_LANGUAGE = (1, 18)  # generics
# Anywhere in a line: the runner's first line is "<pkg> does not compile: FILE:LINE:COL: ...".
_GO_ERROR = re.compile(r"(?P<file>[^\s:]+\.go):(?P<line>\d+)(?::\d+)?: (?P<msg>.*)$")


@dataclass
class LabOptions:
    question: LabQuestion
    directory: str = "."
    package: str | None = None  # e.g. ./internal/model: the benchmark joins that package
    count: int = DEFAULT_COUNT
    benchtime: str = DEFAULT_BENCHTIME
    max_time: float | None = None  # seconds for the whole sweep
    save_source: str | None = None  # also write the generated test file here


@dataclass
class Machine:
    cpu: str | None
    gomaxprocs: int | None
    goos: str | None
    goarch: str | None


@dataclass
class LabResult:
    question: LabQuestion
    options: LabOptions
    go: object  # goalloc.goinfo.GoInfo
    machine: Machine
    points: list  # goalloc.lab.verdict.PointVerdict, in the order they ran
    skipped_points: list[tuple[Point, str]] = field(default_factory=list)
    crossovers: list = field(default_factory=list)  # goalloc.lab.verdict.Crossover
    package: object = None  # goalloc.collect.lab_workspace.LabPackage, or None
    types: dict = field(default_factory=dict)  # role -> type as written in the source

    @property
    def complete(self) -> bool:
        return not self.skipped_points


def run_lab(options: LabOptions, progress=None) -> LabResult:
    """Measure ``options.question``; InputError for types or packages that cannot be
    measured (one line), ToolchainError without a usable Go."""
    from goalloc.collect.lab_workspace import (GoSyntaxError, describe_package, gofmt,
                                               workspace)
    from goalloc.collect.toolchain import find_toolchain
    from goalloc.goinfo import GoInfo
    from goalloc.lab import gocode, verdict
    from goalloc.lab.plan import plan_points, validate
    from goalloc.progress import NO_PROGRESS

    progress = progress or NO_PROGRESS
    q = options.question
    validate(q)
    if options.count < 1:
        raise InputError(f"count must be at least 1, not {options.count}")
    if options.max_time is not None and options.max_time <= 0:
        raise InputError(f"max time must be positive, not {options.max_time:g}")
    toolchain = find_toolchain()
    if toolchain.release < MIN_RELEASE:
        raise ToolchainError(f"goalloc lab needs Go 1.21 or newer (slices, maps, clear); "
                             f"this toolchain is {toolchain.version}")
    package = None
    if options.package:
        with progress.phase(f"loading {options.package}"):
            package = describe_package(toolchain, options.directory, options.package)
        if package.language < MIN_LANGUAGE:
            raise InputError(f"{package.import_path}: the module's go line is "
                             f"{package.language[0]}.{package.language[1]}; the generated "
                             "benchmarks use generics, which need go 1.18 or newer")
    points = plan_points(q, toolchain.release, toolchain.version)
    source = gocode.go_source(q, points, package=package.name if package else "lab",
                              language=package.language if package else toolchain.release,
                              release=toolchain.release,
                              own_package=package.name if package else None)
    _check_syntax(toolchain, q)
    try:
        text = gofmt(toolchain, source.text)
    except GoSyntaxError as exc:
        raise InputError(f"the generated benchmark is not valid Go (a goalloc bug): line "
                         f"{exc.line}: {exc}") from None
    if options.save_source:
        from goalloc.fsutil import atomic_write

        atomic_write(options.save_source, text)
    result = LabResult(q, options, GoInfo.of(toolchain), Machine(None, None, toolchain.goos,
                                                                  toolchain.goarch),
                       [], package=package, types=_types_as_formatted(text, source))
    with workspace(toolchain, text, source.file_name, package) as ws:
        _run_points(ws, points, text, source, options, result, progress)
    result.crossovers = verdict.crossovers(q, result.points)
    return result


def _run_points(ws, points: list[Point], text: str, source, options: LabOptions,
                result: LabResult, progress) -> None:
    """Without --max-time every point runs in one go test (one link, runs interleaved);
    with it, one point per go test, each started only if it should end in time."""
    from goalloc.lab.gocode import BENCHMARK

    if options.max_time is None:
        with progress.phase(f"measuring {len(points)} point{'s' if len(points) > 1 else ''}"):
            run, _ = _go_test(ws, ws.toolchain, f"^{BENCHMARK}$/", text, source, options)
        for point in points:
            result.points.append(_verdict(point, run, result))
    else:
        _run_within_time(ws, points, text, source, options, result, progress)
    if not any(v.variants for v in result.points):
        if result.skipped_points:
            first, why = result.skipped_points[0]
            raise InputError(f"nothing was measured: the first point ({first.name}) {why}")
        reasons = "; ".join(f"{n}: {w}" for n, w in result.points[0].skipped)
        raise InputError(f"no variant could run: {reasons}")


def _run_within_time(ws, points: list[Point], text: str, source, options: LabOptions,
                     result: LabResult, progress) -> None:
    from goalloc.collect.lab_workspace import DeadlineToolchain

    start = time.monotonic()
    deadline = start + options.max_time
    timing = _Timing(options.benchtime, options.count)
    for i, point in enumerate(points):
        left = deadline - time.monotonic()
        guess = timing.guess(point)
        if timing.last is not None and (left <= 0 or guess > left):
            why = (f"--max-time {options.max_time:g}s: about {guess:.0f}s needed, "
                   f"{max(left, 0):.0f}s left")
            result.skipped_points += [(p, why) for p in points[i:]]
            return
        began = time.monotonic()
        with progress.phase(f"point {i + 1}/{len(points)}: {point.name}"):
            toolchain = DeadlineToolchain(ws.toolchain, deadline)
            run, stopped = _go_test(ws, toolchain, _bench_regex(point), text, source, options)
        if not stopped:
            result.points.append(_verdict(point, run, result))
            timing.record(result.points[-1], time.monotonic() - began)
            continue
        why = f"stopped by --max-time {options.max_time:g}s"
        pv = _verdict(point, run, result, unfinished=why)
        if pv.variants:
            result.points.append(pv)
            why_here = f"{why}: measured only {', '.join(v.name for v in pv.variants)}"
        result.skipped_points.append((point, why_here if pv.variants else why))
        result.skipped_points += [(p, why) for p in points[i + 1:]]
        return


def _go_test(ws, toolchain, bench: str, text: str, source, options: LabOptions):
    """(the BenchRun, or None when nothing printed a result; whether the deadline stopped
    it). Compile errors and failures the question caused become one-line InputErrors."""
    from goalloc.collect.bench_runner import BenchFailed, run_benchmarks

    fired = lambda: getattr(toolchain, "fired", False)  # noqa: E731
    try:
        return run_benchmarks(toolchain, [ws.pattern], bench=bench, count=options.count,
                              cwd=ws.cwd, memprofile_dir=None, benchtime=options.benchtime,
                              progress=None, extra_args=["-vet=off"]), False
    except BenchFailed as exc:
        if fired():
            return exc.run, True  # what finished before the deadline counts
        if exc.exit_code == EXIT_COMPILE:
            raise InputError(_compile_problem(str(exc), source, text, ws, options)) from None
        raise InputError(_failure_problem(str(exc), options.question)) from None
    except InputError as exc:
        # No benchmark result: every variant was skipped at run time, or the deadline came
        # before the first one finished.
        if "no benchmark" not in str(exc):
            raise
        return None, fired()


def _verdict(point: Point, run, result: LabResult, unfinished: str | None = None):
    """The point's verdict from a run (which may hold other points too); variants that did
    not finish are skipped with ``unfinished`` as the reason."""
    from goalloc.benchstat.format import parse_bench_text
    from goalloc.lab import verdict

    parsed = run.parsed if run else parse_bench_text("")
    _note_machine(result.machine, parsed)
    skips = verdict.parse_skips(run.raw_text if run else "").get(point.name, {})
    if unfinished:
        done = {parts for r in parsed.results if (parts := verdict.split_name(r.base))}
        skips.update({name: unfinished for name in point.variants
                      if (point.name, name) not in done and name not in skips})
    return verdict.point_verdict(point, parsed.results, skips)


def _check_syntax(toolchain, q: LabQuestion) -> None:
    """Each of the user's types, alone, must be Go syntax: gofmt says where it is not."""
    from goalloc.collect.lab_workspace import GoSyntaxError, gofmt

    for role, written in q.types():
        try:
            gofmt(toolchain, f"package p\n\ntype t = {written}\n")
        except GoSyntaxError as exc:
            raise InputError(f"the {role} type {written} is not Go syntax: {exc}") from None


@dataclass
class _Timing:
    """How long points took, to guess whether the next one fits in --max-time."""

    benchtime: str
    count: int
    overheads: list[float] = field(default_factory=list)  # seconds not spent in ops
    last: object = None  # the last PointVerdict

    def record(self, verdict, seconds: float) -> None:
        self.overheads.append(max(0.0, seconds - self._run_seconds(verdict, 1.0)))
        self.last = verdict

    def guess(self, point: Point) -> float:
        """Seconds the point should take: every variant's last time per op scaled by the
        work per op, run as -benchtime and -count say, plus the overhead of a go test run
        (the first run's includes compiling, so it counts for at most two seconds)."""
        if self.last is None:
            return 0.0
        later = self.overheads[1:] or [min(self.overheads[0], 2.0)]
        scale = _work(point) / max(_work(self.last.point), 1)
        setup = point.n * 2e-6  # making the keys and values through reflect
        return min(later) + setup + self._run_seconds(self.last, scale)

    def _run_seconds(self, verdict, scale: float) -> float:
        total = 0.0
        for v in verdict.variants:
            op = v.median() * 1e-9 * scale
            # Go runs b.N=1 first; each run also warms up and measures the live heap.
            total += self.count * (_bench_seconds(self.benchtime, op) + 6 * op)
        return total


def _bench_seconds(benchtime: str, op: float) -> float:
    m = re.fullmatch(r"(\d+)x", benchtime.strip())
    if m:
        return int(m.group(1)) * op
    m = re.fullmatch(r"([\d.]+)(ns|us|µs|ms|s|m|h)", benchtime.strip())
    seconds = 1.0
    if m:
        seconds = float(m.group(1)) * {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3,
                                       "s": 1, "m": 60, "h": 3600}[m.group(2)]
    # go test grows b.N until the run takes -benchtime; the rounds before add about half.
    return 1.5 * max(seconds, op)


def _work(point: Point) -> float:
    return point.n + point.params.get("ops", 0)


def _go_regex_literal(text: str) -> str:
    return re.sub(r"([\\.+*?()|\[\]{}^$])", r"\\\1", text)


def _bench_regex(point: Point) -> str:
    from goalloc.lab.gocode import BENCHMARK

    levels = [BENCHMARK] + point.name.split("/")
    return "/".join(f"^{_go_regex_literal(level)}$" for level in levels) + "/"


def _note_machine(machine: Machine, parsed) -> None:
    machine.cpu = machine.cpu or parsed.config.get("cpu")
    machine.goos = parsed.config.get("goos") or machine.goos
    machine.goarch = parsed.config.get("goarch") or machine.goarch
    if parsed.results and machine.gomaxprocs is None:
        machine.gomaxprocs = parsed.results[0].procs


def _alias_lines(text: str, source) -> dict[int, str]:
    """{line: role} of the lines declaring the aliases of the user's types."""
    out = {}
    for number, line in enumerate(text.splitlines(), 1):
        for alias, role in source.aliases.items():
            if line.startswith(f"type {alias} ="):
                out[number] = role
    return out


def _types_as_formatted(text: str, source) -> dict:
    """{role: the user's type as gofmt spells it}."""
    lines = text.splitlines()
    return {role: lines[number - 1].split("=", 1)[1].strip()
            for number, role in _alias_lines(text, source).items()}


def _type_problem(source, text: str, line: int, message: str, q: LabQuestion,
                  package: str | None) -> str | None:
    """The one-line error for a problem on the line of one of the user's types."""
    role = _alias_lines(text, source).get(line)
    if role is None:
        return None
    written = getattr(q, role)
    message = _user_words(message, source, q)
    hint = ""
    if "undefined" in message and package is None:
        hint = " (a type of your own module needs --package, e.g. --package ./internal/model)"
    elif "undefined" in message:
        hint = f" (in package {package})"
    return f"the {role} type {written}: {message}{hint}"


def _user_words(message: str, source, q: LabQuestion) -> str:
    """A compiler message with the aliases of the user's types replaced by the types."""
    for alias, role in source.aliases.items():
        message = re.sub(rf"\b{alias}\b", getattr(q, role), message)
    return message


def _compile_problem(message: str, source, text: str, ws, options: LabOptions) -> str:
    q = options.question
    ours = os.path.basename(ws.file)
    errors = []
    for line in message.splitlines():
        m = _GO_ERROR.search(line.strip())
        if m:
            errors.append((m.group("file"), int(m.group("line")), m.group("msg")))
    for file, line, msg in errors:
        if os.path.basename(file) == ours and ("invalid map key" in msg
                                                or "incomparable" in msg
                                                or "not comparable" in msg):
            return (f"{q.key} cannot be a map key: it is not comparable (slices, maps and "
                    f"funcs, and structs or arrays holding them, are not): "
                    f"{_user_words(msg, source, q)}")
    for file, line, msg in errors:
        if os.path.basename(file) == ours:
            found = _type_problem(source, text, line, msg, q, options.package)
            if found:
                return found
    for file, line, msg in errors:
        if os.path.basename(file) != ours:
            return f"package {options.package or '.'} does not build: {file}:{line}: {msg}"
    if errors:
        file, line, msg = errors[0]
        where = " (see it with --save-source FILE)"
        return (f"the generated benchmark does not compile with these types: line {line}: "
                f"{_user_words(msg, source, q)}{where}")
    first = next((ln for ln in message.splitlines()[1:] if ln.strip()), message)
    return f"the benchmark does not build: {first.strip()}"


def _failure_problem(message: str, q: LabQuestion) -> str:
    from goalloc.lab.gocode import ERROR_MARK

    if ERROR_MARK in message:
        detail = message.split(ERROR_MARK, 1)[1].rstrip(")").strip()
        m = re.match(r"distinct keys: (\d+) of (\d+)", detail)
        if m:
            return (f"the key type {q.key} cannot hold {int(m.group(2)):,} distinct keys: "
                    f"goalloc fills every field of key i from i, and that gives only "
                    f"{int(m.group(1)):,} distinct keys")
        return detail
    return f"the benchmark failed: {message}"

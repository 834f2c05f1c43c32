"""Reading ``GODEBUG=gctrace=1`` output.

The runtime prints one line per collection (runtime/mgc.go, gcMarkTermination):

    gc 12 @15.234s 0%: 0.020+2.1+0.027 ms clock, 0.16+0.45/1.8/3.6+0.21 ms cpu,
        4->4->2 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 8 P (forced)

* ``gc N`` the collection number; ``@T s`` seconds since the program started;
  ``U%`` the share of CPU time spent in GC since the program started.
* wall clock of the three phases: STW sweep termination + concurrent mark + STW mark
  termination (ms). The two STW phases are the pauses.
* CPU time: sweep termination + assist/background/idle marking + mark termination (ms).
* heap at GC start -> heap at GC end -> live (marked) heap, then the heap goal (MB).
* ``MB stacks`` and ``MB globals`` exist since Go 1.18; older lines end at ``goal, N P``.
* ``(forced)`` marks a collection started by runtime.GC(); Go 1.26 may add
  ``(checking for goroutine leaks)`` after the percentage.

Other lines (program output, ``scvg``, pacer traces) are skipped and counted.

One log may hold several processes: ``go test ./... 2>&1`` prints the trace of the go command
and of each test binary, and logs get concatenated. Each process numbers its collections
1, 2, 3, ... and times them from its own start, so a line continues the process whose last
collection it follows (a higher number at the same or a later time; the next number when
several could); any other line starts a new process. Each process is summarized apart: their
numbers and times cannot be merged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MB = 1 << 20

_MS = r"\d+(?:\.\d+)?"  # Go prints milliseconds as 0.020, 2.1, 0
_GC_RE = re.compile(
    rf"gc (?P<num>\d+) @(?P<t>{_MS})s (?P<util>\d+)%(?: \([^)]*\))*: "
    rf"(?P<c1>{_MS})\+(?P<c2>{_MS})\+(?P<c3>{_MS}) ms clock, "
    rf"(?P<u1>{_MS})\+(?P<assist>{_MS})/(?P<bg>{_MS})/(?P<idle>{_MS})\+(?P<u3>{_MS}) ms cpu, "
    r"(?P<h0>\d+)->(?P<h1>\d+)->(?P<h2>\d+) MB, (?P<goal>\d+) MB goal, "
    r"(?:(?P<stacks>\d+) MB stacks, )?(?:(?P<globals>\d+) ?MB globals, )?"
    r"(?P<procs>\d+) P(?P<rest>.*)$")
_GC_START = re.compile(r"(?:^|\s)gc \d+ @")


@dataclass
class GCCycle:
    num: int
    t: float  # seconds since program start
    cpu_pct: int  # share of CPU spent in GC since start, as printed
    sweep_term_ms: float  # STW pause 1 (wall clock)
    mark_ms: float  # concurrent mark (wall clock)
    mark_term_ms: float  # STW pause 2 (wall clock)
    cpu_sweep_term_ms: float
    cpu_assist_ms: float
    cpu_background_ms: float
    cpu_idle_ms: float
    cpu_mark_term_ms: float
    heap_start_mb: int
    heap_end_mb: int
    heap_live_mb: int
    goal_mb: int
    stacks_mb: int | None
    globals_mb: int | None
    procs: int
    forced: bool
    line: int
    process: int = 1  # which process of the log (1-based, in order of first appearance)

    @property
    def pause_ms(self) -> float:
        return self.sweep_term_ms + self.mark_term_ms

    @property
    def wall_ms(self) -> float:
        return self.sweep_term_ms + self.mark_ms + self.mark_term_ms

    @property
    def cpu_ms(self) -> float:
        return (self.cpu_sweep_term_ms + self.cpu_assist_ms + self.cpu_background_ms
                + self.cpu_idle_ms + self.cpu_mark_term_ms)


@dataclass
class GCTrace:
    source: str
    cycles: list[GCCycle] = field(default_factory=list)
    skipped: int = 0  # non-empty lines that are not gc lines
    malformed: list[tuple[int, str]] = field(default_factory=list)  # gc lines not understood
    total_lines: int = 0
    processes: list[list[GCCycle]] = field(default_factory=list)  # the cycles of each process


def parse_line(text: str, lineno: int = 0) -> GCCycle | None:
    m = _GC_RE.search(text)
    if not m:
        return None
    g = m.groupdict()
    return GCCycle(
        num=int(g["num"]), t=float(g["t"]), cpu_pct=int(g["util"]),
        sweep_term_ms=float(g["c1"]), mark_ms=float(g["c2"]), mark_term_ms=float(g["c3"]),
        cpu_sweep_term_ms=float(g["u1"]), cpu_assist_ms=float(g["assist"]),
        cpu_background_ms=float(g["bg"]), cpu_idle_ms=float(g["idle"]),
        cpu_mark_term_ms=float(g["u3"]),
        heap_start_mb=int(g["h0"]), heap_end_mb=int(g["h1"]), heap_live_mb=int(g["h2"]),
        goal_mb=int(g["goal"]),
        stacks_mb=int(g["stacks"]) if g["stacks"] is not None else None,
        globals_mb=int(g["globals"]) if g["globals"] is not None else None,
        procs=int(g["procs"]), forced="(forced)" in (g["rest"] or ""), line=lineno)


def parse_gctrace(text: str, source: str = "-") -> GCTrace:
    """Parse a whole log; never raises for odd lines."""
    trace = GCTrace(source=source)
    for lineno, raw in enumerate(text.splitlines(), 1):
        trace.total_lines += 1
        line = raw.strip()
        if not line:
            continue
        cycle = parse_line(line, lineno)
        if cycle is not None:
            trace.cycles.append(cycle)
            _assign_process(trace.processes, cycle)
        elif _GC_START.search(line):
            trace.malformed.append((lineno, line[:120]))
        else:
            trace.skipped += 1
    return trace


def _assign_process(processes: list[list[GCCycle]], cycle: GCCycle) -> None:
    """Append ``cycle`` to the process it continues, or start a new one."""
    best = None
    for stream in processes:
        last = stream[-1]
        if last.num >= cycle.num or last.t > cycle.t:
            continue
        # The next number first (a lost line leaves a gap), then the latest time.
        rank = (last.num == cycle.num - 1, last.num, last.t)
        if best is None or rank > best[0]:
            best = (rank, stream)
    if best is None:
        processes.append([cycle])
        cycle.process = len(processes)
    else:
        best[1].append(cycle)
        cycle.process = best[1][0].process


def _median(xs: list[float]) -> float:
    s = sorted(xs)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def summarize(trace: GCTrace, windows: int = 10) -> dict:
    """Totals, distributions and rates over time (``windows`` equal slices of the run) of a
    log of one process; of several, ``{"processes": [one such summary per process]}``."""
    per_process = summarize_processes(trace, windows)
    return per_process[0] if len(per_process) == 1 else {"processes": per_process}


def summarize_processes(trace: GCTrace, windows: int = 10) -> list[dict]:
    """One summary per process of the log, each with ``process``, ``first_line`` and
    ``last_line``."""
    if not trace.cycles:
        raise ValueError("no gc lines")
    processes = trace.processes or [trace.cycles]
    out = []
    for i, cycles in enumerate(processes, 1):
        summary = _summarize_cycles(cycles, windows)
        summary.update(process=i, first_line=cycles[0].line, last_line=cycles[-1].line)
        out.append(summary)
    return out


def _summarize_cycles(cycles: list[GCCycle], windows: int) -> dict:
    if not cycles:
        raise ValueError("no gc lines")
    first, last = cycles[0], cycles[-1]
    span = last.t - first.t
    pauses = [c.pause_ms for c in cycles]
    total_pause = sum(pauses)

    def dist(values: list[float]) -> dict:
        return {"min": min(values), "median": _median(values), "max": max(values),
                "last": values[-1]}

    summary = {
        "gc_count": len(cycles),
        "forced_count": sum(c.forced for c in cycles),
        "first_gc": first.num,
        "last_gc": last.num,
        "first_at_s": first.t,
        "last_at_s": last.t,
        "span_s": span,
        "procs": last.procs,
        "gc_cpu_pct": last.cpu_pct,
        "pause_ms": {"total": total_pause, **dist(pauses)},
        "concurrent_mark_ms": {"total": sum(c.mark_ms for c in cycles),
                               **dist([c.mark_ms for c in cycles])},
        "cpu_ms": {
            "total": sum(c.cpu_ms for c in cycles),
            "sweep_termination": sum(c.cpu_sweep_term_ms for c in cycles),
            "assist": sum(c.cpu_assist_ms for c in cycles),
            "background": sum(c.cpu_background_ms for c in cycles),
            "idle": sum(c.cpu_idle_ms for c in cycles),
            "mark_termination": sum(c.cpu_mark_term_ms for c in cycles),
        },
        "heap_start_mb": dist([c.heap_start_mb for c in cycles]),
        "heap_end_mb": dist([c.heap_end_mb for c in cycles]),
        "heap_live_mb": dist([c.heap_live_mb for c in cycles]),
        "goal_mb": dist([c.goal_mb for c in cycles]),
        "rates": {
            "gc_per_s": (len(cycles) - 1) / span if span > 0 else None,
            "pause_ms_per_s": total_pause / span if span > 0 else None,
            "live_heap_growth_mb_per_s": ((last.heap_live_mb - first.heap_live_mb) / span
                                          if span > 0 else None),
        },
    }
    summary["windows"] = _windows(cycles, windows)
    return summary


def _windows(cycles: list[GCCycle], n: int) -> list[dict]:
    """Split [first gc, last gc] into n equal time slices; rates per slice."""
    t0, t1 = cycles[0].t, cycles[-1].t
    span = t1 - t0
    if span <= 0 or len(cycles) < 2:
        return []
    n = max(1, min(n, len(cycles)))
    width = span / n
    out = []
    for i in range(n):
        lo = t0 + i * width
        hi = t1 if i == n - 1 else lo + width
        inside = [c for c in cycles if (lo <= c.t < hi) or (i == n - 1 and c.t == hi)]
        pause = sum(c.pause_ms for c in inside)
        out.append({
            "start_s": lo, "end_s": hi, "gcs": len(inside),
            "gc_per_s": len(inside) / width,
            "pause_ms": pause,
            "pause_ms_per_s": pause / width,
            "heap_live_mb_max": max((c.heap_live_mb for c in inside), default=None),
            "goal_mb_max": max((c.goal_mb for c in inside), default=None),
        })
    return out

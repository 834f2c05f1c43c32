"""Text, JSON and plot output for ``goalloc gctrace``."""

from __future__ import annotations

import json

from goalloc.goinfo import GoInfo
from goalloc.report.envelope import document
from goalloc.gctrace import MB, GCTrace

SCHEMA_VERSION = 1


def _f(x, digits: int = 3) -> str:
    if x is None:
        return "-"
    if isinstance(x, int):
        return str(x)
    if digits == 1 and float(x).is_integer():
        return str(int(x))
    return f"{x:.{digits}f}"


def _processes(summary: dict) -> list[dict]:
    """The per-process summaries of what goalloc.gctrace.summarize returned."""
    return summary["processes"] if "processes" in summary else [summary]


def render_text(trace: GCTrace, summary: dict) -> str:
    processes = _processes(summary)
    out = [f"GC trace: {trace.source}"]
    if len(processes) > 1:
        starts = ", ".join(str(p["first_line"]) for p in processes[1:])
        out.append(f"  {len(processes)} processes in one log (the gc counter starts again at "
                   f"line(s) {starts}); each is summarized apart")
        for p in processes:
            out.append("")
            out.append(f"process {p['process']} of {len(processes)} "
                       f"(lines {p['first_line']}-{p['last_line']})")
            out += ["  " + line if line else "" for line in _body(p)]
    else:
        out += _body(processes[0])
    notes = []
    if trace.skipped:
        notes.append(f"{trace.skipped} non-gc line(s) skipped")
    if trace.malformed:
        first = trace.malformed[0][0]
        notes.append(f"{len(trace.malformed)} gc line(s) not understood (first at line {first})")
    if notes:
        out.append("")
        out.append("  note: " + "; ".join(notes))
    return "\n".join(out) + "\n"


def _body(s: dict) -> list[str]:
    """The report of one process."""
    out = []
    rows = [
        ("collections", f"{s['gc_count']} (gc {s['first_gc']}..{s['last_gc']}, "
                        f"{s['forced_count']} forced)"),
        ("time span", f"{_f(s['first_at_s'])}s .. {_f(s['last_at_s'])}s "
                      f"({_f(s['span_s'])}s), {s['procs']} P"),
        ("GC CPU since start", f"{s['gc_cpu_pct']}% (as of the last gc)"),
    ]
    width = max(len(k) for k, _ in rows)
    out += [f"  {k.ljust(width)}  {v}" for k, v in rows]
    out.append("")

    table = [["", "total", "min", "median", "max", "last"]]

    def add(label, d, digits, total=True):
        table.append([label, _f(d.get("total"), digits) if total else "",
                      *[_f(d[k], digits) for k in ("min", "median", "max", "last")]])

    add("STW pause (ms)", s["pause_ms"], 3)
    add("concurrent mark (ms)", s["concurrent_mark_ms"], 3)
    add("heap at start (MB)", s["heap_start_mb"], 1, total=False)
    add("heap at end (MB)", s["heap_end_mb"], 1, total=False)
    add("live heap (MB)", s["heap_live_mb"], 1, total=False)
    add("heap goal (MB)", s["goal_mb"], 1, total=False)
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    for r in table:
        out.append("  " + "  ".join(c.ljust(widths[0]) if i == 0 else c.rjust(widths[i])
                                    for i, c in enumerate(r)).rstrip())
    cpu = s["cpu_ms"]
    out.append("")
    out.append(f"  GC CPU time (ms): {_f(cpu['total'])} total = "
               f"{_f(cpu['sweep_termination'])} sweep termination + "
               f"{_f(cpu['assist'])} assist + {_f(cpu['background'])} background + "
               f"{_f(cpu['idle'])} idle + {_f(cpu['mark_termination'])} mark termination")
    r = s["rates"]
    out.append(f"  rates: {_f(r['gc_per_s'], 2)} GC/s, {_f(r['pause_ms_per_s'], 3)} ms pause/s, "
               f"live heap {_f(r['live_heap_growth_mb_per_s'], 2)} MB/s")
    if s["windows"]:
        out.append("")
        out.append("  over time:")
        wt = [["window (s)", "GCs", "GC/s", "pause ms/s", "max live MB", "max goal MB"]]
        for w in s["windows"]:
            wt.append([f"{w['start_s']:.3f}-{w['end_s']:.3f}", str(w["gcs"]),
                       f"{w['gc_per_s']:.2f}", f"{w['pause_ms_per_s']:.3f}",
                       _f(w["heap_live_mb_max"]), _f(w["goal_mb_max"])])
        ww = [max(len(r[i]) for r in wt) for i in range(len(wt[0]))]
        for row in wt:
            out.append("    " + "  ".join(c.ljust(ww[0]) if i == 0 else c.rjust(ww[i])
                                          for i, c in enumerate(row)).rstrip())
    return out


def to_json(trace: GCTrace, summary: dict) -> dict:
    processes = [{"process": p["process"], "first_line": p["first_line"],
                  "last_line": p["last_line"],
                  "summary": {k: v for k, v in p.items() if k != "windows"},
                  "windows": p["windows"]} for p in _processes(summary)]
    single = processes[0] if len(processes) == 1 else None
    return document("gctrace", SCHEMA_VERSION, GoInfo(None), {
        "source": trace.source,
        "lines": trace.total_lines,
        "skipped_lines": trace.skipped,
        "malformed_lines": [{"line": n, "text": t} for n, t in trace.malformed],
        # A log of several processes has no one summary: read "processes".
        "summary": single["summary"] if single else None,
        "windows": single["windows"] if single else None,
        "processes": processes,
        "cycles": [{
            "gc": c.num, "process": c.process, "t_s": c.t, "cpu_pct": c.cpu_pct,
            "forced": c.forced,
            "pause_ms": c.pause_ms,
            "clock_ms": {"sweep_termination": c.sweep_term_ms, "mark": c.mark_ms,
                         "mark_termination": c.mark_term_ms},
            "cpu_ms": {"sweep_termination": c.cpu_sweep_term_ms, "assist": c.cpu_assist_ms,
                       "background": c.cpu_background_ms, "idle": c.cpu_idle_ms,
                       "mark_termination": c.cpu_mark_term_ms},
            "heap_start_mb": c.heap_start_mb, "heap_end_mb": c.heap_end_mb,
            "heap_live_mb": c.heap_live_mb, "goal_mb": c.goal_mb,
            "stacks_mb": c.stacks_mb, "globals_mb": c.globals_mb, "procs": c.procs,
            "line": c.line,
        } for c in trace.cycles],
    })


def render_json(trace: GCTrace, summary: dict) -> str:
    return json.dumps(to_json(trace, summary), indent=2)


def plot(trace: GCTrace, path: str) -> None:
    """Heap at start / end / live and the goal against time; pauses below. A log of several
    processes gets the live heap, goal and pauses of each (their clocks start apart)."""
    from goalloc.report.plot import Panel, Series, save_panels

    processes = trace.processes or [trace.cycles]
    if len(processes) == 1:
        cycles = processes[0]
        t = [c.t for c in cycles]
        heap_series = [
            Series("heap at GC start", t, [c.heap_start_mb * MB for c in cycles]),
            Series("heap at GC end", t, [c.heap_end_mb * MB for c in cycles]),
            Series("live heap", t, [c.heap_live_mb * MB for c in cycles]),
            Series("heap goal", t, [c.goal_mb * MB for c in cycles], step=True, style="--"),
        ]
        pause_series = [Series("pause", t, [c.pause_ms for c in cycles])]
    else:
        heap_series, pause_series = [], []
        for i, cycles in enumerate(processes, 1):
            t = [c.t for c in cycles]
            heap_series += [
                Series(f"live heap, process {i}", t, [c.heap_live_mb * MB for c in cycles]),
                Series(f"heap goal, process {i}", t, [c.goal_mb * MB for c in cycles],
                       step=True, style="--"),
            ]
            pause_series.append(Series(f"pause, process {i}", t, [c.pause_ms for c in cycles]))
    heap = Panel(title="Heap at each GC", ylabel="heap", yformat="bytes", series=heap_series)
    pauses = Panel(title="STW pause per GC", ylabel="ms", series=pause_series)
    save_panels(path, f"GC trace: {trace.source}", "seconds since program start",
                [heap, pauses])

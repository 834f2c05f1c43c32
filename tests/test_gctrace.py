"""`goalloc gctrace` on a hand-written log and on a real GODEBUG=gctrace=1 trace."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from goalloc.gctrace import parse_gctrace, parse_line, summarize
from goalloc.cli import main
from goalloc.errors import GoallocError
from goalloc.collect.toolchain import find_toolchain

DATA = Path(__file__).parent / "testdata" / "gctrace"
MIXED = DATA / "mixed.log"


@pytest.fixture(scope="module")
def real_trace(tmp_path_factory) -> str:
    """Build testdata/gctrace/gcprog and run it with GODEBUG=gctrace=1 (stdout + stderr)."""
    try:
        tc = find_toolchain()
    except GoallocError as exc:
        pytest.skip(f"no Go toolchain: {exc}")
    out = tmp_path_factory.mktemp("gcprog") / "gcprog"
    build = tc.run(["build", "-o", str(out), "."], cwd=DATA / "gcprog")
    assert build.returncode == 0, build.stderr
    env = dict(os.environ, GODEBUG="gctrace=1", GOMAXPROCS="2")
    proc = subprocess.run([str(out)], env=env, text=True, capture_output=True, timeout=60)
    assert proc.returncode == 0
    # The trace (stderr) followed by the program's own output, as `2>&1` would mix them
    # but without lines cut in half by interleaving.
    err = proc.stderr
    if err and not err.endswith("\n"):
        # A background cycle's line cut off by the program's exit (seen under load).
        err = err[: err.rfind("\n") + 1]
    return err + proc.stdout


def test_hand_written_log_fields():
    trace = parse_gctrace(MIXED.read_text(), "mixed.log")
    assert [c.num for c in trace.cycles] == [1, 2, 3, 4]
    assert trace.skipped == 2  # "server: listening", "this line is garbage"
    assert [n for n, _ in trace.malformed] == [7]
    old, cur, leak, forced = trace.cycles
    # Go 1.17 form: no stacks / globals.
    assert (old.stacks_mb, old.globals_mb, old.procs) == (None, None, 4)
    assert (old.heap_start_mb, old.heap_end_mb, old.heap_live_mb, old.goal_mb) == (4, 4, 0, 5)
    # Current form, the example from the runtime documentation.
    assert cur.t == 1.5 and cur.cpu_pct == 2
    assert (cur.sweep_term_ms, cur.mark_ms, cur.mark_term_ms) == (0.020, 2.1, 0.027)
    assert cur.pause_ms == pytest.approx(0.047)
    assert (cur.cpu_assist_ms, cur.cpu_background_ms, cur.cpu_idle_ms) == (0.45, 1.8, 3.6)
    assert cur.cpu_ms == pytest.approx(0.16 + 0.45 + 1.8 + 3.6 + 0.21)
    assert (cur.stacks_mb, cur.globals_mb, cur.procs, cur.forced) == (0, 0, 8, False)
    assert leak.stacks_mb == 1 and not leak.forced
    assert forced.forced


def test_summary_numbers():
    trace = parse_gctrace(MIXED.read_text())
    s = summarize(trace, windows=2)
    assert s["gc_count"] == 4 and s["forced_count"] == 1
    assert s["span_s"] == pytest.approx(4.0)
    pauses = [0.009, 0.047, 0.080, 0.200]
    assert s["pause_ms"]["total"] == pytest.approx(sum(pauses))
    assert s["pause_ms"]["max"] == pytest.approx(0.2)
    assert s["pause_ms"]["median"] == pytest.approx((0.047 + 0.080) / 2)
    assert s["heap_live_mb"] == {"min": 0, "median": 1.5, "max": 3, "last": 1}
    assert s["goal_mb"]["max"] == 10
    assert s["rates"]["gc_per_s"] == pytest.approx(3 / 4.0)
    assert s["rates"]["pause_ms_per_s"] == pytest.approx(sum(pauses) / 4.0)
    assert s["rates"]["live_heap_growth_mb_per_s"] == pytest.approx((1 - 0) / 4.0)
    # Two windows of 2 s: gc 1 and 2 in the first, gc 3 and 4 in the second.
    assert [w["gcs"] for w in s["windows"]] == [2, 2]
    assert s["windows"][1]["goal_mb_max"] == 10


def test_real_trace_from_the_runtime(real_trace):
    expected = [ln for ln in real_trace.splitlines() if ln.startswith("gc ")]
    other = [ln for ln in real_trace.splitlines() if ln.strip() and not ln.startswith("gc ")]
    trace = parse_gctrace(real_trace)
    assert len(trace.cycles) == len(expected) >= 3
    assert trace.malformed == []
    assert trace.skipped == len(other) == 2  # gcprog's own two lines
    assert [c.num for c in trace.cycles] == list(range(1, len(expected) + 1))
    forced = [ln for ln in expected if ln.endswith("(forced)")]
    assert len(forced) >= 1  # runtime.GC() at the end
    assert [c.num for c in trace.cycles if c.forced] == [int(ln.split()[1]) for ln in forced]
    assert all(c.stacks_mb is not None and c.globals_mb is not None for c in trace.cycles)
    assert all(c.procs == 2 for c in trace.cycles)
    # Pause = first + third clock phase, recomputed from the raw text.
    total = 0.0
    for ln in expected:
        clock = ln.split(": ", 1)[1].split(" ms clock")[0].split("+")
        total += float(clock[0]) + float(clock[2])
    assert summarize(trace)["pause_ms"]["total"] == pytest.approx(total)
    assert max(c.heap_end_mb for c in trace.cycles) >= 4  # it kept ~12 MB alive


def test_cli_text_json_and_plot(real_trace, tmp_path, capsys):
    log = tmp_path / "gc.log"
    log.write_text(real_trace)
    assert main(["gctrace", str(log)]) == 0
    out, err = capsys.readouterr()
    assert "collections" in out and "STW pause (ms)" in out and "heap goal (MB)" in out
    assert "2 other line(s) skipped" in err
    assert main(["gctrace", str(log), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["schema_version"] == 1
    assert doc["summary"]["gc_count"] == len(doc["cycles"]) == len(parse_gctrace(real_trace).cycles)
    assert doc["skipped_lines"] == 2 and doc["malformed_lines"] == []
    assert doc["summary"]["forced_count"] == real_trace.count("(forced)") >= 1
    pytest.importorskip("matplotlib")
    svg = tmp_path / "heap.svg"
    assert main(["gctrace", str(log), "--plot", str(svg)]) == 0
    capsys.readouterr()
    text = svg.read_text()
    assert text.lstrip().startswith("<?xml") and "<svg" in text
    png = tmp_path / "heap.png"
    assert main(["gctrace", str(MIXED), "--plot", str(png)]) == 0
    assert png.read_bytes().startswith(b"\x89PNG")


def test_cli_stdin(monkeypatch, capsys):
    import io
    monkeypatch.setattr("sys.stdin", io.StringIO(MIXED.read_text()))
    assert main(["gctrace", "-", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["source"] == "<stdin>" and doc["summary"]["gc_count"] == 4


@pytest.mark.parametrize("content,needle", [
    ("", "the log is empty"),
    ("hello\nworld\n", "2 line(s) read"),
    ("gc 1 @0.1s 1%: nonsense\n", "do not have the gctrace=1 format"),
])
def test_cli_no_gc_lines_is_an_error(tmp_path, capsys, content, needle):
    log = tmp_path / "bad.log"
    log.write_text(content)
    assert main(["gctrace", str(log)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("goalloc: error: no GC trace lines") and needle in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_cli_bad_arguments(tmp_path, capsys):
    assert main(["gctrace", str(tmp_path / "missing.log")]) == 2
    assert "not found" in capsys.readouterr().err
    assert main(["gctrace", str(MIXED), "--plot", str(tmp_path / "heap.jpg")]) == 2
    assert ".svg or .png" in capsys.readouterr().err
    assert not (tmp_path / "heap.jpg").exists()


def test_parse_line_rejects_non_gc_text():
    assert parse_line("scvg: 0 MB released") is None
    assert parse_line("gc 1 @0.1s 1%: 1+2+3 ms clock") is None

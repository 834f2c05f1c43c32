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


# --- several processes in one log ------------------------------------------------------------


def test_concatenated_logs_are_reported_apart():
    text = MIXED.read_text()
    trace = parse_gctrace(text + text, "twice.log")
    assert [len(p) for p in trace.processes] == [4, 4]
    assert [c.process for c in trace.cycles] == [1] * 4 + [2] * 4
    per = summarize(trace, windows=2)["processes"]
    one = summarize(parse_gctrace(text), windows=2)
    for p in per:
        assert p["gc_count"] == 4 and p["span_s"] == pytest.approx(4.0)
        assert p["pause_ms"] == one["pause_ms"] and p["windows"] == one["windows"]
    assert per[1]["first_line"] == len(text.splitlines()) + 2  # line 1 is program output


def test_interleaved_processes_follow_their_own_counters():
    """Two processes writing to one pipe: each line continues the process whose last
    collection it follows; times are per process, so a merged span would be wrong."""
    line = ("gc {n} @{t}s 1%: 0.01+0.1+0.01 ms clock, 0.01+0/0.1/0+0.01 ms cpu, "
            "4->4->{live} MB, 5 MB goal, 0 MB stacks, 0 MB globals, 2 P")
    order = [("a", 1, 5.0), ("a", 2, 6.0), ("b", 1, 0.1), ("a", 3, 7.0), ("b", 2, 0.2),
             ("b", 3, 0.3), ("a", 4, 8.0), ("b", 5, 0.5)]  # b's gc 4 line was lost
    text = "\n".join(line.format(n=n, t=t, live=1 if who == "a" else 2) for who, n, t in order)
    trace = parse_gctrace(text)
    assert [[c.num for c in p] for p in trace.processes] == [[1, 2, 3, 4], [1, 2, 3, 5]]
    assert [{c.heap_live_mb for c in p} for p in trace.processes] == [{1}, {2}]
    for p in summarize(trace)["processes"]:
        assert p["span_s"] >= 0 and all(w["end_s"] >= w["start_s"] for w in p["windows"])


def test_piped_go_test_output_is_several_processes(tmp_path):
    """The --help example: `GODEBUG=gctrace=1 go test 2>&1 | goalloc gctrace -`. The go
    command and the test binary both trace; none of the processes may be merged."""
    try:
        tc = find_toolchain()
    except GoallocError as exc:
        pytest.skip(f"no Go toolchain: {exc}")
    (tmp_path / "go.mod").write_text("module gt\n\ngo 1.21\n")
    (tmp_path / "gt_test.go").write_text(
        "package gt\n\nimport (\n\t\"runtime\"\n\t\"testing\"\n)\n\nvar keep [][]byte\n\n"
        "func TestAlloc(t *testing.T) {\n\tfor i := 0; i < 3000; i++ {\n"
        "\t\tkeep = append(keep, make([]byte, 16<<10))\n"
        "\t\tif len(keep) > 300 {\n\t\t\tkeep = keep[:0]\n\t\t}\n\t}\n\truntime.GC()\n}\n")
    env = dict(tc.env, GODEBUG="gctrace=1", GOMAXPROCS="2")
    # -v: go test passes the test binary's stderr on as it comes.
    proc = subprocess.run([tc.go, "test", "-v", "-count=1", "-run", "TestAlloc", "."],
                          cwd=tmp_path,
                          env=env, text=True, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=300)
    assert proc.returncode == 0, proc.stdout
    trace = parse_gctrace(proc.stdout)
    gc_lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("gc ")]
    assert len(trace.cycles) == len(gc_lines) - len(trace.malformed)
    assert len(trace.processes) >= 2  # at least the go command and the test binary
    for cycles in trace.processes:
        nums = [c.num for c in cycles]
        assert nums == sorted(set(nums)) and nums[0] >= 1
        assert all(b.t >= a.t for a, b in zip(cycles, cycles[1:]))
    # The test binary (started after the go command) ends with its runtime.GC().
    binary = [p for p in trace.processes if p[-1].forced]
    assert len(binary) == 1 and binary[0][0].process >= 2


def test_cli_reports_each_process(real_trace, tmp_path, capsys):
    log = tmp_path / "two.log"
    log.write_text(real_trace + real_trace)
    assert main(["gctrace", str(log)]) == 0
    out = capsys.readouterr().out
    assert "2 processes in one log" in out
    assert "process 1 of 2" in out and "process 2 of 2" in out
    n = len(parse_gctrace(real_trace).cycles)
    assert out.count(f"collections         {n} (gc 1..{n}") == 2
    assert main(["gctrace", str(log), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["summary"] is None and doc["windows"] is None
    assert [p["summary"]["gc_count"] for p in doc["processes"]] == [n, n]
    assert [p["process"] for p in doc["processes"]] == [1, 2]
    assert {c["process"] for c in doc["cycles"]} == {1, 2}
    assert all(p["summary"]["span_s"] >= 0 for p in doc["processes"])


def test_single_process_json_lists_one_process(capsys):
    assert main(["gctrace", str(MIXED), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["summary"]["gc_count"] == 4 and len(doc["processes"]) == 1
    assert doc["processes"][0]["summary"] == doc["summary"]
    assert doc["processes"][0]["first_line"] == 2 and doc["processes"][0]["last_line"] == 6

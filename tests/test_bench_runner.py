"""`goalloc bench` runs the real `go test` on the tiny modules in tests/testdata/bench."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest

import json

from goalloc.benchstat.format import parse_bench_text
from goalloc.collect.bench_runner import BenchFailed, BenchRun, run_benchmarks
from goalloc.cli import main

DATA = Path(__file__).parent / "testdata" / "bench"


@pytest.fixture
def module(tmp_path):
    """Copy a testdata module to a temporary directory (the runner writes next to it)."""
    def copy(name: str) -> Path:
        dst = tmp_path / name
        shutil.copytree(DATA / name, dst)
        return dst
    return copy


def test_run_benchmarks_api(toolchain, module, tmp_path):
    src = module("simple")
    progress = io.StringIO()
    out = tmp_path / "results.txt"
    run = run_benchmarks(toolchain, None, bench=".", count=2, cwd=src,
                         memprofile_dir=tmp_path / "prof", benchtime="20x", out=out,
                         progress=progress)
    assert isinstance(run, BenchRun)
    names = [r.base for r in run.results]
    assert names.count("Grow") == 2 and names.count("Prealloc") == 2
    grow = next(r for r in run.results if r.base == "Grow")
    assert set(grow.values) >= {"ns/op", "B/op", "allocs/op"}
    assert grow.values["allocs/op"] > 1  # append growth reallocates
    prealloc = next(r for r in run.results if r.base == "Prealloc")
    assert prealloc.values["allocs/op"] == 1 and prealloc.values["items/op"] == 100
    assert grow.pkg == "example.com/simple" and grow.procs >= 1
    # Raw output saved and parses back to the same results.
    assert run.out_path == str(out)
    again = parse_bench_text(out.read_text())
    assert [(r.name, r.values) for r in again.results] == \
        [(r.name, r.values) for r in run.results]
    # One memory profile (and the test binary for pprof) per package.
    profile = Path(run.profiles["example.com/simple"])
    assert profile.is_file() and profile.stat().st_size > 0
    assert Path(run.binaries["example.com/simple"]).is_file()
    # Progress streamed to the given stream; nothing left in the module directory.
    assert "BenchmarkGrow" in progress.getvalue()
    assert not list(src.glob("*.test")) and not list(src.glob("*.pprof"))


def test_multiple_packages_and_package_without_benchmarks(toolchain, module, tmp_path):
    src = module("multi")
    run = run_benchmarks(toolchain, ["./..."], count=1, cwd=src, benchtime="5x",
                         memprofile_dir=tmp_path / "prof", progress=None)
    assert {r.pkg for r in run.results} == {"example.com/multi/a"}
    assert run.packages_without_benchmarks == ["example.com/multi/b"]
    assert list(run.profiles) == ["example.com/multi/a"]
    assert sorted(os.listdir(tmp_path / "prof")) == ["example.com_multi_a.mem.pprof",
                                                      "example.com_multi_a.test"]


def test_cli_default_results_file_and_summary(toolchain, module, capsys):
    src = module("simple")
    code = main(["bench", "-C", str(src), "--bench", "Prealloc", "--count", "1",
                 "--benchtime", "10x", "--format", "json"])
    assert code == 0
    captured = capsys.readouterr()
    doc = json.loads(captured.out)
    assert doc["schema_version"] == 1
    names = {b["name"] for b in doc["benchmarks"]}
    assert len(names) == 1 and names.pop().startswith("Prealloc")  # --bench filtered Grow out
    units = {b["unit"] for b in doc["benchmarks"]}
    assert units == {"ns/op", "B/op", "allocs/op", "items/op"}
    results = Path(doc["results_file"])
    assert results.parent == src / ".goalloc" / "bench" and results.suffix == ".txt"
    assert "BenchmarkPrealloc" in results.read_text()
    assert Path(doc["memprofiles"]["example.com/simple"]).is_file()
    assert "BenchmarkPrealloc" in captured.err  # progress on stderr
    assert "need >= 6 runs" in captured.err


@pytest.mark.parametrize("name,args,code,needle", [
    ("nobench", [], 2, "no benchmarks in example.com/nobench"),
    ("simple", ["--bench", "NoSuchBenchmark"], 2, "no benchmark matches -bench"),
    ("broken", [], 3, "broken.go:4"),
    ("failing", [], 2, "BenchmarkBoom"),
    ("simple", ["./missingdir"], 2, "no Go package at ./missingdir"),
    ("simple", ["example.com/nonexistent"], 2, "no required module provides package"),
])
def test_cli_errors(toolchain, module, capsys, name, args, code, needle):
    src = module(name)
    assert main(["bench", "-C", str(src), "--count", "1", "--benchtime", "1x", *args]) == code
    err = capsys.readouterr().err
    assert needle in err
    assert "Traceback" not in err
    error_lines = [ln for ln in err.splitlines() if ln.startswith("goalloc: error:")]
    assert len(error_lines) == 1
    assert not (src / ".goalloc").exists()  # no results file, no empty profile directory


def test_usage_errors(capsys, tmp_path):
    assert main(["bench", "-C", str(tmp_path / "nope")]) == 2
    assert "directory not found" in capsys.readouterr().err
    assert main(["bench", "--count", "0"]) == 2
    assert "--count" in capsys.readouterr().err


def test_compile_error_in_one_package_still_reports_the_others(toolchain, module, tmp_path,
                                                                capsys):
    src = module("partial")
    save = tmp_path / "partial.txt"
    code = main(["bench", "./...", "-C", str(src), "--count", "1", "--benchtime", "5x",
                 "--save", str(save), "--format", "json"])
    assert code == 3
    captured = capsys.readouterr()
    doc = json.loads(captured.out)
    assert {b["pkg"] for b in doc["benchmarks"]} == {"example.com/partial/good"}
    assert "BenchmarkAlloc" in save.read_text()
    assert "bad.go:4" in captured.err
    assert "goalloc: error: example.com/partial/bad does not compile: bad/bad.go:4" in captured.err
    # The API raises BenchFailed carrying the partial run.
    with pytest.raises(BenchFailed) as info:
        run_benchmarks(toolchain, ["./..."], count=1, cwd=src, benchtime="5x", progress=None)
    assert info.value.exit_code == 3
    assert [r.base for r in info.value.run.results] == ["Alloc"]


def test_two_runs_compare_end_to_end(toolchain, module, tmp_path, capsys):
    src = module("simple")
    for name in ("a.txt", "b.txt"):
        run_benchmarks(toolchain, None, bench="Prealloc", count=3, cwd=src, benchtime="10x",
                       out=tmp_path / name, progress=None)
    assert main(["bench", "compare", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"),
                 "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    got = {c["unit"]: c for c in doc["comparisons"]}
    assert set(got) == {"ns/op", "B/op", "allocs/op", "items/op"}
    # Allocation counts do not vary between runs: identical samples, p = 1, `~`.
    assert got["allocs/op"]["old_median"] == got["allocs/op"]["new_median"] == 1
    assert got["allocs/op"]["p"] == 1.0 and got["allocs/op"]["delta"] == "~"
    assert "need >= 4 samples to detect a difference at alpha level 0.05" in doc["warnings"]


# --- results paths, interruption, --bench syntax, --timeout, the toolchain's reasons ---------

import datetime as dt
import signal
import subprocess
import sys
import time

from goalloc.collect.bench_runner import AUTO, reserve_run_stem

SRC = str(Path(__file__).resolve().parents[1] / "src")


def _goalloc(args, cwd, **kwargs):
    return subprocess.Popen([sys.executable, "-m", "goalloc", *args], cwd=cwd,
                            env=dict(os.environ, PYTHONPATH=SRC), text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)


def test_runs_in_the_same_second_get_their_own_paths(tmp_path):
    now = dt.datetime(2030, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
    first = reserve_run_stem(tmp_path, now)
    second = reserve_run_stem(tmp_path, now)
    assert first.endswith("20300102T030405Z") and second == first + "-2"
    os.rmdir(second)
    Path(second + ".txt").write_text("a finished run kept only its results file")
    assert reserve_run_stem(tmp_path, now) == first + "-3"


def test_two_concurrent_runs_keep_both_results(toolchain, module):
    src = module("simple")
    procs = [_goalloc(["bench", "--bench", "Prealloc", "--count", "1", "--benchtime", "1x",
                       "--format", "json"], src) for _ in range(2)]
    docs = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
        docs.append(json.loads(out))
    files = {src / d["results_file"] for d in docs}  # relative to the run's directory
    assert len(files) == 2 and all("BenchmarkPrealloc" in f.read_text() for f in files)
    profiles = {src / d["memprofiles"]["example.com/simple"] for d in docs}
    assert len(profiles) == 2 and all(p.is_file() for p in profiles)


def test_interrupted_run_leaves_nothing_behind(toolchain, module):
    src = module("simple")
    proc = _goalloc(["bench", "--count", "1", "--benchtime", "20s"], src)
    deadline = time.monotonic() + 120
    seen = ""
    while "BenchmarkGrow" not in seen and time.monotonic() < deadline:
        seen += proc.stderr.readline()  # progress: the benchmark is running
    assert "BenchmarkGrow" in seen
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "goalloc: interrupted" in err and "Traceback" not in err
    assert not (src / ".goalloc").exists()  # no profile, no binary, no empty folder


def test_timeout_stops_a_long_run(toolchain, module, capsys):
    src = module("simple")
    start = time.monotonic()
    code = main(["bench", "-C", str(src), "--count", "1", "--benchtime", "60s",
                 "--timeout", "3"])
    assert code == 2 and time.monotonic() - start < 45
    err = capsys.readouterr().err
    assert "stopped after --timeout 3s" in err
    assert not (src / ".goalloc").exists()


@pytest.mark.parametrize("pattern", [r"\pL", "(?<first>Pre)alloc", r"Prealloc\z"])
def test_go_regexp_syntax_is_accepted(toolchain, module, capsys, pattern):
    """Valid for Go's regexp, invalid for Python's."""
    src = module("simple")
    assert main(["bench", "-C", str(src), "--bench", pattern, "--count", "1",
                 "--benchtime", "1x", "--no-memprofile", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["benchmarks"]


@pytest.mark.parametrize("pattern,why", [("(?=Grow)", "invalid or unsupported Perl syntax"),
                                         ("Grow(", "missing closing )")])
def test_go_invalid_regexp_is_a_usage_error(toolchain, module, capsys, pattern, why):
    src = module("simple")
    assert main(["bench", "-C", str(src), "--bench", pattern, "--count", "1",
                 "--benchtime", "1x"]) == 2
    err = capsys.readouterr().err
    lines = [ln for ln in err.splitlines() if ln.startswith("goalloc: error:")]
    assert len(lines) == 1 and "is not a valid Go regular expression" in lines[0]
    assert why in lines[0]
    assert not (src / ".goalloc").exists()


def test_bad_benchtime_is_go_tests_own_reason(toolchain, module, capsys):
    src = module("simple")
    assert main(["bench", "-C", str(src), "--count", "1", "--benchtime", "xyz"]) == 2
    err = capsys.readouterr().err
    assert "--benchtime 'xyz': invalid duration" in err and "go test failed" not in err


def test_compile_error_is_one_line(toolchain, module, capsys):
    src = module("broken")
    assert main(["bench", "-C", str(src), "--count", "1", "--benchtime", "1x"]) == 3
    err = capsys.readouterr().err
    error = err[err.index("goalloc: error:"):]
    assert error.count("\n") == 1
    assert error.startswith("goalloc: error: example.com/broken does not compile: ./broken.go:4")


def test_auto_paths_are_created_for_the_api(toolchain, module):
    src = module("simple")
    run = run_benchmarks(toolchain, None, bench="Prealloc", count=1, cwd=src, benchtime="1x",
                         memprofile_dir=AUTO, out=AUTO, progress=None)
    stem = Path(run.out_path).with_suffix("")
    assert stem.parent == src / ".goalloc" / "bench" and stem.is_dir()
    assert Path(run.profiles["example.com/simple"]).parent == stem

"""Fault injection: every command with its report going nowhere good.

Each command runs as a user would start it (a new interpreter), with its output on a full
device (/dev/full), on a closed stdout, into a pipe nobody reads (EPIPE), into a file that
cannot grow (a file size limit: EFBIG) over an older report, and with an unwritable cache.
A write that fails is one ``goalloc: error:`` line and exit 2 (never a traceback, never 1,
never a lost file); an unwritable cache only costs speed: one warning, the usual result.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


HERE = Path(__file__).resolve().parent
SRC = str(HERE.parent / "src")
EXAMPLE = str(HERE.parent / "src" / "goalloc" / "example")
BENCH = HERE / "testdata" / "bench"
GCLOG = str(HERE / "testdata" / "gctrace" / "mixed.log")
ALLOCS = HERE / "testdata" / "profiles" / "allocs"

FULL = "/dev/full"
OLD_REPORT = "an older report that must survive\n"


@pytest.fixture(scope="module")
def profile_file(toolchain, tmp_path_factory) -> str:
    """A real allocs profile from `go test -memprofile`."""
    work = tmp_path_factory.mktemp("faults") / "allocs"
    shutil.copytree(ALLOCS, work)
    out = work / "mem.pprof"
    proc = toolchain.run(["test", "-run=^$", "-bench=.", "-benchtime=50x",
                          f"-memprofile={out}", "-o", str(work / "allocs.test"), "."], cwd=work)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return str(out)


def commands(profile: str) -> dict[str, list[str]]:
    return {
        "scan": ["scan", "--example", "--no-progress"],
        "scan-json": ["scan", "--example", "--no-progress", "--format", "json"],
        "lint": ["lint", "-C", EXAMPLE],
        "grow": ["grow", "slice", "--elem", "int64", "--n", "1000", "--go", "1.27"],
        "profile": ["profile", profile, "--source", str(ALLOCS)],
        "bench-compare": ["bench", "compare", str(BENCH / "old.txt"), str(BENCH / "new.txt")],
        "gctrace": ["gctrace", GCLOG],
    }


# verify runs benchmarks: two faults are enough to show its output goes the same way.
VERIFY = ["verify", "--example", "--benchtime", "1x", "--no-rules"]
NAMES = ["scan", "scan-json", "lint", "grow", "profile", "bench-compare", "gctrace"]


def run_goalloc(args, *, stdout=None, close_stdout=False, env=None, fsize=None, cwd=None,
                encoding="utf-8"):
    def setup():
        if close_stdout:
            os.close(1)
        if fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    environment = dict(os.environ, PYTHONPATH=SRC, **(env or {}))
    return subprocess.run([sys.executable, "-m", "goalloc", *args], stdout=stdout,
                          stderr=subprocess.PIPE, encoding=encoding, env=environment,
                          preexec_fn=setup, cwd=cwd, timeout=600)


def assert_one_error(proc, *needles):
    err = proc.stderr
    assert "Traceback" not in err and "Exception ignored" not in err, err
    errors = [ln for ln in err.splitlines() if ln.startswith("goalloc: error:")]
    assert len(errors) == 1, err
    assert err.rstrip("\n").splitlines()[-1] == errors[0]  # the last word, nothing after it
    for needle in needles:
        assert needle in errors[0], err
    assert proc.returncode == 2, err


needs_dev_full = pytest.mark.skipif(not os.path.exists(FULL), reason="no /dev/full here")


@needs_dev_full
@pytest.mark.parametrize("name", NAMES)
def test_stdout_on_a_full_device(name, profile_file):
    with open(FULL, "w") as full:
        proc = run_goalloc(commands(profile_file)[name], stdout=full)
    assert_one_error(proc, "standard output", "No space left on device")


@needs_dev_full
@pytest.mark.parametrize("name", NAMES)
def test_output_file_on_a_full_device(name, profile_file):
    proc = run_goalloc(commands(profile_file)[name] + ["-o", FULL], stdout=subprocess.DEVNULL)
    assert_one_error(proc, FULL, "No space left on device")


@pytest.mark.parametrize("name", NAMES)
def test_closed_stdout(name, profile_file):
    proc = run_goalloc(commands(profile_file)[name], close_stdout=True)
    assert_one_error(proc, "standard output", "closed")


@pytest.mark.parametrize("name", NAMES)
def test_reader_gone(name, profile_file):
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = run_goalloc(commands(profile_file)[name], stdout=write_end)
    finally:
        os.close(write_end)
    assert_one_error(proc, "standard output", "Broken pipe")


@pytest.mark.parametrize("name", NAMES)
def test_failed_write_keeps_the_old_report(name, profile_file, tmp_path):
    """The file system refuses the new report half way (EFBIG): the old one is intact and
    no temporary file is left."""
    report = tmp_path / "report.out"
    report.write_text(OLD_REPORT)
    os.chmod(report, 0o644)
    proc = run_goalloc(commands(profile_file)[name] + ["-o", str(report)],
                       stdout=subprocess.DEVNULL, fsize=64)
    assert_one_error(proc, str(report), "File too large")
    assert report.read_text() == OLD_REPORT
    assert os.listdir(tmp_path) == ["report.out"]


@needs_dev_full
def test_verify_output_faults(toolchain):
    """(A file size limit would stop the go commands verify runs too: the old-report case is
    the same atomic write as every other command's, tested above.)"""
    with open(FULL, "w") as full:
        assert_one_error(run_goalloc(VERIFY, stdout=full), "No space left on device")
    assert_one_error(run_goalloc(VERIFY, close_stdout=True), "closed")


@pytest.mark.parametrize("name", NAMES + ["verify"])
def test_unwritable_cache_is_only_slower(name, profile_file, tmp_path):
    """The cache directory sits under a regular file (chmod does not stop root): the command
    does its usual work, with at most one warning about the cache."""
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    args = VERIFY if name == "verify" else commands(profile_file)[name]
    proc = run_goalloc(args, stdout=subprocess.PIPE,
                       env={"GOALLOC_CACHE_DIR": str(blocker / "cache"),
                            "TMPDIR": str(tmp_path)})
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr and "goalloc: error" not in proc.stderr
    assert proc.stdout.strip()
    warnings = [ln for ln in proc.stderr.splitlines() if "cache directory" in ln]
    assert len(warnings) <= 1
    if name not in ("grow", "bench-compare", "gctrace"):  # these keep no cache
        assert len(warnings) == 1 and str(blocker) in warnings[0]
        assert "Not a directory" in warnings[0]


@pytest.mark.parametrize("switch", ["flag", "env"])
def test_no_cache_writes_no_persistent_cache(switch, tmp_path):
    """--no-cache / GOALLOC_NO_CACHE=1: nothing is read from or written to the cache
    directory, the facts helper's included (it is built in a directory removed at exit)."""
    cache_dir = tmp_path / "cache"
    env = {"GOALLOC_CACHE_DIR": str(cache_dir), "TMPDIR": str(tmp_path)}
    args = ["scan", "--example", "--no-progress"]
    if switch == "flag":
        args.append("--no-cache")
    else:
        env["GOALLOC_NO_CACHE"] = "1"
    proc = run_goalloc(args, stdout=subprocess.PIPE, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "source rules skipped" not in proc.stderr
    assert not cache_dir.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("goalloc-")]


@pytest.mark.parametrize("name", NAMES)
def test_stdout_encoding_without_the_glyphs(name, profile_file):
    """PYTHONIOENCODING=latin-1: the report still arrives, degraded, with one warning at
    most, and the command's usual exit code."""
    proc = run_goalloc(commands(profile_file)[name], stdout=subprocess.PIPE,
                       env={"PYTHONIOENCODING": "latin-1"}, encoding="latin-1")
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout.strip()
    assert len([ln for ln in proc.stderr.splitlines() if "encoding" in ln]) <= 1
    assert "\\u" not in proc.stdout or name == "scan-json"  # text gets look-alikes


def test_cache_fallback_warns_once(tmp_path, monkeypatch, capsys):
    from goalloc import cache

    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("GOALLOC_CACHE_DIR", str(blocker / "cache"))
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.delenv("GOALLOC_NO_CACHE", raising=False)
    monkeypatch.setattr("tempfile.tempdir", None)
    cache.reset()
    try:
        first = cache.cache_dir("scan")
        second = cache.cache_dir("facts")
    finally:
        cache.reset()
    assert os.path.dirname(first) == os.path.dirname(second) == \
        str(tmp_path / f"goalloc-cache-{os.getuid()}")
    err = capsys.readouterr().err
    assert err.count("cannot use the cache directory") == 1


def test_cache_disable_and_reset(tmp_path, monkeypatch):
    from goalloc import cache

    monkeypatch.setenv("GOALLOC_CACHE_DIR", str(tmp_path / "c"))
    monkeypatch.delenv("GOALLOC_NO_CACHE", raising=False)
    cache.reset()
    assert cache.cache_dir("scan") == str(tmp_path / "c" / "scan")
    cache.disable()
    try:
        assert cache.cache_dir("scan") is None
        assert not cache.root().startswith(str(tmp_path / "c"))
    finally:
        cache.reset()
    assert cache.enabled()


# --- Ctrl-C: exit 130, one line, nothing left behind -----------------------------------------


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            return [int(p) for p in fh.read().split()]
    except OSError:
        return []


def _interrupt(args, *, when, cwd, stdin=subprocess.DEVNULL):
    import signal
    import time

    proc = subprocess.Popen([sys.executable, "-m", "goalloc", *args], cwd=cwd, stdin=stdin,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, PYTHONPATH=SRC))
    deadline = time.monotonic() + 120
    while not when(proc) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None, "the command finished before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    return proc.returncode, out, err


def _running_go(proc) -> bool:
    return bool(_children(proc.pid))


def _reading_stdin(proc) -> bool:
    """The interpreter has started and blocks reading the open pipe (not still importing:
    a signal then would come before goalloc's handler exists). Under load start-up takes
    seconds, so ask the kernel what the process waits on."""
    try:
        with open(f"/proc/{proc.pid}/wchan") as fh:
            return "pipe" in fh.read()
    except OSError:
        return False


@pytest.mark.skipif(not os.path.exists("/proc/self/task"), reason="needs Linux /proc")
@pytest.mark.parametrize("name,args,when", [
    ("scan", ["scan", "net/http", "--no-cache", "--no-rules", "--no-progress"], _running_go),
    ("lint", ["lint", "-C", EXAMPLE], _running_go),
    ("verify", ["verify", "--example", "--benchtime", "2s", "--no-rules"], _running_go),
    ("gctrace", ["gctrace", "-"], _reading_stdin),
    ("bench-compare", ["bench", "compare", str(BENCH / "old.txt"), "-"], _reading_stdin),
])
def test_interrupt_is_exit_130(toolchain, tmp_path, name, args, when):
    read_end, write_end = os.pipe()  # an open, silent stdin
    try:
        code, out, err = _interrupt(args + ["-o", str(tmp_path / "report.out")], when=when,
                                    cwd=tmp_path, stdin=read_end)
    finally:
        os.close(read_end)
        os.close(write_end)
    assert code == 130, err
    assert err.rstrip("\n").splitlines()[-1] == "goalloc: interrupted" and "Traceback" not in err
    assert os.listdir(tmp_path) == []  # no report, no temporary file, no folder

"""Command-line behaviour with no other test: scan's filters and switches (--limit, --package,
--heap-only, -v, --tags, --no-cache), GOOS/GOARCH from the environment, lint
--fail-on-findings, and Ctrl-C during a build (exit 130, one line).

Everything goes through goalloc.cli.main or `python -m goalloc`, with the real compiler (or,
for Ctrl-C, a stand-in go binary that never finishes its build)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from goalloc import cache
from goalloc.cli import main

SRC = Path(__file__).resolve().parent.parent / "src"
UNITS = str(Path(__file__).resolve().parent / "testdata" / "escape" / "units")
SITE_LINE = re.compile(r"^(\S+:\d+:\d+): ")


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def scan_json(capsys, *argv) -> dict:
    code, out, err = run(capsys, "scan", "--no-progress", "--no-rules", "--format", "json", *argv)
    assert code == 0, err
    return json.loads(out)


def module(root: Path, files: dict[str, str]) -> str:
    (root / "go.mod").write_text("module example.com/m\n\ngo 1.21\n")
    for name, text in files.items():
        (root / name).write_text(textwrap.dedent(text))
    return str(root)


def section(text: str, title: str) -> list[str]:
    """The site positions listed under a heading of scan's text report."""
    lines = text.splitlines()
    if title not in lines:
        return []
    out = []
    for line in lines[lines.index(title) + 1:]:
        if not line.strip():
            break
        m = SITE_LINE.match(line)
        if m:
            out.append(m.group(1))
    return out


def position(site: dict) -> str:
    return f"{site['file']}:{site['line']}:{site['col']}"


def python_m_goalloc() -> tuple[list[str], dict]:
    """argv and environment that run this tree's goalloc in a child process."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(SRC), *filter(None, [os.environ.get("PYTHONPATH")])])}
    return [sys.executable, "-m", "goalloc"], env


# --- scan's filters and switches ----------------------------------------------------------------

def test_limit_lists_the_first_n_heap_sites(capsys):
    code, full, _ = run(capsys, "scan", "-C", UNITS, "--no-progress", "--no-rules")
    assert code == 0
    listed = section(full, "Heap sites")
    assert len(listed) > 5 and "more (use --format json" not in full
    code, limited, _ = run(capsys, "scan", "-C", UNITS, "--no-progress", "--no-rules",
                           "--limit", "3")
    assert code == 0
    assert section(limited, "Heap sites") == listed[:3]
    assert f"... {len(listed) - 3} more" in limited  # inlined copies are listed with their origin
    code, none, _ = run(capsys, "scan", "-C", UNITS, "--no-progress", "--no-rules", "--limit", "0")
    assert code == 0 and section(none, "Heap sites") == []
    code, _, err = run(capsys, "scan", "-C", UNITS, "--limit", "-1")
    assert code == 2 and "--limit" in err and err.count("\n") == 1


def test_package_globs_select_packages(capsys):
    every = scan_json(capsys, "-C", UNITS)["sites"]
    helper = [s for s in every if s["package"] == "example.com/units/helper"]
    assert helper and len(helper) < len(every)
    assert scan_json(capsys, "-C", UNITS, "--package", "example.com/units/helper")["sites"] == helper
    assert scan_json(capsys, "-C", UNITS, "--package", "*/helper")["sites"] == helper
    both = scan_json(capsys, "-C", UNITS, "--package", "*/helper", "--package", "example.com/units")
    assert both["sites"] == every  # repeatable: the union


def test_heap_only_leaves_out_stack_sites(capsys):
    every = scan_json(capsys, "-C", UNITS)["sites"]
    heap = [s for s in every if s["verdict"] == "heap"]
    assert 0 < len(heap) < len(every)
    assert scan_json(capsys, "-C", UNITS, "--heap-only")["sites"] == heap
    code, text, _ = run(capsys, "scan", "-C", UNITS, "--no-progress", "--no-rules", "-v",
                        "--heap-only")
    assert code == 0 and "Stack sites" not in text


def test_verbose_shows_flows_and_stack_sites(capsys):
    every = scan_json(capsys, "-C", UNITS)["sites"]
    stack = [position(s) for s in every if s["verdict"] == "stack"]
    code, plain, _ = run(capsys, "scan", "-C", UNITS, "--no-progress", "--no-rules")
    assert code == 0 and "Stack sites" not in plain and "    flow:" not in plain
    code, verbose, _ = run(capsys, "scan", "-C", UNITS, "--no-progress", "--no-rules", "-v")
    assert code == 0
    assert section(verbose, "Stack sites") == stack
    # every heap site of the module's own files is followed by its flow, step by step
    returned = next(s for s in every if s["function"] == "RetSlice")
    listing = verbose[verbose.index("\nHeap sites\n"):]  # below the fix-first list
    block = listing[listing.index(f"\n{position(returned)}: ") + 1:].split("\n", 1)[1]
    block = block[:block.index("\nreturned.go:")]
    steps = [f"{st['file']}:{st['line']}:{st['col']}  {st['expr']} ({st['reason']})"
             for st in returned["flow"]]
    assert "    flow:" in block and steps and all(step in block for step in steps)


def test_tags_select_build_constrained_files(capsys, tmp_path):
    d = module(tmp_path, {
        "m.go": "package m\n\nfunc Plain() int { return 1 }\n",
        "extra.go": """\
            //go:build special

            package m

            func Special() []int {
            	return make([]int, 3)
            }
            """,
    })
    without = scan_json(capsys, "-C", d)["sites"]
    assert not any(s["file"] == "extra.go" for s in without)
    tagged = scan_json(capsys, "-C", d, "--tags", "special")["sites"]
    special = [s for s in tagged if s["file"] == "extra.go"]
    assert [(s["function"], s["verdict"], s["cause"]) for s in special] == \
        [("Special", "heap", "returned")]


def test_no_cache_neither_reads_nor_writes_the_cache(capsys, tmp_path, monkeypatch):
    store = tmp_path / "cache"
    monkeypatch.setenv("GOALLOC_CACHE_DIR", str(store))
    (tmp_path / "mod").mkdir()
    d = module(tmp_path / "mod", {"m.go": "package m\n\nfunc F() []int { return make([]int, 5) }\n"})
    cached = scan_json(capsys, "-C", d)
    assert any(files for _, _, files in os.walk(store / "scan"))

    def no_reading(*args):
        raise AssertionError("--no-cache read the cache")

    monkeypatch.setattr(cache, "load", no_reading)
    monkeypatch.setattr(cache, "store", no_reading)
    assert scan_json(capsys, "-C", d, "--no-cache")["sites"] == cached["sites"]


# --- the target platform comes from the environment ---------------------------------------------

@pytest.mark.parametrize("goos,goarch,own_file", [("windows", "amd64", "w_windows.go"),
                                                  ("linux", "arm64", "a_arm64.go")])
def test_goos_and_goarch_choose_the_files(capsys, tmp_path, monkeypatch, goos, goarch, own_file):
    d = module(tmp_path, {
        "m.go": "package m\n\nfunc Plain() int { return 1 }\n",
        "w_windows.go": "package m\n\nfunc W() []int { return make([]int, 4) }\n",
        "a_arm64.go": "package m\n\nfunc A() map[int]int { return make(map[int]int) }\n",
        "l_linux_amd64.go": "package m\n\nfunc L() *int {\n\tv := 1\n\treturn &v\n}\n",
    })
    monkeypatch.setenv("GOOS", goos)
    monkeypatch.setenv("GOARCH", goarch)
    doc = scan_json(capsys, "-C", d)
    assert (doc["go"]["goos"], doc["go"]["goarch"]) == (goos, goarch)
    assert {s["file"] for s in doc["sites"] if s["verdict"] == "heap"} == {own_file}


# --- lint --fail-on-findings ------------------------------------------------------------------

def test_lint_fail_on_findings(capsys, tmp_path):
    code, out, _ = run(capsys, "lint", "-C", UNITS)
    assert code == 0 and "[prealloc-slice]" in out
    code, out, _ = run(capsys, "lint", "-C", UNITS, "--fail-on-findings")
    assert code == 1 and "[prealloc-slice]" in out
    clean = module(tmp_path, {"m.go": "package m\n\nfunc F(n int) int { return n * 2 }\n"})
    code, out, err = run(capsys, "lint", "-C", clean, "--fail-on-findings", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["findings"] == []


# --- Ctrl-C -----------------------------------------------------------------------------

def _go_that_hangs(tmp_path: Path) -> tuple[str, Path]:
    """A go binary that answers `go env` and then never finishes `go build`. It creates
    `started` once goalloc has read more than a pipe's buffer of its output, so goalloc is
    then in its read loop, not still starting the build."""
    started = tmp_path / "started"
    go = tmp_path / "go"
    go.write_text(textwrap.dedent(f"""\
        #!{sys.executable}
        import json, sys, time
        if sys.argv[1] == "env":
            print(json.dumps({{"GOVERSION": "go1.27.3", "GOROOT": {str(tmp_path / "none")!r},
                              "GOOS": "linux", "GOARCH": "amd64"}}))
            sys.exit(0)
        print("# example.com/m")
        sys.stdout.write("./m.go:3:6: can inline F with cost 2 as: func() int {{ return 1 }}\\n"
                         * 4000)
        sys.stdout.flush()
        open({str(started)!r}, "w").close()
        time.sleep(120)
        """))
    go.chmod(0o755)
    return str(go), started


def test_ctrl_c_exits_130_with_one_line(tmp_path):
    go, started = _go_that_hangs(tmp_path)
    d = module(tmp_path, {"m.go": "package m\n"})
    argv, env = python_m_goalloc()
    # A shell's background job ignores SIGINT, and an ignored signal stays ignored across exec;
    # the terminal a user presses Ctrl-C in has not ignored it.
    proc = subprocess.Popen([*argv, "scan", "-C", d, "--no-progress", "--no-rules"],
                            env={**env, "GOALLOC_GO": go}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 60
        while not started.exists():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the build never started"
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        try:
            out, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            raise AssertionError(f"still running 60 s after SIGINT; stdout {out!r}, stderr {err!r}")
    finally:
        proc.kill()
    assert proc.returncode == 130
    assert err == "goalloc: interrupted\n" and out == ""


def test_scan_below_the_module_root_reports_real_module_relative_paths(capsys):
    """Run from a package directory, the compiler prints paths relative to the module root
    ("realistic/realistic.go"), not to the directory it runs in."""
    import json
    from pathlib import Path

    root = Path(__file__).resolve().parent / "testdata" / "rules"
    code = main(["scan", "-C", str(root / "realistic"), "--no-rules", "--no-progress",
                 "--no-cache", "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0
    files = {s["file"] for s in doc["sites"]}
    assert files == {"realistic/realistic.go"}
    assert all((root / f).is_file() for f in files)


def test_replayed_diagnostics_of_a_compile_run_in_the_package_directory(tmp_path, capsys):
    """The go command replays a cached compile's output with the paths it first printed: run
    first inside the package directory, they are "./file.go" even when replayed for a build
    run from the module root."""
    import json
    import uuid

    from goalloc.collect.toolchain import find_toolchain

    root = tmp_path / "m"
    (root / "sub").mkdir(parents=True)
    (root / "go.mod").write_text("module example.com/m\n\ngo 1.21\n")
    (root / "main.go").write_text("package main\n\nfunc main() {}\n")  # a decoy ./main.go
    marker = uuid.uuid4().hex  # a package the build cache has never seen
    (root / "sub" / "main.go").write_text(
        f'package sub\n\n// {marker}\nfunc Make(n int) []int {{ return make([]int, n) }}\n')
    tc = find_toolchain()
    first = tc.run(["build", "-gcflags=-m=2", "-o", os.devnull, "."], cwd=str(root / "sub"))
    assert "./main.go" in first.stdout + first.stderr
    code = main(["scan", "-C", str(root), "--no-rules", "--no-progress", "--no-cache",
                 "--format", "json", "./sub"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0
    assert {s["file"] for s in doc["sites"]} == {"sub/main.go"}

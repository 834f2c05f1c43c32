"""Exit 3 means "what compiled is still reported", also when a package fails before the
compiler; and the go command's own reason reaches the user whole (multi-line errors joined,
bounded), never a progress line or a bare "failed"."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from goalloc.cli import main
from goalloc.collect.toolchain import find_toolchain, go_reason
from goalloc.errors import GoallocError

SRC = str(Path(__file__).resolve().parents[1] / "src")


@pytest.fixture(scope="module", autouse=True)
def toolchain():
    try:
        return find_toolchain()
    except GoallocError as exc:
        pytest.skip(f"no Go toolchain: {exc}")


def _module(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "go.mod").write_text("module example.com/m\n\ngo 1.21\n")
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


GOOD = {"good/good.go": "package good\n\nfunc Make(n int) []int { return make([]int, n) }\n"}
BROKEN_BEFORE_COMPILER = {
    "empty/empty.go": "",
    "twopkg/a.go": "package a\n",
    "twopkg/b.go": "package b\n",
    "badimport/b.go": 'package badimport\n\nimport "example.com/nothere/pkg"\n\nvar X = pkg.Y\n',
    "useempty/u.go": 'package useempty\n\nimport _ "example.com/m/empty"\n',
}


def _scan_json(args, capsys):
    code = main(["scan", "--no-rules", "--no-progress", "--format", "json", *args])
    captured = capsys.readouterr()
    return code, json.loads(captured.out), captured.err


def test_good_package_is_reported_beside_packages_that_do_not_load(tmp_path, capsys):
    d = _module(tmp_path / "m", {**GOOD, **BROKEN_BEFORE_COMPILER,
                                 "typeerr/t.go": 'package typeerr\n\nfunc F() int { return "x" }\n'})
    code, doc, err = _scan_json(["-C", str(d)], capsys)
    assert code == 3
    assert {s["package"] for s in doc["sites"]} == {"example.com/m/good"}
    assert any(s["expr"] == "make([]int, n)" and s["verdict"] == "heap" for s in doc["sites"])
    reasons = {e["package"]: e for e in doc["errors"]}
    assert set(reasons) == {f"example.com/m/{p}" for p in
                            ("empty", "twopkg", "badimport", "useempty", "typeerr")}
    assert reasons["example.com/m/empty"]["file"] == "empty/empty.go"
    assert "expected 'package'" in reasons["example.com/m/empty"]["message"]
    assert "found packages a (a.go) and b (b.go)" in reasons["example.com/m/twopkg"]["message"]
    # The multi-line message keeps its second line (the command that fixes it).
    assert reasons["example.com/m/badimport"]["message"].endswith(
        "to add it: go get example.com/nothere/pkg")
    assert reasons["example.com/m/useempty"]["message"].startswith("import example.com/m/empty:")
    assert "cannot use" in reasons["example.com/m/typeerr"]["message"]  # the compiler's own
    error_lines = [ln for ln in err.splitlines() if ln.startswith("goalloc: error:")]
    assert len(error_lines) == 1 and "5 package(s) do not compile" in error_lines[0]


def test_only_broken_packages_is_exit_3_with_their_reasons(tmp_path, capsys):
    d = _module(tmp_path / "m", {"empty/empty.go": ""})
    code, doc, err = _scan_json(["-C", str(d)], capsys)
    assert code == 3 and doc["sites"] == []
    assert "expected 'package', found 'EOF'" in err


def test_missing_directory_stays_an_input_error(tmp_path, capsys):
    d = _module(tmp_path / "m", {**GOOD, "empty/empty.go": ""})
    assert main(["scan", "--no-rules", "--no-progress", "-C", str(d), "./good",
                 "./nothere"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("goalloc: error: ") and "nothere" in err and "Traceback" not in err


def test_go_mod_error_keeps_its_detail(tmp_path, capsys):
    d = tmp_path / "m"
    d.mkdir()
    (d / "go.mod").write_text("module m\n\ngo 1.21\nrequire (\n")
    (d / "m.go").write_text("package m\n")
    assert main(["scan", "--no-rules", "--no-progress", "-C", str(d)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "errors parsing go.mod: go.mod:" in err and "syntax error" in err


def test_unavailable_toolchain_names_the_real_reason(tmp_path):
    """GOTOOLCHAIN asks for a release that cannot be had: the reason, not 'downloading'."""
    env = dict(os.environ, PYTHONPATH=SRC, GOTOOLCHAIN="go1.99.0", GOPROXY="off")
    proc = subprocess.run([sys.executable, "-m", "goalloc", "scan", "--example", "--no-rules",
                           "--no-progress"], capture_output=True, text=True, env=env,
                          cwd=tmp_path, timeout=300)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("goalloc: error:")
    assert "go1.99.0" in proc.stderr and "downloading" not in proc.stderr
    assert "toolchain not available" in proc.stderr  # why the download could not happen


def test_go_reason_joins_and_bounds():
    assert go_reason("go: errors parsing go.mod:\ngo.mod:6: syntax error\n") == \
        "errors parsing go.mod: go.mod:6: syntax error"
    assert go_reason("go: downloading go1.99.0 (linux/amd64)\n"
                     "go: download go1.99.0: toolchain not available\n") == \
        "download go1.99.0: toolchain not available"
    assert go_reason("a.go:1: x; to add it:\n\tgo get example.com/x\n") == \
        "a.go:1: x; to add it: go get example.com/x"
    assert go_reason("first\nsecond\n") == "first; second"
    assert go_reason("", "fallback") == "fallback"
    long = go_reason("\n".join(f"line {i} " + "x" * 50 for i in range(100)))
    assert len(long) <= 600 and long.endswith("...")


LOOPY = {"good/loop.go": ("package good\n\nfunc Evens(xs []int) []int {\n\tvar out []int\n"
                          "\tfor _, x := range xs {\n\t\tout = append(out, 2*x)\n\t}\n"
                          "\treturn out\n}\n"),
         "good/loop_test.go": ('package good\n\nimport "testing"\n\n'
                               'func BenchmarkEvens(b *testing.B) {\n\tfor i := 0; i < b.N; i++ '
                               '{\n\t\t_ = Evens(make([]int, 100))\n\t}\n}\n')}


def test_lint_reports_good_packages_beside_broken_ones(tmp_path, capsys):
    d = _module(tmp_path / "m", {**GOOD, **LOOPY, "empty/empty.go": "",
                                 "typeerr/t.go": 'package typeerr\n\nfunc F() int { return "x" }\n'})
    code = main(["lint", "-C", str(d), "--format", "json", "--no-progress"])
    captured = capsys.readouterr()
    assert code == 3
    doc = json.loads(captured.out)
    assert "example.com/m/good" in doc["packages"]
    assert {f["rule"] for f in doc["findings"]} >= {"prealloc-slice"}
    broken = {p["package"] for p in doc["failed_packages"]}
    assert "example.com/m/typeerr" in broken
    assert captured.err.count("\n") == 1 and "does not type-check" in captured.err
    assert "the other packages' findings are reported" in captured.err


def test_verify_reports_what_ran_beside_a_package_that_does_not_compile(tmp_path, capsys):
    d = _module(tmp_path / "m", {**GOOD, **LOOPY,
                                 "typeerr/t.go": 'package typeerr\n\nfunc F() int { return "x" }\n',
                                 "typeerr/t_test.go": ('package typeerr\n\nimport "testing"\n\n'
                                                       'func BenchmarkF(b *testing.B) {}\n')})
    code = main(["verify", "-C", str(d), "--benchtime", "5x", "--format", "json",
                 "--no-progress", "--no-rules"])
    captured = capsys.readouterr()
    assert code == 3, captured.err
    doc = json.loads(captured.out)
    assert [b["name"].split("-")[0] for b in doc["benchmarks"]] == ["Evens"]
    assert any(m["function"].endswith("good.Evens") for m in doc["measured"])
    assert captured.err.strip().startswith("goalloc: error:") and "typeerr" in captured.err

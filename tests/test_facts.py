"""The facts helper: built once per Go version into the cache, and the facts it emits."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest

from goalloc.errors import EXIT_COMPILE, ToolchainError
import goalloc.collect.facts as fbuild
from goalloc.collect.facts import collect_facts
from goalloc.facts import FactsError, Layout
from goalloc.collect.toolchain import find_toolchain

SAMPLE = '''\
package sample

import "fmt"

type Order struct {
	ID   int64
	Name string
}

type Big struct{ a [20]int64 }

func (b Big) Sum() int64   { return b.a[0] }
func (b *Big) Ptr() int64  { return b.a[1] }

func IDs(orders []Order) []int64 {
	var ids []int64
	for _, o := range orders {
		ids = append(ids, o.ID)
	}
	return ids
}

func Counted(n int) []string {
	out := make([]string, 0)
	for i := 0; i < n; i++ {
		if i%2 == 0 {
			continue
		}
		out = append(out, fmt.Sprint(i))
	}
	return out
}

func Maps(keys [][]byte, m map[string]int) {
	seen := map[string]bool{}
	for _, k := range keys {
		m[string(k)]++
		if m[string(k)] > 1 {
			delete(m, string(k))
		}
		seen[string(k)] = true
	}
	clear(seen)
}

func Ranges(bs []Big) (t int64) {
	for _, b := range bs {
		t += b.a[0]
	}
	for i := range 8 {
		t += int64(i)
	}
	return t
}

func Go(xs []int) {
	var out []int
	done := make(chan bool)
	go func() {
		out = append(out, xs...)
		done <- true
	}()
	<-done
	_ = out // goalloc:ignore prealloc-slice,box-in-loop checked
}
'''


@pytest.fixture(scope="module")
def toolchain():
    return find_toolchain()


@pytest.fixture(scope="module")
def sample_module(tmp_path_factory):
    d = tmp_path_factory.mktemp("factsmod")
    (d / "go.mod").write_text("module example.com/sample\n\ngo 1.23\n")
    (d / "sample").mkdir()
    (d / "sample" / "sample.go").write_text(SAMPLE)
    return d


@pytest.fixture(scope="module")
def facts(toolchain, sample_module):
    return collect_facts(toolchain, sample_module, ["./..."])


def _pkg(facts):
    assert [p.path for p in facts.packages] == ["example.com/sample/sample"]
    return facts.packages[0]


def _fn(items, name):
    return [x for x in items if x.function == name]


def test_helper_built_once_into_versioned_cache(toolchain, tmp_path, monkeypatch):
    monkeypatch.setenv("GOALLOC_CACHE_DIR", str(tmp_path))
    first = fbuild.helper_binary(toolchain)
    assert first.parent.parent == tmp_path / "facts-helper"
    assert first.parent.name == f"{toolchain.version}-{fbuild.source_hash()}"
    stamp = first.stat().st_mtime_ns
    again = fbuild.helper_binary(toolchain)
    assert again == first and again.stat().st_mtime_ns == stamp  # not rebuilt
    assert os.access(first, os.X_OK)


def test_concurrent_first_runs_share_one_build(toolchain, tmp_path, monkeypatch):
    monkeypatch.setenv("GOALLOC_CACHE_DIR", str(tmp_path))
    results, errors = [], []

    def worker():
        try:
            results.append(fbuild.helper_binary(toolchain))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(set(results)) == 1
    # only the binary and the lock are left: no half-written temporaries
    names = sorted(p.name for p in results[0].parent.iterdir())
    assert names == [".lock", fbuild.BINARY_NAME]


def test_helper_that_does_not_build_is_a_toolchain_error(toolchain, tmp_path, monkeypatch):
    broken = tmp_path / "helper"
    broken.mkdir()
    (broken / "go.mod").write_text("module broken\n\ngo 1.21\n")
    (broken / "main.go").write_text("package main\n\nfunc main() { undefined() }\n")
    monkeypatch.setattr(fbuild, "HELPER_DIR", broken)
    monkeypatch.setenv("GOALLOC_CACHE_DIR", str(tmp_path / "cache"))
    with pytest.raises(ToolchainError) as exc:
        fbuild.helper_binary(toolchain)
    assert "cannot build the facts helper" in str(exc.value)
    assert "\n" not in str(exc.value)


def test_loops_and_bounds(facts):
    pkg = _pkg(facts)
    (ids_loop,) = _fn(pkg.loops, "IDs")
    assert ids_loop.kind == "range" and ids_loop.range_over == "slice"
    assert ids_loop.bound == "len(orders)" and ids_loop.bound_exact
    assert not ids_loop.exits_early
    (counted,) = _fn(pkg.loops, "Counted")
    assert counted.kind == "for" and counted.bound == "n"
    assert len(counted.continues) == 1
    int_loop = [lp for lp in _fn(pkg.loops, "Ranges") if lp.range_over == "int"]
    assert int_loop[0].bound_const == 8


def test_appends_and_declarations(facts):
    pkg = _pkg(facts)
    (ap,) = _fn(pkg.appends, "IDs")
    assert ap.target.name == "ids" and ap.assigned.key == ap.target.key
    assert ap.every_iteration and ap.elements == 1
    assert ap.elem == Layout(type="int64", size=8, align=8, pointers=False)
    (cap,) = _fn(pkg.appends, "Counted")
    assert not cap.every_iteration  # after a continue
    ids = next(v for v in pkg.vars if v.name == "ids")
    assert ids.init == "nil" and ids.type_text == "[]int64" and ids.decl_kind == "var"
    assert [w.kind for w in ids.writes] == ["decl", "append-self"]
    out = next(v for v in pkg.vars if v.function == "Counted" and v.name == "out")
    assert out.init == "make" and out.elem.size == 16 and out.elem.pointers
    go_out = next(v for v in pkg.vars if v.function == "Go" and v.name == "out")
    assert go_out.captured and "closure-write" in [w.kind for w in go_out.writes]


def test_maps_and_conversions(facts):
    pkg = _pkg(facts)
    ops = {(o.op, o.target.name) for o in _fn(pkg.map_ops, "Maps")}
    assert ops == {("update", "m"), ("delete", "m"), ("insert", "seen"), ("clear", "seen")}
    contexts = sorted(c.context for c in _fn(pkg.conversions, "Maps"))
    assert contexts == ["call-arg", "map-index-read", "map-index-update", "map-index-write"]
    assert all(c.kind == "string-from-bytes" and c.loop >= 0
               for c in _fn(pkg.conversions, "Maps"))


def test_boxing_receivers_copies_closures_ignores(facts):
    pkg = _pkg(facts)
    (box,) = _fn(pkg.interface_conversions, "Counted")
    assert box.callee == "fmt.Sprint" and box.from_type == "int" and box.size == 8
    assert not box.constant and not box.pointer_shaped and box.loop >= 0
    recv = {r.function: r for r in pkg.receivers}
    assert recv["Big.Sum"].size == 160 and not recv["Big.Sum"].pointer
    assert recv["(*Big).Ptr"].pointer
    (rc,) = pkg.range_copies
    assert rc.type == "Big" and rc.size == 160 and rc.over == "slice"
    (cl,) = pkg.closures
    assert cl.context == "go"
    out = next(c for c in cl.captures if c.name == "out")
    assert out.kind == "slice" and out.written_inside
    (ig,) = pkg.ignores
    assert ig.rules == ["prealloc-slice", "box-in-loop"] and ig.reason == "checked"


def test_sizes_follow_target_goarch(toolchain, sample_module):
    facts = collect_facts(toolchain, sample_module, ["./..."], env={"GOARCH": "386"})
    pkg = facts.packages[0]
    assert facts.goarch == "386"
    out = next(v for v in pkg.vars if v.function == "Counted" and v.name == "out")
    assert out.elem.size == 8  # a string header is two 4-byte words on 386


def test_type_error_is_one_line_exit_3(toolchain, tmp_path):
    (tmp_path / "go.mod").write_text("module example.com/broken\n\ngo 1.23\n")
    (tmp_path / "b.go").write_text("package broken\n\nfunc F() int { return \"x\" }\n")
    with pytest.raises(FactsError) as exc:
        collect_facts(toolchain, tmp_path, ["./..."])
    assert exc.value.exit_code == EXIT_COMPILE
    msg = str(exc.value)
    assert "\n" not in msg and "does not type-check" in msg and "b.go:3" in msg
    proc = subprocess.run([sys.executable, "-m", "goalloc", "lint", "-C", str(tmp_path),
                           "--no-escape"], capture_output=True, text=True)
    assert proc.returncode == 3
    assert len(proc.stderr.strip().splitlines()) == 1
    assert proc.stderr.startswith("goalloc: error: package example.com/broken does not type-check")


def test_unknown_package_is_an_input_error(toolchain, sample_module):
    from goalloc.errors import InputError

    with pytest.raises(InputError) as exc:
        collect_facts(toolchain, sample_module, ["./nosuch"])
    assert exc.value.exit_code == 2 and "\n" not in str(exc.value)


def test_syntax_error_is_a_compile_error(toolchain, tmp_path):
    (tmp_path / "go.mod").write_text("module example.com/syn\n\ngo 1.23\n")
    (tmp_path / "x.go").write_text("package syn\n\nfunc F( {\n")
    with pytest.raises(FactsError, match=r"x\.go:3:9: expected"):
        collect_facts(toolchain, tmp_path, ["./..."])

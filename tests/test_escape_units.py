"""goalloc.escape's parts as units (parse, source, kinds, causes, origins) on recorded compiler
output, for Go 1.23 and the newest release.

The records (tests/testdata/escape/recorded/go1.NN.txt) are what `go build -gcflags=-m=2 ./...`
prints for the module tests/testdata/escape/units: Go 1.23 in the old format (headers without
" in F", "flow: A = B"), the newest release in the new one ("in F", "flow: A ← B"). They are
written by scripts/record_escape_fixtures.py, and the last test runs the real toolchains and
fails when a record is no longer what they print.

Expected answers come from the compiler's own lines (its function names in "can inline F" and
"F capturing by", the parameters it names in "leaking param") and from the labels in the Go
files ("heap: KIND/CAUSE"), never from goalloc.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from test_scan_std import SUMMARY

from goalloc.escape import kinds, source
from goalloc.escape.causes import CauseContext, Decision, Step, derive
from goalloc.escape.model import Position, Site
from goalloc.escape.origins import OriginFinder
from goalloc.escape.parse import PackageDiagnostics, parse_at, parse_lines

ROOT = Path(__file__).resolve().parent.parent


def _load_recorder():
    spec = importlib.util.spec_from_file_location(
        "record_escape_fixtures", ROOT / "scripts" / "record_escape_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


recorder = _load_recorder()
MODULE = recorder.MODULE
RELEASES = recorder.recorded_releases()
OLD_FORMAT = "1.23"  # the release whose headers name no function
LABEL = re.compile(r"// (heap(?:@go\d+\.\d+)?: .*)$")


@dataclass
class Record:
    release: str
    lines: list[str]
    diag: PackageDiagnostics


@pytest.fixture(scope="module", params=RELEASES)
def record(request) -> Record:
    lines = recorder.record_path(request.param).read_text().splitlines()
    return Record(request.param, lines, parse_lines(lines))


def local(printed: str) -> str | None:
    """'./returned.go' -> 'returned.go'; None for GOROOT files and compiler-made code."""
    if printed.startswith(("<", "$GOROOT")):
        return None
    return os.path.normpath(printed)


@functools.cache
def go_file(rel: str) -> source.GoFile:
    return source.load(str(MODULE / rel))


def position(rel: str, code: str, at: str) -> tuple[str, int, int]:
    """(file, line, col) of `at` on the one line of `rel` that contains `code`."""
    lines = [(i, t) for i, t in enumerate((MODULE / rel).read_text().splitlines(), 1) if code in t]
    assert len(lines) == 1, (rel, code, lines)
    line, text = lines[0]
    return rel, line, len(text[:text.index(code)].encode()) + text[text.index(code):].index(at) + 1


def labels(release: str) -> dict[tuple[str, int], list[tuple[str, str]]]:
    """(file, line) -> [(kind, cause), ...] in column order, for this release."""
    out = {}
    for path in sorted(MODULE.rglob("*.go")):
        for number, text in enumerate(path.read_text().splitlines(), 1):
            m = LABEL.search(text)
            if not m:
                continue
            chosen = None
            for part in m.group(1).split(";"):
                head, _, items = part.strip().partition(": ")
                if head == "heap" and chosen is None or head == f"heap@go{release}":
                    chosen = [] if items == "none" else [tuple(i.strip().split("/"))
                                                         for i in items.split(",")]
            if chosen:
                out[(str(path.relative_to(MODULE)), number)] = chosen
    return out


def heap_decisions(record: Record):
    """(file, line, col, expr, summary kind, explanations) of the heap decisions in the module's
    files, in position order; a go/defer wrapper is explained but never summarized."""
    found = [(local(s.pos[0]), s.pos[1], s.pos[2], s.expr, s.kind, s.explanations)
             for s in record.diag.summaries if s.kind in ("heap", "moved")]
    found += [(local(o.pos[0]), o.pos[1], o.pos[2], o.expr, "heap", [o])
              for o in record.diag.orphans if o.kind == "escape"]
    return sorted((d for d in found if d[0]), key=lambda d: d[:3])


def labelled(record: Record):
    """Each heap decision with its label (kind, cause)."""
    want = labels(record.release)
    by_line: dict[tuple, list] = {}
    for d in heap_decisions(record):
        by_line.setdefault(d[:2], []).append(d)
    assert {k: len(v) for k, v in by_line.items()} == {k: len(v) for k, v in want.items()}
    return [(d, label) for key, ds in by_line.items() for d, label in zip(ds, want[key])]


# --- the records ------------------------------------------------------------------------------

def test_records_cover_go_1_23_and_a_newer_release():
    assert RELEASES[0] == OLD_FORMAT and len(RELEASES) >= 2, RELEASES


def test_heap_decisions_are_the_labelled_ones(record):
    """The compiler's heap decisions fall on the labelled lines, as many as labelled."""
    assert len(labelled(record)) >= 25


# --- parse ------------------------------------------------------------------------------------

def test_every_line_is_read_and_every_summary_kept(record):
    assert record.diag.other == []
    printed = Counter()
    for line in record.lines:
        m = SUMMARY.match(line)
        if m and not m.group("msg").endswith(" in"):
            printed[(m.group("file"), int(m.group("line")), int(m.group("col") or 0),
                     m.group("msg"))] += 1
    parsed = Counter((*s.pos, s.raw) for s in record.diag.summaries)
    assert parsed == printed


def test_header_flow_and_steps_in_both_formats(record):
    ret = next(s for s in record.diag.summaries
               if s.pos == ("./returned.go", *position("returned.go", "s := make", "(")[1:]))
    assert (ret.kind, ret.expr) == ("heap", "make([]int, 8)")
    [ex] = ret.explanations
    assert ex.func == ("" if record.release == OLD_FORMAT else "RetSlice")
    assert ex.flows == [("s", "&{storage for make([]int, 8)}"), ("~r0", "s")]
    assert [(st.reason, st.flow_dst, st.expr) for st in ex.steps] == [
        ("spill", "s", "make([]int, 8)"), ("assign", "s", "s := make([]int, 8)"),
        ("return", "~r0", "return s")]
    _, line, col = position("returned.go", "return s", "return")
    assert parse_at(ex.steps[-1].at) == ("./returned.go", line, col)


def test_explanations_attach_to_their_decision(record):
    for s in record.diag.summaries:
        if s.kind in ("heap", "moved") and local(s.pos[0]):
            assert s.explanations and all(ex.pos == s.pos for ex in s.explanations), s
    orphans = {(local(o.pos[0]), o.pos[1], o.pos[2], o.kind, o.expr)
               for o in record.diag.orphans if local(o.pos[0])}
    assert orphans == {
        (*position("closures.go", "go work(buf, out)", "go"), "escape", "func literal"),
        (*position("returned.go", "func RetClosure", "n int"), "param", "n")}


def test_parameter_facts(record):
    leaks = {(local(s.pos[0]), s.pos[1], s.pos[2]): s for s in record.diag.summaries
             if s.kind == "leak" and local(s.pos[0])}
    # (file, signature, parameter) -> (content, result, level, root of its explanation)
    expected = {
        ("stores.go", "func keep(", "p *Point"): (False, "", 0, "{heap}"),
        ("stores.go", "func StoreMapValue(", "k string"): (False, "", 0, "{heap}"),
        ("stores.go", "func First(", "ps []"): (False, "~r0", 1, "~r0"),
        ("stores.go", "func Same(", "p *Point"): (False, "~r0", 0, "~r0"),
        ("stores.go", "func KeepFirst(", "ps []"): (True, "", 0, "{heap}"),
        ("closures.go", "func GoLiteral(", "out chan"): (False, "", 0,
                                                          "{storage for func literal}"),
        ("closures.go", "func GoCall(", "out chan"): (False, "", 0, "{storage for func literal}"),
        ("closures.go", "func MethodValue(", "p *Point"): (False, "", 0, "{storage for p.Sum}"),
    }
    got = {}
    for (rel, code, at), _ in expected.items():
        s = leaks[position(rel, code, at)]
        [ex] = s.explanations
        assert s.expr == ex.expr == at.split()[0]
        assert ex.func == ("" if record.release == OLD_FORMAT else code[5:-1])
        got[(rel, code, at)] = (s.content, s.result, s.level, ex.root)
    assert got == expected
    assert len(leaks) == len(expected)


def test_inlined_calls_and_captures(record):
    calls = {(local(p[0]), p[1], p[2]): v for p, v in record.diag.inlined_calls.items()}
    assert calls[position("returned.go", "return helper.NewSlice()", "()")] == ["helper.NewSlice"]
    assert calls[position("returned.go", "return helper.NewBuffer()", "()")] == \
        ["helper.NewBuffer"]
    assert calls[position("stores.go", "reflect.ValueOf(p)", "(p)")][:2] == \
        ["reflect.ValueOf", "reflect.unpackEface"]
    captures = {(local(p[0]), p[1], p[2]): v for p, v in record.diag.captures.items()}
    assert captures[position("closures.go", "count := 0", "count")] == ("ref", "count")
    assert captures[position("returned.go", "func RetClosure", "n int")] == ("value", "n")
    assert captures[position("closures.go", "v := &Point", "v")] == ("value", "v")


def test_zero_copy_conversion(record):
    zero = [(local(s.pos[0]), s.pos[1], s.pos[2], s.kind, s.expr)
            for s in record.diag.summaries if s.zero_copy]
    # a conversion is placed at its operand
    assert zero == [(*position("stores.go", "range []byte(s)", "s)"), "stack", "([]byte)(s)")]


# --- source -----------------------------------------------------------------------------------

_NAMED = re.compile(r"^(?P<pos>\S+): (?:can inline (?P<inl>\S+) with|cannot inline (?P<no>\S+):"
                    r"|(?P<cap>\S+) capturing by )")


def test_function_names_are_the_compilers(record):
    """The compiler names the function at each "can inline F" (the name or literal) and at each
    "F capturing by" (the captured variable); goalloc reads the same name from the source."""
    checked = 0
    for line in record.lines:
        m = _NAMED.match(line)
        if not m:
            continue
        name = m.group("inl") or m.group("no") or m.group("cap")
        file, ln, col = parse_at(m.group("pos"))
        if not local(file) or ".gowrap" in name:  # go/defer wrappers have no source
            continue
        assert go_file(local(file)).function_at(ln, col) == name, line
        checked += 1
    assert checked >= 45


def test_header_function_names_match_the_source(record):
    if record.release == OLD_FORMAT:
        assert not any(ex.func for s in record.diag.summaries for ex in s.explanations)
        return
    named = [(local(s.pos[0]), s.pos[1], s.pos[2], s.expr, ex.func)
             for s in record.diag.summaries for ex in s.explanations if local(s.pos[0])]
    assert len(named) >= 30
    for rel, line, col, expr, func in named:
        found = go_file(rel).function_at(line, col)
        if expr == "func literal":
            # At its own position a literal is itself ("can inline F.func1" is printed there);
            # the header names the function that allocates it.
            assert found.rsplit(".", 1)[0] == func, (rel, line, col)
        else:
            assert found == func, (rel, line, col)


def test_parameters_are_found_in_signatures(record):
    for s in record.diag.summaries:
        rel = local(s.pos[0])
        if not rel:
            continue
        # The compiler names an identifier that does not escape only when it is a parameter
        # (locals that stay on the stack are not printed; "append" is append's own array);
        # every leak is a parameter.
        is_param = s.kind == "leak" or (s.kind == "stack" and s.expr.isidentifier()
                                        and s.expr != "append")
        assert go_file(rel).is_param(*s.pos[1:]) == is_param, s


def test_go_and_defer_start_literals(record):
    started = {"goroutine": "go", "defer": "defer"}
    seen = set()
    for (rel, line, col, expr, _, _), (_, cause) in labelled(record):
        if expr == "func literal" and rel == "closures.go" and "go work" not in \
                go_file(rel).line_text(line):
            assert go_file(rel).literal_starter(line, col) == started.get(cause, ""), (line, col)
            seen.add(started.get(cause, ""))
    assert seen == {"go", "defer", ""}


# --- kinds ------------------------------------------------------------------------------------

def _declarations(rel: str):
    directory = (MODULE / rel).parent
    return kinds.scan_declarations([p.read_bytes() for p in sorted(directory.glob("*.go"))])


def test_named_types_and_methods_are_declared():
    named, methods = _declarations("returned.go")
    assert named == {"Buf": "slice", "Index": "map"}
    assert methods == {"Sum"}


def test_kinds_match_the_labels(record):
    for (rel, line, col, expr, summary_kind, _), (kind, _) in labelled(record):
        named, methods = _declarations(rel)
        assert kinds.classify(expr, summary_kind, named, methods) == kind, (rel, line, expr)


# --- causes -----------------------------------------------------------------------------------

def _steps(explanation) -> list[Step]:
    out = []
    for st in explanation.steps:
        file, line, col = parse_at(st.at)
        out.append(Step(st.flow_dst, st.flow_src, st.expr, st.reason, local(file) or file,
                        line, col))
    return out


def test_causes_match_the_labels(record):
    """derive() on each decision's flow; where it asks about another site (the slice a value is
    appended to, the variable holding it), the answer is that site's label."""
    sites = []
    for (rel, line, col, expr, _, explanations), (kind, cause) in labelled(record):
        function = go_file(rel).function_at(line, col)
        site = Site("example.com/units", rel, line, col, function, expr, kind, "heap")
        sites.append((site, explanations, cause))

    def lookup(function, expr, kind, at=None):
        scope = function
        while True:
            for site, _, cause in sites:
                if (site.function, site.expr) == (scope, expr) and kind in (None, site.kind) \
                        and at in (None, (site.file, site.line, site.col)):
                    return site, Decision(cause)
            parent = re.sub(r"\.(?:func)?\d+$", "", scope)  # F.func1.2 -> F.func1 -> F
            if parent == scope:
                return None
            scope = parent

    ctx = CauseContext(lambda rel: go_file(rel) if local(rel) else None, lookup)
    got = {}
    for site, explanations, cause in sites:
        paths = [_steps(ex) for ex in explanations]
        roots = [ex.flows[-1][0] if ex.flows else "" for ex in explanations]
        got[(site.file, site.line, site.col)] = derive(site, paths, roots, ctx).cause
    assert got == {(s.file, s.line, s.col): cause for s, _, cause in sites}


# --- origins ----------------------------------------------------------------------------------

def test_inlined_allocations_are_found_in_the_callee(record):
    """An allocation inlined from package helper is found at the position where the compiler
    reports the callee's own decision about it."""
    helper_sites = {s.expr: (s.pos[1], s.pos[2]) for s in record.diag.summaries
                    if s.pos[0] == "helper/helper.go" and s.kind == "heap"}
    finder = OriginFinder("/nonexistent-goroot", str(MODULE), source.load)
    checked = 0
    for s in record.diag.summaries:
        callees = record.diag.inlined_calls.get(s.pos, [])
        if not callees or not callees[0].startswith("helper.") or s.kind not in ("heap", "stack"):
            continue
        origin = finder.find(s.expr, callees, str(MODULE / local(s.pos[0])))
        line, col = helper_sites[s.expr.replace("helper.", "")]
        assert origin == Position(str(MODULE / "helper" / "helper.go"), line, col), s
        checked += 1
    assert checked == 3  # NewSlice's make, NewBuffer's &Buffer{} kept and returned


# --- the records are what the compilers print -------------------------------------------------

def test_records_are_what_the_toolchains_print_now(go_bin, go123):
    assert RELEASES[-1] == go_bin.release_str, \
        f"no record for {go_bin.version}: run python3 scripts/record_escape_fixtures.py"
    for tc in (go123, go_bin):
        version, text = recorder.record(tc.go)
        path = recorder.record_path(recorder.release_of(version))
        assert text == path.read_text(), \
            f"{path.name} is stale for {version}: run python3 scripts/record_escape_fixtures.py"

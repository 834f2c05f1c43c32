"""Root causes on the labeled corpus (tests/testdata/escape/corpus), with the real compiler."""

from __future__ import annotations

import os
import textwrap
from collections import Counter

from escape_corpus import CORPUS, compare, read_labels

from goalloc.app.scan import scan
from goalloc.escape.model import CAUSES


def test_corpus_causes_match_labels(corpus_scan):
    result = corpus_scan  # one scan of the corpus for the session
    assert not result.errors
    labels = read_labels(CORPUS)
    rows = compare(labels, result.heap_sites)
    wrong = [r for r in rows if r[1] != r[2]]
    labeled = [r for r in rows if r[1] is not None]
    assert len(labeled) >= 60
    assert wrong == [], f"{len(wrong)} of {len(rows)} heap sites disagree: {wrong}"
    covered = Counter(r[1] for r in labeled)
    # non-constant-size exists only before Go 1.25 (test below); "other" is the fallback
    missing = set(CAUSES) - set(covered) - {"non-constant-size", "other"}
    assert not missing, f"causes without a labeled example: {missing}"


def test_every_heap_site_has_explanation_and_fix(corpus_scan):
    result = corpus_scan
    assert result.heap_sites
    for s in result.heap_sites:
        assert s.cause in CAUSES
        assert s.expr in s.explanation, s
        assert s.suggestion
    for s in result.sites:
        if s.verdict == "stack":
            assert s.cause is None


def test_explanation_names_place_for_returned(corpus_scan):
    result = corpus_scan
    site = next(s for s in result.heap_sites if s.function == "RetSlice")
    assert site.cause == "returned"
    line = next(i for i, t in enumerate(open(os.path.join(CORPUS, "corpus.go")), 1)
                if t.strip() == "return s" and i > site.line)
    assert f"is returned at corpus.go:{line}" in site.explanation


def test_constant_box_is_flagged_as_free(corpus_scan):
    result = corpus_scan
    consts = [s for s in result.heap_sites if s.function == "ConstBox"]
    assert {s.expr for s in consts} == {"42", '"const"'}
    assert all(s.note.startswith("allocates nothing") for s in consts)
    boxed_var = next(s for s in result.heap_sites if s.function == "BoxReturn")
    assert boxed_var.note == ""


def test_variable_size_make_before_go125_is_non_constant_size(tmp_path, go123):
    tc = go123
    (tmp_path / "go.mod").write_text("module m\n\ngo 1.21\n")
    (tmp_path / "m.go").write_text(textwrap.dedent("""\
        package m

        func Make(n int) int {
        	b := make([]byte, n)
        	return len(b)
        }
        """))
    result = scan(["./..."], str(tmp_path), toolchain=tc, progress=False)
    site = next(s for s in result.sites if s.expr == "make([]byte, n)")
    assert site.verdict == "heap"
    assert site.cause == "non-constant-size"
    assert result.go_version.startswith("go1.23")

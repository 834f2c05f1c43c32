"""fix_kind and priority of heap sites, judged against the real compiler and facts.

tests/testdata/advice carries ``// advice: fix=KIND priority=P`` on lines whose allocating
heap sites must all get that kind of fix and priority; the invariants below hold on every
module the tests scan (no return-by-value for an error or interface, no caller buffer for a
function that already takes one, sentinel errors only for constant messages).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from goalloc.app.scan import ScanOptions, scan_module
from goalloc.escape.advice import FIX_KINDS, fix_for_site, sentinel_name
from goalloc.escape.model import Site
from goalloc.escape.priority import PRIORITIES

TESTDATA = Path(__file__).parent / "testdata"
ADVICE = re.compile(r"//\s*advice:\s*fix=(\S+)\s+priority=(\S+)")


def _scan(directory: Path):
    return scan_module(ScanOptions(str(directory), ["./..."], use_cache=False))


@pytest.fixture(scope="module")
def advice_scan():
    return _scan(TESTDATA / "advice")


def _wanted(directory: Path) -> dict[tuple[str, int], tuple[str, str]]:
    out = {}
    for path in sorted(directory.rglob("*.go")):
        rel = path.relative_to(directory).as_posix()
        for i, text in enumerate(path.read_text().splitlines(), 1):
            m = ADVICE.search(text)
            if m:
                out[(rel, i)] = (m.group(1), m.group(2))
    return out


def _allocating(site) -> bool:
    """A heap site that can allocate: not free, not in code that cannot run (runtime_cost)."""
    return (site.verdict == "heap" and site.runtime_cost in ("", "allocates")
            and not site.note.startswith("allocates nothing"))


def test_each_annotated_line_gets_its_fix_kind_and_priority(advice_scan):
    wanted = _wanted(TESTDATA / "advice")
    assert len(wanted) >= 14
    problems = []
    for (file, line), (kind, priority) in sorted(wanted.items()):
        sites = [s for s in advice_scan.sites if (s.file, s.line) == (file, line)
                 and s.verdict == "heap" and (_allocating(s) or kind == "none")]
        if not sites:
            problems.append(f"{file}:{line}: no heap site")
        for s in sites:
            if (s.fix_kind, s.priority) != (kind, priority):
                problems.append(f"{file}:{line}: {s.expr}: got {s.fix_kind}/{s.priority} "
                                f"({s.priority_reasons}), want {kind}/{priority}: {s.suggestion}")
    assert not problems, "\n".join(problems)


def test_reasons_name_the_loop_and_the_line(advice_scan):
    by_line = {(s.line, s.expr): s for s in advice_scan.sites if s.verdict == "heap"}
    nested = by_line[(81, "len(c)")]
    assert nested.priority_reasons == ["in a loop over `r` at line 80, depth 2"]
    error = by_line[(22, "len(s)")]
    assert error.priority_reasons == ["on the error return at line 22"]
    panic = next(s for (ln, _), s in by_line.items() if ln == 29)
    assert panic.priority_reasons == ["on the path to the panic at line 29"]
    # point3 is not in a loop itself, but inlined into one of Points
    inlined = by_line[(94, "&[3]int{...}")]
    assert inlined.priority_reasons == [
        "inlined into Points at advice.go:100, in a loop over `xs` at line 99, depth 1"]


def test_texts_are_true_for_the_site(advice_scan):
    by_line = {s.line: s for s in advice_scan.sites if s.verdict == "heap"}
    assert "`var errEmptyInput = errors.New(\"empty input\")`" in by_line[19].suggestion
    assert "`b`" in by_line[36].suggestion and "AppendValue" in by_line[36].suggestion
    assert "Squares" in by_line[42].suggestion
    assert "`point` by value from pick" in by_line[52].suggestion


@pytest.mark.parametrize("module", ["advice", "rules/realistic", "example"])
def test_no_fix_that_cannot_apply(module, advice_scan):
    if module == "advice":
        result = advice_scan
    elif module == "example":
        from goalloc import example_dir

        result = _scan(Path(example_dir()))
    else:
        result = _scan(TESTDATA / module)
    buffers = {(fn.file, fn.name): fn.buffer_param
               for pkg in result.facts.packages for fn in pkg.functions}
    errors = {(ev.file, ev.line): ev for pkg in result.facts.packages
              for ev in pkg.error_values}
    for s in result.sites:
        if s.verdict != "heap":
            continue
        assert s.fix_kind in FIX_KINDS and s.priority in PRIORITIES, s
        assert s.rank is not None
        if s.fix_kind == "return-value":
            assert s.kind not in ("interface",) and "error" not in s.expr, s
            assert (s.file, s.line) not in errors, s
        if s.fix_kind == "caller-buffer":
            assert not buffers.get((s.file, s.function)), s
        if s.fix_kind == "sentinel-error":
            assert errors[(s.file, s.line)].constant, s
    for f in result.findings:
        assert f.fix_kind in FIX_KINDS and f.priority in PRIORITIES and f.rank is not None


def test_small_integers_and_single_bytes_box_for_free():
    for expr, free in (("7", True), ("255", True), ("256", False), ("'a'", True), ("x", False)):
        site = Site("p", "f.go", 1, 1, "F", expr, "interface", "heap",
                    cause="interface-conversion")
        assert (fix_for_site(site)[0] == "none") is free, expr


def test_sentinel_names():
    assert sentinel_name('errors.New("empty key")') == "errEmptyKey"
    assert sentinel_name('fmt.Errorf("100 items")') == "errSentinel"

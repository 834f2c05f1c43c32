"""Slice growth model: known figures from the runtime sources, and the real runtime."""

import pytest

from goalloc.errors import InputError
from goalloc.models import (UnsupportedVersion, round_alloc_size, simulate_slice,
                            stack_buffer_note, supported_versions)
from goalloc.models.harness import compare, slice_grid
from goalloc.models.sizeclasses import Heap, roundupsize
from goalloc.models.slices import nextslicecap


def test_the_issue_example_12_byte_elements_end_at_1365():
    g = simulate_slice("1.27", 12, False, 1000)
    assert g.final_cap == 1365
    assert g.caps == [0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 853, 1365]
    assert g.allocations == 12
    # 16 (a fresh tiny block for the first 12 bytes) + the size classes of the rest
    assert g.bytes_allocated == 16 + 24 + 48 + 96 + 192 + 384 + 768 + 1536 + 3072 + 6144 \
        + 10240 + 16384
    assert g.bytes_copied == 12 * (1 + 2 + 4 + 8 + 16 + 32 + 64 + 128 + 256 + 512 + 853)


def test_threshold_is_256_with_the_smooth_formula():
    assert nextslicecap(256, 255) == 510
    assert nextslicecap(257, 256) == 256 + (256 + 768) // 4 == 512
    assert nextslicecap(1025, 1024) == 1024 + (1024 + 768) // 4


def test_preallocated_make_is_one_allocation_and_no_copy():
    g = simulate_slice("go1.27.3", 8, False, 1000, start_cap=1000)
    assert (g.allocations, g.bytes_copied, g.final_cap, g.caps) == (1, 0, 1000, [1000])
    assert g.bytes_allocated == 8192  # 8000 B rounds to the 8192 size class


def test_malloc_header_changes_pointer_capacities_from_go_1_22():
    # 72 pointerful elements (576 B) need 584 B with the header: the 640 class, cap 79
    new = simulate_slice("1.22", 8, True, 577)
    old = simulate_slice("1.21", 8, True, 577)
    assert new.caps != old.caps
    assert roundupsize(__import__("goalloc.models").models.parse_version("1.22"), 576, True) == 632
    assert round_alloc_size("1.27", 576, True).counted == 640
    assert round_alloc_size("1.21", 576, True).counted == 576


def test_large_objects_are_whole_pages():
    a = round_alloc_size("1.27", 40000)
    assert (a.kind, a.counted) == ("large", 40960)
    assert round_alloc_size("1.27", 32760, True).counted == 32768  # small, with header


def test_tiny_blocks_are_shared_until_full():
    h = Heap("1.27")
    assert [h.alloc(4, False), h.alloc(4, False), h.alloc(8, False), h.alloc(3, False)] == \
        [16, 0, 0, 16]
    assert h.allocations == 4


def test_bulk_append_uses_the_new_length_when_it_exceeds_double():
    g = simulate_slice("1.27", 8, False, 100, bulk=50)
    # 50 x 8 = 400 B rounds to the 416 class (cap 52); then 100 <= 2*52 doubles to 104 -> 896 B
    assert g.caps == [0, 52, 112]


def test_versions_and_errors():
    assert supported_versions() == [f"1.{m}" for m in range(21, 28)]
    for bad in ("1.20", "1.28", "go2.0", "banana"):
        with pytest.raises(UnsupportedVersion, match="1.21 through 1.27"):
            simulate_slice(bad, 8, False, 10)
    for kwargs in ({"n": -1}, {"n": 1 << 50}, {"start_cap": -2}):
        with pytest.raises(InputError):
            simulate_slice("1.27", **{"elem_size": 8, "pointers": False, "n": 1, **kwargs})
    with pytest.raises(InputError, match="multiple of 8"):
        simulate_slice("1.27", 12, True, 10)


def test_stack_buffer_note_by_version():
    assert stack_buffer_note("1.24", 8) is None
    assert "32-byte stack buffer (4 elements)" in stack_buffer_note("1.25", 8)
    assert "moveSlice" in stack_buffer_note("1.26", 8)
    assert stack_buffer_note("1.27", 100) is None


def test_huge_n_is_cheap():
    g = simulate_slice("1.27", 8, False, 10**10)
    assert g.final_cap >= 10**10 and len(g.caps) < 200


def test_model_matches_the_real_runtime_for_slices(go_bin):
    tc = go_bin
    qs = [q for q in slice_grid(full=False)]
    qs += [{"kind": "slice", "elem_size": s, "pointers": p, "n": n, "start_cap": 0, "bulk": b}
           for s, p in ((12, False), (24, True)) for n in (100, 3000) for b in (7, 64)]
    results = compare(tc.release_str, qs, tc)
    bad = [(r.query, r.model, r.measured) for r in results if not r.exact]
    assert not bad, bad[:3]
    assert len(results) == len(qs) > 100


@pytest.mark.parametrize("size,pointers,n,start", [(12, False, 1000, 0), (24, True, 5000, 7),
                                                   (3, False, 100, 0), (5000, False, 100, 3)])
def test_slice_steps_add_up_to_the_totals(size, pointers, n, start):
    g = simulate_slice("1.27", size, pointers, n, start)
    assert sum(s.bytes_allocated for s in g.steps) == g.bytes_allocated
    assert sum(s.bytes_copied for s in g.steps) == g.bytes_copied
    assert len(g.steps) == g.allocations
    assert [g.steps[0].old_cap if g.steps[0].kind == "grow" else start] + \
        [s.new_cap for s in g.steps if s.kind == "grow"] == g.caps


def test_model_matches_go_1_23_for_slices(go123):
    tc = go123
    results = compare("1.23", slice_grid(full=False), tc)
    bad = [(r.query, r.model, r.measured) for r in results if not r.exact]
    assert not bad, bad[:3]

"""The growth models (goalloc.models) as the rules use them, on the layouts facts carry.

Every function returns None when the model cannot answer (a Go version it does not cover,
a layout or size it rejects): the finding then carries no estimate rather than a wrong one.
"""

from __future__ import annotations

from goalloc import models
from goalloc.errors import GoallocError
from goalloc.facts import Layout
from goalloc.rules.base import Cost


def slice_cost(go: str, elem: Layout, n: int, start_cap: int = 0) -> Cost | None:
    """Appending n elements one by one to a slice that starts with capacity start_cap."""
    try:
        r = models.simulate_slice(go, elem.size, elem.pointers, n, start_cap=start_cap)
    except GoallocError:
        return None
    return Cost(allocations=r.allocations, bytes=r.bytes_allocated, bytes_copied=r.bytes_copied)


def map_model(go: str, key: Layout, value: Layout, n: int, hint: int | None = None,
              delete_all: bool = False) -> models.MapGrowth | None:
    """Inserting n distinct keys into make(map[K]V[, hint]), then deleting them if asked."""
    try:
        return models.simulate_map(go, _type_layout(key), _type_layout(value), n, hint=hint,
                                   delete_all=delete_all)
    except GoallocError:
        return None


def alloc_size(go: str, size: int, pointers: bool) -> int | None:
    """Bytes one mallocgc(size) really takes (its size class), or None."""
    if size <= 0:
        return None
    try:
        return models.round_alloc_size(go, size, pointers).usable
    except GoallocError:
        return None


def _type_layout(lay: Layout) -> models.TypeLayout:
    return models.TypeLayout(size=lay.size, align=lay.align, pointers=lay.pointers)

"""The growth models as the rules use them (goalloc.models, by the models teammate).

Every function returns None when the model cannot answer (no such function yet, a Go
version it does not cover, a layout it rejects): the finding then carries no estimate
rather than a wrong one.
"""

from __future__ import annotations

from goalloc.rules.base import Cost


def _models():
    try:
        import goalloc.models as m
    except ImportError:  # pragma: no cover
        return None
    return m


def _layout(m, lay: dict):
    return m.TypeLayout(size=int(lay["size"]), align=int(lay["align"]),
                        pointers=bool(lay["pointers"]))


def slice_cost(go: str, elem: dict, n: int, start_cap: int = 0) -> Cost | None:
    m = _models()
    if m is None or not hasattr(m, "simulate_slice"):
        return None
    try:
        r = m.simulate_slice(go, int(elem["size"]), bool(elem["pointers"]), n,
                             start_cap=start_cap)
    except Exception:  # noqa: BLE001 - an unmodeled case is no estimate, not a crash
        return None
    return Cost(allocations=r.allocations, bytes=r.bytes_allocated, bytes_copied=r.bytes_copied)


def map_model(go: str, key: dict, value: dict, n: int, hint: int | None = None,
              delete_all: bool = False):
    m = _models()
    fn = getattr(m, "simulate_map", None) if m else None
    if fn is None:
        try:
            from goalloc.models.maps import simulate_map as fn  # not re-exported yet
        except ImportError:
            return None
    if not hasattr(m, "TypeLayout"):
        return None
    try:
        return fn(go, _layout(m, key), _layout(m, value), n, hint=hint, delete_all=delete_all)
    except Exception:  # noqa: BLE001
        return None


def alloc_size(go: str, size: int, pointers: bool) -> int | None:
    """Bytes one mallocgc(size) really takes (size class), or None."""
    m = _models()
    fn = getattr(m, "round_alloc_size", None) if m else None
    if fn is None or size <= 0:
        return None
    try:
        r = fn(go, size, pointers)
    except Exception:  # noqa: BLE001
        return None
    for attr in ("usable", "counted"):
        val = getattr(r, attr, None)
        if isinstance(val, int):
            return val
    return None

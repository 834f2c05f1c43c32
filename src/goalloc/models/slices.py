"""append() growth: runtime.growslice / nextslicecap / roundupsize, step by step.

The simulation visits growths only (O(log N)), so N in the billions is cheap.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from goalloc.errors import InputError
from goalloc.models.sizeclasses import Heap, roundupsize
from goalloc.models.versions import GoVersion, parse_version

MAX_N = 1 << 40  # beyond any real heap; larger N is a typo, not a question
MAX_ALLOC = 1 << 48  # runtime maxAlloc on 64-bit: growslice panics past it
MAX_ZERO_SIZE_STEPS = 1_000_000


@dataclass
class SliceStep:
    """One growslice call (or the initial make)."""

    at_len: int  # len before the append that grew it
    old_cap: int
    new_cap: int
    bytes_requested: int  # new_cap * elem size, what mallocgc was asked for
    bytes_allocated: int  # what MemStats.TotalAlloc grew by
    bytes_copied: int  # old len * elem size (memmove)
    kind: str  # "make" or "grow"


@dataclass
class SliceGrowth:
    go: str
    elem_size: int
    pointers: bool
    n: int
    start_cap: int
    bulk: int | None
    allocations: int
    bytes_allocated: int
    bytes_copied: int
    final_cap: int
    caps: list[int]
    peak_live_bytes: int
    final_live_bytes: int
    steps: list[SliceStep] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def nextslicecap(new_len: int, old_cap: int) -> int:
    """runtime.nextslicecap (identical 1.21..1.27; 1.20 and earlier doubled below 256 too)."""
    doublecap = old_cap + old_cap
    if new_len > doublecap:
        return new_len
    if old_cap < 256:
        return doublecap
    newcap = old_cap
    while newcap < new_len:
        newcap += (newcap + 3 * 256) >> 2
    return newcap


def grown_cap(v: GoVersion, elem_size: int, pointers: bool, new_len: int, old_cap: int
              ) -> tuple[int, int]:
    """(new cap, bytes requested from mallocgc) for one growslice call."""
    newcap = nextslicecap(new_len, old_cap)
    capmem = roundupsize(v, newcap * elem_size, pointers)
    newcap = capmem // elem_size
    return newcap, newcap * elem_size


def _validate(elem_size: int, pointers: bool, n: int, start_cap: int, bulk: int | None):
    for name, value in (("elem size", elem_size), ("n", n), ("start cap", start_cap)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise InputError(f"{name} must be an integer, not {value!r}")
        if value < 0:
            raise InputError(f"{name} must be >= 0, not {value}")
    if n > MAX_N:
        raise InputError(f"n = {n} is absurd (more than 2^40 elements)")
    if pointers and elem_size % 8:
        raise InputError(f"an element with pointers has a size that is a multiple of 8 "
                         f"on 64-bit, not {elem_size}")
    if bulk is not None and (not isinstance(bulk, int) or bulk < 1):
        raise InputError(f"bulk must be a positive integer, not {bulk!r}")
    if start_cap * max(elem_size, 1) > MAX_ALLOC or n * max(elem_size, 1) > MAX_ALLOC:
        raise InputError("that slice would not fit in a 64-bit heap (growslice: len out of range)")


def simulate_slice(go: str, elem_size: int, pointers: bool, n: int, start_cap: int = 0,
                   bulk: int | None = None) -> SliceGrowth:
    """Append ``n`` elements one by one (or ``bulk`` at a time with append(s, xs...))
    to ``nil`` (start_cap 0) or ``make([]T, 0, start_cap)``, the slice living on the heap."""
    v = parse_version(go)
    _validate(elem_size, pointers, n, start_cap, bulk)
    heap = Heap(v)
    steps: list[SliceStep] = []
    caps = [start_cap]
    cap = start_cap
    live = 0
    peak = 0
    if start_cap and elem_size:
        # makeslice asks for exactly cap*size: the capacity is not rounded up.
        live = heap.alloc(start_cap * elem_size, pointers)
        peak = live
        steps.append(SliceStep(0, 0, cap, cap * elem_size, live, 0, "make"))

    if elem_size == 0:
        return _zero_size(v, n, start_cap, bulk, heap, caps)

    chunk = bulk or 1
    length = 0
    copied = 0
    while length < n:
        # The next append that does not fit: appends of `chunk` until the remainder.
        fits = (cap - length) // chunk if chunk > 1 else cap - length
        full_chunks_left = (n - length) // chunk
        if fits >= full_chunks_left:
            length += full_chunks_left * chunk
            rest = n - length
            if rest == 0 or length + rest <= cap:
                length = n
                break
            num = rest
        else:
            length += fits * chunk
            num = min(chunk, n - length)
        new_len = length + num
        new_cap, capmem = grown_cap(v, elem_size, pointers, new_len, cap)
        counted = heap.alloc(capmem, pointers)
        moved = length * elem_size
        copied += moved
        peak = max(peak, live + counted)
        steps.append(SliceStep(length, cap, new_cap, capmem, counted, moved, "grow"))
        live = counted
        cap = new_cap
        caps.append(cap)
        length = new_len

    return SliceGrowth(v.name, elem_size, pointers, n, start_cap, bulk, heap.allocations,
                       heap.bytes, copied, cap, caps, peak, live, steps)


def _zero_size(v, n, start_cap, bulk, heap, caps) -> SliceGrowth:
    # growslice of a zero-size element returns cap == newLen and never allocates.
    chunk = bulk or 1
    length, cap = 0, start_cap
    while length < n:
        num = min(chunk, n - length)
        length += num
        if length > cap:
            cap = length
            if len(caps) <= MAX_ZERO_SIZE_STEPS:
                caps.append(cap)
    return SliceGrowth(v.name, 0, False, n, start_cap, bulk, 0, 0, 0, cap, caps, 0, 0, [])


def stack_buffer_note(go: str, elem_size: int) -> str | None:
    """When the compiler keeps the first growths of a local slice on the stack."""
    v = parse_version(go)
    if not v.stack_append_buffer or elem_size == 0 or elem_size > 32:
        return None
    k = 32 // elem_size
    text = (f"Go {v.name}: if the slice does not escape, the compiler gives the first append a "
            f"32-byte stack buffer ({k} elements), so growth reaches the heap only past "
            f"{k} elements")
    if v.move2heap:
        text += ("; if it escapes only by `return`, it is grown on the stack and copied to "
                 "the heap once, at the return (runtime.moveSlice)")
    return text + "."

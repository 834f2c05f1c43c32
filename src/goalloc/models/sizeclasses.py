"""The allocator's size classes and how a request is rounded and counted.

Tables from ``runtime/sizeclasses.go`` (``internal/runtime/gc`` since 1.25); they are the
same in every release from 1.21 to 1.27. ``MemStats.TotalAlloc`` counts a small object as
its whole size class (header included) and a large object as its whole pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from goalloc.models.versions import GoVersion, parse_version

CLASS_TO_SIZE = (
    0, 8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256,
    288, 320, 352, 384, 416, 448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152, 1280,
    1408, 1536, 1792, 2048, 2304, 2688, 3072, 3200, 3456, 4096, 4864, 5376, 6144, 6528,
    6784, 6912, 8192, 9472, 9728, 10240, 10880, 12288, 13568, 14336, 16384, 18432, 19072,
    20480, 21760, 24576, 27264, 28672, 32768,
)
MAX_SMALL_SIZE = 32768
PAGE_SIZE = 8192
MALLOC_HEADER_SIZE = 8
MIN_SIZE_FOR_MALLOC_HEADER = 512  # goarch.PtrSize * ptrBits on 64-bit
TINY_SIZE = 16  # maxTinySize: noscan objects below this share 16-byte blocks


def _build_lookup() -> list[int]:
    # size (rounded up to 8) -> class; equivalent to size_to_class8/size_to_class128.
    table = [0] * (MAX_SMALL_SIZE // 8 + 1)
    cls = 1
    for slot in range(1, len(table)):
        while CLASS_TO_SIZE[cls] < slot * 8:
            cls += 1
        table[slot] = cls
    return table


_SIZE_TO_CLASS = _build_lookup()


def class_size(size: int) -> int:
    """The size class a small request of ``size`` bytes (1..32768) lands in."""
    return CLASS_TO_SIZE[_SIZE_TO_CLASS[(size + 7) >> 3]]


def _small_limit(v: GoVersion) -> int:
    return MAX_SMALL_SIZE - MALLOC_HEADER_SIZE if v.malloc_header else MAX_SMALL_SIZE


def has_header(v: GoVersion, size: int, pointers: bool) -> bool:
    return (v.malloc_header and pointers and size > MIN_SIZE_FOR_MALLOC_HEADER
            and size <= _small_limit(v))


def roundupsize(v: GoVersion, size: int, pointers: bool) -> int:
    """runtime.roundupsize: the usable bytes mallocgc will really give for ``size``."""
    if size <= _small_limit(v):
        header = MALLOC_HEADER_SIZE if has_header(v, size, pointers) else 0
        return class_size(size + header) - header
    return -(-size // PAGE_SIZE) * PAGE_SIZE


@dataclass(frozen=True)
class AllocSize:
    """How one mallocgc(size) request is served and counted."""

    requested: int
    usable: int  # what roundupsize promises the caller
    counted: int  # what MemStats.TotalAlloc adds (tiny: 16 for a fresh block, else 0)
    kind: str  # "zero", "tiny", "small", "large"
    header: int = 0


def round_alloc_size(go: str | GoVersion, size: int, pointers: bool = False) -> AllocSize:
    """Round a single allocation request the way mallocgc does.

    A tiny request is shown as one fresh 16-byte block; whether it really shares a block
    depends on the allocations before it (see :class:`Heap`).
    """
    v = parse_version(go)
    if size < 0:
        raise ValueError("size must be >= 0")
    if size == 0:
        return AllocSize(0, 0, 0, "zero")
    if not pointers and size < TINY_SIZE:
        return AllocSize(size, size, TINY_SIZE, "tiny")
    if size <= _small_limit(v):
        header = MALLOC_HEADER_SIZE if has_header(v, size, pointers) else 0
        cls = class_size(size + header)
        return AllocSize(size, cls - header, cls, "small", header)
    pages = -(-size // PAGE_SIZE) * PAGE_SIZE
    return AllocSize(size, pages, pages, "large")


class Heap:
    """Counts what a sequence of mallocgc calls adds to MemStats (Mallocs, TotalAlloc).

    It tracks the per-P tiny block, which runtime.ReadMemStats empties (flushallmcaches),
    so a measurement that starts with ReadMemStats starts with no tiny block.
    """

    def __init__(self, go: str | GoVersion):
        self.v = parse_version(go)
        self.allocations = 0
        self.bytes = 0
        self._tiny_off: int | None = None  # None: no current tiny block

    def alloc(self, size: int, pointers: bool) -> int:
        """Allocate; returns the bytes TotalAlloc grew by."""
        if size == 0:
            return 0  # &zerobase: no malloc at all
        self.allocations += 1
        if not pointers and size < TINY_SIZE:
            counted = self._tiny(size)
        else:
            counted = round_alloc_size(self.v, size, pointers).counted
        self.bytes += counted
        return counted

    def _tiny(self, size: int) -> int:
        off = self._tiny_off
        if off is not None:
            if size & 7 == 0:
                off = (off + 7) & ~7
            elif size & 3 == 0:
                off = (off + 3) & ~3
            elif size & 1 == 0:
                off = (off + 1) & ~1
            if off + size <= TINY_SIZE:
                self._tiny_off = off + size
                return 0
        # A new 16-byte block; it becomes the tiny block only if it has more room left.
        if self._tiny_off is None or size < self._tiny_off:
            self._tiny_off = size
        return TINY_SIZE

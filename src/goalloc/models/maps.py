"""Map growth: Swiss tables (Go 1.24+, internal/runtime/maps) and hmap buckets (Go <= 1.23).

Swiss tables grow on counts alone while one table holds the map, so the model is exact
there. Once a table splits (past 896 entries) the tables fill at rates set by the hash seed;
the model then assumes each split divides the entries evenly (the median behavior) and says
the answer is not deterministic near the next split. Classic maps chain overflow buckets
whenever one bucket gets more than 8 entries, which depends on the random hash seed for any
map of more than 8 entries; that model replays the runtime's algorithm with seeded random
hashes and reports one typical run.
"""

from __future__ import annotations

import math
import random
from dataclasses import asdict, dataclass, field

from goalloc.errors import InputError
from goalloc.models.layout import (TypeLayout, array_layout, is_comparable, layout_of,
                                   struct_layout)
from goalloc.models.sizeclasses import Heap, round_alloc_size, roundupsize
from goalloc.models.versions import GoVersion, parse_version

MAX_MAP_N = 50_000_000
MAX_CLASSIC_N = 2_000_000
GROUP_SLOTS = 8
MAX_TABLE_CAPACITY = 1024
MAX_KEY_BYTES = 128  # larger keys and values are stored through a pointer
MAX_ELEM_BYTES = 128
SWISS_MAP_HEADER = 48  # internal/runtime/maps.Map
SWISS_TABLE_SIZE = 32  # internal/runtime/maps.table
HMAP_SIZE = 48  # runtime.hmap
MAPEXTRA_SIZE = 24  # runtime.mapextra
_PTR = TypeLayout(8, 8, True)


@dataclass
class MapStep:
    at_n: int  # entries in the map before the insert that caused it
    what: str
    allocations: int
    bytes_allocated: int


@dataclass
class MapGrowth:
    go: str
    implementation: str  # "swiss" or "buckets"
    key: str
    value: str
    n: int
    hint: int | None
    delete_all: bool
    allocations: int
    bytes_allocated: int
    live_bytes: int
    deterministic: bool
    slot_bytes: int  # one group (swiss) or bucket (classic)
    tables: int = 0  # swiss: tables at the end; classic: 2^B buckets
    capacity: int = 0  # slots (swiss) or bucket slots (classic) at the end
    steps: list[MapStep] = field(default_factory=list)
    note: str = ""
    seeds: int = 1  # classic maps: hash seeds replayed (the median run is reported)
    bytes_range: list[int] = field(default_factory=list)  # min, max over those seeds
    allocations_range: list[int] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def _resolve(t: str | TypeLayout) -> tuple[str, TypeLayout]:
    if isinstance(t, TypeLayout):
        return f"<{t.size}-byte{' pointerful' if t.pointers else ''} type>", t
    return t, layout_of(t)


def _stored(t: TypeLayout, limit: int) -> TypeLayout:
    return _PTR if t.size > limit else t


def swiss_group_layout(key: TypeLayout, value: TypeLayout) -> TypeLayout:
    """cmd/compile reflectdata.MapGroupType: ctrl uint64 then 8 slots of {key, elem}."""
    slot = struct_layout([_stored(key, MAX_KEY_BYTES), _stored(value, MAX_ELEM_BYTES)])
    return struct_layout([TypeLayout(8, 8, False), array_layout(GROUP_SLOTS, slot)])


def bucket_layout(key: TypeLayout, value: TypeLayout) -> TypeLayout:
    """cmd/compile reflectdata.MapBucketType: tophash, keys, elems, overflow pointer."""
    k, v = _stored(key, MAX_KEY_BYTES), _stored(value, MAX_ELEM_BYTES)
    pointers = k.pointers or v.pointers
    # The overflow field is a uintptr when nothing else has pointers (runtime keeps
    # overflow buckets alive through hmap.extra.overflow instead).
    overflow = TypeLayout(8, 8, pointers)
    return struct_layout([array_layout(8, TypeLayout(1, 1, False)), array_layout(8, k),
                          array_layout(8, v), overflow])


def _validate(n, hint):
    if not isinstance(n, int) or isinstance(n, bool) or n < 0:
        raise InputError(f"n must be an integer >= 0, not {n!r}")
    if n > MAX_MAP_N:
        raise InputError(f"n = {n} is absurd for a map model (at most {MAX_MAP_N})")
    if hint is not None and (not isinstance(hint, int) or isinstance(hint, bool) or hint < 0):
        raise InputError(f"hint must be an integer >= 0, not {hint!r}")
    if hint is not None and hint > MAX_MAP_N * 8:
        raise InputError(f"hint = {hint} is absurd (at most {MAX_MAP_N * 8})")


def simulate_map(go: str, key: str | TypeLayout, value: str | TypeLayout, n: int,
                 hint: int | None = None, delete_all: bool = False,
                 seeds: int | None = None) -> MapGrowth:
    """Insert ``n`` distinct keys into ``make(map[K]V[, hint])`` kept on the heap, then
    optionally delete them all; count what MemStats sees and what stays live."""
    v = parse_version(go)
    _validate(n, hint)
    kname, klay = _resolve(key)
    vname, vlay = _resolve(value)
    if isinstance(key, str) and not is_comparable(key):
        raise InputError(f"invalid map key type {key}: slices, maps and funcs are not comparable")
    if not klay.pointers and klay.size < 8 and n > 256 ** klay.size:
        raise InputError(f"a map keyed by {kname} holds at most {256 ** klay.size:,} distinct "
                         f"keys, not {n:,}")
    if v.swiss_maps:
        sim = _Swiss(v, klay, vlay)
        sim.run(n, hint, delete_all)
        runs = [sim]
    else:
        # Overflow buckets follow the hash seed: replay a few seeds, report the median run.
        if n > MAX_CLASSIC_N:
            raise InputError(f"the Go {v.name} map model replays every insert; it takes at "
                             f"most {MAX_CLASSIC_N:,} keys, not {n:,}")
        runs = []
        for seed in CLASSIC_SEEDS[:seeds or _classic_seed_count(n)]:
            one = _Classic(v, klay, vlay, seed)
            one.run(n, hint, delete_all)
            runs.append(one)
            if one.deterministic:
                break
        runs.sort(key=lambda r: (r.heap.bytes, r.heap.allocations))
        sim = runs[len(runs) // 2]
    growth = MapGrowth(v.name, sim.impl, kname, vname, n, hint, delete_all,
                       sim.heap.allocations, sim.heap.bytes, sim.live_bytes(delete_all),
                       sim.deterministic, sim.slot_bytes, sim.tables_count(), sim.capacity(),
                       sim.steps, sim.note())
    growth.seeds = len(runs)
    growth.bytes_range = [runs[0].heap.bytes, runs[-1].heap.bytes]
    growth.allocations_range = [min(r.heap.allocations for r in runs),
                                max(r.heap.allocations for r in runs)]
    return growth


class _Sim:
    impl = ""

    def __init__(self, v: GoVersion, key: TypeLayout, value: TypeLayout):
        self.v, self.key, self.value = v, key, value
        self.heap = Heap(v)
        self.steps: list[MapStep] = []
        self.deterministic = True
        self.indirect_key = key.size > MAX_KEY_BYTES
        self.indirect_elem = value.size > MAX_ELEM_BYTES
        self.count = 0

    def _alloc(self, at: int, what: str, size: int, pointers: bool, times: int = 1) -> int:
        a0, b0 = self.heap.allocations, self.heap.bytes
        for _ in range(times):
            self.heap.alloc(size, pointers)
        self.steps.append(MapStep(at, what, self.heap.allocations - a0, self.heap.bytes - b0))
        return self.heap.bytes - b0

    def _indirect_per_entry(self) -> tuple[int, int]:
        allocs, nbytes = 0, 0
        for on, lay in ((self.indirect_key, self.key), (self.indirect_elem, self.value)):
            if on:
                allocs += 1
                nbytes += round_alloc_size(self.v, lay.size, lay.pointers).counted
        return allocs, nbytes

    def _inserts_indirect(self, n: int):
        allocs, nbytes = self._indirect_per_entry()
        if allocs and n:
            # newobject for each key/elem stored through a pointer (never tiny: > 128 bytes)
            self.heap.allocations += allocs * n
            self.heap.bytes += nbytes * n
            self.steps.append(MapStep(0, f"{n} x new key/elem objects (stored indirectly)",
                                      allocs * n, nbytes * n))


class _Swiss(_Sim):
    impl = "swiss"

    def __init__(self, v, key, value):
        super().__init__(v, key, value)
        g = swiss_group_layout(key, value)
        self.group = g
        self.slot_bytes = g.size
        self.small = False  # a single group, no directory
        self.tables = 0  # number of tables (all alike, see module doc)
        self.table_cap = 0
        self.dir_len = 0
        self.tabs: dict[int, int] = {}  # capacity -> number of live tables

    def _groups_alloc(self, at, what, capacity, times=1):
        return self._alloc(at, what, capacity // GROUP_SLOTS * self.group.size,
                           self.group.pointers, times)

    def _new_tables(self, at, capacity, times, what):
        a0, b0 = self.heap.allocations, self.heap.bytes
        for _ in range(times):
            self.heap.alloc(SWISS_TABLE_SIZE, True)
            self.heap.alloc(capacity // GROUP_SLOTS * self.group.size, self.group.pointers)
        label = (f"{what}: {times} new table{'s' if times > 1 else ''} of {capacity} slots "
                 f"({capacity // GROUP_SLOTS} groups of {self.group.size} B each)")
        self.steps.append(MapStep(at, label, self.heap.allocations - a0, self.heap.bytes - b0))

    def run(self, n, hint, delete_all):
        self._alloc(0, "make: map header (maps.Map)", SWISS_MAP_HEADER, True)
        if hint is not None and hint > GROUP_SLOTS:
            target = hint * GROUP_SLOTS // 7
            dir_size = 1 << max(0, math.ceil(target / MAX_TABLE_CAPACITY) - 1).bit_length()
            per = max(GROUP_SLOTS, target // dir_size)
            cap = 1 << (per - 1).bit_length()
            self._alloc(0, f"make: directory of {dir_size}", 8 * dir_size, True)
            self._new_tables(0, cap, dir_size, "make")
            self.tables, self.table_cap, self.dir_len = dir_size, cap, dir_size
            self.tabs = {cap: dir_size}
        self._insert(n)
        self._inserts_indirect(n)

    def _max_growth(self, cap):
        return cap - 1 if cap <= GROUP_SLOTS else cap * 7 // 8

    def _insert(self, n):
        used = 0
        while used < n:
            if self.tables == 0 and not self.small:
                self._groups_alloc(used, "first insert: one group (small map)", GROUP_SLOTS)
                self.small = True
            if self.small:
                if n <= GROUP_SLOTS:
                    used = n
                    break
                used = GROUP_SLOTS
                self._new_tables(used, 2 * GROUP_SLOTS, 1, "9th insert: the group becomes a table")
                self._alloc(used, "directory of 1", 8, True)
                self.small, self.tables, self.table_cap, self.dir_len = False, 1, 16, 1
                self.tabs = {16: 1}
                continue
            room = self.tables * self._max_growth(self.table_cap)
            if self.tables == 1:
                if n <= room:
                    break
                used = room
                self._rehash(used, 1)
                continue
            # Several alike tables: each gets ~1/T of the keys (binomial), so they reach
            # their limit one by one around the even-split point `room`.
            done, certain = self._tables_past_limit(n)
            if not certain:
                self.deterministic = False
            if done < self.tables:
                if done:
                    self._rehash(room, done)
                break
            used = room
            self._rehash(used, self.tables)
        self.count = n

    def _tables_past_limit(self, n) -> tuple[int, bool]:
        t = self.tables
        limit = self._max_growth(self.table_cap)
        mean = n / t
        var = n / t * (1 - 1 / t)
        if var <= 0:
            return (t if mean > limit else 0), True
        z = (limit + 0.5 - mean) / math.sqrt(var)
        p = 0.5 * math.erfc(z / math.sqrt(2))  # P(one table holds more than `limit`)
        certain = p * t < 1e-3 or (1 - p) * t < 1e-3
        return min(t, round(p * t)), certain

    def _rehash(self, used, how_many):
        """``how_many`` of the alike tables reach their limit and grow or split."""
        new_cap = 2 * self.table_cap
        old_cap = self.table_cap
        if new_cap <= MAX_TABLE_CAPACITY:
            self._new_tables(used, new_cap, how_many, f"grow {old_cap} -> {new_cap} slots")
            self.tabs[old_cap] -= how_many
            self.tabs[new_cap] = self.tabs.get(new_cap, 0) + how_many
            if how_many == self.tables:
                self.table_cap = new_cap
            return
        self._new_tables(used, MAX_TABLE_CAPACITY, 2 * how_many,
                         f"split {how_many} full table{'s' if how_many > 1 else ''}")
        # The first split at the deepest level doubles the directory.
        self._alloc(used, f"directory {self.dir_len} -> {2 * self.dir_len}",
                    16 * self.dir_len, True)
        self.dir_len *= 2
        self.tabs[old_cap] = self.tabs.get(old_cap, 0) + how_many  # net +1 table per split
        if how_many == self.tables:
            self.tables *= 2
            self.table_cap = MAX_TABLE_CAPACITY
            self.tabs = {MAX_TABLE_CAPACITY: self.tables}

    def tables_count(self):
        return sum(self.tabs.values())

    def capacity(self):
        return GROUP_SLOTS if self.small else sum(c * k for c, k in self.tabs.items())

    def live_bytes(self, delete_all):
        total = round_alloc_size(self.v, SWISS_MAP_HEADER, True).counted
        if self.small:
            total += round_alloc_size(self.v, self.group.size, self.group.pointers).counted
        elif self.tables:
            total += round_alloc_size(self.v, 8 * self.dir_len, True).counted
            for cap, count in self.tabs.items():
                total += count * (
                    round_alloc_size(self.v, SWISS_TABLE_SIZE, True).counted
                    + round_alloc_size(self.v, cap // GROUP_SLOTS * self.group.size,
                                       self.group.pointers).counted)
        if not delete_all:
            total += self.count * self._indirect_per_entry()[1]
        return total

    def note(self):
        if self.deterministic:
            return ""
        return ("entries are spread over several tables by the random hash seed; near a "
                "split the real count varies from run to run (model: even splits)")


CLASSIC_SEEDS = tuple(range(20240801, 20240801 + 21))


def _classic_seed_count(n: int) -> int:
    # Small maps vary most (a single overflow bucket is a large share) and are cheap to
    # replay; a large map's total barely moves between seeds.
    if n <= 5_000:
        return 21
    if n <= 100_000:
        return 5
    return 1


class _Classic(_Sim):
    impl = "buckets"

    def __init__(self, v, key, value, seed=CLASSIC_SEEDS[0]):
        super().__init__(v, key, value)
        b = bucket_layout(key, value)
        self.bucket = b
        self.slot_bytes = b.size
        self.rng = random.Random(seed)
        self.B = 0
        self.buckets: list[list[int]] | None = None  # entries' hashes per bucket
        self.old: list[list[int]] | None = None
        self.evacuated: list[bool] = []
        self.nevacuate = 0
        self.same_size = False
        self.noverflow = 0
        self.prealloc = 0  # preallocated overflow buckets left (nextOverflow)
        self.extra = False
        self.overflow_list = 0  # len of *h.extra.overflow (noscan buckets only)
        self.overflow_list_cap = 0
        self.overflow_list_made = False
        self.live_overflow_new = 0  # overflow buckets made by newobject in the current array
        self.live_overflow_old = 0
        self.array_bytes = 0
        self.old_array_bytes = 0

    # --- runtime/map.go, transcribed --------------------------------------------------
    def _over_load(self, count, B):
        # loadFactorNum / loadFactorDen. Go 1.21 computes (8*13/16)*2 = 12 in integer
        # arithmetic, so its load factor is 6, not 6.5; 1.22 reordered it to 2*8*13/16 = 13.
        num = 12 if self.v.minor <= 21 else 13
        return count > 8 and count > num * ((1 << B) >> 1)

    def _make_bucket_array(self, at, B, what):
        base = 1 << B
        nb = base
        size = self.bucket.size
        if B >= 4:
            nb += 1 << (B - 4)
            sz = size * nb
            up = roundupsize(self.v, sz, self.bucket.pointers)
            if up != sz:
                nb = up // size
        spare = f" + {nb - base} spare overflow" if nb > base else ""
        label = f"{what}: {base} bucket{'s' if base > 1 else ''}{spare}, {size} B each"
        counted = self._alloc(at, label, size * nb, self.bucket.pointers)
        return [[] for _ in range(base)], nb - base, counted

    def _newoverflow(self, at):
        if self.prealloc > 0:
            self.prealloc -= 1
        else:
            self._alloc(at, "overflow bucket", self.bucket.size, self.bucket.pointers)
            self.live_overflow_new += 1
        if self.B < 16:
            self.noverflow += 1
        elif self.rng.random() < 1.0 / (1 << (self.B - 15)):
            self.noverflow += 1
        if not self.bucket.pointers:
            self._create_overflow(at)
            if self.overflow_list == self.overflow_list_cap:
                from goalloc.models.slices import grown_cap
                new_cap, capmem = grown_cap(self.v, 8, True, self.overflow_list + 1,
                                            self.overflow_list_cap)
                self._alloc(at, "extra.overflow slice grows", capmem, True)
                self.overflow_list_cap = new_cap
            self.overflow_list += 1

    def _create_overflow(self, at):
        if not self.extra:
            self._alloc(at, "mapextra", MAPEXTRA_SIZE, True)
            self.extra = True
        if not self.overflow_list_made:
            self._alloc(at, "extra.overflow slice header", 24, True)
            self.overflow_list_made = True

    def _place(self, chain: list[int], h: int, at: int):
        if chain and len(chain) % 8 == 0:
            self._newoverflow(at)
        chain.append(h)

    def _evacuate(self, ob: int, at: int):
        if self.old is None or self.evacuated[ob]:
            return
        newbit = len(self.old)
        if self.same_size:
            x = self.buckets[ob]
            for h in self.old[ob]:
                self._place(x, h, at)
        else:
            x, y = self.buckets[ob], self.buckets[ob + newbit]
            for h in self.old[ob]:
                self._place(y if h & newbit else x, h, at)
        self.old[ob] = []
        self.evacuated[ob] = True
        if ob == self.nevacuate:
            self.nevacuate += 1
            stop = min(self.nevacuate + 1024, newbit)
            while self.nevacuate != stop and self.evacuated[self.nevacuate]:
                self.nevacuate += 1
            if self.nevacuate == newbit:
                self.old = None
                self.same_size = False
                self.old_array_bytes = 0
                self.live_overflow_old = 0

    def _grow_work(self, bucket: int, at: int):
        self._evacuate(bucket & (len(self.old) - 1), at)
        if self.old is not None:
            self._evacuate(self.nevacuate, at)

    def _hash_grow(self, at):
        bigger = 1 if self._over_load(self.count + 1, self.B) else 0
        self.same_size = not bigger
        what = "grow (load > 6.5)" if bigger else "same-size grow (too many overflow buckets)"
        new, pre, counted = self._make_bucket_array(at, self.B + bigger, what)
        self.old = self.buckets
        self.evacuated = [False] * len(self.old)
        self.old_array_bytes = self.array_bytes
        self.array_bytes = counted
        self.live_overflow_old = self.live_overflow_new
        self.live_overflow_new = 0
        self.buckets = new
        self.B += bigger
        self.nevacuate = 0
        self.noverflow = 0
        if self.overflow_list_made:
            self.overflow_list_made, self.overflow_list, self.overflow_list_cap = False, 0, 0
        if pre:
            if not self.extra:
                self._alloc(at, "mapextra", MAPEXTRA_SIZE, True)
                self.extra = True
            self.prealloc = pre

    def _too_many_overflow(self):
        return self.noverflow >= 1 << min(self.B, 15)

    def run(self, n, hint, delete_all):
        self._alloc(0, "make: hmap", HMAP_SIZE, True)
        if hint is not None and hint > 8:
            B = 0
            while self._over_load(hint, B):
                B += 1
            self.B = B
            self.buckets, pre, self.array_bytes = self._make_bucket_array(0, B, "make")
            if pre:
                self._alloc(0, "mapextra", MAPEXTRA_SIZE, True)
                self.extra = True
                self.prealloc = pre
        hashes = [self.rng.getrandbits(64) for _ in range(n)]
        for i, h in enumerate(hashes):
            if self.buckets is None:
                self.buckets, _, self.array_bytes = self._make_bucket_array(
                    i, 0, "first insert")
            while True:
                bucket = h & ((1 << self.B) - 1)
                if self.old is not None:
                    self._grow_work(bucket, i)
                if self.old is None and (self._over_load(self.count + 1, self.B)
                                         or self._too_many_overflow()):
                    self._hash_grow(i)
                    continue
                self._place(self.buckets[bucket], h, i)
                self.count += 1
                break
        self._inserts_indirect(n)
        if n > 8:
            self.deterministic = False
        if delete_all:
            for i, h in enumerate(hashes):
                bucket = h & ((1 << self.B) - 1)
                if self.old is not None:
                    self._grow_work(bucket, n)
                self.buckets[bucket].remove(h)
            self.count = 0

    def tables_count(self):
        return (1 << self.B) if self.buckets is not None else 0

    def capacity(self):
        return 8 * self.tables_count()

    def live_bytes(self, delete_all):
        r = lambda size, p: round_alloc_size(self.v, size, p).counted  # noqa: E731
        total = r(HMAP_SIZE, True) + self.array_bytes + self.old_array_bytes
        if self.extra:
            total += r(MAPEXTRA_SIZE, True)
        ovf = r(self.bucket.size, self.bucket.pointers)
        total += (self.live_overflow_new + self.live_overflow_old) * ovf
        if self.overflow_list_made:
            total += r(24, True) + r(8 * self.overflow_list_cap, True)
        if not delete_all:
            total += self.count * self._indirect_per_entry()[1]
        return total

    def note(self):
        if self.deterministic:
            return ""
        return ("overflow buckets depend on the random hash seed: the model replays the "
                "runtime with seeded random hashes and reports the median run")

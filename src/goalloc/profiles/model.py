"""The decoded contents of a pprof ``profile.proto``.

Field meanings follow the format's documentation (``profile.proto`` of google/pprof). The
samples are kept as columns (:class:`Samples`): per sample, the index of its distinct stack,
the index of its distinct label set, and its values. A large allocs profile has millions of
samples and far fewer distinct stacks, so nothing is built per sample: every consumer sums the
values by a key of its own (:func:`group_sums`) and works on the distinct stacks.
"""

from __future__ import annotations

import operator
from array import array
from dataclasses import dataclass, field
from itertools import compress

# The sample types Go writes for heap and allocs profiles (runtime/pprof, go test
# -memprofile); ``objects``/``space`` are the names of other heap profilers' pprof files.
HEAP_SAMPLE_TYPES = frozenset({"alloc_objects", "alloc_space", "inuse_objects", "inuse_space",
                               "objects", "space"})


@dataclass(frozen=True)
class ValueType:
    type: str
    unit: str


@dataclass(frozen=True)
class Function:
    id: int
    name: str
    system_name: str
    filename: str
    start_line: int


@dataclass(frozen=True)
class Line:
    function_id: int
    line: int
    column: int = 0


@dataclass(frozen=True)
class Mapping:
    id: int
    memory_start: int
    memory_limit: int
    file_offset: int
    filename: str
    build_id: str


@dataclass(frozen=True)
class Location:
    id: int
    mapping_id: int
    address: int
    lines: tuple[Line, ...]  # innermost first: the last one is the caller the others were inlined into
    is_folded: bool = False


@dataclass(frozen=True)
class LabelSet:
    """The labels of a sample, each kind sorted."""

    labels: tuple[tuple[str, str], ...] = ()  # string labels (key, value)
    num_labels: tuple[tuple[str, int, str], ...] = ()  # numeric labels (key, value, unit)

    def number(self, key: str) -> int | None:
        """The value of the numeric label ``key`` (the first one), or None."""
        for k, v, _unit in self.num_labels:
            if k == key:
                return v
        return None


class StackTable:
    """The distinct location-id lists (stacks) of a profile, leaf first, stored end to end in
    one array: a large profile has tens of millions of ids, kept as machine integers. Indexing
    gives a tuple; the reports walk ``ids`` and ``offsets`` directly."""

    __slots__ = ("ids", "offsets")

    def __init__(self, ids: array, offsets: array):
        self.ids = ids  # every stack's ids, one stack after the other
        self.offsets = offsets  # stack i is ids[offsets[i]:offsets[i + 1]]

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, i: int) -> tuple[int, ...]:
        if i < 0:
            i += len(self)
        return tuple(self.ids[self.offsets[i]:self.offsets[i + 1]])

    def __iter__(self):
        ids, offs = self.ids, self.offsets
        for i in range(len(self)):
            yield tuple(ids[offs[i]:offs[i + 1]])

    def leaves(self) -> list[int]:
        """The innermost location id of each stack (0 for an empty stack; ids start at 1)."""
        ids, offs = self.ids, self.offsets
        return [ids[o] if o < e else 0 for o, e in zip(offs, offs[1:])]


@dataclass
class Samples:
    """The samples of the file, in file order, as columns of machine integers."""

    stack: array  # index into Profile.stack_ids, per sample
    label_set: array  # index into Profile.label_sets, per sample
    values: array  # width values per sample, flat ('q': int64 as in the file)
    width: int  # number of sample types

    def __len__(self) -> int:
        return len(self.stack)

    def column(self, index: int) -> array:
        """The values of one sample type, one per sample."""
        return self.values[index::self.width]

    def zero_rows(self) -> list[int]:
        """The positions of the samples whose values are all 0."""
        if any(0 not in self.column(k) for k in range(self.width)):
            return []  # some sample type is never 0 (alloc_objects in Go's heap profiles)
        rows = zip(*[iter(self.values)] * self.width)
        return list(compress(range(len(self)), map(operator.not_, map(any, rows))))


class DenseIndex(dict):
    """Key -> a dense index (0, 1, ...), given on first sight; ``keys`` lists the keys by
    index. ``map(index.__getitem__, keys)`` runs in C but for the keys not seen before."""

    def __init__(self):
        super().__init__()
        self.keys: list = []

    def __missing__(self, key):
        i = self[key] = len(self.keys)
        self.keys.append(key)
        return i


def group_sums(keys, values: array, width: int, groups: int) -> list:
    """Sum the samples' values by group: ``keys`` gives each sample's group (0 <= key <
    ``groups``), ``values`` the flat values, ``width`` per sample. Returns ``width + 1``
    columns indexed by group: the sums of each sample type, then the number of samples.

    This is the loop over every sample that reading a profile needs. The sums are kept in
    int64 arrays, one contiguous block each rather than one Python int object per group
    (the groups are hit in no useful order); a sum that leaves int64 (pprof itself sums in
    int64) is redone with Python integers.
    """
    try:
        cols = [array("q", bytes(8 * groups)) for _ in range(width + 1)]
        _add_rows(cols, keys, values, width)
    except OverflowError:
        cols = [[0] * groups for _ in range(width + 1)]
        _add_rows(cols, keys, values, width)
    return cols


def _add_rows(cols: list, keys, values, width: int) -> None:
    count = cols[width]
    it = iter(values)
    if width == 4:  # heap and allocs profiles: the common case, unrolled
        s0, s1, s2, s3 = cols[:4]
        for g, a, b, c, d in zip(keys, it, it, it, it):
            s0[g] += a
            s1[g] += b
            s2[g] += c
            s3[g] += d
            count[g] += 1
        return
    rows = zip(*[it] * width) if width else ((),) * len(keys)
    for g, row in zip(keys, rows):
        for col, v in zip(cols, row):
            col[g] += v
        count[g] += 1


@dataclass(slots=True)
class Stack:
    """One distinct (stack, label set) of the profile, with the summed values of its samples."""

    location_ids: tuple[int, ...]  # leaf first
    values: list[int]  # one per sample type, summed over the merged samples
    count: int  # how many samples of the file were merged into this one
    labels: tuple[tuple[str, str], ...] = ()  # string labels (key, value)
    num_labels: tuple[tuple[str, int, str], ...] = ()  # numeric labels (key, value, unit)


@dataclass
class Profile:
    sample_types: list[ValueType]
    stack_ids: StackTable  # the distinct location-id lists, leaf first
    label_sets: list[LabelSet]  # the distinct label sets; 0 is the empty one
    samples: Samples
    locations: dict[int, Location]
    functions: dict[int, Function]
    mappings: dict[int, Mapping] = field(default_factory=dict)
    period_type: ValueType | None = None
    period: int = 0
    default_sample_type: str = ""
    time_nanos: int = 0
    duration_nanos: int = 0
    drop_frames: str = ""
    keep_frames: str = ""
    comments: list[str] = field(default_factory=list)
    doc_url: str = ""
    path: str = ""
    decoder: str = ""  # "upb" or "python": which backend read it
    # Location id -> the function its instruction calls, read from the program binary: Go's
    # heap profiles drop the runtime frames above user code, the call at the sampled address
    # names the runtime entry point that allocated (goalloc.collect.objdump).
    call_targets: dict[int, str] = field(default_factory=dict)
    binary: str | None = None  # the binary the call targets were read from
    unused_stacks: int = 0  # entries of stack_ids that no sample refers to
    _frames: dict | None = field(default=None, repr=False, compare=False)
    _stacks: list | None = field(default=None, repr=False, compare=False)

    @property
    def sample_count(self) -> int:
        """Samples in the file."""
        return len(self.samples)

    @property
    def stack_count(self) -> int:
        """Distinct stacks (location-id lists) the samples have."""
        return len(self.stack_ids) - self.unused_stacks

    def stack_sums(self, index: int) -> list[int]:
        """The value of sample type ``index`` summed per distinct stack (per ``stack_ids``)."""
        sums = [0] * len(self.stack_ids)
        for s, v in zip(self.samples.stack, self.samples.column(index)):
            if v:
                sums[s] += v
        return sums

    @property
    def stacks(self) -> list[Stack]:
        """The samples merged per distinct (stack, label set), their values summed: the shape
        every report of pprof and goalloc sums over. Built on first use, one object per
        distinct pair (the reports themselves use the columns)."""
        if self._stacks is None:
            index: dict = {}
            keys = array("l", (index.setdefault(k, len(index)) for k in zip(
                map(self.stack_ids.__getitem__, self.samples.stack),
                map(self.label_sets.__getitem__, self.samples.label_set))))
            cols = group_sums(keys, self.samples.values, self.samples.width, len(index))
            self._stacks = [Stack(ids, [col[g] for col in cols[:-1]], cols[-1][g], ls.labels,
                                  ls.num_labels)
                            for g, (ids, ls) in enumerate(index)]
        return self._stacks

    def goroot_prefixes(self) -> tuple[str, ...]:
        """The GOROOT/src/ directories the profile's runtime functions were compiled from."""
        out = set()
        for fn in self.functions.values():
            if fn.name.startswith("runtime.") and "/runtime/" in fn.filename:
                f = fn.filename.replace("\\", "/")
                prefix = f[:f.rfind("/runtime/") + 1]
                if prefix.startswith("/") or prefix[1:3] == ":/":
                    out.add(prefix)
        return tuple(sorted(out))

    def kind(self) -> str | None:
        """What profile this is: "heap" (heap and allocs profiles have the same sample
        types), "CPU", "goroutine", "block", "mutex", "block or mutex", "threadcreate", or
        None when the sample types are of no profile Go writes."""
        names = {st.type for st in self.sample_types}
        if names & HEAP_SAMPLE_TYPES:
            return "heap"
        for kind, types in _OTHER_KINDS:
            if types <= names:
                return self._contention_kind() if kind == "block or mutex" else kind
        return None

    def _contention_kind(self) -> str:
        """Block and mutex profiles have the same sample types; a mutex profile's stacks
        start where a lock was released (the delay is charged to the unlocker), a block
        profile's where a goroutine waited."""
        leaves = set()
        for lid in set(self.stack_ids.leaves()):
            loc = self.locations.get(lid)
            fn = self.functions.get(loc.lines[0].function_id) if loc and loc.lines else None
            if fn is not None:
                leaves.add(fn.name)
        if not leaves:
            return "block or mutex"
        unlocks = {n for n in leaves if n.endswith(("Unlock", "RUnlock", ".unlock"))
                   or n == "runtime._LostContendedRuntimeLock"}
        if unlocks == leaves:
            return "mutex"
        return "block" if not unlocks else "block or mutex"

    def sample_index(self, spec: str | int | None) -> int:
        """The index of a sample type, chosen like ``go tool pprof -sample_index``.

        ``spec`` is a type name (``alloc_space``), a number, or None for the profile's default
        (its ``default_sample_type``, else the last type).
        """
        from goalloc.errors import InputError

        names = [st.type for st in self.sample_types]
        if spec is None or spec == "":
            if self.default_sample_type in names:
                return names.index(self.default_sample_type)
            return len(names) - 1
        if isinstance(spec, int) or (isinstance(spec, str) and spec.isdigit()):
            i = int(spec)
            if 0 <= i < len(names):
                return i
            raise InputError(f"sample index {i} out of range: the profile has {len(names)} "
                             f"sample types ({', '.join(names)})")
        spec = spec.removeprefix("sample_index=")
        if spec in names:
            return names.index(spec)
        raise InputError(f"sample type {spec!r} is not in the profile (it has {', '.join(names)})")


# The sample types runtime/pprof writes for its other profiles. Block and mutex profiles have
# the same ones (printCountCycleProfile), so the types alone cannot tell them apart.
_OTHER_KINDS = (
    ("CPU", frozenset({"samples", "cpu"})),
    ("goroutine", frozenset({"goroutine"})),
    ("block or mutex", frozenset({"contentions", "delay"})),
    ("threadcreate", frozenset({"threadcreate"})),
)

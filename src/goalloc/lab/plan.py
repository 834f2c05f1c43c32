"""What ``goalloc lab`` is asked: the container kind, the user's types, the workload and its
sweep, and the variants that compete. A question expands into sweep points (the cartesian
product of every list-valued parameter); each point knows which variants it runs and which
it skips, and why, before anything runs.

Variant names are a public contract (JSON ``name``; docs/lab.md describes each one).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from goalloc.errors import InputError

KINDS = ("map", "slice", "intern")


@dataclass(frozen=True)
class Variant:
    name: str
    summary: str


VARIANTS: dict[str, tuple[Variant, ...]] = {
    "map": (
        Variant("map", "make(map[K]V) without a size hint"),
        Variant("map-hint", "make(map[K]V, n)"),
        Variant("rwmutex-map", "a map behind a sync.RWMutex: Lock per write, RLock per read"),
        Variant("sync-map", "sync.Map of V values: LoadOrStore to fill, Load, Store"),
        Variant("sync-map-ptr", "sync.Map of *V pointing into one []V made per op"),
        Variant("sorted-slice", "[]{K, V} sorted once, binary search (number or string keys)"),
        Variant("slice-map", "integer keys: a slice indexed by the key; other keys: a linear "
                             "search of at most 64 pairs"),
        Variant("cow-snapshot", "a map published through atomic.Pointer; every write copies "
                                "it under a mutex (copy-on-write)"),
        Variant("clear-reuse", "one map kept across ops, emptied with clear and refilled"),
    ),
    "slice": (
        Variant("append", "append to a nil slice"),
        Variant("append-cap", "make([]T, 0, n), then append"),
        Variant("append-undercap", "make([]T, 0, n*under), then append past the capacity"),
        Variant("slices-grow", "slices.Grow(nil, n), then append"),
        Variant("reuse", "one slice kept across ops, truncated with [:0]"),
        Variant("pool", "a sync.Pool of slices pre-grown to n"),
        Variant("fixed-array", "append into a [n]T array declared in the function"),
    ),
    "intern": (
        Variant("plain", "string(bytes) for every input"),
        Variant("unique", "unique.Make(string(bytes)): one canonical copy per distinct string"),
    ),
}

# Plain maps and slices are not safe when goroutines write; they run concurrently only when
# every access after the fill is a read.
NOT_SAFE_FOR_CONCURRENT_WRITES = frozenset(
    {"map", "map-hint", "sorted-slice", "slice-map", "clear-reuse"})
UNIQUE_SINCE = (1, 23)
MAX_N = 10_000_000
MAX_OPS = 100_000_000
MAX_GOROUTINES = 1024
MAX_LENGTH = 4096
MAX_CONTAINER_BYTES = 2 << 30
# Rivals whose order along a sweep is worth a sentence even when neither wins overall.
RIVALS = {
    "map": (("map", "map-hint"), ("rwmutex-map", "sync-map"), ("sync-map", "sync-map-ptr"),
            ("map", "sorted-slice"), ("map", "slice-map"), ("rwmutex-map", "cow-snapshot"),
            ("map", "clear-reuse")),
    "slice": (("append", "append-cap"), ("append-cap", "pool"), ("append-cap", "reuse"),
              ("append-cap", "fixed-array"), ("append-undercap", "append")),
    "intern": (("plain", "unique"),),
}


def variant_names(kind: str) -> list[str]:
    return [v.name for v in VARIANTS[kind]]


def summary_of(kind: str, name: str) -> str:
    return next(v.summary for v in VARIANTS[kind] if v.name == name)


@dataclass
class LabQuestion:
    """One ``goalloc lab`` question. Lists are swept (every combination is a point)."""

    kind: str  # "map", "slice" or "intern"
    n: list[int]
    key: str | None = None  # map
    value: str | None = None  # map
    elem: str | None = None  # slice
    reads: list[float] = field(default_factory=lambda: [1.0])  # map: share of reads
    goroutines: list[int] = field(default_factory=lambda: [1])  # map
    ops: int | None = None  # map: accesses after the fill (None: n)
    distinct: list[int] = field(default_factory=list)  # intern
    length: int = 16  # intern: bytes per string
    under: float = 0.5  # slice: append-undercap's capacity, as a share of n
    variants: list[str] | None = None  # None: all of the kind
    imports: list[str] = field(default_factory=list)  # import paths the types need

    def types(self) -> list[tuple[str, str]]:
        """(role, Go type) of the user's types: ("key", ...), ("value", ...), ("elem", ...)."""
        roles = {"map": ("key", "value"), "slice": ("elem",), "intern": ()}[self.kind]
        return [(role, getattr(self, role)) for role in roles]


@dataclass(frozen=True)
class Point:
    """One workload of the sweep."""

    name: str  # the sub-benchmark path, e.g. "n=1000/reads=0.9/g=1"
    params: dict  # n, reads, goroutines, ops (map); n (slice); n, distinct, length (intern)
    variants: tuple[str, ...]  # what runs
    skipped: tuple[tuple[str, str], ...] = ()  # (variant, why) known before running

    @property
    def n(self) -> int:
        return self.params["n"]


def number(x: float) -> str:
    """How a parameter value is written in names and reports: 0.9, 1, 1000."""
    return f"{x:g}"


def _check_type(role: str, text: str | None) -> str:
    if text is None or not text.strip():
        raise InputError(f"the {role} type is missing")
    text = text.strip()
    if "\n" in text or "//" in text or "/*" in text:
        raise InputError(f"the {role} type must be one line of Go without comments: {text!r}")
    return text


def _check_ints(what: str, values: list[int], low: int, high: int) -> None:
    if not values:
        raise InputError(f"{what} needs at least one value")
    for v in values:
        if isinstance(v, bool) or not isinstance(v, int) or not low <= v <= high:
            raise InputError(f"{what} must be between {low:,} and {high:,}, not {v!r}")


def validate(q: LabQuestion) -> None:
    """Raise InputError for a question that cannot be measured (before any Go runs)."""
    if q.kind not in KINDS:
        raise InputError(f"unknown lab kind {q.kind!r}; choose from {', '.join(KINDS)}")
    _check_ints("n", q.n, 1, MAX_N)
    for role, text in q.types():
        setattr(q, role, _check_type(role, text))
    for path in q.imports:
        if not re.fullmatch(r"[\w.\-~/]+", path or ""):
            raise InputError(f"not an import path: {path!r}")
    if q.variants is not None:
        known = variant_names(q.kind)
        unknown = [v for v in q.variants if v not in known]
        if unknown or not q.variants:
            raise InputError(f"unknown {q.kind} variant {', '.join(unknown) or '(none)'}; "
                             f"choose from {', '.join(known)}")
    if q.kind == "map":
        for r in q.reads:
            if not 0 <= r <= 1:
                raise InputError(f"reads is the share of accesses that read, between 0 and 1, "
                                 f"not {r!r}")
        _check_ints("goroutines", q.goroutines, 1, MAX_GOROUTINES)
        if q.ops is not None:
            _check_ints("ops", [q.ops], 1, MAX_OPS)
        _check_key(q.key)
    if q.kind == "slice" and not 0 < q.under < 1:
        raise InputError(f"under is the share of n that append-undercap reserves, between 0 "
                         f"and 1 (exclusive), not {q.under!r}")
    if q.kind == "intern":
        _check_ints("distinct", q.distinct, 1, MAX_N)
        _check_ints("length", [q.length], 1, MAX_LENGTH)
        digits = len(str(max(q.distinct) - 1))
        if q.length < digits:
            raise InputError(f"strings of {q.length} bytes cannot spell {max(q.distinct):,} "
                             f"distinct values; use a length of at least {digits}")
        too_many = [(d, n) for d in q.distinct for n in q.n if d > n]
        if too_many:
            d, n = too_many[0]
            raise InputError(f"distinct ({d:,}) cannot exceed n ({n:,}): n strings hold at "
                             "most n distinct values")
    _check_size(q)


def _check_key(key: str) -> None:
    """Keys goalloc can read as Go syntax are checked here; named types by the compiler."""
    from goalloc.models.layout import UnknownType, is_comparable

    try:
        comparable = is_comparable(key)
    except UnknownType:
        return
    if not comparable:
        raise InputError(f"{key} cannot be a map key: it is not comparable (slices, maps and "
                         "funcs, and structs or arrays holding them, are not)")


def _check_size(q: LabQuestion) -> None:
    from goalloc.models.layout import UnknownType, layout_of

    per_entry = 0
    for _, text in q.types():
        try:
            per_entry += layout_of(text).size
        except UnknownType:
            return
    if q.kind == "intern":
        per_entry = q.length
    biggest = max(q.n) * per_entry
    if biggest > MAX_CONTAINER_BYTES:
        raise InputError(f"n = {max(q.n):,} entries of {per_entry:,} B each is "
                         f"{biggest / (1 << 30):.1f} GiB per container: too large to measure "
                         f"(at most {MAX_CONTAINER_BYTES >> 30} GiB)")


def plan_points(q: LabQuestion, release: tuple[int, int], go_version: str = "") -> list[Point]:
    """The sweep points in the order they run (cheapest first), after ``validate``."""
    chosen = q.variants or variant_names(q.kind)
    chosen = [v for v in variant_names(q.kind) if v in chosen]  # catalogue order
    points = []
    if q.kind == "map":
        combos = sorted(itertools.product(sorted(set(q.n)), sorted(set(q.reads), reverse=True),
                                          sorted(set(q.goroutines))),
                        key=lambda c: (c[0] + (q.ops or c[0]), -c[1], c[2]))
        for n, reads, g in combos:
            params = {"n": n, "reads": reads, "goroutines": g, "ops": q.ops or n}
            skipped = []
            if g > 1 and reads < 1:
                skipped = [(v, "not safe when goroutines write (every access must be a read "
                               "to run it concurrently)")
                           for v in chosen if v in NOT_SAFE_FOR_CONCURRENT_WRITES]
            points.append(_point(f"n={n}/reads={number(reads)}/g={g}", params, chosen, skipped))
    elif q.kind == "slice":
        for n in sorted(set(q.n)):
            points.append(_point(f"n={n}", {"n": n}, chosen, []))
    else:
        skipped = []
        if release < UNIQUE_SINCE and "unique" in chosen:
            skipped = [("unique", f"unique.Make needs Go 1.23 or newer; this toolchain is "
                                  f"{go_version or 'go%d.%d' % release}")]
        for n, d in sorted(itertools.product(sorted(set(q.n)), sorted(set(q.distinct)))):
            points.append(_point(f"n={n}/distinct={d}",
                                 {"n": n, "distinct": d, "length": q.length}, chosen, skipped))
    if not any(p.variants for p in points):
        reasons = "; ".join(f"{v}: {why}" for v, why in points[0].skipped)
        raise InputError(f"no variant can run: {reasons}")
    return points


def _point(name: str, params: dict, chosen: list[str], skipped: list) -> Point:
    skip_names = {v for v, _ in skipped}
    return Point(name, params, tuple(v for v in chosen if v not in skip_names), tuple(skipped))


def sweep_axes(q: LabQuestion) -> list[str]:
    """The parameters that take more than one value, in plot order (n first)."""
    lists = {"map": (("n", q.n), ("reads", q.reads), ("goroutines", q.goroutines)),
             "slice": (("n", q.n),),
             "intern": (("n", q.n), ("distinct", q.distinct))}[q.kind]
    return [name for name, values in lists if len(set(values)) > 1]

"""The grow use case: what appending to a slice or filling a map costs, per Go release, from
the models in goalloc.models, plus the series a plot draws and the answers to a query file."""

from __future__ import annotations

from dataclasses import dataclass, field

from goalloc.errors import InputError

SLICE_QUERY_KEYS = {"kind", "go", "elem_size", "elem", "pointers", "n", "start_cap", "bulk"}
MAP_QUERY_KEYS = {"kind", "go", "key", "value", "n", "hint", "delete_all"}


@dataclass
class SliceQuestion:
    release: str  # "1.27"
    elem: str  # the element's Go type, or "T" when only its size is known
    elem_size: int
    pointers: bool
    n: int
    start_cap: int = 0
    bulk: int | None = None


@dataclass
class MapQuestion:
    release: str
    key: str
    value: str
    n: int
    hint: int | None = None
    delete_all: bool = False


@dataclass
class Preallocated:
    """What the same work costs with the size known up front (make(..., n))."""

    expression: str
    allocations: int
    bytes_allocated: int
    bytes_copied: int | None = None  # slices
    live_bytes: int | None = None  # maps


@dataclass
class Series:
    """Cost against N, for a plot: as asked, and preallocated to N."""

    title: str
    xs: list[int]
    label_asked: str
    label_preallocated: str
    asked: list = field(default_factory=list)  # SliceGrowth or MapGrowth per x
    preallocated: list = field(default_factory=list)


@dataclass
class GrowAnswer:
    kind: str  # "slice" or "map"
    question: SliceQuestion | MapQuestion
    growth: object  # goalloc.models SliceGrowth or MapGrowth
    preallocated: Preallocated | None
    stack_note: str | None = None
    series: Series | None = None


def default_release(note=None) -> str:
    """The release of the toolchain goalloc finds, or the newest modeled one without a
    toolchain (``note`` is told so)."""
    from goalloc.collect.toolchain import find_toolchain
    from goalloc.errors import ToolchainError
    from goalloc.models import parse_version, supported_versions

    try:
        tc = find_toolchain()
    except ToolchainError:
        newest = supported_versions()[-1]
        if note is not None:
            note(f"no Go toolchain found; modeling Go {newest} (pass --go)")
        return newest
    try:
        return parse_version(tc.release_str).name
    except InputError:
        raise InputError(f"the toolchain found is {tc.version}, which goalloc does not "
                         "model; pass --go 1.21..1.27") from None


def _xs(n: int, points: int = 400) -> list[int]:
    if n <= points:
        return list(range(1, n + 1))
    step = n / points
    return sorted({max(1, round(i * step)) for i in range(1, points + 1)})


def grow_slice(q: SliceQuestion, with_series: bool = False) -> GrowAnswer:
    from goalloc.models import simulate_slice, stack_buffer_note

    g = simulate_slice(q.release, q.elem_size, q.pointers, q.n, q.start_cap, q.bulk)
    pre = None
    if q.n > q.start_cap and q.elem_size:
        p = simulate_slice(q.release, q.elem_size, q.pointers, q.n, q.n, q.bulk)
        pre = Preallocated(f"make([]{q.elem}, 0, {q.n})", p.allocations, p.bytes_allocated,
                           bytes_copied=p.bytes_copied)
    series = None
    if with_series:
        xs = _xs(q.n)
        asked = [simulate_slice(q.release, q.elem_size, q.pointers, x, q.start_cap, q.bulk)
                 for x in xs]
        pres = [simulate_slice(q.release, q.elem_size, q.pointers, x, max(x, q.start_cap), q.bulk)
                for x in xs]
        label = f"make([]{q.elem}, 0, {q.start_cap})" if q.start_cap else "from nil"
        title = (f"append {q.elem} ({q.elem_size} B{', pointers' if q.pointers else ''}), "
                 f"Go {q.release}")
        series = Series(title, xs, label, f"make([]{q.elem}, 0, N)", asked, pres)
    return GrowAnswer("slice", q, g, pre, stack_buffer_note(q.release, q.elem_size), series)


def grow_map(q: MapQuestion, with_series: bool = False) -> GrowAnswer:
    from goalloc.models import simulate_map

    g = simulate_map(q.release, q.key, q.value, q.n, q.hint, q.delete_all)
    pre = None
    if q.n > 8 and (q.hint is None or q.hint < q.n):
        p = simulate_map(q.release, q.key, q.value, q.n, q.n, q.delete_all)
        pre = Preallocated(f"make(map[{q.key}]{q.value}, {q.n})", p.allocations,
                           p.bytes_allocated, live_bytes=p.live_bytes)
    series = None
    if with_series:
        # Classic maps replay every insert: fewer points, one seed each.
        swiss = g.implementation == "swiss"
        xs = _xs(q.n, 120 if swiss else 30)
        seeds = None if swiss else 1
        asked = [simulate_map(q.release, q.key, q.value, x, q.hint, seeds=seeds) for x in xs]
        pres = [simulate_map(q.release, q.key, q.value, x, x, seeds=seeds) for x in xs]
        label = f"hint {q.hint}" if q.hint is not None else "no hint"
        series = Series(f"map[{q.key}]{q.value}, Go {q.release}", xs, label,
                        f"make(map[{q.key}]{q.value}, N)", asked, pres)
    return GrowAnswer("map", q, g, pre, None, series)


# --- query files ----------------------------------------------------------------------

def _field(q: dict, i: int, name: str, kind, required=False, default=None, allow_none=False):
    if name not in q or (q[name] is None and not required and not allow_none):
        if required:
            raise InputError(f"query {i}: missing {name!r}")
        return default
    value = q[name]
    if value is None and allow_none:
        return None
    ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
    if not ok:
        raise InputError(f"query {i}: {name!r} must be {kind.__name__}, not {value!r}")
    return value


def _question(q, i: int, release: str) -> SliceQuestion | MapQuestion:
    from goalloc.models.layout import layout_of

    n = _field(q, i, "n", int, required=True)
    if q["kind"] == "map":
        return MapQuestion(release, _field(q, i, "key", str, required=True),
                           _field(q, i, "value", str, required=True), n,
                           _field(q, i, "hint", int, allow_none=True),
                           _field(q, i, "delete_all", bool, default=False))
    elem = _field(q, i, "elem", str)
    size = _field(q, i, "elem_size", int)
    pointers = _field(q, i, "pointers", bool, default=False)
    if elem is not None:
        lay = layout_of(elem)
        size, pointers = lay.size, lay.pointers
    elif size is None:
        raise InputError(f"query {i}: give 'elem_size' (or 'elem')")
    return SliceQuestion(release, elem or "T", size, pointers, n,
                         _field(q, i, "start_cap", int, default=0), _field(q, i, "bulk", int))


def answer_queries(queries, default: str | None, note=None) -> list[GrowAnswer]:
    """Answer each query in order; a malformed query is an error naming its index."""
    from goalloc.models import parse_version

    if not isinstance(queries, list):
        raise InputError("a query file must hold a JSON list of queries")
    out = []
    fallback = None
    for i, q in enumerate(queries):
        if not isinstance(q, dict):
            raise InputError(f"query {i}: must be a JSON object")
        kind = q.get("kind")
        allowed = {"slice": SLICE_QUERY_KEYS, "map": MAP_QUERY_KEYS}.get(kind)
        if allowed is None:
            raise InputError(f"query {i}: 'kind' must be \"slice\" or \"map\", not {kind!r}")
        extra = sorted(set(q) - allowed)
        if extra:
            raise InputError(f"query {i}: unknown field(s) {', '.join(extra)}")
        release = _field(q, i, "go", str)
        if release is None:
            if default is None:
                fallback = fallback or default_release(note)
            release = default or fallback
        try:
            question = _question(q, i, parse_version(release).name)
            out.append(grow_map(question) if kind == "map" else grow_slice(question))
        except InputError as exc:
            if str(exc).startswith(f"query {i}:"):
                raise
            raise InputError(f"query {i}: {exc}") from None
    return out


def load_queries(path: str) -> list:
    import json

    from goalloc.fsutil import read_text

    text = read_text(path, "query file")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"query file {path} is not JSON: {exc.msg} at line {exc.lineno}") from None
    if not isinstance(data, list):
        raise InputError(f"query file {path} must hold a JSON list of queries")
    return data

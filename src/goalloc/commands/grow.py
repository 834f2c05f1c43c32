"""`goalloc grow`: what appending to a slice or filling a map costs, per Go version."""

from __future__ import annotations

import argparse
import json

from goalloc.errors import InputError, UsageError

SCHEMA_VERSION = 1
_SLICE_KEYS = {"kind", "go", "elem_size", "elem", "pointers", "n", "start_cap", "bulk"}
_MAP_KEYS = {"kind", "go", "key", "value", "n", "hint", "delete_all"}


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "grow", help="model slice and map growth for a Go version",
        description="Exact models of append() and map growth, per Go release (1.21-1.27): "
                    "allocations, bytes, copies, and what preallocation saves.")
    p.add_argument("--queries", metavar="FILE",
                   help="answer a JSON list of queries (see docs/growth.md); use with --format json")
    _common(p)
    sub = p.add_subparsers(dest="grow_kind", metavar="{slice,map}", parser_class=type(p))

    s = sub.add_parser("slice", help="append N elements to a slice")
    s.add_argument("--elem", metavar="TYPE", help="element type in Go syntax, e.g. int64, "
                   "'struct{a int32; b string}'")
    s.add_argument("--elem-size", type=int, metavar="S", help="element size in bytes")
    s.add_argument("--pointers", action="store_true",
                   help="the element (of --elem-size) contains pointers")
    s.add_argument("--n", type=int, required=True, help="number of elements appended")
    s.add_argument("--start-cap", type=int, default=0, metavar="C",
                   help="start from make([]T, 0, C) instead of nil")
    s.add_argument("--bulk", type=int, metavar="K",
                   help="append K at a time with append(s, xs...)")
    _common(s)

    m = sub.add_parser("map", help="insert N keys into a map")
    m.add_argument("--key", required=True, metavar="TYPE", help="key type in Go syntax")
    m.add_argument("--value", required=True, metavar="TYPE", help="value type in Go syntax")
    m.add_argument("--n", type=int, required=True, help="number of distinct keys inserted")
    m.add_argument("--hint", type=int, metavar="H", help="make(map[K]V, H)")
    m.add_argument("--delete-all", action="store_true", help="then delete every key")
    _common(m)
    p.set_defaults(func=run)


def _common(p) -> None:
    p.add_argument("--go", metavar="VERSION", default=argparse.SUPPRESS,
                   help="Go release to model, e.g. 1.27 (default: the toolchain goalloc finds)")
    p.add_argument("--format", choices=("text", "json"), default=argparse.SUPPRESS)
    p.add_argument("--plot", metavar="FILE", default=argparse.SUPPRESS,
                   help="draw bytes and allocations against N (.svg or .png)")
    p.add_argument("-o", "--output", metavar="FILE", default=argparse.SUPPRESS,
                   help="write the report here instead of stdout")


def _default_go() -> str:
    import sys

    from goalloc.errors import ToolchainError
    from goalloc.models import parse_version, supported_versions
    from goalloc.collect.toolchain import find_toolchain

    try:
        tc = find_toolchain()
    except ToolchainError:
        # The models are pure Python: without a toolchain, model the newest release.
        newest = supported_versions()[-1]
        print(f"goalloc: note: no Go toolchain found; modeling Go {newest} (pass --go)",
              file=sys.stderr)
        return newest
    try:
        return parse_version(tc.release_str).name
    except UsageError:
        raise UsageError(f"the toolchain found is {tc.version}, which goalloc does not "
                         "model; pass --go 1.21..1.27") from None


def run(args) -> int:
    from goalloc.models import parse_version
    from goalloc.report.output import write_output

    fmt = getattr(args, "format", None)
    plot = getattr(args, "plot", None)
    if plot:
        from goalloc.report.plot import check_plot_path
        check_plot_path(plot)
    go_arg = getattr(args, "go", None)
    if args.queries:
        if args.grow_kind:
            raise UsageError("--queries answers a query file; do not add 'slice' or 'map'")
        if plot:
            raise UsageError("--plot goes with 'grow slice' or 'grow map', not --queries")
        if fmt == "text":
            raise UsageError("--queries answers in JSON: use --format json")
        go = parse_version(go_arg).name if go_arg else None
        text = json.dumps(answer_queries(_load_queries(args.queries), go), indent=1)
        write_output(text, getattr(args, "output", None))
        return 0
    if not args.grow_kind:
        raise UsageError("say what to model: 'goalloc grow slice ...', 'goalloc grow map ...' "
                         "or 'goalloc grow --queries FILE'")
    go = parse_version(go_arg).name if go_arg else _default_go()
    if args.grow_kind == "slice":
        doc, text, series = _slice(args, go, plot)
    else:
        doc, text, series = _map(args, go, plot)
    if plot:
        _save_plot(plot, *series)
    out = json.dumps(doc, indent=1) if fmt == "json" else text
    write_output(out, getattr(args, "output", None))
    return 0


# --- slices ---------------------------------------------------------------------------

def _slice_elem(args) -> tuple[str, int, bool]:
    from goalloc.models import layout_of

    if args.elem and args.elem_size is not None:
        raise UsageError("give --elem TYPE or --elem-size S, not both")
    if args.elem:
        if args.pointers:
            raise UsageError("--pointers goes with --elem-size; --elem TYPE already says it")
        lay = layout_of(args.elem)
        return args.elem, lay.size, lay.pointers
    if args.elem_size is None:
        raise UsageError("give the element: --elem TYPE or --elem-size S")
    return "T", args.elem_size, args.pointers


def _slice(args, go, plot):
    from goalloc.models import simulate_slice, stack_buffer_note

    name, size, pointers = _slice_elem(args)
    g = simulate_slice(go, size, pointers, args.n, args.start_cap, args.bulk)
    advice = None
    if args.n > args.start_cap and size:
        pre = simulate_slice(go, size, pointers, args.n, args.n, args.bulk)
        advice = {"expression": f"make([]{name}, 0, {args.n})", "allocations": pre.allocations,
                  "bytes_allocated": pre.bytes_allocated, "bytes_copied": pre.bytes_copied}
    from goalloc.report.grow_text import slice_report

    note = stack_buffer_note(go, size)
    doc = {"schema_version": SCHEMA_VERSION, "go": go, "kind": "slice", "elem": name,
           **_slice_fields(g), "steps": [vars(s) for s in g.steps],
           "preallocated": advice, "stack_note": note}
    text = slice_report(g, name, advice, note)
    series = None
    if plot:
        series = _slice_series(go, name, size, pointers, args)
    return doc, text, series


def _slice_fields(g) -> dict:
    return {"elem_size": g.elem_size, "pointers": g.pointers, "n": g.n,
            "start_cap": g.start_cap, "bulk": g.bulk, "allocations": g.allocations,
            "bytes_allocated": g.bytes_allocated, "bytes_copied": g.bytes_copied,
            "peak_live_bytes": g.peak_live_bytes, "final_cap": g.final_cap, "caps": g.caps}


def _xs(n: int, points: int = 400) -> list[int]:
    if n <= points:
        return list(range(1, n + 1))
    step = n / points
    return sorted({max(1, round(i * step)) for i in range(1, points + 1)})


def _slice_series(go, name, size, pointers, args):
    from goalloc.models import simulate_slice

    xs = _xs(args.n)
    grow = [simulate_slice(go, size, pointers, x, args.start_cap, args.bulk) for x in xs]
    pre = [simulate_slice(go, size, pointers, x, max(x, args.start_cap), args.bulk) for x in xs]
    label_grow = f"make([]{name}, 0, {args.start_cap})" if args.start_cap else "from nil"
    title = f"append {name} ({size} B{', pointers' if pointers else ''}), Go {go}"
    return title, xs, label_grow, f"make([]{name}, 0, N)", grow, pre


# --- maps -----------------------------------------------------------------------------

def _map(args, go, plot):
    from goalloc.models import simulate_map
    from goalloc.report.grow_text import map_report

    g = simulate_map(go, args.key, args.value, args.n, args.hint, args.delete_all)
    advice = None
    if args.n > 8 and (args.hint is None or args.hint < args.n):
        pre = simulate_map(go, args.key, args.value, args.n, args.n, args.delete_all)
        advice = {"expression": f"make(map[{args.key}]{args.value}, {args.n})",
                  "allocations": pre.allocations, "bytes_allocated": pre.bytes_allocated,
                  "live_bytes": pre.live_bytes}
    doc = {"schema_version": SCHEMA_VERSION, "go": go, "kind": "map", **_map_fields(g),
           "steps": [vars(s) for s in g.steps], "hinted": advice}
    series = None
    if plot:
        # Classic maps replay every insert: fewer points, one seed each.
        swiss = g.implementation == "swiss"
        xs = _xs(args.n, 120 if swiss else 30)
        seeds = None if swiss else 1
        grow = [simulate_map(go, args.key, args.value, x, args.hint, seeds=seeds) for x in xs]
        pre = [simulate_map(go, args.key, args.value, x, x, seeds=seeds) for x in xs]
        label = f"hint {args.hint}" if args.hint is not None else "no hint"
        series = (f"map[{args.key}]{args.value}, Go {go}", xs, label,
                  f"make(map[{args.key}]{args.value}, N)", grow, pre)
    return doc, map_report(g, advice), series


def _map_fields(g) -> dict:
    return {"key": g.key, "value": g.value, "n": g.n, "hint": g.hint,
            "delete_all": g.delete_all, "implementation": g.implementation,
            "allocations": g.allocations, "bytes_allocated": g.bytes_allocated,
            "live_bytes": g.live_bytes, "deterministic": g.deterministic,
            "tables": g.tables, "capacity": g.capacity, "slot_bytes": g.slot_bytes,
            "bytes_range": g.bytes_range, "allocations_range": g.allocations_range,
            "note": g.note}


def _byte_unit(values: list[int]) -> tuple[str, int]:
    # Scale to one binary unit so the axis ticks are round numbers of that unit.
    top = max(values, default=0)
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if top >= 4 * size:
            return unit, size
    return "bytes", 1


def _save_plot(path, title, xs, label_grow, label_pre, grow, pre) -> None:
    from goalloc.report.plot import Panel, Series, save_panels

    gb = [g.bytes_allocated for g in grow]
    pb = [p.bytes_allocated for p in pre]
    unit, size = _byte_unit(gb + pb)
    panels = [
        Panel("bytes allocated (as MemStats.TotalAlloc counts them)", unit, [
            Series(label_grow, xs, [b / size for b in gb], step=True),
            Series(label_pre, xs, [b / size for b in pb], step=True, style="--")]),
        Panel("heap allocations (MemStats.Mallocs)", "allocations", [
            Series(label_grow, xs, [g.allocations for g in grow], step=True),
            Series(label_pre, xs, [p.allocations for p in pre], step=True, style="--")]),
    ]
    save_panels(path, title, "N (elements appended / keys inserted)", panels)


# --- query files ----------------------------------------------------------------------

def _load_queries(path: str) -> list:
    from goalloc.fsutil import read_text

    text = read_text(path, "query file")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"query file {path} is not JSON: {exc.msg} at line {exc.lineno}") from None
    if not isinstance(data, list):
        raise InputError(f"query file {path} must hold a JSON list of queries")
    return data


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


def answer_queries(queries: list, default_go: str | None) -> list[dict]:
    """Answer each query in order; a malformed query is an error naming its index."""
    from goalloc.models import parse_version, simulate_map, simulate_slice
    from goalloc.models.layout import layout_of

    out = []
    fallback = None
    for i, q in enumerate(queries):
        if not isinstance(q, dict):
            raise InputError(f"query {i}: must be a JSON object")
        kind = q.get("kind")
        allowed = {"slice": _SLICE_KEYS, "map": _MAP_KEYS}.get(kind)
        if allowed is None:
            raise InputError(f"query {i}: 'kind' must be \"slice\" or \"map\", not {kind!r}")
        extra = sorted(set(q) - allowed)
        if extra:
            raise InputError(f"query {i}: unknown field(s) {', '.join(extra)}")
        go_field = _field(q, i, "go", str)
        if go_field is None:
            if default_go is None:
                fallback = fallback or _default_go()
            go = default_go or fallback
        else:
            go = go_field
        try:
            go = parse_version(go).name
            n = _field(q, i, "n", int, required=True)
            if kind == "slice":
                elem = _field(q, i, "elem", str)
                size = _field(q, i, "elem_size", int)
                pointers = _field(q, i, "pointers", bool, default=False)
                if elem is not None:
                    lay = layout_of(elem)
                    size, pointers = lay.size, lay.pointers
                elif size is None:
                    raise InputError(f"query {i}: give 'elem_size' (or 'elem')")
                g = simulate_slice(go, size, pointers, n, _field(q, i, "start_cap", int, default=0),
                                   _field(q, i, "bulk", int))
                out.append({"schema_version": SCHEMA_VERSION, "go": go, "kind": "slice",
                            **_slice_fields(g)})
            else:
                g = simulate_map(go, _field(q, i, "key", str, required=True),
                                 _field(q, i, "value", str, required=True), n,
                                 _field(q, i, "hint", int, allow_none=True),
                                 _field(q, i, "delete_all", bool, default=False))
                out.append({"schema_version": SCHEMA_VERSION, "go": go, "kind": "map",
                            **_map_fields(g)})
        except UsageError as exc:
            raise type(exc)(f"query {i}: {exc}") from None
    return out

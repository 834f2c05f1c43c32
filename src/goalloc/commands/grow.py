"""goalloc grow: what appending to a slice or filling a map costs, per Go version."""

from __future__ import annotations

import argparse
import sys

from goalloc.commands import options
from goalloc.errors import UsageError

EXAMPLES = """\
examples:
  goalloc grow slice --elem int64 --n 1000             # steps, totals, what make(..., 0, 1000) saves
  goalloc grow slice --elem 'struct{a int32; b string}' --n 5000 --go 1.21
  goalloc grow slice --elem-size 24 --pointers --n 100 --start-cap 16
  goalloc grow map --key string --value int --n 5000 --hint 5000 --plot map.svg
  goalloc grow map --key int --value int --n 1000 --delete-all --format json
  goalloc grow --queries queries.json --format json    # many questions at once (docs/growth.md)"""


def register(subparsers) -> None:
    p = options.add_parser(
        subparsers, "grow", help="model slice and map growth for a Go version",
        description="Exact models of append() and map growth, per Go release (1.21-1.27): "
                    "allocations, bytes, copies, and what preallocation saves.",
        epilog_text=EXAMPLES)
    p.add_argument("--queries", metavar="FILE",
                   help="answer a JSON list of queries (see docs/growth.md); use with --format json")
    _common(p)
    sub = p.add_subparsers(dest="grow_kind", metavar="{slice,map}", parser_class=type(p))

    s = options.add_parser(sub, "slice", help="append N elements to a slice", epilog_text=EXAMPLES)
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

    m = options.add_parser(sub, "map", help="insert N keys into a map", epilog_text=EXAMPLES)
    m.add_argument("--key", required=True, metavar="TYPE", help="key type in Go syntax")
    m.add_argument("--value", required=True, metavar="TYPE", help="value type in Go syntax")
    m.add_argument("--n", type=int, required=True, help="number of distinct keys inserted")
    m.add_argument("--hint", type=int, metavar="H", help="make(map[K]V, H)")
    m.add_argument("--delete-all", action="store_true", help="then delete every key")
    _common(m)
    p.set_defaults(func=run)


def _common(p) -> None:
    # On the command and on each kind, so options may come before or after 'slice'/'map'.
    p.add_argument("--go", metavar="VERSION", default=argparse.SUPPRESS,
                   help="Go release to model, e.g. 1.27 (default: the toolchain goalloc finds)")
    p.add_argument("--format", choices=("text", "json"), default=argparse.SUPPRESS,
                   help="output format: text, json (default text)")
    p.add_argument("--plot", metavar="FILE", default=argparse.SUPPRESS,
                   help="draw bytes and allocations against N (.svg or .png; needs goalloc[plot])")
    p.add_argument("-o", "--output", metavar="FILE", default=argparse.SUPPRESS,
                   help="write the report to FILE (atomically) instead of standard output")


def _note(message: str) -> None:
    print(f"goalloc: note: {message}", file=sys.stderr)


def run(args) -> int:
    from goalloc.app import grow
    from goalloc.models import parse_version
    from goalloc.report import grow_json
    from goalloc.report.output import write_output

    fmt = getattr(args, "format", None)
    plot = getattr(args, "plot", None)
    output = getattr(args, "output", None)
    options.check_output(argparse.Namespace(output=output))
    if plot:
        from goalloc.report.plot import check_plot_path
        check_plot_path(plot)
    go_arg = getattr(args, "go", None)
    release = parse_version(go_arg).name if go_arg else None
    if args.queries:
        if args.grow_kind:
            raise UsageError("--queries answers a query file; do not add 'slice' or 'map'")
        if plot:
            raise UsageError("--plot goes with 'grow slice' or 'grow map', not --queries")
        if fmt == "text":
            raise UsageError("--queries answers in JSON: use --format json")
        answers = grow.answer_queries(grow.load_queries(args.queries), release, note=_note)
        write_output(grow_json.render_answers(answers), output)
        return 0
    if not args.grow_kind:
        raise UsageError("say what to model: 'goalloc grow slice ...', 'goalloc grow map ...' "
                         "or 'goalloc grow --queries FILE'")
    release = release or grow.default_release(note=_note)
    if args.grow_kind == "slice":
        answer = grow.grow_slice(_slice_question(args, release), with_series=bool(plot))
    else:
        answer = grow.grow_map(grow.MapQuestion(release, args.key, args.value, args.n,
                                                args.hint, args.delete_all),
                               with_series=bool(plot))
    if plot:
        from goalloc.report.grow_text import save_plot

        save_plot(plot, answer.series)
    if fmt == "json":
        text = grow_json.render(answer)
    else:
        from goalloc.report.grow_text import render

        from goalloc.report.terminal import fit_text

        text = fit_text(render(answer), output)
    write_output(text, output)
    return 0


def _slice_question(args, release: str):
    from goalloc.app.grow import SliceQuestion
    from goalloc.models import layout_of

    if args.elem and args.elem_size is not None:
        raise UsageError("give --elem TYPE or --elem-size S, not both")
    if args.elem:
        if args.pointers:
            raise UsageError("--pointers goes with --elem-size; --elem TYPE already says it")
        lay = layout_of(args.elem)
        return SliceQuestion(release, args.elem, lay.size, lay.pointers, args.n,
                             args.start_cap, args.bulk)
    if args.elem_size is None:
        raise UsageError("give the element: --elem TYPE or --elem-size S")
    return SliceQuestion(release, "T", args.elem_size, args.pointers, args.n, args.start_cap,
                         args.bulk)

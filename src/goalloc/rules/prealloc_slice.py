"""prealloc-slice: an empty slice appended to once per iteration of a loop with a known trip count."""

from __future__ import annotations

from goalloc.facts import Append, Loop, Pos, Var
from goalloc.rules.base import (Context, Estimate, Finding, Fix, Rule, by_target, fmt_bytes,
                                paren)
from goalloc.rules.models_api import slice_cost

ID = "prealloc-slice"
TITLE = "Give a slice its capacity before a loop that appends a known number of times"
DOC = """\
**What it finds.** A local slice that starts empty (`var s []T`, `s := []T{}`,
`s := make([]T, 0)`) and is appended to exactly once (or a fixed number of times) on every
iteration of a loop whose trip count is known before the loop starts: a `range` over a
slice, array, map or int, or a counted `for i := lo; i < hi; i++` whose index and bound the
body does not change. Loops that may end early (`break`, `return`, `goto`), appends behind
a condition or a `continue`, slices written anywhere else (reassigned, resliced, appended
outside the loop, captured by a closure, their address taken) are left alone. A slice made with a small constant capacity (`make([]int, 0, 8)`) that a loop of a constant trip count fills past it is reported too, and a `range` over a string (once per rune: at most `len(s)` times, the capacity is then an upper bound). Negatives beside them in tests/testdata/rules/prealloc: a constant capacity that already holds every element (`EnoughCap`).

**Why it costs.** Each time the slice is full, `append` allocates a larger array and copies
every element so far: about log2(n) allocations and about n elements copied in total,
where one `make` with the right capacity allocates once and copies nothing.

**Example.**

```go
var ids []int64
for _, o := range orders {
    ids = append(ids, o.ID)
}
```

**Fix.** `ids := make([]int64, 0, len(orders))`. The finding carries this replacement text
(for the declaration, or as a line to insert before the loop when the bound is only known
after the declaration) and the modeled saving at the constant bound or at `--assume-n`.
A slice declared `var s []T` stays `nil` when the loop does not run; after the fix it is
empty but not nil, which matters only to code that compares it with `nil`.
"""

EMPTY_INITS = {"nil", "empty-literal", "make"}


def _n_label(loop: Loop, n: int, assumed: bool) -> str:
    bound = loop.bound
    if not assumed:
        return f"{n:,} iterations"
    if bound.startswith("len(") and bound.endswith(")"):
        inner = bound[4:-1]
        if inner.isidentifier():
            return f"{n:,} {inner}"
        return f"{bound} = {n:,}"
    return f"{bound} = {n:,}"


def run(ctx: Context):
    for pkg in ctx.iter_packages():
        loops = ctx.loops_by_id(pkg)
        appends_by_key = by_target(pkg.appends)
        for v in pkg.vars:
            f = _check_var(ctx, pkg, v, loops, appends_by_key.get(v.key, []))
            if f:
                yield f


def _check_var(ctx: Context, pkg, v: Var, loops: dict[int, Loop], appends: list[Append]):
    if v.kind != "slice" or v.decl_kind not in ("var", "define"):
        return None
    if v.init_len not in ("", "0") or v.captured:
        return None
    if v.init not in EMPTY_INITS and not (v.init == "make-cap" and v.init_cap.isdigit()):
        return None
    writes = [w for w in v.writes if w.kind != "decl"]
    if not writes or any(w.kind != "append-self" for w in writes):
        return None
    loop_ids = {w.loop for w in writes}
    if len(loop_ids) != 1 or any(w.function != v.function for w in writes):
        return None
    loop = loops.get(loop_ids.pop())
    if loop is None or loop.function != v.function or not loop.bound:
        return None
    # A range over a string runs once per rune: at most len(s) times, the bytes.
    at_most = not loop.bound_exact and loop.range_over == "string"
    if (not loop.bound_exact and not at_most) or loop.exits_early or loop.parent != v.loop:
        return None
    if len(appends) != len(writes):
        return None  # appends whose result goes elsewhere (y := append(s, ...))
    per_iter = _elements_per_iteration(v, loop, appends)
    if per_iter is None:
        return None
    first = min(appends, key=lambda a: (a.line, a.col))
    n, assumed = ctx.loop_n(loop)
    start_cap = int(v.init_cap) if v.init == "make-cap" else 0
    if v.init == "make-cap" and (loop.bound_const is None or start_cap >= per_iter * n):
        return None  # a constant capacity that already holds every element, or an unknown n
    bound = loop.bound
    times = bound if per_iter == 1 else f"{per_iter}*{paren(bound)}"
    make_text = f"make({v.type_text or v.type}, 0, {times})"
    fix = _fix(v, loop, make_text)
    if fix is None:
        return None
    est, saving = _estimate(ctx, v, per_iter * n, loop, n, assumed, start_cap)
    if at_most:
        times = f"at most {times}"
    msg = (f"this loop appends {times} times to {v.name} ({v.type}): "
           f"{make_text}{saving or ' avoids the growth copies'}")
    sites = [(s.file, s.line, s.col) for ap in appends for s in ctx.sites_at(ap.file, ap.line)
             if s.expr.startswith("append") or (s.kind == "slice" and s.col == ap.col)]
    sites += [(s.file, s.line, s.col) for s in ctx.sites_at(v.file, v.line) if s.kind == "slice"]
    return Finding(rule=ID, file=first.file, line=first.line, col=first.col, message=msg,
                   package=pkg.path, function=v.function, fix=fix, estimate=est,
                   sites=sorted(set(sites)))


def _elements_per_iteration(v: Var, loop: Loop, appends: list[Append]) -> int | None:
    """Elements the appends add to v on every iteration of loop, or None if they do not all
    run on every iteration with a fixed number of elements."""
    per_iter = 0
    for ap in appends:
        if (ap.assigned is None or ap.assigned.key != v.key or not ap.every_iteration
                or ap.spread or ap.loop != loop.id or ap.elements < 1):
            return None
        per_iter += ap.elements
    return per_iter


def _estimate(ctx: Context, v: Var, elems: int, loop: Loop, n: int, assumed: bool,
              start_cap: int = 0):
    """The modeled cost of growing to elems elements from start_cap against making them at
    once, and the message's words for the saving ("" when the model cannot answer)."""
    if v.elem is None:
        return None, ""
    before = slice_cost(ctx.go, v.elem, elems, start_cap)
    after = slice_cost(ctx.go, v.elem, elems, elems)
    if not before or not after:
        return None, ""
    est = Estimate(n=elems, go=ctx.go, before=before, after=after,
                   note="n assumed with --assume-n" if assumed else "")
    saved = before.allocations - after.allocations
    copied = (before.bytes_copied or 0) - (after.bytes_copied or 0)
    return est, (f" saves {saved} of {before.allocations} allocations and "
                 f"{fmt_bytes(copied)} of copying at {_n_label(loop, n, assumed)}")


def _fix(v: Var, loop: Loop, make_text: str) -> Fix | None:
    since = loop.bound_since or Pos(0, 0)
    stmt = v.stmt
    decl_pos = (stmt.line, stmt.col) if stmt else (v.line, v.col)
    nil_note = (f" ({v.name} is then empty, not nil, when the loop does not run)"
                if v.init == "nil" else "")
    same_block = bool(v.block) and v.block == loop.block
    if stmt and same_block and (since.line, since.col) < decl_pos:
        op = ":=" if v.decl_kind == "define" or v.init == "nil" else "="
        if v.decl_kind == "var" and v.init != "nil":
            text = f"var {v.name} = {make_text}"
        else:
            text = f"{v.name} {op} {make_text}"
        return Fix(description=f"give {v.name} its capacity where it is declared{nil_note}",
                   replacement=text, file=v.file, line=stmt.line, col=stmt.col,
                   end_line=stmt.end_line, end_col=stmt.end_col)
    # The bound is known only after the declaration, or the loop runs only on some paths:
    # size the slice just before the loop.
    if (since.line, since.col) >= (loop.line, loop.col):
        return None
    return Fix(description=f"give {v.name} its capacity just before the loop{nil_note}",
               replacement=f"{loop.indent}{v.name} = {make_text}\n", file=loop.file,
               line=loop.line, col=1, end_line=loop.line, end_col=1)


RULE = Rule(id=ID, title=TITLE, doc=DOC, needs=frozenset({"loops", "vars", "appends"}),
            run=run)

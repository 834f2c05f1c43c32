"""map-size-hint: a map made without a size hint and filled once per iteration of a counted loop."""

from __future__ import annotations

from goalloc.facts import Loop, MapOp, Pos, Var
from goalloc.rules.base import (Context, Cost, Estimate, Finding, Fix, Rule, by_target,
                                fmt_bytes)
from goalloc.rules.models_api import map_model

ID = "map-size-hint"
TITLE = "Give a map its size hint before a loop that fills it a known number of times"
DOC = """\
**What it finds.** A local map created without a size hint (`make(map[K]V)` or
`map[K]V{}`) that gets exactly one `m[k] = v` on every iteration of a loop whose trip count
is known before the loop (a `range` over a slice, array, map or int, or a counted `for`),
and no other inserts, deletes or reassignments. Loops that may end early, inserts behind a
condition or a `continue`, updates such as `m[k]++` and groupings such as
`m[k] = append(m[k], v)` (keys repeat) and maps whose size is not known are left alone.

**Why it costs.** A map without a hint starts small and grows as it fills: every growth
allocates new tables and moves every entry (Go 1.24+ swiss tables split or double; older
releases double the bucket array and evacuate). With the hint, the runtime sizes the table
once.

**Example.**

```go
byID := make(map[int64]*Order)
for _, o := range orders {
    byID[o.ID] = o
}
```

**Fix.** `byID := make(map[int64]*Order, len(orders))`. The estimate assumes the keys are
distinct; with repeated keys the hint over-reserves.
"""


def run(ctx: Context):
    for pkg in ctx.iter_packages():
        loops = ctx.loops_by_id(pkg)
        ops_by_key = by_target(pkg.map_ops)
        for v in pkg.vars:
            f = _check_var(ctx, pkg, v, loops, ops_by_key.get(v.key, []))
            if f:
                yield f


def _check_var(ctx: Context, pkg, v: Var, loops: dict[int, Loop], ops: list[MapOp]):
    loop = _filling_loop(v, loops, ops)
    if loop is None:
        return None
    op = ops[0]
    bound = loop.bound
    make_text = f"make({v.type_text or v.type}, {bound})"
    text = f"{v.name} := {make_text}" if v.decl_kind == "define" else f"var {v.name} = {make_text}"
    stmt = v.stmt
    fix = Fix(description=f"give {v.name} its size hint where it is made", replacement=text,
              file=v.file, line=stmt.line, col=stmt.col, end_line=stmt.end_line,
              end_col=stmt.end_col)
    n, assumed = ctx.loop_n(loop)
    est = None
    saving = " avoids the growth of its tables"
    if v.key_layout and v.value_layout:
        before = map_model(ctx.go, v.key_layout, v.value_layout, n, hint=None)
        after = map_model(ctx.go, v.key_layout, v.value_layout, n, hint=n)
        if before is not None and after is not None:
            if after.allocations >= before.allocations:
                return None  # the model says a hint would not help at this size
            est = Estimate(n=n, go=ctx.go,
                           before=Cost(before.allocations, before.bytes_allocated),
                           after=Cost(after.allocations, after.bytes_allocated),
                           note="n assumed with --assume-n" if assumed else "")
            at = f"{n:,} entries" if not assumed else f"{bound} = {n:,}"
            saving = (f" saves {before.allocations - after.allocations} of "
                      f"{before.allocations} allocations and "
                      f"{fmt_bytes(max(0, before.bytes_allocated - after.bytes_allocated))}"
                      f" at {at}")
    msg = (f"this loop inserts {bound} times into {v.name} ({v.type}): "
           f"{make_text}{saving}")
    sites = [(s.file, s.line, s.col) for s in ctx.sites_at(v.file, v.line) if s.kind == "map"]
    return Finding(rule=ID, file=op.file, line=op.line, col=op.col, message=msg,
                   package=pkg.path, function=v.function, fix=fix, estimate=est,
                   sites=sorted(set(sites)))


def _filling_loop(v: Var, loops: dict[int, Loop], ops: list[MapOp]) -> Loop | None:
    """The loop that fills map v with one insert per iteration, with a bound known where v
    is made, when nothing else writes v; else None."""
    if v.kind != "map" or v.decl_kind not in ("var", "define") or v.captured:
        return None
    if v.init not in ("make", "empty-literal") or not v.stmt:
        return None
    if any(w.kind != "decl" for w in v.writes) or len(ops) != 1:
        return None
    op = ops[0]
    if op.op != "insert" or not op.every_iteration or op.function != v.function:
        return None
    if op.reads_self:
        return None  # m[k] = append(m[k], v): grouping, the keys repeat
    loop = loops.get(op.loop)
    if loop is None or not loop.bound or not loop.bound_exact or loop.exits_early:
        return None
    if loop.parent != v.loop or loop.function != v.function:
        return None
    since = loop.bound_since or Pos(0, 0)
    if (since.line, since.col) >= (v.stmt.line, v.stmt.col):
        return None  # the bound is not known where the map is made
    return loop


RULE = Rule(id=ID, title=TITLE, doc=DOC, needs=frozenset({"loops", "vars", "map_ops"}), run=run)

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
`m[k] = append(m[k], v)` (keys repeat) and maps whose size is not known are left alone. A struct field map made without a hint in the same function that then fills it (`x.m = make(map[K]V)`, then one insert per iteration) is reported too, with the hint as the fix. Negative beside it in tests/testdata/rules/mapsize: a field map filled by a method that does not make it (`Rebuild`).

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
        makes = {(m.file, m.line): m for m in pkg.makes if m.kind == "map"}
        for key, ops in ops_by_key.items():
            if key.startswith("field:"):
                yield from _check_field(ctx, pkg, loops, ops, makes)


def _check_var(ctx: Context, pkg, v: Var, loops: dict[int, Loop], ops: list[MapOp]):
    loop = _filling_loop(v, loops, ops)
    if loop is None:
        return None
    bound = loop.bound
    make_text = f"make({v.type_text or v.type}, {bound})"
    text = f"{v.name} := {make_text}" if v.decl_kind == "define" else f"var {v.name} = {make_text}"
    stmt = v.stmt
    fix = Fix(description=f"give {v.name} its size hint where it is made", replacement=text,
              file=v.file, line=stmt.line, col=stmt.col, end_line=stmt.end_line,
              end_col=stmt.end_col)
    sites = [(s.file, s.line, s.col) for s in ctx.sites_at(v.file, v.line) if s.kind == "map"]
    return _finding(ctx, pkg, v.name, v.type, v.key_layout, v.value_layout, loop, ops[0],
                    make_text, fix, sites)


def _check_field(ctx: Context, pkg, loops: dict[int, Loop], ops: list[MapOp], makes: dict):
    """A field map made (without a hint) and then filled by one loop in the same function:
    x.m = make(map[K]V); for ... { x.m[k] = v }."""
    by_function: dict[str, list[MapOp]] = {}
    for op in ops:
        by_function.setdefault(op.function, []).append(op)
    for function, fops in by_function.items():
        if len(fops) != 2 or [o.op for o in fops] != ["reassign", "insert"]:
            continue
        made, fill = fops
        mk = makes.get((made.file, made.line))
        if mk is None or mk.args or fill.reads_self or not fill.every_iteration:
            continue
        loop = loops.get(fill.loop)
        if (loop is None or not loop.bound or not loop.bound_exact or loop.exits_early
                or loop.parent != made.loop or (loop.line, loop.col) < (made.line, made.col)):
            continue
        since = loop.bound_since or Pos(0, 0)
        if (since.line, since.col) >= (made.line, made.col):
            continue
        end = _call_end(ctx.source_line(mk.file, mk.line), mk.col)
        if end is None:
            continue
        make_text = f"make({mk.type}, {loop.bound})"
        fix = Fix(description=f"give {made.target.name} its size hint where it is made",
                  replacement=make_text, file=mk.file, line=mk.line, col=mk.col,
                  end_line=mk.line, end_col=end)
        sites = [(s.file, s.line, s.col) for s in ctx.sites_at(mk.file, mk.line)
                 if s.kind == "map"]
        f = _finding(ctx, pkg, made.target.name, made.map_type, made.key, made.value, loop,
                     fill, make_text, fix, sites)
        if f:
            yield f


def _call_end(line: str, col: int) -> int | None:
    """The 1-based column just after the call that starts at col (make(...))."""
    depth = 0
    for i in range(col - 1, len(line)):
        if line[i] == "(":
            depth += 1
        elif line[i] == ")":
            depth -= 1
            if depth == 0:
                return i + 2
    return None


def _finding(ctx: Context, pkg, name: str, map_type: str, key_layout, value_layout, loop: Loop,
             op: MapOp, make_text: str, fix: Fix, sites: list):
    bound = loop.bound
    n, assumed = ctx.loop_n(loop)
    est = None
    saving = " avoids the growth of its tables"
    if key_layout and value_layout:
        before = map_model(ctx.go, key_layout, value_layout, n, hint=None)
        after = map_model(ctx.go, key_layout, value_layout, n, hint=n)
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
    msg = (f"this loop inserts {bound} times into {name} ({map_type}): "
           f"{make_text}{saving}")
    return Finding(rule=ID, file=op.file, line=op.line, col=op.col, message=msg,
                   package=pkg.path, function=op.function, fix=fix, estimate=est,
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


RULE = Rule(id=ID, title=TITLE, doc=DOC, needs=frozenset({"loops", "vars", "map_ops", "makes"}),
            run=run)

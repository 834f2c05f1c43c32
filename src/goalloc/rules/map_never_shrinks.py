"""map-never-shrinks: a long-lived map emptied with delete or clear and filled again."""

from __future__ import annotations

from goalloc.facts import MapOp
from goalloc.rules.base import (Context, Cost, Estimate, Finding, Fix, Rule, fmt_bytes,
                                loop_ancestors)
from goalloc.rules.models_api import map_model

ID = "map-never-shrinks"
TITLE = "A map emptied and refilled keeps the memory of its largest size"
DOC = """\
**What it finds.** A long-lived map (a struct field, a package variable, or a local kept
across the iterations of a loop) that is emptied with `clear(m)` or the
`for k := range m { delete(m, k) }` idiom and filled again (a field emptied by one method
and refilled by another counts). Maps that are also given a new `make` somewhere other than
a constructor (`New...`, `new...`, `init`, where the first map is made) are left alone.
Cases and negatives in tests/testdata/rules/nevershrinks: `Sessions` (made by
`NewSessions`, emptied by a delete loop in `Purge`) is reported; `Conns` (its `Reset`
makes a new map) is not.

**Why it costs.** Go maps never shrink: deleting every entry, or `clear`, keeps the tables
sized for the largest number of entries the map ever held. A map that once held a million
entries keeps their memory live for as long as the map lives, even when it holds ten.
That is what you want for a buffer reused at a steady size; it is a leak when one burst
sized it.

**Example.**

```go
func (c *Cache) Reset() {
    clear(c.entries) // the tables keep their size
}
```

**Fix.** Where releasing the memory is what you want, make a new map instead:
`c.entries = make(map[string]*Entry)`; the old tables become garbage. The estimate gives
the modeled live bytes of the emptied map at `--assume-n` entries at its peak.
"""


def run(ctx: Context):
    by_key: dict[str, list[tuple[object, MapOp]]] = {}
    for pkg in ctx.iter_packages():
        for op in pkg.map_ops:
            if op.target.key:
                by_key.setdefault(op.target.key, []).append((pkg, op))
    vars_by_key = {v.key: (pkg, v) for pkg in ctx.iter_packages()
                   for v in pkg.vars if v.kind == "map"}
    for key, ops in sorted(by_key.items()):
        kind = ops[0][1].target.kind
        if kind in ("field", "global"):
            f = _long_lived(ctx, ops)
        elif kind == "local":
            f = _local(ctx, ops, vars_by_key.get(key))
        else:
            f = None
        if f:
            yield f


def _emptying(op: MapOp) -> bool:
    return op.op == "clear" or (op.op == "delete" and op.delete_all and op.every_iteration)


def _constructs(function: str) -> bool:
    """New..., new..., init: where the first map is made, not where a used one is replaced."""
    name = function.rsplit(".", 1)[-1]
    return name.startswith(("New", "new")) or name == "init" or function.startswith("init.")


def _filling(op: MapOp) -> bool:
    return op.op in ("insert", "update")


def _estimate(ctx: Context, op: MapOp):
    if not op.key or not op.value:
        return None, ""
    n = ctx.assume_n
    full = map_model(ctx.go, op.key, op.value, n)
    emptied = map_model(ctx.go, op.key, op.value, n, delete_all=True)
    if full is None or emptied is None:
        return None, ""
    est = Estimate(n=n, go=ctx.go, before=Cost(0, emptied.live_bytes),
                   after=Cost(full.allocations, 0),
                   note="before: live bytes of the emptied map; after: re-making it frees "
                        "them, and refilling allocates again")
    return est, f" (modeled: {fmt_bytes(emptied.live_bytes)} still live after {n:,} entries)"


def _finding(ctx: Context, pkg, op: MapOp, what: str, fix_target: str) -> Finding:
    est, note = _estimate(ctx, op)
    msg = (f"{what} {op.target.name} ({op.map_type}) is emptied and refilled: a map never "
           f"shrinks, so it keeps the memory of its largest size{note}")
    fix = Fix(description=f"if the memory should be released, make a new map: "
                          f"{fix_target} = make({op.map_type})")
    return Finding(rule=ID, file=op.file, line=op.line, col=op.col, message=msg,
                   package=pkg.path, function=op.function, fix=fix, estimate=est)


def _long_lived(ctx: Context, ops: list[tuple[object, MapOp]]) -> Finding | None:
    """A field or package variable emptied and filled, and never given a new map after it
    is made (a constructor or init that makes the first map does not count)."""
    if any(op.op == "reassign" and not _constructs(op.function) for _, op in ops):
        return None
    emptied = [(p, op) for p, op in ops if _emptying(op)]
    if not emptied or not any(_filling(op) for _, op in ops):
        return None
    pkg, op = min(emptied, key=lambda po: (po[1].file, po[1].line))
    what = "field" if op.target.kind == "field" else "package variable"
    return _finding(ctx, pkg, op, what, op.target.name)


def _local(ctx: Context, ops: list[tuple[object, MapOp]], declared) -> Finding | None:
    """A local map, never reassigned, emptied and filled again inside a loop it was declared
    outside of."""
    if declared is None:
        return None
    pkg, v = declared
    if any(w.kind != "decl" for w in v.writes):
        return None
    loops = ctx.loops_by_id(pkg)
    decl_chain = set(loop_ancestors(loops, v.loop))
    for _, op in ops:
        if not _emptying(op) or op.function != v.function:
            continue
        # the innermost loop around the emptying that the map was declared outside of
        chain = loop_ancestors(loops, op.loop)
        if op.delete_all:
            chain = chain[1:]  # the range-over-m loop itself is the idiom, not the reuse
        outer = {lid for lid in chain if lid not in decl_chain}
        if not outer:
            continue
        for _, fill in ops:
            if (_filling(fill) and fill.function == v.function
                    and set(loop_ancestors(loops, fill.loop)) & outer):
                return _finding(ctx, pkg, op, "the map", v.name)
    return None


RULE = Rule(id=ID, title=TITLE, doc=DOC, needs=frozenset({"loops", "vars", "map_ops"}), run=run)

"""map-never-shrinks: a long-lived map emptied with delete or clear and filled again."""

from __future__ import annotations

from goalloc.rules.base import Context, Cost, Estimate, Finding, Fix, Rule, fmt_bytes, loop_ancestors
from goalloc.rules.models_api import map_model

ID = "map-never-shrinks"
TITLE = "A map emptied and refilled keeps the memory of its largest size"
DOC = """\
**What it finds.** A long-lived map (a struct field, a package variable, or a local kept
across the iterations of a loop) that is emptied with `clear(m)` or the
`for k := range m { delete(m, k) }` idiom and filled again. Maps that are also given a new
`make` somewhere are left alone.

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


def check(ctx: Context):
    by_key: dict[str, list[tuple[dict, dict]]] = {}
    for pkg in ctx.iter_packages():
        for op in pkg.get("map_ops", []):
            key = (op.get("target") or {}).get("key")
            if key:
                by_key.setdefault(key, []).append((pkg, op))
    vars_by_key = {v["key"]: (pkg, v) for pkg in ctx.iter_packages()
                   for v in pkg.get("vars", []) if v["kind"] == "map"}
    for key, ops in sorted(by_key.items()):
        kind = ops[0][1]["target"]["kind"]
        if kind in ("field", "global"):
            f = _long_lived(ctx, key, ops)
        elif kind == "local":
            f = _local(ctx, key, ops, vars_by_key.get(key))
        else:
            f = None
        if f:
            yield f


def _emptying(op: dict) -> bool:
    return op["op"] == "clear" or (op["op"] == "delete" and op.get("delete_all")
                                   and op.get("every_iteration"))


def _estimate(ctx: Context, op: dict):
    if not op.get("key") or not op.get("value"):
        return None, ""
    n = ctx.assume_n
    full = map_model(ctx.go, op["key"], op["value"], n)
    emptied = map_model(ctx.go, op["key"], op["value"], n, delete_all=True)
    if full is None or emptied is None:
        return None, ""
    est = Estimate(n=n, go=ctx.go, before=Cost(0, emptied.live_bytes),
                   after=Cost(full.allocations, 0),
                   note="before: live bytes of the emptied map; after: re-making it frees "
                        "them, and refilling allocates again")
    return est, f" (modeled: {fmt_bytes(emptied.live_bytes)} still live after {n:,} entries)"


def _finding(ctx, pkg, op, what, est, note, fix_target):
    name = op["target"]["name"]
    msg = (f"{what} {name} ({op['map_type']}) is emptied and refilled: a map never shrinks, "
           f"so it keeps the memory of its largest size{note}")
    fix = Fix(description=f"if the memory should be released, make a new map: "
                          f"{fix_target} = make({op['map_type']})")
    return Finding(rule=ID, file=op["file"], line=op["line"], col=op["col"], message=msg,
                   package=pkg["path"], function=op["function"], fix=fix, estimate=est)


def _long_lived(ctx, key, ops):
    if any(op["op"] == "reassign" for _, op in ops):
        return None
    empt = [(p, op) for p, op in ops if _emptying(op)]
    fills = [(p, op) for p, op in ops if op["op"] in ("insert", "update")]
    if not empt or not fills:
        return None
    pkg, op = min(empt, key=lambda po: (po[1]["file"], po[1]["line"]))
    est, note = _estimate(ctx, op)
    what = "field" if op["target"]["kind"] == "field" else "package variable"
    return _finding(ctx, pkg, op, what, est, note, op["target"]["name"])


def _local(ctx, key, ops, pv):
    if pv is None:
        return None
    pkg, v = pv
    if any(w["kind"] not in ("decl",) for w in v["writes"]):
        return None
    loops = ctx.loops_by_id(pkg)
    decl_chain = set(loop_ancestors(loops, v["loop"]))
    for _, op in ops:
        if not _emptying(op) or op["function"] != v["function"]:
            continue
        # the innermost loop around the emptying that the map was declared outside of
        chain = loop_ancestors(loops, op["loop"])
        if op.get("delete_all"):
            chain = chain[1:]  # the range-over-m loop itself is the idiom, not the reuse
        outer = [lid for lid in chain if lid not in decl_chain]
        if not outer:
            continue
        for _, fill in ops:
            if fill["op"] not in ("insert", "update") or fill["function"] != v["function"]:
                continue
            if set(loop_ancestors(loops, fill["loop"])) & set(outer):
                est, note = _estimate(ctx, op)
                return _finding(ctx, pkg, op, "the map", est, note, v["name"])
    return None


RULE = Rule(id=ID, title=TITLE, doc=DOC, check=check)

"""closure-capture: a slice or map variable moved to the heap by an escaping closure."""

from __future__ import annotations

from goalloc.facts import Capture, Closure, Var
from goalloc.rules.base import Context, Cost, Estimate, Finding, Rule, loop_ancestors
from goalloc.rules.models_api import alloc_size

ID = "closure-capture"
TITLE = "A slice or map variable moved to the heap because an escaping closure shares it"
DOC = """\
**What it finds.** A local slice or map variable that the compiler moves to the heap
(`moved to heap: x`) because a closure or goroutine that escapes captures it by reference
(the variable is assigned after the capture, inside or outside the closure, or assigned in
a loop that also creates the closure, so the next iteration writes it after this one's
capture), and whose address is not taken otherwise. The compiler's `moved to heap` is the
oracle: nothing is reported without it. Cases in tests/testdata/rules/capture: results made
before a loop of goroutines and resliced after they finish (`Fanout`), a slice appended to in
the loop that starts the goroutines (`Batches`), a `defer` in a loop (`Deferred`); negative:
a slice built by appends before the goroutine starts and never written after (`Snapshot`,
captured by value).

**Why it costs.** The variable itself (a 24-byte slice header, an 8-byte map pointer) gets
its own heap object, once per call of the enclosing function, in addition to the closure.

**Example.**

```go
var results []int
var wg sync.WaitGroup
wg.Add(1)
go func() { defer wg.Done(); results = append(results, compute()) }()
wg.Wait()
```

**Fix.** Usually none: the closure shares the variable on purpose. goalloc reports the
cost and does not suggest "pass it as a parameter": measured on go1.27, passing the slice
to the goroutine as an argument keeps the variable on the stack but often costs more
allocations in total (4 against 6 in one case) because the goroutine's wrapper holds its
arguments, and it changes what the caller sees. If the closure only reads the variable,
assigning it before the closure is created lets the compiler capture it by value.
"""


def run(ctx: Context):
    moved = {(s.file, s.line, s.col): s for s in ctx.sites
             if s.verdict == "heap" and "moved to heap" in (s.diagnostic or "")}
    if not moved:
        return
    for pkg in ctx.iter_packages():
        vars_by_key = {v.key: v for v in pkg.vars}
        loops = ctx.loops_by_id(pkg)
        reported = set()
        for c in pkg.closures:
            for cap in c.captures:
                if cap.key in reported or not (
                        _shared_collection(cap)
                        or _written_in_loop_around(vars_by_key.get(cap.key), c, loops)):
                    continue
                file = _decl_file(cap, c)
                site = moved.get((file, cap.decl_line, cap.decl_col))
                if site is None or (site.expr and site.expr != cap.name):
                    continue
                v = vars_by_key.get(cap.key)
                if v is None or any(w.kind == "addr" for w in v.writes):
                    continue  # its address is taken anyway
                reported.add(cap.key)
                yield _finding(ctx, pkg, c, cap, v, file, site)


def _decl_file(cap: Capture, c: Closure) -> str:
    """The file the captured variable is declared in, from its key local:FILE:LINE:COL."""
    if cap.key.startswith("local:"):
        return cap.key[len("local:"):].rsplit(":", 2)[0]
    return c.file


def _written_in_loop_around(v: Var | None, c: Closure, loops: dict) -> bool:
    """A slice or map written in a loop that also creates the closure, declared outside that
    loop: the next iteration writes it after this iteration's capture (by reference)."""
    if v is None or v.kind not in ("slice", "map"):
        return False
    around = {lp.id for lp in loops.values() if lp.function == v.function
              and lp.file == c.file and lp.line <= c.line <= lp.end_line}
    around -= set(loop_ancestors(loops, v.loop))
    return any(w.kind != "decl" and set(loop_ancestors(loops, w.loop)) & around
               for w in v.writes)


def _shared_collection(cap: Capture) -> bool:
    """A slice or map captured by reference: written after the capture or inside it."""
    return cap.kind in ("slice", "map") and (cap.written_inside or cap.written_after)


def _finding(ctx: Context, pkg, c: Closure, cap: Capture, v: Var, file: str, site) -> Finding:
    size = alloc_size(ctx.go, cap.size, True) or cap.size
    who = {"go": "the goroutine", "defer": "the deferred closure"}.get(c.context, "the closure")
    if c.context == "go":
        advice = ("passing it to the goroutine as an argument would keep the variable on the "
                  "stack but is usually not cheaper in total (the goroutine's wrapper holds its "
                  "arguments) and the goroutine would no longer share it; no change suggested")
    else:
        advice = "the closure shares it on purpose; no change suggested"
    msg = (f"{cap.name} ({cap.type}) is moved to the heap because {who} at line {c.line} "
           f"captures it by reference and escapes: one {size}-byte allocation per call of "
           f"{v.function}; {advice}")
    est = Estimate(n=1, go=ctx.go, before=Cost(1, size), after=None,
                   note="per call of the enclosing function; no change suggested")
    return Finding(rule=ID, file=file, line=cap.decl_line, col=cap.decl_col, message=msg,
                   package=pkg.path, function=v.function, fix=None, estimate=est,
                   sites=[(site.file, site.line, site.col)])


RULE = Rule(id=ID, title=TITLE, doc=DOC, needs=frozenset({"vars", "closures", "loops"}), run=run,
            needs_sites=True)

"""conversion-in-loop: string(b) / []byte(s) conversions that allocate inside a loop."""

from __future__ import annotations

from goalloc.facts import Conversion
from goalloc.rules.base import Context, Cost, Estimate, Finding, Fix, Rule

ID = "conversion-in-loop"
TITLE = "A string/[]byte conversion that copies on every iteration of a loop"
DOC = """\
**What it finds.** `string(b)` and `[]byte(s)` conversions inside a loop that copy their
data into a new allocation on every iteration (not those behind an `if` or a `case`, such as
the `if !seen[string(b)] { seen[string(b)] = true }` idiom, which already converts only
for new keys): a `string(b)` used as the key of a map
assignment (`m[string(b)] = v`, `m[string(b)]++`, which allocate the key every time), and
any other conversion the compiler's escape analysis says escapes to the heap. Conversions
the compiler does without a copy are never reported (measured on go1.27): map lookups
`m[string(b)]`, comparisons, `switch string(b)`, operands of a concatenation, `range
[]byte(s)`, and read-only `[]byte(s)` that do not escape.

**Why it costs.** A string is immutable and a `[]byte` is not, so a conversion that
outlives the expression copies all the bytes into a new heap object.

**Example.**

```go
for _, line := range lines {
    counts[string(line)]++ // allocates the key on every line
}
```

**Fix.** Keep the data in one form across the loop (`bytes` functions on `[]byte`,
`strings` functions on `string`); for map counters look the key up first
(`if p, ok := m[string(b)]; ok { *p++ }` with pointer values), converting only for a new
key; convert once before the loop when the value does not change.
"""

NO_COPY = {"map-index-read", "compare", "switch-tag", "concat", "range"}
ALWAYS = {"map-index-write", "map-index-update"}


def run(ctx: Context):
    for pkg in ctx.iter_packages():
        loops = ctx.loops_by_id(pkg)
        for c in pkg.conversions:
            if c.loop < 0 or c.cold or c.conditional:
                continue  # not on every iteration
            if c.kind not in ("string-from-bytes", "bytes-from-string") or c.context in NO_COPY:
                continue
            f = _finding(ctx, pkg, c, loops.get(c.loop))
            if f:
                yield f


def _finding(ctx: Context, pkg, c: Conversion, loop) -> Finding | None:
    sites = ctx.heap_sites_in(c.file, c.line, c.col, c.end_line, c.end_col)
    if c.context in ALWAYS and c.kind == "string-from-bytes" and not c.constant:
        why = "allocates the map key on every iteration"
        fix = Fix(description="look the key up first with m[string(b)] (no copy) and "
                              "convert only when the key is new, or keep pointer values "
                              "and update through them")
    elif sites:
        why = "escapes to the heap: it copies the bytes on every iteration"
        fix = Fix(description="keep the data in one form inside the loop (bytes.* on "
                              "[]byte, strings.* on string) or convert once before it")
    else:
        return None
    n, assumed = ctx.loop_n(loop) if loop and loop.bound else (ctx.assume_n, True)
    est = Estimate(n=n, go=ctx.go, before=Cost(n, 0), after=Cost(0, 0),
                   note="bytes depend on the data's length; n: loop iterations"
                        + (" (assumed with --assume-n)" if assumed else ""))
    msg = f"{c.expr} {why}: {n:,} allocations at {n:,} iterations"
    return Finding(rule=ID, file=c.file, line=c.line, col=c.col, message=msg, package=pkg.path,
                   function=c.function, fix=fix, estimate=est,
                   sites=[(s.file, s.line, s.col) for s in sites])


RULE = Rule(id=ID, title=TITLE, doc=DOC, needs=frozenset({"loops", "conversions"}), run=run)

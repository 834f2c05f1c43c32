"""large-copy: value receivers and range value copies of types of at least 128 bytes."""

from __future__ import annotations

from goalloc.facts import Receiver, RangeCopy
from goalloc.rules.base import Context, Cost, Estimate, Finding, Fix, Rule, fmt_bytes

ID = "large-copy"
TITLE = "A large value copied on every call or iteration"
THRESHOLD = 128
# Methods whose bodies have fewer AST nodes than this are likely inlined (the inliner's
# budget is 80 IR nodes), and an inlined call copies nothing.
INLINE_NODES = 100
DOC = f"""\
**What it finds.** Methods with a value receiver of a type of at least {THRESHOLD} bytes
that do not modify their copy (the message says whether the body is small enough to be
inlined, in which case only calls through an interface or a method value copy), and
`for _, v := range xs` loops over slices or arrays whose element type is at least
{THRESHOLD} bytes where the body uses `v` as a whole (passes, stores or returns it, takes
its address, calls a method on it, writes a field); sizes from `types.Sizes` for the target
GOARCH. Measured on go1.27: an inlined method call copies nothing, and a range loop that
only reads fields of `v` reads them from the element without copying it.

**Why it costs.** A value receiver copies the whole value on every call that is not
inlined; a range value variable copies each element into `v`. It is not an allocation,
but it is memory traffic proportional to the size, on every call or iteration.

**Example.**

```go
type Matrix [32]float64          // 256 bytes
func (m Matrix) Trace() float64  // copies 256 bytes per call
for _, m := range ms { ... }     // copies 256 bytes per element
```

**Fix.** A pointer receiver (`func (m *Matrix) Trace()`; note that this changes the method
set of `Matrix`: a `Matrix` value no longer satisfies an interface through this method),
or ranging by index (`for i := range ms {{ m := &ms[i]; ... }}`).
"""


def run(ctx: Context):
    for pkg in ctx.iter_packages():
        for r in pkg.receivers:
            if not r.pointer and r.size >= THRESHOLD and not r.mutated:
                yield _receiver_finding(ctx, pkg, r)  # a mutated copy is part of the meaning
        loops = ctx.loops_by_id(pkg)
        for c in pkg.range_copies:
            # a body that only reads fields makes the compiler copy nothing
            if (c.size >= THRESHOLD and c.over in ("slice", "array", "pointer-to-array")
                    and c.whole_use):
                yield _range_finding(ctx, pkg, c, loops.get(c.loop))


def _receiver_finding(ctx: Context, pkg, r: Receiver) -> Finding:
    n = ctx.assume_n
    if r.body_nodes < INLINE_NODES:
        when = ("every call the compiler does not inline, and every call through an "
                "interface or a method value, copies it; a pointer receiver avoids that")
    else:
        when = "its body is too large to inline, so every call copies it; use a pointer receiver"
    msg = f"{r.function} has a value receiver of type {r.type} ({r.size} bytes): {when}"
    fix = Fix(description=f"use a pointer receiver *{r.type} (this changes the method set of "
                          f"{r.type})", replacement="*",
              file=r.file, line=r.line, col=r.col, end_line=r.line, end_col=r.col)
    est = Estimate(n=n, go=ctx.go, before=Cost(0, n * r.size), after=Cost(0, n * 8),
                   note=f"bytes copied over {n:,} calls (--assume-n)")
    return Finding(rule=ID, file=r.file, line=r.line, col=r.col, message=msg, package=pkg.path,
                   function=r.function, fix=fix, estimate=est)


def _range_finding(ctx: Context, pkg, c: RangeCopy, loop) -> Finding:
    n, assumed = ctx.loop_n(loop) if loop and loop.bound else (ctx.assume_n, True)
    x = c.range_expr
    simple = all(part.isidentifier() for part in x.split("."))
    how = (f"for i := range {x} {{ {c.value} := &{x}[i]; ... }}" if simple else
           "range over the index and use a pointer to each element")
    msg = (f"range copies each {c.type} ({c.size} bytes) of {x} into {c.value}: "
           f"{fmt_bytes(n * c.size)} copied at {n:,} elements; {how}")
    est = Estimate(n=n, go=ctx.go, before=Cost(0, n * c.size), after=Cost(0, 0),
                   note="bytes copied" + (" (n assumed with --assume-n)" if assumed else ""))
    return Finding(rule=ID, file=c.file, line=c.line, col=c.col, message=msg, package=pkg.path,
                   function=c.function, fix=Fix(description=how), estimate=est)


RULE = Rule(id=ID, title=TITLE, doc=DOC, needs=frozenset({"loops", "receivers", "range_copies"}),
            run=run)

"""box-in-loop: a value boxed into an interface inside a loop, where the box allocates."""

from __future__ import annotations

import re

from goalloc.facts import InterfaceConversion
from goalloc.rules.base import Context, Cost, Estimate, Finding, Fix, Rule, fmt_bytes
from goalloc.rules.models_api import alloc_size

ID = "box-in-loop"
TITLE = "A value boxed into an interface on every iteration of a loop"
DOC = """\
**What it finds.** A non-pointer value converted to an interface (`any`, `error`,
`fmt.Stringer`, ...) inside a loop, where the compiler's escape analysis says the box
escapes to the heap: arguments of `fmt` and friends and other `any` parameters, sends on a
`chan any`, appends to a `[]any`, `any` map values and keys, composite literal elements.
Only boxes that really allocate are reported. These do not, even when `-m` says they
escape (measured on go1.27): constants, locals never reassigned after a constant
initialiser, struct and array literals of constants (static data), single bytes and bools,
zero-size values and pointer-shaped values (pointers, maps, channels, funcs). Only boxes on every iteration are reported: not those behind an
`if`, a `case`, `&&` or `||`, not those on a path that leaves the loop (an error `return`,
`panic`, `break`), and not arguments of `testing` failure reports or of calls that stop
(`Fatalf`, `Panicf`, ...). Formatting and logging calls made on every iteration are
reported, errors included (`errs = append(errs, fmt.Errorf("bad %d", x))`,
`(*log.Logger).Printf`); an error made on the way out of the loop is not (goalloc scan ranks
such sites `cold`).

**Why it costs.** An interface holds a pointer to its value; a value that is not a pointer
is copied to a new heap object of its size (rounded up to a size class) every time.

**Example.**

```go
for _, id := range ids {
    buf = fmt.Appendf(buf, "%d,", id) // id escapes to heap: one allocation per id
}
```

**Fix.** A typed alternative: `buf = strconv.AppendInt(buf, id, 10)`, a typed method
instead of an `any` parameter, or a generic function (`func f[T any](v T)`).
"""

TYPED_HINTS = {
    "int": "strconv.AppendInt / strconv.Itoa", "int64": "strconv.AppendInt / strconv.FormatInt",
    "int32": "strconv.AppendInt", "int16": "strconv.AppendInt",
    "uint": "strconv.AppendUint", "uint64": "strconv.AppendUint / strconv.FormatUint",
    "uint32": "strconv.AppendUint", "uint16": "strconv.AppendUint",
    "uintptr": "strconv.AppendUint",
    "float64": "strconv.AppendFloat", "float32": "strconv.AppendFloat",
    "string": "append(buf, s...) or a strings.Builder",
}


def _suggestion(b: InterfaceConversion) -> str:
    if b.callee.startswith("fmt.") and b.basic_kind in TYPED_HINTS:
        return f"format it without fmt: {TYPED_HINTS[b.basic_kind]}"
    if b.context == "send":
        return "send on a channel of the concrete type"
    if b.context in ("append", "composite"):
        return "keep the values in a slice of their own type"
    if b.context in ("map-value", "map-key"):
        return "use a map of the concrete type"
    if b.callee:
        return f"give {b.callee} a typed or generic variant instead of an interface parameter"
    return "keep the value in its concrete type (a typed method or a generic function)"


_TESTING = ("*testing.T.", "*testing.B.", "*testing.F.", "testing.TB.", "*testing.common.")


# Calls that stop the program or the goroutine: what they box is made once. An error made
# on every iteration (errs = append(errs, fmt.Errorf(...))) is not among them; one made on
# the way out of the loop is excluded by ``cold``, and ranked cold (goalloc.escape.priority).
_STOPS = re.compile(r"(?i)(^|\.)(fatalf?|fatalln|panicf?|panicln)$")


_SMALL_OPERAND = re.compile(r"^.+\s*(%|&)\s*(0[xX][0-9a-fA-F]+|\d+)$")


def _maybe_small_int(expr: str) -> bool:
    """`i % 7`, `x & 0xff`: integers 0..255 are boxed from a static table without allocating,
    and such results are usually in that range (a wrong finding costs more than a missed one)."""
    m = _SMALL_OPERAND.match(expr.strip())
    return bool(m) and int(m.group(2), 0) <= 256


def _diagnostic(callee: str) -> bool:
    """Test failures and stops: they run when something went wrong, not per item."""
    return callee.startswith(_TESTING) or bool(_STOPS.search(callee))


def _allocates(b: InterfaceConversion) -> bool:
    """The box allocates on every iteration, as far as the facts tell."""
    if b.loop < 0 or b.cold or b.conditional:
        return False  # not on every iteration
    if _diagnostic(b.callee):
        return False  # test failures and stops run when something went wrong
    return not (b.constant or b.const_local or b.small_value or b.pointer_shaped or b.size <= 0
                or b.static_literal or _maybe_small_int(b.expr))


def run(ctx: Context):
    for pkg in ctx.iter_packages():
        loops = ctx.loops_by_id(pkg)
        for b in pkg.interface_conversions:
            if not _allocates(b):
                continue
            sites = [s for s in ctx.heap_sites_in(b.file, b.line, b.col, b.end_line, b.end_col)
                     if not (s.note or "").startswith("allocates nothing")]
            if sites:
                f = _finding(ctx, pkg, b, loops.get(b.loop), sites)
                if f:
                    yield f


def _finding(ctx: Context, pkg, b: InterfaceConversion, loop, sites) -> Finding | None:
    n, assumed = ctx.loop_n(loop) if loop and loop.bound else (ctx.assume_n, True)
    box = alloc_size(ctx.go, b.size, b.pointers) or b.size
    allocs = n
    note = "n: loop iterations" + (" (assumed with --assume-n)" if assumed else "")
    if b.loop_index:
        # the runtime boxes integers 0..255 from a static table
        allocs = max(0, n - 256)
        note += "; indexes 0..255 are boxed without allocating"
        if allocs == 0:
            return None
    est = Estimate(n=n, go=ctx.go, before=Cost(allocs, allocs * box), after=Cost(0, 0), note=note)
    where = f" for {b.callee}" if b.callee else ""
    msg = (f"{b.expr} ({b.from_type}) is boxed into {b.to_type}{where} on every "
           f"iteration and escapes: {allocs:,} allocations, {fmt_bytes(allocs * box)} "
           f"at {n:,} iterations; {_suggestion(b)}")
    return Finding(rule=ID, file=b.file, line=b.line, col=b.col, message=msg, package=pkg.path,
                   function=b.function, fix=Fix(description=_suggestion(b)), estimate=est,
                   sites=[(s.file, s.line, s.col) for s in sites])


RULE = Rule(id=ID, title=TITLE, doc=DOC, needs=frozenset({"loops", "interface_conversions"}),
            run=run, needs_sites=True)

"""constant-error: an error with a constant message made anew on every call."""

from __future__ import annotations

import re

from goalloc.escape.advice import sentinel_name
from goalloc.facts import ErrorValue, Function
from goalloc.rules.base import Context, Cost, Estimate, Finding, Fix, Rule

ID = "constant-error"
TITLE = "An error with a constant message made on every call instead of once"
DOC = """\
**What it finds.** `errors.New("...")`, or `fmt.Errorf("...")` with no other argument, inside
a function, where the compiler says the error escapes to the heap: every call that reaches it
allocates a new error with the same message.

**Why it costs.** One small allocation (16 bytes for errors.New, more for fmt.Errorf) each
time; on a path taken per item (a parser rejecting input, a lookup that misses) it adds up.
Errors made with arguments (`fmt.Errorf("bad %d", n)`) are not reported: they need their
arguments, and on a failure path they are paid once per failure (goalloc scan ranks them
`cold`).

**Example.**

```go
func Parse(s string) (int, error) {
    if s == "" {
        return 0, errors.New("empty input")
    }
    ...
```

**Fix.** Declare the error once at package level and return it: `var errEmptyInput =
errors.New("empty input")`. The fix is two edits: the use, and the declaration added after the
function. Callers that compared messages still match; callers can now also compare with `==`
or `errors.Is`.
"""


def run(ctx: Context):
    for pkg in ctx.iter_packages():
        taken: set[str] = set()
        functions = sorted(pkg.functions, key=lambda f: (f.file, f.line))
        for ev in pkg.error_values:
            if not ev.constant or ev.package or ev.line != ev.end_line:
                continue
            sites = [s for s in ctx.heap_sites_in(ev.file, ev.line, ev.col, ev.end_line,
                                                  ev.end_col)
                     if not (s.note or "").startswith("allocates nothing")]
            fn = next((f for f in functions if f.file == ev.file
                       and f.line <= ev.line <= f.end_line), None)
            if not sites or fn is None:
                continue
            f = _finding(ctx, pkg, ev, fn, sites, taken)
            if f:
                yield f


def _unused_name(ctx: Context, ev: ErrorValue, call: str, taken: set[str]) -> str:
    """A name for the sentinel that this file does not use yet (nor an earlier finding)."""
    base = sentinel_name(call)
    text = "\n".join(ctx.file_lines(ev.file))
    name, i = base, 2
    while name in taken or re.search(rf"\b{re.escape(name)}\b", text):
        name, i = f"{base}{i}", i + 1
    taken.add(name)
    return name


def _finding(ctx: Context, pkg, ev: ErrorValue, fn: Function, sites, taken) -> Finding | None:
    call = ctx.source_line(ev.file, ev.line)[ev.col - 1:ev.end_col - 1]
    if not call.startswith(("errors.New(", "fmt.Errorf(")):
        return None  # a renamed import: leave it
    name = _unused_name(ctx, ev, call, taken)
    after = fn.end_line + 1
    declare = Fix(description="declare it once", replacement=f"\nvar {name} = {call}\n",
                  file=ev.file, line=after, col=1, end_line=after, end_col=1)
    fix = Fix(description=f"declare `var {name} = {call}` once at package level and use "
                          f"{name} here", replacement=name, file=ev.file, line=ev.line,
              col=ev.col, end_line=ev.end_line, end_col=ev.end_col, more=[declare])
    size = 16 if ev.call == "errors.New" else 32
    n = ctx.assume_n
    est = Estimate(n=n, go=ctx.go, before=Cost(n, n * size), after=Cost(0, 0),
                   note="calls that reach it (--assume-n)")
    msg = (f"{call} makes a new error each time {fn.name} reaches line {ev.line}; the "
           f"message is constant: declare it once as {name}")
    return Finding(rule=ID, file=ev.file, line=ev.line, col=ev.col, message=msg,
                   package=pkg.path, function=ev.function, fix=fix, estimate=est,
                   sites=[(s.file, s.line, s.col) for s in sites])


RULE = Rule(id=ID, title=TITLE, doc=DOC, needs=frozenset({"functions", "error_values"}),
            run=run, needs_sites=True)

"""From a package's compiled functions to their runtime allocation calls, and from those calls
to what they say about the escape sites of ``goalloc scan``.

Positions: a call in code inlined from another function has two lines, the line in the
function being compiled (the call of the inlined function, outermost) and the line in the
inlined function itself (``inlined_from``). A site of goalloc scan is matched to the calls
of its package whose outermost line is its line; a site whose line has no such call takes the calls inlined
from its line elsewhere (a closure that was inlined where it is called and never compiled on
its own).
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Callable, Iterable

from goalloc.calls.entrypoints import STACK_BUFFER_BYTES, entry_point
from goalloc.calls.model import CallFinding, FunctionCalls, InlinedFrom, RuntimeCall

# (printed file) -> the file as reports show it (module-relative, or absolute)
ReportPath = Callable[[str], str]
# (printed file, line) -> whether the line is inside a for statement
InLoop = Callable[[str, int], bool]


def display_name(symbol: str, package: str) -> str:
    """'net/http.(*Client).send' -> '(*Client).send'; 'm.Map[go.shape.int].func1' ->
    'Map.func1' (goalloc scan's names: shape arguments of generic code are dropped)."""
    name = symbol[len(package) + 1:] if symbol.startswith(package + ".") else symbol
    if "[" not in name:
        return name
    out, depth = [], 0
    for ch in name:
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def package_functions(package: str, symbols: Iterable, report_path: ReportPath,
                      in_loop: InLoop, symbol_prefix: str = "") -> list[FunctionCalls]:
    """Every function compiled into the package's object (``goalloc.collect.goobj.
    TextSymbol``) with its calls. The package's own symbols start with the import path, or
    with ``symbol_prefix`` when the linker names them otherwise ("main" for a command); the
    others are instantiations of other packages' generic functions (``slices.Collect[...]``),
    compiled here for this package as goalloc scan's escape sites are, and keep their
    package in their name."""
    symbol_package = symbol_prefix or package
    out = []
    for sym in symbols:
        fn = FunctionCalls(package, display_name(sym.name, symbol_package), sym.name,
                           report_path(sym.entry_file()), sym.start_line)
        tree = sym.inline_tree() if sym.calls else []
        for pc, callee in sym.calls:
            entry = entry_point(callee)
            if entry is None:
                continue
            fn.calls.append(_call(callee, entry.family, sym.position(pc), tree, report_path,
                                  in_loop))
        out.append(fn)
    return out


def _call(callee: str, family: str, position: tuple[str, int, int], tree, report_path,
          in_loop) -> RuntimeCall:
    file, line, node = position
    places = [(file, line)]
    inlined = None
    if 0 <= node < len(tree):
        inlined = InlinedFrom(tree[node].function, report_path(file), line)
        seen = set()
        while 0 <= node < len(tree) and node not in seen:
            seen.add(node)
            places.append((tree[node].file, tree[node].line))
            node = tree[node].parent
    outer_file, outer_line = places[-1]
    looped = any(in_loop(f, ln) for f, ln in places if not f.startswith("<"))
    return RuntimeCall(callee, family, report_path(outer_file), outer_line, inlined, looped)


# -- beside the escape sites ------------------------------------------------------------------

_MAKE_MAP_HINT = re.compile(r"^make\(map\[.*,\s*(\d+)\)$")
# What the site's expression looks like when a call of this entry point (by name prefix) is
# its own allocation; other sites on the line are other values.
_SITE_EXPRESSIONS = (
    ("runtime.growslice", ("append",)),
    ("runtime.makeslice", ("make([]",)),
    ("runtime.makemap", ("make(map[",)),
    ("runtime.mapassign", ("make(map[", "map[")),
    ("runtime.concatstring", ("+", "string(")),
    ("runtime.slicebytetostring", ("string(",)),
    ("runtime.slicerunetostring", ("string(",)),
    ("runtime.stringtoslicebyte", ("([]byte)(",)),
    ("runtime.stringtoslicerune", ("([]rune)(",)),
)


def _is_own_call(call: RuntimeCall, site) -> bool:
    for prefix, shapes in _SITE_EXPRESSIONS:
        if call.runtime.startswith(prefix):
            return any(site.expr.startswith(shape) or (shape == "+" and " + " in site.expr)
                       for shape in shapes)
    return False


def calls_by_line(functions: Iterable[FunctionCalls]) -> tuple[dict, dict]:
    """(calls by package and outermost (file, line), calls by package and inlined origin
    (file, line)). Per package: each package compiles its own copy of an inlined function or
    a generic instantiation, and a site is about its own package's copy."""
    outer: dict[tuple[str, str, int], list[RuntimeCall]] = defaultdict(list)
    origin: dict[tuple[str, str, int], list[RuntimeCall]] = defaultdict(list)
    for fn in functions:
        for call in fn.calls:
            outer[(fn.package, call.file, call.line)].append(call)
            if call.inlined_from is not None:
                origin[(fn.package, call.inlined_from.file, call.inlined_from.line)].append(call)
    return outer, origin


def attach_runtime_calls(sites: Iterable, calls_result) -> list[CallFinding]:
    """Set ``runtime_calls`` on each escape site (goalloc.escape.model.Site) of a package that
    ``calls_result`` (goalloc.app.calls.CallsResult: ``functions``, ``packages``,
    ``go_release``) covers, and return the findings: stack verdicts that still call the
    allocator for their own kind of value, and heap verdicts whose line calls none."""
    release = tuple(calls_result.go_release)
    covered = set(calls_result.packages)
    outer, origin = calls_by_line(calls_result.functions)
    findings = []
    for site in sites:
        if site.package not in covered:
            continue
        key = (site.package, site.file, site.line)
        site.runtime_calls = list(outer.get(key) or origin.get(key) or ())
        finding = _finding(site, release)
        if finding is not None:
            findings.append(finding)
    return findings


def _finding(site, release: tuple[int, int]) -> CallFinding | None:
    calls = site.runtime_calls
    if site.verdict == "heap":
        if calls:
            return None
        return CallFinding("heap-site-without-call", site, _no_call_reason(site))
    own = [c for c in calls if _is_own_call(c, site)]
    reasons = [r for r in (_stack_reason(c, site, release) for c in own) if r]
    if not reasons:
        return None
    return CallFinding("stack-site-allocates", site, "; ".join(dict.fromkeys(reasons)), own)


def _no_call_reason(site) -> str:
    if site.note.startswith("allocates nothing"):
        return f"the compiled code calls no allocator on this line, as expected: {site.note}"
    return ("the compiled code calls no allocator on this line: the value has zero size (the "
            "runtime's zerobase) or is static data, the compiler proved the allocation "
            "unnecessary (an append within the capacity) or merged it into another, or the call "
            "is on another line of a statement that spans several")


def _stack_reason(call: RuntimeCall, site, release: tuple[int, int]) -> str:
    name = call.runtime
    entry = entry_point(name)
    if entry is None:
        return ""
    if name.startswith("runtime.growslice"):
        start = (f"its stack array, or the compiler's {STACK_BUFFER_BYTES}-byte stack buffer "
                 "for a slice that starts empty" if release >= (1, 25) else "its stack array, if any")
        return (f"append past the slice's capacity ({start}) calls {name}, which allocates "
                "a new backing array on the heap")
    if name.startswith("runtime.makeslice"):
        return (f"a length the compiler cannot bound: up to {STACK_BUFFER_BYTES} bytes use a "
                f"stack buffer, larger ones call {name} (heap)")
    if name.startswith("runtime.makemap"):
        hint = _MAKE_MAP_HINT.match(site.expr)
        size = f"the size hint {hint.group(1)}" if hint else "a size hint"
        return (f"the map header is on the stack, but {size} is more than the 8 entries of "
                f"the stack's single {'group' if release >= (1, 24) else 'bucket'}: {name} "
                "allocates the table on the heap")
    if name.startswith("runtime.mapassign"):
        return (f"inserting past the 8 entries of the stack's "
                f"{'group' if release >= (1, 24) else 'bucket'} grows the table on the heap "
                f"({name})")
    if entry.stack_buffer:
        return (f"the result is built in a {STACK_BUFFER_BYTES}-byte stack buffer only when "
                f"it fits; a longer one is allocated by {name}")
    return ""

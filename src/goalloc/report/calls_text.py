"""The human report of `goalloc calls`: per package, the functions that call the allocator,
each call's line (and the line it was inlined from), then the findings beside escape sites."""

from __future__ import annotations

from collections import Counter


def _where(file: str, line: int) -> str:
    return f"{file}:{line}"


def render(result, show_all: bool = False) -> str:
    calling = [f for f in result.functions if f.calls]
    looped = sum(f.loop_calls for f in result.functions)
    out = [f"goalloc calls: {result.go_version} {result.goos}/{result.goarch}, "
           f"{len(result.packages)} package(s)"]
    out.append(f"  {len(result.functions)} functions, {len(calling)} call an allocation entry "
               f"point: {result.calls} call(s), {looped} of them in a loop")
    by_name = Counter(c.runtime for f in result.functions for c in f.calls)
    if by_name:
        out.append("  " + ", ".join(f"{name} {n}" for name, n in by_name.most_common(8))
                   + (", ..." if len(by_name) > 8 else ""))
    out.append("")
    if result.errors:
        out.append(f"{len(result.failed_packages)} package(s) did not compile:")
        for e in result.errors[:20]:
            where = f"{e.file}:{e.line}:{e.col}: " if e.file else ""
            out.append(f"  {e.package}: {where}{e.message}")
        out.append("")
    package = None
    for fn in result.functions:
        if not fn.calls and not show_all:
            continue
        if fn.package != package:
            package = fn.package
            out.append(package)
        out.append(f"  {_where(fn.file, fn.line)}  {fn.summary()}")
        for call in fn.calls:
            line = f"      {_where(call.file, call.line)}  {call.runtime}"
            if call.inlined_from is not None:
                origin = call.inlined_from
                name = origin.function or "an inlined function"
                line += f"  inlined from {name} ({_where(origin.file, origin.line)})"
            if call.in_loop:
                line += "  (in a loop)"
            out.append(line)
    if package is not None:
        out.append("")
    quiet = len(result.functions) - len(calling)
    if quiet and not show_all:
        out.append(f"{quiet} function(s) call no allocation entry point (--all lists them)")
    if result.sites_checked:
        out.append("")
        out.extend(_findings(result))
    return "\n".join(out).rstrip() + "\n"


def _findings(result) -> list[str]:
    out = [f"beside the escape analysis ({result.sites_checked} sites): "
           f"{len(result.findings)} finding(s)"]
    titles = {"stack-site-allocates": "stack verdicts whose line still calls the allocator",
              "heap-site-without-call": "heap verdicts whose line calls no allocator"}
    for kind, title in titles.items():
        chosen = [f for f in result.findings if f.kind == kind]
        if not chosen:
            continue
        out.append(f"  {title}:")
        for f in chosen:
            s = f.site
            out.append(f"    {s.file}:{s.line}:{s.col}  {s.expr}  ({s.function})")
            out.append(f"        {f.reason}")
    return out

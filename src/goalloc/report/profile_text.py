"""The text report of ``goalloc profile``: top sites by bytes and by objects."""

from __future__ import annotations


def _human(v: int, unit: str) -> str:
    if unit == "bytes":
        a = abs(v)
        for div, suffix in ((1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")):
            if a >= div:
                return f"{v / div:.1f}{suffix}"
        return f"{v}B"
    return str(v)


def _pair(index_name: str, types: list[str]) -> tuple[str | None, str | None]:
    """The (space, objects) sample types of the family the chosen index belongs to."""
    family = index_name.split("_", 1)[0]
    space = f"{family}_space" if f"{family}_space" in types else None
    objects = f"{family}_objects" if f"{family}_objects" in types else None
    return space, objects


def _table(sites, name: str, unit: str, top: int, diff: bool) -> list[str]:
    ranked = sorted((s for s in sites if s.values.get(name)),
                    key=lambda s: (-abs(s.values.get(name, 0)), s.file, s.line))[:top]
    total = sum(s.values.get(name, 0) for s in sites) or 1
    lines = []
    for s in ranked:
        v = s.values.get(name, 0)
        sign = "+" if diff and v > 0 else ""
        pos = f"{s.file}:{s.line}"
        lines.append(f"  {sign + _human(v, unit):>11} {100 * v / total:6.1f}%  {s.kind:<13} "
                     f"{pos}  {s.function}" + (f" (via {s.callee})" if s.callee else ""))
        if s.source:
            lines.append(f"{'':33}| {s.source}")
        es = s.escape
        if es is not None:
            verdict = ("escapes to heap" if es.verdict == "heap" else "does not escape")
            cause = f", cause {es.cause}" if es.cause else ""
            lines.append(f"{'':33}compiler: {es.expr} {verdict}{cause}")
            if es.verdict != "heap":
                lines.append(f"{'':33}note: the compiler keeps it on the stack, yet the "
                             "program allocated here (growth, or storage behind it)")
            if es.suggestion:
                lines.append(f"{'':33}fix: {es.suggestion}")
    return lines


def render(attr, *, path: str, base: str | None = None, top: int = 10) -> str:
    prof = attr.profile
    types = [st.type for st in prof.sample_types]
    units = {st.type: st.unit for st in prof.sample_types}
    index_name = attr.sample_type
    diff = base is not None
    out = [f"profile: {path}" + (f" (minus base {base})" if diff else ""),
           f"samples: {prof.sample_count} in {prof.stack_count} distinct stacks; "
           f"sampling rate: {prof.period} {prof.period_type.unit if prof.period_type else ''}"
           .rstrip(),
           "totals: " + ", ".join(f"{t}={_human(v, units[t])}" for t, v in attr.totals.items())]
    if prof.binary:
        out.append(f"binary: {prof.binary} (what each sampled line called)")
    space, objects = _pair(index_name, types)
    shown = [n for n in (space, objects) if n] or [index_name]
    if index_name not in shown:
        shown.insert(0, index_name)
    for name in shown:
        what = "bytes" if units[name] == "bytes" else units[name]
        out.append("")
        out.append(f"top sites by {name} ({what}):")
        rows = _table(attr.sites, name, units[name], top, diff)
        out.extend(rows or ["  (none)"])
    return "\n".join(out)

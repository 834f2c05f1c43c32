"""Text reports for `goalloc grow`: growth steps, totals, and what preallocation saves."""

from __future__ import annotations

from goalloc.units import human_bytes, short_bytes  # noqa: F401 (used below and by tests)


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _table(header: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    out = []
    for r in [header] + rows:
        cells = [str(c).rjust(w) if i in right else str(c).ljust(w)
                 for i, (c, w) in enumerate(zip(r, widths))]
        out.append("  " + "  ".join(cells).rstrip())
    return out


def slice_report(g, elem_name: str, advice: dict | None, stack_note: str | None) -> str:
    what = "pointers" if g.pointers else "no pointers"
    start = f"make([]{elem_name}, 0, {g.start_cap})" if g.start_cap else "nil"
    verb = f"append(s, xs...) of {g.bulk} at a time" if g.bulk else "one append at a time"
    lines = [f"Go {g.go}: {g.n:,} elements of {elem_name} ({g.elem_size} B, {what}), "
             f"starting from {start}, {verb}", ""]
    rows = []
    for i, s in enumerate(g.steps, 1):
        note = " (tiny block)" if (not g.pointers and 0 < s.bytes_requested < 16) else ""
        rows.append([str(i), s.kind, f"{s.at_len:,}", f"{s.old_cap:,}", f"{s.new_cap:,}",
                     f"{s.bytes_requested:,}", f"{s.bytes_allocated:,}{note}",
                     f"{s.bytes_copied:,}"])
    if rows:
        lines += _table(["#", "what", "at len", "old cap", "new cap", "requested B",
                         "allocated B", "copied B"], rows, {0, 2, 3, 4, 5, 6, 7})
        lines.append("")
    used = g.n * g.elem_size
    lines += [
        "totals:",
        f"  allocations      {g.allocations:,}",
        f"  bytes allocated  {human_bytes(g.bytes_allocated)}   (as MemStats.TotalAlloc counts it)",
        f"  bytes copied     {human_bytes(g.bytes_copied)}",
        f"  peak live        {human_bytes(g.peak_live_bytes)}   (old and new array together during a copy)",
        f"  final cap        {g.final_cap:,}  ({human_bytes(used)} of "
        f"{human_bytes(g.final_cap * g.elem_size)} used)",
    ]
    if advice:
        lines += ["", "preallocate:", f"  {advice['expression']}: "
                  f"{_plural(advice['allocations'], 'allocation')} instead of "
                  f"{g.allocations:,}, {short_bytes(advice['bytes_allocated'])} allocated "
                  f"instead of {short_bytes(g.bytes_allocated)}, "
                  f"{short_bytes(advice['bytes_copied'])} copied instead of "
                  f"{short_bytes(g.bytes_copied)}"]
    if stack_note:
        lines += ["", "note: " + stack_note]
    return "\n".join(lines)


def map_report(g, advice: dict | None) -> str:
    hint = "" if g.hint is None else f", {g.hint:,}"
    lines = [f"Go {g.go}: {g.n:,} inserts into make(map[{g.key}]{g.value}{hint})"
             f"{' then delete all' if g.delete_all else ''} — "
             f"{'Swiss tables' if g.implementation == 'swiss' else 'hmap with buckets of 8'}, "
             f"{g.slot_bytes} B per {'group of 8 slots' if g.implementation == 'swiss' else 'bucket'}",
             ""]
    rows = []
    steps = g.steps
    overflow = [s for s in steps if s.what == "overflow bucket"]
    for s in steps:
        if s.what == "overflow bucket":
            continue
        rows.append([f"{s.at_n:,}", s.what, f"{s.allocations:,}", f"{s.bytes_allocated:,}"])
    if overflow:
        rows.append(["…", f"{len(overflow)} overflow buckets, one at a time (median run)", f"{len(overflow):,}",
                     f"{sum(s.bytes_allocated for s in overflow):,}"])
    if rows:
        lines += _table(["at n", "what", "allocs", "bytes"], rows, {0, 2, 3})
        lines.append("")
    lines += [
        "totals:",
        f"  allocations      {g.allocations:,}",
        f"  bytes allocated  {human_bytes(g.bytes_allocated)}   (as MemStats.TotalAlloc counts it)",
        f"  live at the end  {human_bytes(g.live_bytes)}"
        + ("   (maps never shrink: deleting frees no table memory)" if g.delete_all else ""),
    ]
    if not g.deterministic:
        lines.append(f"  varies per run:  {g.note}")
        if g.bytes_range and g.bytes_range[0] != g.bytes_range[1]:
            lines.append(f"                   model range over {g.seeds} seeds: "
                         f"{g.bytes_range[0]:,}..{g.bytes_range[1]:,} B, "
                         f"{g.allocations_range[0]}..{g.allocations_range[1]} allocations")
    if advice:
        lines += ["", "size hint:", f"  {advice['expression']}: "
                  f"{_plural(advice['allocations'], 'allocation')} instead of "
                  f"{g.allocations:,}, {short_bytes(advice['bytes_allocated'])} allocated "
                  f"instead of {short_bytes(g.bytes_allocated)}"]
    return "\n".join(lines)


def render(answer) -> str:
    """The text report of a goalloc.app.grow.GrowAnswer."""
    advice = vars(answer.preallocated) if answer.preallocated else None
    if answer.kind == "slice":
        return slice_report(answer.growth, answer.question.elem, advice, answer.stack_note)
    return map_report(answer.growth, advice)


def _byte_unit(values: list[int]) -> tuple[str, int]:
    # Scale to one binary unit so the axis ticks are round numbers of that unit.
    top = max(values, default=0)
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if top >= 4 * size:
            return unit, size
    return "bytes", 1


def save_plot(path: str, series) -> None:
    """Bytes and allocations against N, as asked and preallocated (a goalloc.app.grow.Series)."""
    from goalloc.report.plot import Panel, Series, save_panels

    xs = series.xs
    gb = [g.bytes_allocated for g in series.asked]
    pb = [p.bytes_allocated for p in series.preallocated]
    unit, size = _byte_unit(gb + pb)
    asked, pre = series.label_asked, series.label_preallocated
    panels = [
        Panel("bytes allocated (as MemStats.TotalAlloc counts them)", unit, [
            Series(asked, xs, [b / size for b in gb], step=True),
            Series(pre, xs, [b / size for b in pb], step=True, style="--")]),
        Panel("heap allocations (MemStats.Mallocs)", "allocations", [
            Series(asked, xs, [g.allocations for g in series.asked], step=True),
            Series(pre, xs, [p.allocations for p in series.preallocated], step=True, style="--")]),
    ]
    save_panels(path, series.title, "N (elements appended / keys inserted)", panels)

"""Text of ``goalloc watch``: the live view (the last interval's rates), the summary at the end
(rates over the whole watch), event lines, and an incident bundle's stacks.txt and summary.txt."""

from __future__ import annotations

import os

from goalloc.report.terminal import Terminal, fit_lines
from goalloc.report.watch_json import iso
from goalloc.units import short_bytes

HEADER = f"  {'objects/s':>11} {'bytes/s':>11} {'in use':>9}  {'kind':<13} site"


def _count(x: float) -> str:
    if x >= 1e6:
        return f"{x / 1e6:.1f}M"
    if x >= 1e4:
        return f"{x / 1e3:.0f}k"
    return f"{x:,.0f}" if x >= 10 else f"{x:.1f}"


def _site(key, info=None) -> str:
    where = f"{os.path.basename(key.file)}:{key.line}" if key.file else ""
    return f"{key.function}  {where}".rstrip()


def _row(key, objects: float, nbytes: float, inuse: int) -> str:
    return (f"  {_count(objects):>11} {short_bytes(nbytes):>11} {short_bytes(inuse):>9}  "
            f"{key.kind:<13} {_site(key)}")


def _status(state) -> str:
    if state.target is None:
        return f"not polled: {state.error}"
    if state.error is not None:
        return f"DOWN: {state.error}"
    if not state.polls:
        return "waiting"
    parts = ["up"]
    iv = state.last_interval
    if iv is not None:
        heap = f"heap {short_bytes(iv.heap_live_bytes)} live"
        if iv.heap_alloc_bytes is not None:
            heap += f" / {short_bytes(iv.heap_alloc_bytes)} allocated"
        parts.append(heap)
        gc = iv.gc_cycles_per_second
        if gc is not None:
            parts.append(f"GC {gc:.1f}/s ({100 * (iv.gc_cpu_fraction or 0):.1f}% CPU)")
    if state.restarts:
        parts.append(f"{state.restarts} restart(s)")
    return " · ".join(parts)


def _alert_lines(state, limit: int = 5) -> list[str]:
    lines = [f"  alert {a.rule}: {a.message}" + (f" → {a.bundle}" if a.bundle else "")
             for a in state.alerts[-limit:]]
    if len(state.alerts) > limit:
        lines.insert(0, f"  ({len(state.alerts) - limit} earlier alert(s) not shown)")
    return lines


def live_text(result, term: Terminal, top: int = 10) -> str:
    """The screen after a round of polls: each service's last interval."""
    o = result.options
    head = (f"goalloc watch · {len(result.services)} service(s) · every {o.interval:g}s · "
            f"{_clock(result.seconds)} · Ctrl-C stops")
    lines = [term.bold(head)]
    for st in result.services:
        lines += ["", f"{term.bold(st.name)}  {st.url}  {_status(st)}"]
        iv = st.last_interval
        if iv is not None and iv.sites:
            lines.append(term.dim(HEADER))
            ranked = sorted(iv.sites.items(),
                            key=lambda kv: (-kv[1].bytes_per_second, -kv[1].objects_per_second))
            for key, r in ranked[:top]:
                lines.append(_row(key, r.objects_per_second, r.bytes_per_second, r.inuse_bytes))
        elif st.target is not None and st.error is None:
            lines.append(term.dim("  (rates after the second poll)"))
        lines += [term.red(x) for x in _alert_lines(st)]
    return fit_lines(lines, term)


def summary_text(result, term: Terminal, top: int = 10) -> str:
    """The report at the end: rates over the whole watch, with scan's cause and fix."""
    o = result.options
    how = "interrupted after" if result.interrupted else "watched"
    lines = [f"goalloc watch: {how} {result.seconds:.1f}s, {result.polls} poll(s) every "
             f"{o.interval:g}s" + (" (GC forced before each profile)" if o.force_gc else "")]
    for st in result.services:
        t = st.totals
        lines += ["", f"{term.bold(st.name)}  {st.url}  {_status(st)}"]
        if st.error_count:
            lines.append(f"  {st.error_count} failed poll(s); last: "
                         f"{st.errors[-1][1] if st.errors else st.error}")
        if not t.intervals:
            lines.append("  no rates: fewer than two good polls in a row")
            continue
        lines.append(f"  {t.intervals} interval(s), {t.seconds:.1f}s: "
                     f"{_count(t.per_second(t.objects))} objects/s, "
                     f"{short_bytes(t.per_second(t.bytes))}/s")
        lines.append(term.dim(HEADER))
        for s in t.ranked()[:top]:
            lines.append(_row(s.key, t.per_second(s.objects), t.per_second(s.bytes),
                              s.inuse_bytes))
            info = t.info.get(s.key)
            if info and info.source:
                lines.append(f"{'':51}| {info.source}")
            if info and (info.cause or info.fix):
                what = ", ".join(x for x in (f"cause {info.cause}" if info.cause else "",
                                             f"fix: {info.fix}" if info.fix else "") if x)
                lines.append(f"{'':51}{what}")
        lines += _alert_lines(st, limit=20)
    return fit_lines(lines, term)


def info_lines(info, indent: str, why: bool = False) -> list[str]:
    """A site's source line, scan's cause (and why) and fix, as far as they are known."""
    if info is None:
        return []
    out = [f"{indent}    | {info.source}"] if info.source else []
    out += [f"{indent}cause: {info.cause}"] if info.cause else []
    out += [f"{indent}why: {info.explanation}"] if why and info.explanation else []
    out += [f"{indent}fix: {info.fix}"] if info.fix else []
    return out


def event_line(event) -> str:
    who = f"{event.service}: " if event.service else ""
    word = {"alert": "alert", "error": "warning"}.get(event.kind, "note")
    return f"goalloc: {word}: {who}{event.message}"


def stacks_text(alert) -> str:
    if alert.site is None:
        return "a whole-process alert: no site, no stacks\n"
    lines = [f"stacks through {alert.site.label()} ({alert.site.kind}), most bytes since the "
             "previous poll first", ""]
    for use in alert.stacks:
        lines.append(f"{use.objects:,} objects, {short_bytes(use.bytes)} since the previous "
                     f"poll ({use.objects_total:,} objects, {short_bytes(use.bytes_total)} "
                     "since the process started)")
        lines += [f"    {f}\n        {fl}:{ln}" for f, fl, ln in use.frames]
        lines.append("")
    if not alert.stacks:
        lines.append("(no stack of the profile goes through the site)")
    return "\n".join(lines) + "\n"


def incident_text(alert, state, notes: list[str]) -> str:
    lines = [f"incident: {alert.rule} on {state.name} ({state.url}) at {iso(alert.wall_time)}",
             alert.message, ""]
    info = alert.info
    if alert.site is not None:
        lines.append(f"site: {alert.site.label()} ({alert.site.kind})")
        lines += info_lines(info, "", why=True)
    lines += ["", f"service: {_status(state)}", "",
              "files: allocs.pb.gz (the profile of the alert), heap.pb.gz, goroutines.txt, "
              "stacks.txt, summary.json",
              "open: go tool pprof -sample_index=alloc_space allocs.pb.gz"]
    lines += [f"missing: {n}" for n in notes]
    return "\n".join(lines) + "\n"


def _clock(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


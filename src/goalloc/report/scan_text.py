"""The human report of `goalloc scan`: summary, hotspots, then the sites with cause and fix."""

from __future__ import annotations

from collections import Counter, defaultdict

from goalloc.escape.advice import CAUSE_DOCS
from goalloc.escape.cost import can_allocate
from goalloc.report.terminal import Terminal, fit_lines


def use_color(stream=None) -> bool:
    return Terminal.for_output(None, stream).color


def _table(title: str, counts: Counter, st: Terminal, doc: dict | None = None) -> list[str]:
    if not counts:
        return []
    out = [st.bold(title)]
    top = max(counts.values())
    width = max(len(str(k)) for k in counts)
    bar_width = 24 if st.width >= 100 else 12
    for key, n in counts.most_common():
        line = f"  {str(key):<{width}}  {n:>6}  {st.bar(n, top, bar_width):<{bar_width}}"
        if doc and key in doc:
            # The legend stays on the row: cut to the room left rather than wrapped.
            room = st.width - len(line) - 2
            line += st.dim("  " + st.clip(doc[key], room)) if room >= 20 else ""
        out.append(line.rstrip())
    return out + [""]


def _set_aside(heap, result) -> list[str]:
    """The summary lines for heap verdicts that cost nothing at run time, and for verdicts the
    compiled code qualifies."""
    out = []
    free = sum(1 for s in heap if s.runtime_cost == "free")
    never = sum(1 for s in heap if s.runtime_cost == "unreachable")
    if free or never:
        parts = []
        if free:
            parts.append(f"{free} free (static data, zero-size values)")
        if never:
            parts.append(f"{never} unreachable (code that never runs)")
        out.append(f"  {len(heap) - free - never} heap site(s) can allocate; set aside: "
                   + ", ".join(parts) + " — not counted in the tables below")
    qualified = Counter(f.kind for f in getattr(result, "runtime_findings", []))
    if qualified.get("stack-site-allocates"):
        out.append(f"  {qualified['stack-site-allocates']} stack verdict(s) still call the "
                   "allocator (past a stack buffer, a large map hint); see the notes (-v)")
    if getattr(result, "calls_error", None) is not None:
        out.append(f"  runtime calls not read: {result.calls_error}")
    return out


def _pos(s) -> str:
    return f"{s.file}:{s.line}:{s.col}"


def fix_first_section(result, sites, st: Terminal) -> list[str]:
    """The ten heap sites and findings most worth fixing (goalloc.escape.ranking), each with
    why it is there: its priority and reasons, what the profile measured, the kind of fix."""
    from goalloc.escape.ranking import fix_first
    from goalloc.units import short_bytes

    ranked = sorted((item for item in [*(s for s in sites if s.verdict == "heap"),
                                       *result.findings] if item.rank is not None),
                    key=lambda item: item.rank)
    top = fix_first(ranked)
    if not top:
        return []
    measured = getattr(result, "measured", None) or {}
    how = ("by measured bytes, then objects" if measured else
           "hot, normal, cold; then by modeled saving")
    out = ["", st.bold(f"Fix first ({how})")]
    for i, item in enumerate(top, 1):
        why = item.priority + (": " + "; ".join(item.priority_reasons)
                               if item.priority_reasons else "")
        got = measured.get(id(item))
        if got:
            why = f"measured {short_bytes(got[0])}, {got[1]:,} objects; {why}"
        if hasattr(item, "rule"):
            what = f"{st.bold(item.rule)}: {item.message}"
            fix = item.fix.description if item.fix else ""
        else:
            what = f"{st.heap(item.expr)}  [{item.kind}, {item.cause}]  in {item.function}"
            fix = item.suggestion
        out.append(f"  {i:>2}. {item.file}:{item.line}:{item.col}: {what}")
        out.append(f"      {st.dim('why:')} {why}")
        if fix:
            out.append(f"      {st.green(item.fix_kind + ':')} {fix}")
        if getattr(item, "lab", ""):
            out.append(f"      {st.dim('measure:')} {item.lab}")
    return out


def render(result, sites, verbose: bool = False, color: bool = False, limit: int | None = None,
           term: Terminal | None = None) -> str:
    st = term or Terminal(color=color)
    heap = [s for s in sites if s.verdict == "heap"]
    out = [st.bold(f"goalloc scan: {result.go_version} {result.goos}/{result.goarch}, "
                   f"{len(result.packages)} package(s)")]
    out += fix_first_section(result, sites, st)
    out.append(f"  {len(sites)} allocation sites: {st.heap(str(len(heap)) + ' heap')}, "
               f"{len(sites) - len(heap)} stack; {len(result.params)} parameter facts")
    out += _set_aside(heap, result)
    copies = sum(1 for s in sites if s.inlined_from)
    if copies:
        out.append(f"  {copies} site(s) are inlined copies; listed under their origin")
    if result.findings:
        out.append(f"  {len(result.findings)} finding(s) from the rules")
    out.append("")
    if result.errors:
        out.append(st.red(f"Compile errors in {len(result.failed_packages)} package(s) "
                          f"(these were not analysed):"))
        for e in result.errors[:20]:
            where = f"{e.file}:{e.line}:{e.col}: " if e.file else ""
            out.append(f"  {e.package}: {where}{e.message}")
        if len(result.errors) > 20:
            out.append(f"  ... and {len(result.errors) - 20} more")
        out.append("")

    # The tables count what can cost at run time; the summary says what was set aside.
    costly = [s for s in heap if can_allocate(s)]
    out += _table("Heap sites by cause", Counter(s.cause for s in costly), st, CAUSE_DOCS)
    out += _table("Heap sites by kind", Counter(s.kind for s in costly), st)
    if len({s.package for s in costly}) > 1:
        out += _table("Heap sites by package", Counter(s.package for s in costly), st)

    hot = Counter((s.package, s.function) for s in heap if not s.note.startswith("allocates nothing"))
    if hot:
        out.append(st.bold("Hotspots (functions with the most heap sites)"))
        first_pos = {}
        for s in heap:
            first_pos.setdefault((s.package, s.function), _pos(s))
        for (pkg, fn), n in hot.most_common(10):
            out.append(f"  {n:>4}  {fn or '?'}  {st.dim(pkg + '  ' + first_pos[(pkg, fn)])}")
        out.append("")

    findings_at = defaultdict(list)
    for f in result.findings:
        findings_at[(f.file, f.line)].append(f)
    shown_findings = set()

    copies_of = defaultdict(list)
    top_level = []
    site_at = {(s.file, s.line, s.col, s.expr): s for s in sites if not s.inlined_from}
    for s in sites:
        if s.inlined_from and s.origin and (s.origin.file, s.origin.line, s.origin.col, s.expr) in site_at:
            copies_of[(s.origin.file, s.origin.line, s.origin.col, s.expr)].append(s)
        else:
            top_level.append(s)

    listed = [s for s in top_level if s.verdict == "heap"]
    # The module's own files first; instantiated generic code of dependencies after them.
    listed.sort(key=lambda s: (s.package, s.file[:1] in "/<", s.file, s.line, s.col))
    if listed:
        out.append(st.bold("Heap sites"))
    shown = 0
    for s in listed:
        if limit is not None and shown >= limit:
            out.append(f"  ... {len(listed) - shown} more (use --format json, or filters)")
            break
        shown += 1
        inl = f"  (inlined from {s.inlined_from})" if s.inlined_from else ""
        out.append(f"{_pos(s)}: {st.heap(s.expr)}  [{s.kind}, {s.cause}]  in {s.function}{inl}")
        out.append(f"    {s.explanation}")
        if s.suggestion:
            out.append(f"    {st.green('fix:')} {s.suggestion}")
        if s.note:
            out.append(f"    {st.dim('note:')} {s.note}")
        for f in findings_at.get((s.file, s.line), []):
            # once, under the site it names (or the first heap site of its line)
            named = [tuple(p) for p in (getattr(f, "sites", None) or [])]
            if id(f) in shown_findings or (named and (s.file, s.line, s.col) not in named
                                           and any(n[:2] == (s.file, s.line) for n in named)):
                continue
            shown_findings.add(id(f))
            out.append(f"    {st.bold('finding ' + f.rule + ':')} {f.message}")
        copies = copies_of.get((s.file, s.line, s.col, s.expr), [])
        if copies:
            verdicts = ", ".join(f"{_pos(c)} {c.verdict}" for c in copies)
            out.append(f"    inlined copies: {verdicts}")
        if verbose and s.flow:
            out.append(st.dim("    flow:"))
            for step in s.flow:
                out.append(st.dim(f"      {step.file}:{step.line}:{step.col}  {step.expr} "
                                  f"({step.reason})   [{step.flow}]"))
                if step.text:
                    # Quoted source is cut, never wrapped: a generated file's line can be
                    # megabytes long.
                    out.append(st.dim("          | " + st.clip(step.text.strip(), st.width - 12)))
    if listed:
        out.append("")

    stack_sites = [s for s in top_level if s.verdict == "stack"]
    if verbose and stack_sites:
        out.append(st.bold("Stack sites"))
        for s in sorted(stack_sites, key=lambda s: (s.package, s.file, s.line, s.col)):
            out.append(f"{_pos(s)}: {s.expr}  [{s.kind}]  in {s.function}"
                       + (f"  note: {s.note}" if s.note else ""))
        out.append("")

    rest = [f for f in result.findings if id(f) not in shown_findings]
    if rest:
        out.append(st.bold("Findings"))
        for f in sorted(rest, key=lambda f: (f.file, f.line, f.col)):
            out.append(f"{f.file}:{f.line}:{f.col}: {st.bold(f.rule)}: {f.message}")
        out.append("")
    if not sites and not result.errors:
        out.append("No allocation decisions were reported for these packages.")
    return fit_lines(out, st)

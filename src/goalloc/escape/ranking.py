"""What to fix first: heap sites and rule findings in one order (docs/scan.md, "rank").

Statically: allocating before free (a site that costs nothing at run time has nothing to
fix, however hot), then hot before normal before cold, a concrete fix before
"leave it", findings with a modeled saving by that saving, then file order. With a heap or
allocs profile: by measured bytes, then objects; the static order breaks ties and ranks
what the profile did not see.
"""

from __future__ import annotations

from goalloc.escape import advice
from goalloc.escape.priority import CodeIndex, assign_priorities

_PRIORITY_ORDER = {"hot": 0, "normal": 1, "cold": 2}
# Kinds of fix that say to leave the allocation as it is.
LEAVE_IT = frozenset({"none", "cold-path", "unavoidable", "no-known-fix"})
FIX_FIRST = 10


def is_finding(item) -> bool:
    return hasattr(item, "rule")


def saving(item) -> int:
    """Modeled bytes saved by a finding's fix (0 for sites and unmodeled findings)."""
    est = getattr(item, "estimate", None)
    if est is None or est.after is None:
        return 0
    return max(0, est.before.bytes - est.after.bytes)


def _free(item) -> bool:
    if is_finding(item):
        return item.fix_kind == "none"
    cost = getattr(item, "runtime_cost", "") or "allocates"  # "" when nothing measured it
    return cost != "allocates" or item.fix_kind == "none"


def static_key(item) -> tuple:
    return (_free(item), _PRIORITY_ORDER.get(item.priority, 1), item.fix_kind in LEAVE_IT,
            -saving(item), 0 if is_finding(item) else 1, item.file, item.line, item.col)


def rank(sites, findings, measured=None) -> list:
    """Heap sites and findings, most worth fixing first; sets each one's ``rank`` (1-based).
    ``measured``: {id(item): (bytes, objects)} from a profile; measured items come first."""
    items = [s for s in sites if s.verdict == "heap"] + list(findings)
    if measured:
        def key(item):
            got = measured.get(id(item))
            return ((0, -got[0], -got[1]) if got else (1, 0, 0)) + static_key(item)
    else:
        key = static_key
    ordered = sorted(items, key=key)
    for i, item in enumerate(ordered, 1):
        item.rank = i
    return ordered


# Sample types of heap and allocs profiles, preferred first: what was allocated in all.
_BYTES = ("alloc_space", "inuse_space", "space")
_OBJECTS = ("alloc_objects", "inuse_objects", "objects")


def measured_from(profile_sites, findings, sites) -> dict:
    """{id(item): (bytes, objects)}: what the profile measured at each heap site (the
    linked ProfileSite's ``escape``), and at each finding (the sum over the sites it
    explains)."""
    by_site: dict[int, list[int]] = {}
    for ps in profile_sites:
        if ps.escape is None:
            continue
        got = by_site.setdefault(id(ps.escape), [0, 0])
        got[0] += next((ps.values[k] for k in _BYTES if k in ps.values), 0)
        got[1] += next((ps.values[k] for k in _OBJECTS if k in ps.values), 0)
    at = {(s.file, s.line, s.col): id(s) for s in sites if id(s) in by_site}
    measured = {k: (v[0], v[1]) for k, v in by_site.items()}
    for f in findings:
        parts = [by_site[at[tuple(p)]] for p in f.sites if tuple(p) in at]
        if parts:
            measured[id(f)] = (sum(p[0] for p in parts), sum(p[1] for p in parts))
    return measured


def fix_first(ordered, n: int = FIX_FIRST) -> list:
    """The first n of the ranked items, leaving out a site that a finding listed above or
    below already explains (the finding carries the concrete fix)."""
    explained = {tuple(pos) for item in ordered if is_finding(item) for pos in item.sites}
    out = []
    for item in ordered:
        if not is_finding(item) and (item.file, item.line, item.col) in explained:
            continue
        out.append(item)
        if len(out) == n:
            break
    return out


def prioritize(sites, findings, facts=None) -> list:
    """Fix kinds, priorities, lab commands and ranks of a scan's heap sites and findings
    (``facts``: the goalloc.facts.Facts the rules read, None without). The ranked items."""
    from goalloc.lab.suggest import lab_command_for

    index = CodeIndex(facts)
    assign_priorities(sites, findings, index)
    advice.advise(sites, findings, index if facts is not None else None)
    for f in findings:
        f.lab = lab_command_for(f) or ""
    return rank(sites, findings)

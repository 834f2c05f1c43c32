"""One poll of a service as cumulative counters per site, and the rates between two polls.

The sites are those of ``goalloc profile`` (goalloc.profiles.attribution): the first frame of
the program's own code, with the kind of what it allocated, linked to goalloc scan's escape
site (cause and fix) when the module's source is known.

A heap profile counts allocations only up to the runtime's last publication (a mark
termination; see ``MemStats.profile_published_ns``): with ``/debug/vars``, the time between two
snapshots is the time between their publications, so a rate is exact even when the profile lags
the poll by two GC cycles, and a poll with no new publication adds no interval.

A Go heap profile's counts are estimates scaled from samples (``runtime.MemProfileRate``): the
scale of a stack depends on the average size of its objects, so a site's cumulative count can
step back a little when that average changes. Such a step is read as zero allocations, not as
a restart; a restart is a drop of the runtime's own exact counters (``/debug/vars``), or,
without them, of the profile's totals by more than :data:`RESTART_DROP`.
"""

from __future__ import annotations

from dataclasses import dataclass

from goalloc.errors import InputError
from goalloc.watch.model import Interval, MemStats, SiteCounters, SiteInfo, SiteKey, SiteRate, \
    Snapshot

_HEAP_TYPES = ("alloc_objects", "alloc_space", "inuse_objects", "inuse_space")
RESTART_DROP = 0.01  # a fall of the profile's totals by more than this fraction is a restart


def snapshot_of(profile, *, received_at: float, wall_time: float,
                memstats: MemStats | None = None, published_at: float | None = None,
                source_root: str | None = None, escape_sites: list | None = None,
                name: str = "profile") -> Snapshot:
    """Cumulative counters per site of a heap or allocs profile."""
    from goalloc.profiles.attribution import attribute
    from goalloc.profiles.link import link_sites

    types = [st.type for st in profile.sample_types]
    if any(t not in types for t in _HEAP_TYPES):
        raise InputError(f"{name} is not a heap profile (its sample types are "
                         f"{', '.join(types) or 'none'})")
    result = attribute(profile, "alloc_objects", source_root=source_root)
    if escape_sites:
        link_sites(result.sites, escape_sites)
    sites: dict[SiteKey, SiteCounters] = {}
    info: dict[SiteKey, SiteInfo] = {}
    for ps in result.sites:
        key = SiteKey(ps.function, ps.file, ps.line, ps.kind)
        acc = sites.get(key)
        if acc is None:
            acc = sites[key] = SiteCounters()
            es = ps.escape
            info[key] = SiteInfo(user=ps.user, source=ps.source, profile_file=ps.profile_file,
                                 cause=getattr(es, "cause", None),
                                 fix=getattr(es, "suggestion", None) or None,
                                 explanation=getattr(es, "explanation", None) or None)
        v = ps.values
        acc.alloc_objects += v["alloc_objects"]
        acc.alloc_bytes += v["alloc_space"]
        acc.inuse_objects += v["inuse_objects"]
        acc.inuse_bytes += v["inuse_space"]
    t = result.totals
    return Snapshot(taken_at=received_at, wall_time=wall_time, sites=sites, info=info,
                    alloc_objects=t["alloc_objects"], alloc_bytes=t["alloc_space"],
                    inuse_bytes=t["inuse_space"], memstats=memstats, published_at=published_at,
                    sample_period=max(0, profile.period))


def is_restart(prev: Snapshot, cur: Snapshot) -> bool:
    """True when ``cur`` comes from another process than ``prev``."""
    a, b = prev.memstats, cur.memstats
    if a is not None and b is not None:
        return (b.mallocs < a.mallocs or b.total_alloc < a.total_alloc or b.num_gc < a.num_gc
                or not _same_gc_history(a, b))
    return (cur.alloc_objects < prev.alloc_objects * (1 - RESTART_DROP)
            or cur.alloc_bytes < prev.alloc_bytes * (1 - RESTART_DROP))


def _same_gc_history(a, b) -> bool:
    """False when ``b`` cannot be the process ``a`` was: the end time of ``a``'s last GC is
    still in the runtime's ring of the last 256 GC end times (PauseEnd), unchanged, as long as
    fewer than 256 cycles ran since. A new process that already allocated more than the old
    one (so no counter went down) fails this test once both have collected."""
    if not a.gc_ends_ns or b.num_gc - a.num_gc >= 255:
        return True  # nothing to compare, or the ring has been overwritten since
    return a.gc_ends_ns[-1] in b.gc_ends_ns


def interval_between(prev: Snapshot, cur: Snapshot) -> Interval | None:
    """Rates from ``prev`` to ``cur``, two snapshots of the same process; None when ``cur``
    has no newer allocations than ``prev`` (no GC published any in between)."""
    if prev.published_at is not None and cur.published_at is not None:
        seconds = cur.published_at - prev.published_at
    else:
        seconds = cur.taken_at - prev.taken_at
    if seconds <= 0:
        return None
    sites: dict[SiteKey, SiteRate] = {}
    empty = SiteCounters()
    for key, c in cur.sites.items():
        p = prev.sites.get(key, empty)
        objects = max(0, c.alloc_objects - p.alloc_objects)
        nbytes = max(0, c.alloc_bytes - p.alloc_bytes)
        if objects or nbytes or c.inuse_bytes:
            sites[key] = SiteRate(objects / seconds, nbytes / seconds, c.inuse_bytes,
                                  objects, nbytes)
    mem_a, mem_b = prev.memstats, cur.memstats
    both = mem_a is not None and mem_b is not None
    return Interval(
        start=prev.taken_at, end=cur.taken_at, wall_time=cur.wall_time, seconds=seconds,
        sites=sites,
        objects_per_second=max(0, cur.alloc_objects - prev.alloc_objects) / seconds,
        bytes_per_second=max(0, cur.alloc_bytes - prev.alloc_bytes) / seconds,
        heap_live_bytes=cur.inuse_bytes,
        heap_alloc_bytes=mem_b.heap_alloc if mem_b else None,
        gc_cycles=(mem_b.natural_gc - mem_a.natural_gc) if both else None,
        gc_cpu_fraction=mem_b.gc_cpu_fraction if mem_b else None,
        sample_period=cur.sample_period)


@dataclass
class Step:
    """What a new good poll does to a service's baseline."""

    baseline: Snapshot | None  # the snapshot the next interval starts from
    interval: Interval | None = None  # the new interval, when there is one
    restarted: bool = False
    skipped: bool = False  # no new counts: the baseline stays


def advance(baseline: Snapshot | None, snap: Snapshot, *, gap: bool = False,
            unaligned: bool = False) -> Step:
    """The next step from ``baseline`` with the new snapshot ``snap``. ``gap``: a poll failed
    since the baseline (the process may have restarted unseen: only a new baseline is set);
    ``unaligned``: until when ``snap`` counts is unknown (it is not used)."""
    if unaligned:
        return Step(baseline, skipped=True)
    if baseline is not None and is_restart(baseline, snap):
        return Step(snap, restarted=True)
    if baseline is None or gap:
        return Step(snap)
    interval = interval_between(baseline, snap)
    if interval is None:
        return Step(baseline, skipped=True)
    return Step(snap, interval)

"""JSON of ``goalloc watch``: the document (schema_version 1, docs/watch.md), one alert (what
``--on-alert`` reads on stdin) and an incident's summary.json."""

from __future__ import annotations

import time

from goalloc.report.envelope import document, dumps

SCHEMA_VERSION = 1


def iso(wall_time: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(wall_time))


def _round(x: float | None, digits: int = 3) -> float | None:
    return None if x is None else round(x, digits)


def site_ref(key, info) -> dict:
    """A site as alerts and canary rows name it."""
    return {"function": key.function, "file": key.file, "line": key.line, "kind": key.kind,
            "user": info.user if info else None,
            "source": info.source if info else None,
            "cause": info.cause if info else None,
            "fix": info.fix if info else None}


def stack_json(use) -> dict:
    return {"objects": use.objects, "bytes": use.bytes, "objects_total": use.objects_total,
            "bytes_total": use.bytes_total,
            "frames": [{"function": f, "file": fl, "line": ln} for f, fl, ln in use.frames]}


def alert_json(alert, url: str) -> dict:
    return {"rule": alert.rule, "service": alert.service, "url": url,
            "time": iso(alert.wall_time), "message": alert.message,
            "value": _round(alert.value), "threshold": _round(alert.threshold),
            "site": site_ref(alert.site, alert.info) if alert.site else None,
            "bundle": alert.bundle,
            "stacks": [stack_json(u) for u in alert.stacks]}


def gc_json(state) -> dict:
    iv, totals = state.last_interval, state.totals
    cycles = totals.gc_cycles
    return {"heap_live_bytes": iv.heap_live_bytes if iv else None,
            "heap_alloc_bytes": iv.heap_alloc_bytes if iv else None,
            "gc_cycles_per_second": (_round(totals.per_second(cycles))
                                     if cycles is not None and totals.seconds else None),
            "gc_cpu_fraction": _round(iv.gc_cpu_fraction, 6) if iv else None}


def site_json(total, totals) -> dict:
    ref = site_ref(total.key, totals.info.get(total.key))
    ref.update({
        "objects_per_second": _round(totals.per_second(total.objects)),
        "bytes_per_second": _round(totals.per_second(total.bytes)),
        "inuse_bytes": total.inuse_bytes,
        "peak_objects_per_second": _round(total.peak_objects_per_second),
        "objects": total.objects,
        "bytes": total.bytes,
    })
    return ref


def service_json(state, top: int | None = None) -> dict:
    totals = state.totals
    sites = totals.ranked()
    if top:
        sites = sites[:top]
    return {
        "name": state.name, "url": state.url or None, "up": state.up, "error": state.error,
        "polls": state.polls, "errors": state.error_count,
        "recent_errors": [{"time": iso(t), "message": m} for t, m in state.errors],
        "restarts": state.restarts, "intervals": totals.intervals,
        "seconds": _round(totals.seconds),
        "objects_per_second": _round(totals.per_second(totals.objects)),
        "bytes_per_second": _round(totals.per_second(totals.bytes)),
        "gc": gc_json(state),
        "sites": [site_json(s, totals) for s in sites],
        "alerts": [alert_json(a, state.url) for a in state.alerts],
    }


def render(result, top: int | None = None) -> str:
    o = result.options
    doc = document("watch", SCHEMA_VERSION, result.go, {
        "started": iso(result.started),
        "seconds": _round(result.seconds),
        "interval_seconds": o.interval,
        "polls": result.polls,
        "gc_forced": o.force_gc,
        "interrupted": result.interrupted,
        "source": o.source,
        "scanned": result.scanned,
        "thresholds": o.thresholds.to_json(),
        "services": [service_json(s, top) for s in result.services],
    })
    return dumps(doc)


def incident_json(alert, state, notes: list[str]) -> dict:
    iv = state.last_interval
    top = []
    if iv is not None:
        ranked = sorted(iv.sites.items(), key=lambda kv: -kv[1].bytes_per_second)[:10]
        top = [dict(site_ref(k, state.totals.info.get(k)),
                    objects_per_second=_round(r.objects_per_second),
                    bytes_per_second=_round(r.bytes_per_second), inuse_bytes=r.inuse_bytes)
               for k, r in ranked]
    return {"alert": alert_json(alert, state.url),
            "interval_seconds": _round(iv.seconds) if iv else None,
            "gc": gc_json(state), "top_sites": top, "notes": notes}

"""``goalloc watch --alert-rules``: Prometheus alerting rules for the same thresholds as the
watch's own alerts, over the metrics of ``--listen`` (report/watch_prometheus.py).

The rules are what a fleet runs: many watchers scraped by one Prometheus, which evaluates
these and routes the alerts (Alertmanager). A rule whose threshold is off is left out. The
YAML is written by hand (strings as JSON strings, which YAML reads as they are): no YAML
library is needed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from goalloc.watch.alerts import MAP_KINDS

SITES = 'function!="(other)"'


@dataclass(frozen=True)
class RuleTiming:
    window: float = 300.0  # seconds of rate() windows
    hold: float = 120.0  # for: how long a condition must hold before the alert fires
    down: float = 300.0  # a service unreachable this long


def duration(seconds: float) -> str:
    """A Prometheus duration: 90 -> 1m30s, 0.5 -> 500ms."""
    ms = round(seconds * 1000)
    if ms % 1000:
        return f"{ms}ms"
    s = ms // 1000
    out = ""
    for unit, size in (("h", 3600), ("m", 60), ("s", 1)):
        if s >= size:
            out += f"{s // size}{unit}"
            s %= size
    return out or "0s"


def _selector(extra: str = "") -> str:
    return "{" + ",".join(x for x in (SITES, extra) if x) + "}"


def _kinds(kinds) -> str:
    return f'kind=~"{"|".join(kinds)}"' if kinds else ""


def rules(thresholds, timing: RuleTiming = RuleTiming()) -> list[dict]:
    t = thresholds
    w = duration(timing.window)
    hold = duration(timing.hold)
    out = []

    def rule(name, rule_id, expr, summary, description, for_=hold):
        out.append({"alert": name, "expr": expr, "for": for_,
                    "labels": {"severity": "warning", "rule": rule_id},
                    "annotations": {"summary": summary, "description": description}})

    site = "{{ $labels.function }} ({{ $labels.kind }}) in {{ $labels.service }}"
    where = "{{ $labels.file }}:{{ $labels.line }}"
    objects = "goalloc_site_allocated_objects_total"
    if t.objects_per_second is not None:
        rule("GoallocSiteObjectRate", "objects-rate",
             f"rate({objects}{_selector(_kinds(t.kinds))}[{w}]) > {t.objects_per_second:g}",
             f"{site} allocates {{{{ $value | humanize }}}} objects/s",
             f"{where} allocates more than {t.objects_per_second:g} objects/s.")
    if t.bytes_per_second is not None:
        rule("GoallocSiteByteRate", "bytes-rate",
             f"rate(goalloc_site_allocated_bytes_total{_selector(_kinds(t.kinds))}[{w}])"
             f" > {t.bytes_per_second:.0f}",
             f"{site} allocates {{{{ $value | humanize1024 }}}}B/s",
             f"{where} allocates more than {t.bytes_per_second:.0f} bytes/s.")
    if t.growth_factor is not None:
        now = f"rate({objects}{_selector()}[{w}])"
        base = f"rate({objects}{_selector()}[{duration(t.baseline_seconds)}] offset {w})"
        rule("GoallocSiteAllocationGrowth", "growth",
             f"({now} > {t.min_objects_per_second:g}) and ({now} > {t.growth_factor:g} * {base})",
             f"{site} allocates {{{{ $value | humanize }}}} objects/s, over "
             f"{t.growth_factor:g}x its baseline",
             f"{where}: the rate over {w} is more than {t.growth_factor:g} times the rate of "
             f"the {duration(t.baseline_seconds)} before it.")
    if t.map_inuse_seconds is not None:
        d = duration(t.map_inuse_seconds)
        series = f"goalloc_site_inuse_bytes{_selector(_kinds(MAP_KINDS))}"
        rule("GoallocMapInuseGrowing", "map-inuse-growth",
             f"({series} - {series} offset {d} >= {t.map_inuse_min_bytes}) "
             f"and (resets({series}[{d}]) == 0)",
             f"{site} holds more and more bytes in maps",
             f"{where}: the in-use bytes of this map site never fell in {d} and grew by "
             f"{{{{ $value | humanize1024 }}}}B; a map that never shrinks?", for_="0s")
    if t.gc_cpu_fraction is not None:
        rule("GoallocGCCPUFraction", "gc-cpu",
             f"goalloc_gc_cpu_fraction > {t.gc_cpu_fraction:g}",
             "GC uses {{ $value | humanizePercentage }} of the CPU of {{ $labels.service }}",
             f"runtime.MemStats.GCCPUFraction is above {t.gc_cpu_fraction:g}.")
    rule("GoallocWatchTargetDown", "down", "goalloc_service_up == 0",
         "goalloc watch cannot read {{ $labels.service }}",
         "The service's /debug/pprof endpoints do not answer (down, slow, or not pprof).",
         for_=duration(timing.down))
    return out


def render(thresholds, timing: RuleTiming = RuleTiming()) -> str:
    lines = ["# Prometheus alerting rules from goalloc watch --alert-rules",
             "# (check: promtool check rules FILE)",
             "groups:", "  - name: goalloc-watch", "    rules:"]
    for r in rules(thresholds, timing):
        lines.append(f"      - alert: {r['alert']}")
        lines.append(f"        expr: {json.dumps(r['expr'])}")
        lines.append(f"        for: {r['for']}")
        for block in ("labels", "annotations"):
            lines.append(f"        {block}:")
            lines += [f"          {k}: {json.dumps(v, ensure_ascii=False)}"
                      for k, v in r[block].items()]
    return "\n".join(lines) + "\n"

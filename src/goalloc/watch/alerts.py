"""The alert rules of ``goalloc watch``, applied to each new interval of each service.

An alert fires once when its condition becomes true and stays quiet while it holds; it fires
again only after the condition has been false on some poll. Rules (``Thresholds``):

* ``objects-rate`` / ``bytes-rate``: a site allocating more per second than the threshold
  (optionally only sites of some kinds);
* ``growth``: a site's rate at least ``growth_factor`` times its own trailing baseline (the
  median of its rates over the last ``baseline_seconds``, zero where it did not allocate), and
  at least ``min_objects_per_second``; the baseline needs three earlier intervals and survives
  a restart of the service (a deploy is exactly when a rate changes);
* ``map-inuse-growth``: a map site whose in-use bytes never fell during the last
  ``map_inuse_seconds`` and grew by at least ``map_inuse_min_bytes`` (reset by a restart);
* ``gc-cpu``: the runtime's GC CPU fraction above the threshold.

The rate rules judge only sites with :data:`MIN_SAMPLES` profile samples in the interval.
"""

from __future__ import annotations

from collections import deque
from statistics import median

from goalloc.units import short_bytes
from goalloc.watch.model import MIN_SAMPLES, Alert, Interval, SiteInfo, SiteKey, Thresholds

MAP_KINDS = ("map-make", "map-growth")
MIN_BASELINE_INTERVALS = 3


class AlertEngine:
    def __init__(self, thresholds: Thresholds):
        self.thresholds = thresholds
        self._active: set[tuple] = set()
        self._history: dict[str, deque[Interval]] = {}
        self._inuse: dict[str, deque[tuple[float, dict[SiteKey, int]]]] = {}

    def restart(self, service: str) -> None:
        """The service restarted: in-use bytes start over, rates keep their baseline."""
        self._inuse.pop(service, None)

    def observe(self, service: str, interval: Interval,
                info: dict[SiteKey, SiteInfo] | None = None) -> list[Alert]:
        """The alerts that start firing with this interval."""
        t = self.thresholds
        info = info or {}
        history = self._history.setdefault(service, deque())
        inuse = self._inuse.setdefault(service, deque())
        inuse.append((interval.end, {k: r.inuse_bytes for k, r in interval.sites.items()
                                     if k.kind in MAP_KINDS}))
        holding: dict[tuple, tuple] = {}  # alert identity -> (site, value, threshold, message)

        def hold(rule: str, key: SiteKey | None, value: float, threshold: float, msg: str):
            holding[(service, rule, key)] = (key, value, threshold, msg)

        for key, rate in _measured(interval):
            rate_kind_ok = not t.kinds or key.kind in t.kinds
            if rate_kind_ok and t.objects_per_second is not None \
                    and rate.objects_per_second > t.objects_per_second:
                hold("objects-rate", key, rate.objects_per_second, t.objects_per_second,
                     f"{_site(key)} allocates {rate.objects_per_second:,.0f} objects/s "
                     f"(limit {t.objects_per_second:,.0f})")
            if rate_kind_ok and t.bytes_per_second is not None \
                    and rate.bytes_per_second > t.bytes_per_second:
                hold("bytes-rate", key, rate.bytes_per_second, t.bytes_per_second,
                     f"{_site(key)} allocates {short_bytes(rate.bytes_per_second)}/s "
                     f"(limit {short_bytes(t.bytes_per_second)}/s)")
        if t.growth_factor is not None:
            for key, value, base in self._grown(history, interval):
                against = (f"{value / base:,.1f}x its baseline of {base:,.1f}/s" if base else
                           f"after none in its baseline of {t.baseline_seconds:g}s")
                limit = max(base * t.growth_factor, t.min_objects_per_second)
                hold("growth", key, value, limit,
                     f"{_site(key)} allocates {value:,.0f} objects/s, {against}")
        if t.map_inuse_seconds is not None:
            for key, first, last in self._map_growth(inuse, interval.end):
                hold("map-inuse-growth", key, last, t.map_inuse_min_bytes,
                     f"{_site(key)} holds {short_bytes(last)} in maps, only growing "
                     f"(+{short_bytes(last - first)} in {t.map_inuse_seconds:g}s)")
        frac = interval.gc_cpu_fraction
        if t.gc_cpu_fraction is not None and frac is not None and frac > t.gc_cpu_fraction:
            hold("gc-cpu", None, frac, t.gc_cpu_fraction,
                 f"GC uses {100 * frac:.1f}% of the CPU (limit {100 * t.gc_cpu_fraction:g}%)")

        history.append(interval)
        self._trim(history, inuse, interval.end)
        mine = {a for a in self._active if a[0] == service}
        self._active -= mine - set(holding)
        fired = []
        for ident, (key, value, threshold, msg) in holding.items():
            if ident in self._active:
                continue
            self._active.add(ident)
            fired.append(Alert(rule=ident[1], service=service, site=key, value=value,
                               threshold=threshold, message=msg, wall_time=interval.wall_time,
                               info=info.get(key) if key else None))
        return fired

    def _grown(self, history: deque[Interval], interval: Interval):
        t = self.thresholds
        window = [iv for iv in history if iv.end > interval.end - t.baseline_seconds]
        if len(window) < MIN_BASELINE_INTERVALS:
            return
        for key, rate in _measured(interval):
            value = rate.objects_per_second
            if value < t.min_objects_per_second:
                continue
            base = median([iv.sites[key].objects_per_second if key in iv.sites else 0.0
                           for iv in window])
            if value >= t.growth_factor * base:
                yield key, value, base

    def _map_growth(self, inuse: deque, now: float):
        t = self.thresholds
        start = now - t.map_inuse_seconds
        if not inuse or inuse[0][0] > start:
            return  # not watched for long enough yet
        points = [(at, values) for at, values in inuse if at >= start]
        if len(points) < 2:
            return
        for key, last in points[-1][1].items():
            series = [values.get(key, 0) for _, values in points]
            if all(b >= a for a, b in zip(series, series[1:])) \
                    and series[-1] - series[0] >= t.map_inuse_min_bytes:
                yield key, series[0], last

    def _trim(self, history: deque, inuse: deque, now: float) -> None:
        t = self.thresholds
        while history and history[0].end <= now - t.baseline_seconds:
            history.popleft()
        keep = t.map_inuse_seconds or 0
        # One point before the window tells that the window is covered.
        while len(inuse) > 1 and inuse[1][0] <= now - keep:
            inuse.popleft()


def _measured(interval: Interval):
    """The sites of the interval with enough samples to have a rate (see MIN_SAMPLES)."""
    floor = MIN_SAMPLES * interval.sample_period
    return [(k, r) for k, r in interval.sites.items() if r.bytes >= floor]


def _site(key: SiteKey) -> str:
    return f"{key.label()} ({key.kind})"

"""Per-site counters with bounded cardinality, for the Prometheus exporter.

At most ``top`` sites of a service get a series of their own; everything else is summed into
one ``other`` series. The sites with a series are the top ones by a smoothed objects/s (so one
quiet interval does not swap them out), and a site keeps its series while it stays in the top.

Counters must never go down, or Prometheus reads a reset: a site's own counter counts only
what it allocated while it had a series, and ``other`` counts everything else, including what
a site allocated before it was promoted or after it lost its series. Each is monotonic; their
sum is everything the watch saw.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from goalloc.watch.model import Interval, SiteKey

SMOOTHING = 0.5  # weight of the newest interval in the ranking rate
_FORGET = 1e-3  # objects/s below which an unranked site is forgotten


@dataclass
class SiteSeries:
    top: int
    objects: dict[SiteKey, float] = field(default_factory=dict)  # per series, monotonic
    bytes: dict[SiteKey, float] = field(default_factory=dict)
    inuse: dict[SiteKey, int] = field(default_factory=dict)  # last interval
    other_objects: float = 0.0
    other_bytes: float = 0.0
    other_inuse: int = 0
    _rank: dict[SiteKey, float] = field(default_factory=dict)

    def add(self, interval: Interval) -> None:
        self._rerank(interval)
        self.other_inuse = 0
        self.inuse = {}
        for key, rate in interval.sites.items():
            if key in self.objects:
                self.objects[key] += rate.objects
                self.bytes[key] += rate.bytes
                self.inuse[key] = rate.inuse_bytes
            else:
                self.other_objects += rate.objects
                self.other_bytes += rate.bytes
                self.other_inuse += rate.inuse_bytes
        for key in self.objects:
            self.inuse.setdefault(key, 0)

    def _rerank(self, interval: Interval) -> None:
        for key in set(self._rank) | set(interval.sites):
            rate = interval.sites.get(key)
            now = rate.objects_per_second if rate else 0.0
            self._rank[key] = (1 - SMOOTHING) * self._rank.get(key, 0.0) + SMOOTHING * now
        ranked = sorted((k for k, v in self._rank.items() if v > 0),
                        key=lambda k: (-self._rank[k], k.file, k.line, k.function))
        wanted = ranked[:self.top]
        for key in wanted:
            if key in self.objects:
                continue
            if len(self.objects) >= self.top:
                losers = [k for k in self.objects if k not in wanted]
                if not losers:
                    continue
                loser = min(losers, key=lambda k: self._rank.get(k, 0.0))
                del self.objects[loser], self.bytes[loser]
                self.inuse.pop(loser, None)
            self.objects[key] = 0.0
            self.bytes[key] = 0.0
        for key in [k for k, v in self._rank.items() if v < _FORGET and k not in self.objects]:
            del self._rank[key]

"""What a watch saw of one service, summed over its intervals: the rates reported at the end.

A site's rate is its allocations over the whole watched time (the sum of the intervals between
two polls of the same process), so a site that allocated in one interval out of ten shows a
tenth of that interval's rate; ``peak_objects_per_second`` keeps the highest interval."""

from __future__ import annotations

from dataclasses import dataclass, field

from goalloc.watch.model import Interval, SiteInfo, SiteKey


@dataclass
class SiteTotal:
    key: SiteKey
    objects: int = 0
    bytes: int = 0
    inuse_bytes: int = 0  # at the last interval that saw the site
    peak_objects_per_second: float = 0.0


@dataclass
class ServiceTotals:
    seconds: float = 0.0  # covered by intervals
    intervals: int = 0
    objects: int = 0
    bytes: int = 0
    gc_cycles: int | None = None
    sites: dict[SiteKey, SiteTotal] = field(default_factory=dict)
    info: dict[SiteKey, SiteInfo] = field(default_factory=dict)
    last: Interval | None = None

    def add(self, interval: Interval, info: dict[SiteKey, SiteInfo] | None = None) -> None:
        self.seconds += interval.seconds
        self.intervals += 1
        self.objects += round(interval.objects_per_second * interval.seconds)
        self.bytes += round(interval.bytes_per_second * interval.seconds)
        if interval.gc_cycles is not None:
            self.gc_cycles = (self.gc_cycles or 0) + interval.gc_cycles
        for key, rate in interval.sites.items():
            total = self.sites.get(key)
            if total is None:
                total = self.sites[key] = SiteTotal(key)
            total.objects += rate.objects
            total.bytes += rate.bytes
            total.inuse_bytes = rate.inuse_bytes
            total.peak_objects_per_second = max(total.peak_objects_per_second,
                                                rate.objects_per_second)
        # A site that did not appear in this interval holds nothing any more.
        for key, total in self.sites.items():
            if key not in interval.sites:
                total.inuse_bytes = 0
        if info:
            for key in interval.sites:
                if key not in self.info and key in info:
                    self.info[key] = info[key]
        self.last = interval

    def per_second(self, amount: float) -> float:
        return amount / self.seconds if self.seconds > 0 else 0.0

    def ranked(self) -> list[SiteTotal]:
        """Sites by bytes allocated, then objects, then in-use bytes."""
        return sorted(self.sites.values(),
                      key=lambda s: (-s.bytes, -s.objects, -s.inuse_bytes, s.key.file,
                                     s.key.line, s.key.function))

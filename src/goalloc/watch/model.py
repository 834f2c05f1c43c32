"""What ``goalloc watch`` and ``goalloc canary`` know about a running service: one poll's
cumulative counters (:class:`Snapshot`), the rates between two polls (:class:`Interval`), the
alert thresholds and the alerts they raise.

Counters in a Go heap profile are cumulative since the process started; rates are always the
difference of two snapshots of the same process divided by the time between them."""

from __future__ import annotations

from dataclasses import dataclass, field

# A site has a rate worth judging only when an interval holds this many profile samples' worth
# of its bytes: one sample of small objects is scaled to thousands of them
# (runtime.MemProfileRate), and a count from n samples is off by about 1/sqrt(n).
MIN_SAMPLES = 8


@dataclass(frozen=True)
class MemStats:
    """The ``memstats`` object of ``/debug/vars`` (expvar), the fields goalloc reads."""

    heap_alloc: int  # bytes of allocated heap objects now
    heap_inuse: int
    total_alloc: int  # cumulative bytes allocated
    mallocs: int  # cumulative objects allocated
    num_gc: int  # completed GC cycles
    gc_cpu_fraction: float  # of the CPU time available since the process started
    next_gc: int  # the heap size the next GC aims at
    pause_total_ns: int
    gc_ends_ns: tuple[int, ...] = ()  # Unix ns when recent GCs ended (PauseEnd), sorted
    num_forced_gc: int = 0  # cycles forced by runtime.GC (also by ?gc=1 polls)

    @property
    def natural_gc(self) -> int:
        """GC cycles the runtime started by itself: the ones the program's allocation caused."""
        return self.num_gc - self.num_forced_gc

    def profile_published_ns(self, profile_time_ns: int, forced_gc: bool = False) -> int | None:
        """Until when a heap profile written at ``profile_time_ns`` counts allocations.

        The runtime publishes a cycle's allocations only at the next mark termination
        (runtime/mprof.go): a profile counts allocations up to the end of the GC before the
        last one that ended before it was written, or up to the last one when ``?gc=1`` ran
        that GC and published it (runtime.GC). None when no GC has published anything yet.
        """
        ended = [t for t in self.gc_ends_ns if t <= profile_time_ns]
        back = 1 if forced_gc else 2
        return ended[-back] if len(ended) >= back else None


@dataclass(frozen=True)
class SiteKey:
    """A source position and what it allocates: the identity of a site across polls."""

    function: str
    file: str
    line: int
    kind: str

    def label(self) -> str:
        return f"{self.function} {self.file}:{self.line}" if self.file else self.function


@dataclass
class SiteInfo:
    """What goalloc knows about a site beyond its counters (the same on every poll)."""

    user: bool = True  # False when no frame of its stacks is the program's own code
    source: str | None = None  # the source line, when the file could be read
    profile_file: str = ""  # the file exactly as the profile names it
    cause: str | None = None  # goalloc scan's root cause, when -C linked the site
    fix: str | None = None  # goalloc scan's suggestion
    explanation: str | None = None


@dataclass
class SiteCounters:
    alloc_objects: int = 0  # cumulative
    alloc_bytes: int = 0  # cumulative
    inuse_objects: int = 0  # as of the last completed GC cycle
    inuse_bytes: int = 0


@dataclass
class Snapshot:
    """One successful poll of one service."""

    taken_at: float  # monotonic seconds, when the profile arrived
    wall_time: float  # seconds since the epoch, for reports
    sites: dict[SiteKey, SiteCounters]
    info: dict[SiteKey, SiteInfo]
    alloc_objects: int  # totals of the profile (every site, also those without a stack)
    alloc_bytes: int
    inuse_bytes: int  # the live heap as of the last completed GC cycle
    memstats: MemStats | None = None  # None when the service has no /debug/vars
    # Server time (Unix seconds) up to which the profile counts allocations, when /debug/vars
    # tells it; None: the profile is taken as current when it arrived.
    published_at: float | None = None
    sample_period: int = 0  # runtime.MemProfileRate of the profile: bytes per sample


@dataclass(frozen=True)
class SiteRate:
    objects_per_second: float
    bytes_per_second: float
    inuse_bytes: int
    objects: int  # allocated in the interval
    bytes: int


@dataclass
class Interval:
    """Rates of one service between two consecutive snapshots of the same process."""

    start: float  # monotonic seconds of the two polls
    end: float
    wall_time: float  # of the end
    seconds: float  # the time the counts cover (between the profiles' publications)
    sites: dict[SiteKey, SiteRate]
    objects_per_second: float  # whole process
    bytes_per_second: float
    heap_live_bytes: int
    heap_alloc_bytes: int | None = None  # memstats; None without /debug/vars
    gc_cycles: int | None = None  # started by the runtime (not forced by runtime.GC)
    gc_cpu_fraction: float | None = None
    sample_period: int = 0  # bytes per profile sample (runtime.MemProfileRate)

    @property
    def gc_cycles_per_second(self) -> float | None:
        span = self.end - self.start  # GC counts come from /debug/vars at each poll
        if self.gc_cycles is None or span <= 0:
            return None
        return self.gc_cycles / span


@dataclass(frozen=True)
class Thresholds:
    """When ``goalloc watch`` raises an alert. None switches a rule off."""

    objects_per_second: float | None = None  # a site allocating more objects per second
    bytes_per_second: float | None = None
    kinds: tuple[str, ...] | None = None  # the rate rules apply only to sites of these kinds
    growth_factor: float | None = 10.0  # a site's rate against its own trailing baseline
    baseline_seconds: float = 300.0  # length of that baseline
    min_objects_per_second: float = 100.0  # below this a site is too quiet to have grown
    map_inuse_seconds: float | None = None  # a map site whose in-use bytes only grew this long
    map_inuse_min_bytes: int = 1 << 20  # ... by at least this much
    gc_cpu_fraction: float | None = 0.25

    def to_json(self) -> dict:
        return {"objects_per_second": self.objects_per_second,
                "bytes_per_second": self.bytes_per_second,
                "kinds": list(self.kinds) if self.kinds else None,
                "growth_factor": self.growth_factor,
                "baseline_seconds": self.baseline_seconds,
                "min_objects_per_second": self.min_objects_per_second,
                "map_inuse_seconds": self.map_inuse_seconds,
                "map_inuse_min_bytes": self.map_inuse_min_bytes,
                "gc_cpu_fraction": self.gc_cpu_fraction}


# The rules an alert comes from (the ``rule`` of an alert, and of the Prometheus rules).
RULES = ("objects-rate", "bytes-rate", "growth", "map-inuse-growth", "gc-cpu")


@dataclass
class Alert:
    rule: str  # one of RULES
    service: str
    site: SiteKey | None  # None for a whole-process rule (gc-cpu)
    value: float
    threshold: float
    message: str  # one line, for people
    wall_time: float
    info: SiteInfo | None = None
    bundle: str | None = None  # the incident folder, once written
    stacks: list = field(default_factory=list)  # offending stacks (watch.incident.StackUse)

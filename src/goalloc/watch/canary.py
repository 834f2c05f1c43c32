"""Canary verdicts: the same windows of a baseline and a canary, compared row by row with the
statistics of ``bench compare`` (goalloc.benchstat.stats).

Both services are polled at the same moments; each interval between two polls of one service
is a window, and a row's samples are that service's per-window values: a site's objects/s and
bytes/s, the process's objects/s, bytes/s, GC cycles/s and live heap. The two lists need not
be paired or of one length (a poll that brought no new counts adds no window). A row is

* ``regression``: the canary's median is above the baseline's by more than ``threshold``
  (relative) and the Mann-Whitney U test says the samples differ (p <= alpha after Holm's
  correction for the number of rows compared: with dozens of sites, one of them would
  otherwise "differ" by chance in most runs);
* ``improvement``: the same, downwards;
* ``inconclusive``: an allocation rate above the threshold, but without that evidence (GC
  cycles and the live heap, which follow from the rates and move in a few coarse steps per
  window, are never inconclusive: they regress on evidence or are the same);
* ``same``: otherwise.

Some rows are not judged, because their numbers cannot tell:

* sites quieter than ``min_objects_per_second`` in both services;
* sites with too few profile samples over the run (in both services) for a change of
  ``threshold`` to stand out of the sampling noise (:func:`samples_needed`: about 700 at 20%,
  that is 350 KiB allocated with ``runtime.MemProfileRate`` 512, 350 MiB with the default
  512 KiB);
* a site's objects/s that moves by less than ``min_objects_per_second``, a live heap that
  moves by less than ``min_heap_bytes``.

GC cycles are those the runtime started itself (``NumGC - NumForcedGC``): ``--gc`` polls do not
count. The verdict is ``regression`` when a row regressed, ``inconclusive`` when a row is
inconclusive or there are too few windows for any difference to reach significance, ``pass``
otherwise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from goalloc.benchstat import stats
from goalloc.watch.model import Interval, SiteInfo, SiteKey

METRICS = ("objects_per_second", "bytes_per_second", "gc_cycles_per_second", "heap_live_bytes")
# What a verdict rests on: allocation rates. GC cycles and the live heap follow from them and
# count over a window in a few discrete steps; they regress on evidence, never "inconclusive".
PRIMARY = ("objects_per_second", "bytes_per_second")
NOISE_SIGMAS = 3.0


@dataclass(frozen=True)
class CanaryPolicy:
    alpha: float = stats.ALPHA
    threshold: float = 0.2  # a change smaller than 20% is not a regression
    min_objects_per_second: float = 10.0
    min_heap_bytes: int = 1 << 20  # a live heap that differs by less is the same


@dataclass
class Row:
    metric: str  # one of METRICS
    site: SiteKey | None  # None for the process-wide rows
    info: SiteInfo | None
    base: stats.Summary
    canary: stats.Summary
    comparison: stats.Comparison
    p_adjusted: float = 1.0
    verdict: str = "same"

    @property
    def ratio(self) -> float | None:
        """canary / baseline medians; inf when only the canary has it."""
        b, c = self.base.center, self.canary.center
        if b == 0:
            return None if c == 0 else math.inf
        return c / b


@dataclass
class CanaryResult:
    verdict: str  # "pass", "regression" or "inconclusive"
    base_windows: int
    canary_windows: int
    rows: list[Row]
    policy: CanaryPolicy
    reasons: list[str] = field(default_factory=list)

    @property
    def regressions(self) -> list[Row]:
        return [r for r in self.rows if r.verdict == "regression"]

    @property
    def inconclusive(self) -> list[Row]:
        return [r for r in self.rows if r.verdict == "inconclusive"]


def _samples(intervals: list[Interval], key: SiteKey | None, metric: str) -> list[float]:
    out = []
    for iv in intervals:
        if key is not None:
            rate = iv.sites.get(key)
            out.append(getattr(rate, metric) if rate else 0.0)
        elif metric == "gc_cycles_per_second":
            out.append(iv.gc_cycles_per_second or 0.0)
        elif metric == "heap_live_bytes":
            out.append(float(iv.heap_live_bytes))
        else:
            out.append(getattr(iv, metric))
    return out


def samples_needed(threshold: float) -> float:
    """Profile samples a site needs over a run to be judged at ``threshold``.

    A window's count from s samples is off by about 1/sqrt(s) (relative); the median of n
    windows by about 1.25/sqrt(n*s), the difference of two such medians by sqrt(2) times
    that. A change of ``threshold`` must stand NOISE_SIGMAS of that above the noise, or equal
    services would "change" by chance."""
    return (NOISE_SIGMAS * 1.25 * math.sqrt(2) / threshold) ** 2


def windows_needed(alpha: float, rows: int) -> int:
    """The fewest windows with which the most extreme difference has p <= alpha / rows."""
    n = 2
    while 2 / math.comb(2 * n, n) > alpha / max(1, rows):
        n += 1
    return n


def compare(base: list[Interval], canary: list[Interval], policy: CanaryPolicy,
            info: dict[SiteKey, SiteInfo] | None = None) -> CanaryResult:
    """Compare the baseline's windows with the canary's, taken over the same time.

    Only the program's own sites are compared (a site whose stacks are all standard library
    or runtime code, such as the profile handler answering the poll, is left out); the
    process rows cover everything."""
    info = info or {}
    rows: list[Row] = []
    keys: set[SiteKey] = set()
    for iv in (*base, *canary):
        keys.update(k for k in iv.sites if k not in info or info[k].user)

    def add(metric: str, key: SiteKey | None) -> None:
        bs, cs = _samples(base, key, metric), _samples(canary, key, metric)
        rows.append(Row(metric, key, info.get(key) if key else None,
                        stats.summarize(bs), stats.summarize(cs),
                        stats.compare_samples(bs, cs, policy.alpha)))

    if base and canary:
        period = max(iv.sample_period for iv in (*base, *canary))
        for key in sorted(keys, key=lambda k: (k.file, k.line, k.function, k.kind)):
            loud = max(stats.median(_samples(side, key, "objects_per_second"))
                       for side in (base, canary))
            samples = max(sum(_samples(side, key, "bytes")) for side in (base, canary))
            if loud >= policy.min_objects_per_second and \
                    samples >= samples_needed(policy.threshold) * period:
                add("objects_per_second", key)
                add("bytes_per_second", key)
        add("objects_per_second", None)
        add("bytes_per_second", None)
        if all(iv.gc_cycles is not None for iv in (*base, *canary)):
            add("gc_cycles_per_second", None)
        add("heap_live_bytes", None)
    _holm(rows)
    reasons = []
    for row in rows:
        row.verdict = _row_verdict(row, policy)
    verdict = "pass"
    if any(r.verdict == "regression" for r in rows):
        verdict = "regression"
    elif any(r.verdict == "inconclusive" for r in rows):
        verdict = "inconclusive"
        reasons.append("a change above the threshold without the evidence for it")
    windows = min(len(base), len(canary))
    need = windows_needed(policy.alpha, len(rows))
    if windows < need and verdict != "regression":
        verdict = "inconclusive"
        reasons.append(f"{windows} window(s): {need} per service are needed for a difference "
                       f"in {len(rows)} rows to reach significance at alpha {policy.alpha:g}")
    return CanaryResult(verdict, len(base), len(canary), rows, policy, reasons)


def _holm(rows: list[Row]) -> None:
    """Holm-Bonferroni adjusted p-values (monotone step-down)."""
    order = sorted(range(len(rows)), key=lambda i: rows[i].comparison.p)
    m = len(rows)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * rows[i].comparison.p))
        rows[i].p_adjusted = running


def _row_verdict(row: Row, policy: CanaryPolicy) -> str:
    b, c = row.base.center, row.canary.center
    up = c > b * (1 + policy.threshold)
    down = c * (1 + policy.threshold) < b
    small = {"objects_per_second": policy.min_objects_per_second if row.site else 0,
             "heap_live_bytes": policy.min_heap_bytes}.get(row.metric, 0)
    if abs(c - b) < small:
        up = down = False  # too small a change to matter, whatever its ratio
    significant = row.p_adjusted <= policy.alpha
    if up and significant:
        return "regression"
    if down and significant:
        return "improvement"
    if up and row.metric in PRIMARY:
        return "inconclusive"
    return "same"

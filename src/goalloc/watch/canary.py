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
* ``inconclusive``: above the threshold, but without that evidence;
* ``same``: otherwise.

Sites quieter than ``min_objects_per_second`` in both services are not compared: their few
sampled allocations say nothing. The verdict is ``regression`` when a row regressed,
``inconclusive`` when a row is inconclusive or there are too few windows for any difference to
reach significance, ``pass`` otherwise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from goalloc.benchstat import stats
from goalloc.watch.model import Interval, SiteInfo, SiteKey

METRICS = ("objects_per_second", "bytes_per_second", "gc_cycles_per_second", "heap_live_bytes")


@dataclass(frozen=True)
class CanaryPolicy:
    alpha: float = stats.ALPHA
    threshold: float = 0.2  # a change smaller than 20% is not a regression
    min_objects_per_second: float = 10.0


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
        for key in sorted(keys, key=lambda k: (k.file, k.line, k.function, k.kind)):
            loud = max(stats.median(_samples(side, key, "objects_per_second"))
                       for side in (base, canary))
            if loud >= policy.min_objects_per_second:
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
    if row.site is not None and abs(c - b) < policy.min_objects_per_second \
            and row.metric == "objects_per_second":
        up = down = False  # too small a change to matter, whatever its ratio
    significant = row.p_adjusted <= policy.alpha
    if up:
        return "regression" if significant else "inconclusive"
    if down and significant:
        return "improvement"
    return "same"

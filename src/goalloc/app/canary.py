"""The canary use case: poll a baseline and a canary at the same moments for ``duration``
seconds, turn each pair of consecutive polls into a window of rates per site, and compare the
windows (goalloc.watch.canary) for a verdict: pass, regression or inconclusive."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from goalloc.app.watch import Event, Poller, WatchOptions, escape_sites_for
from goalloc.collect import http_poll
from goalloc.errors import GoallocError
from goalloc.goinfo import GoInfo
from goalloc.watch.canary import CanaryPolicy, CanaryResult, compare
from goalloc.watch.snapshot import advance


@dataclass
class CanaryOptions:
    base: str  # [NAME=]URL
    canary: str
    duration: float
    interval: float = 5.0
    policy: CanaryPolicy = field(default_factory=CanaryPolicy)
    force_gc: bool = False
    source: str | None = None
    link_scan: bool = True
    http: http_poll.HttpSettings = field(default_factory=http_poll.HttpSettings)
    use_cache: bool = True


@dataclass
class Side:
    name: str
    url: str
    polls: int = 0
    errors: list[str] = field(default_factory=list)
    restarts: int = 0
    skipped: int = 0  # good polls without new counts


@dataclass
class CanaryRun:
    base: Side
    canary: Side
    result: CanaryResult
    options: CanaryOptions
    seconds: float
    go: GoInfo
    scanned: bool


def canary(options: CanaryOptions, on_event=None, progress=None) -> CanaryRun:
    """Sample both services and compare them. Raises GoallocError when a URL is bad or a
    service never answered: without its windows there is nothing to judge."""
    emit = on_event or (lambda event: None)
    targets = []
    for spec in (options.base, options.canary):
        try:
            targets.append(http_poll.parse_target(spec))
        except http_poll.FetchError as exc:
            raise GoallocError(str(exc)) from None
    if targets[0].url == targets[1].url:
        raise GoallocError(f"the baseline and the canary are the same service ({targets[0].url})")
    watch_opts = WatchOptions(targets=[], interval=options.interval, force_gc=options.force_gc,
                              source=options.source, link_scan=options.link_scan,
                              http=options.http, use_cache=options.use_cache)
    escape, go = escape_sites_for(watch_opts, progress, emit)
    poller = Poller(watch_opts, escape)
    sides = [Side(t.name, t.url) for t in targets]
    previous: list = [None, None]
    windows: list[list] = [[], []]
    info: dict = {}
    start = time.monotonic()
    next_poll = start
    while True:
        for i, outcome in enumerate(poller.poll(targets)):
            window = _advance(sides[i], previous, i, outcome, emit)
            if window is not None:
                windows[i].append(window)
            if outcome.snapshot is not None:
                for key, site_info in outcome.snapshot.info.items():
                    info.setdefault(key, site_info)
        next_poll += options.interval
        if next_poll > start + options.duration + 1e-6:
            break
        time.sleep(max(0.0, next_poll - time.monotonic()))
    for side in sides:
        if side.errors and side.polls == len(side.errors):
            raise GoallocError(f"{side.name} never answered: {side.errors[-1]}")
    result = compare(windows[0], windows[1], options.policy, info)
    polls = sides[0].polls
    quiet = max(side.skipped for side in sides)
    if quiet * 2 > polls:
        result.reasons.append(f"{quiet} of {polls} polls brought no new counts (no GC in "
                              "between): use a longer --interval, or --gc")
    return CanaryRun(sides[0], sides[1], result, options, time.monotonic() - start, go,
                     bool(escape))


def _advance(side: Side, previous: list, i: int, outcome, emit):
    """One poll of one side: its new window, if the poll made one."""
    side.polls += 1
    if outcome.error is not None:
        if not side.errors or side.errors[-1] != outcome.error:
            emit(Event("error", side.name, outcome.error))
        side.errors.append(outcome.error)
        previous[i] = None  # the next good poll starts a new baseline
        return None
    step = advance(previous[i], outcome.snapshot, unaligned=outcome.unaligned)
    side.skipped += step.skipped
    if step.restarted:
        side.restarts += 1
        emit(Event("restart", side.name, "restarted; rates start again from this poll"))
    previous[i] = step.baseline
    return step.interval

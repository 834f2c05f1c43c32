"""The watch use case: poll running services' heap profiles and ``/debug/vars`` every
interval, turn consecutive polls into rates per site, raise alerts (with incident bundles and
``--on-alert`` commands), and hand every poll's state to the caller (live view, exporter).

Services are polled at the same moments, each in its own thread with its own deadline, so a
slow or dead one costs the others nothing; its failure is one event line and the watch goes
on. After a failed poll the next good one only sets a new baseline: the process may have
restarted in between, and a rate across a restart would be a lie.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import threading
import time
from collections import deque
from dataclasses import dataclass, field

from goalloc.collect import http_poll
from goalloc.errors import GoallocError
from goalloc.goinfo import GoInfo
from goalloc.watch.alerts import AlertEngine
from goalloc.watch.incident import stacks_of_site
from goalloc.watch.model import Alert, Interval, Snapshot, Thresholds
from goalloc.watch.snapshot import advance, snapshot_of
from goalloc.watch.summary import ServiceTotals

MAX_ERRORS_KEPT = 20  # per service, the most recent
ON_ALERT_TIMEOUT = 30.0


@dataclass
class WatchOptions:
    targets: list[str]  # [NAME=]URL
    interval: float = 10.0
    duration: float | None = None  # None: until interrupted
    force_gc: bool = False  # poll /debug/pprof/heap?gc=1: current counts, one GC per poll
    thresholds: Thresholds = field(default_factory=Thresholds)
    source: str | None = None  # module root: source lines, relative paths, scan's cause/fix
    link_scan: bool = True
    incidents: str | None = None  # folder for incident bundles
    on_alert: str | None = None  # shell command, the alert as JSON on stdin
    http: http_poll.HttpSettings = field(default_factory=http_poll.HttpSettings)
    use_cache: bool = True
    decoder: str = "auto"


@dataclass
class ServiceState:
    name: str
    url: str
    target: http_poll.Target | None  # None when the URL itself is bad
    polls: int = 0
    error_count: int = 0
    error: str | None = None  # of the last poll; None when it worked
    errors: deque = field(default_factory=lambda: deque(maxlen=MAX_ERRORS_KEPT))
    restarts: int = 0
    has_vars: bool = True  # /debug/vars is served
    vars_error: str | None = None  # of the last poll
    snapshot: Snapshot | None = None
    fetched: http_poll.FetchedProfile | None = None
    gap: bool = False  # the last poll failed: the next one sets a new baseline
    skipped: int = 0  # good polls that brought no new counts (no GC published any)
    totals: ServiceTotals = field(default_factory=ServiceTotals)
    last_interval: Interval | None = None
    alerts: list[Alert] = field(default_factory=list)

    @property
    def up(self) -> bool:
        return self.target is not None and self.error is None and self.polls > 0


@dataclass
class WatchResult:
    services: list[ServiceState]
    options: WatchOptions
    started: float  # wall time
    seconds: float = 0.0
    polls: int = 0
    interrupted: bool = False
    go: GoInfo = field(default_factory=lambda: GoInfo(None))
    scanned: bool = False

    @property
    def alerts(self) -> list[Alert]:
        return [a for s in self.services for a in s.alerts]


@dataclass
class Event:
    kind: str  # "error", "recovered", "restart", "alert", "note"
    service: str
    message: str
    alert: Alert | None = None


def make_states(specs: list[str]) -> list[ServiceState]:
    states = []
    for spec in specs:
        try:
            t = http_poll.parse_target(spec)
        except http_poll.FetchError as exc:
            st = ServiceState(name=http_poll.shown(spec), url="", target=None)
            st.error = str(exc)
            st.error_count = 1
            states.append(st)
            continue
        states.append(ServiceState(name=t.name, url=t.url, target=t))
    names = [s.name for s in states]
    for st in states:
        if names.count(st.name) > 1 and st.target is not None:
            raise GoallocError(f"service {st.name} is given twice; name them NAME=URL")
    return states


def watch(options: WatchOptions, *, on_poll=None, on_event=None, progress=None,
          stop: threading.Event | None = None) -> WatchResult:
    """Poll until ``duration`` has passed, ``stop`` is set or the user interrupts (the result
    then says ``interrupted``). ``on_poll(result)`` is called after every round of polls,
    ``on_event(Event)`` for every state change worth a line."""
    states = make_states(options.targets)
    result = WatchResult(states, options, started=time.time())
    emit = on_event or (lambda event: None)
    if not any(st.target for st in states):
        raise GoallocError("; ".join(st.error for st in states))
    for st in states:
        if st.target is None:
            emit(Event("error", st.name, st.error))
    escape, result.go = escape_sites_for(options, progress, emit)
    result.scanned = bool(escape)
    poller = Poller(options, escape)
    engine = AlertEngine(options.thresholds)
    runner = AlertActions(options, emit)
    stop = stop or threading.Event()
    start = time.monotonic()
    next_poll = start
    try:
        while True:
            live = [st for st in states if st.target is not None]
            for st, outcome in zip(live, poller.poll([st.target for st in live],
                                                     [st.has_vars for st in live])):
                _update(st, outcome, engine, runner, emit)
            result.polls += 1
            result.seconds = time.monotonic() - start
            if on_poll:
                on_poll(result)
            next_poll += options.interval
            if options.duration is not None and next_poll > start + options.duration + 1e-6:
                break
            if stop.wait(max(0.0, next_poll - time.monotonic())):
                break
    except KeyboardInterrupt:
        result.interrupted = True
    finally:
        runner.finish(interrupted=result.interrupted)
        result.seconds = time.monotonic() - start
    return result


def escape_sites_for(options: WatchOptions, progress, emit):
    """goalloc scan's escape sites of ``options.source`` (None without it), and its Go."""
    if not (options.source and options.link_scan):
        return None, GoInfo(None)
    from goalloc.app.profile import escape_sites

    def warn(message: str) -> None:
        emit(Event("note", "", message))

    if progress is not None:
        with progress.phase(f"goalloc scan of {options.source}"):
            return escape_sites(options.source, options.use_cache, progress, warn)
    return escape_sites(options.source, options.use_cache, None, warn)


# ---------------------------------------------------------------------------- polling

@dataclass
class Outcome:
    fetched: http_poll.FetchedProfile | None = None
    snapshot: Snapshot | None = None
    error: str | None = None
    vars_missing: bool = False  # /debug/vars answered 404 or without memstats
    vars_error: str | None = None
    unaligned: bool = False  # until when the profile counts is not known: not used


class Poller:
    """Polls targets at the same moment, one daemon thread each: an interrupt never waits
    for a request, and a request never outlives its deadline by much."""

    def __init__(self, options: WatchOptions, escape_sites=None):
        self.options = options
        self.escape_sites = escape_sites
        self.path = http_poll.PPROF_HEAP_GC if options.force_gc else http_poll.PPROF_ALLOCS

    def poll(self, targets: list, with_vars: list[bool] | None = None) -> list[Outcome]:
        with_vars = with_vars or [True] * len(targets)
        done: queue.Queue = queue.Queue()
        for i, (target, v) in enumerate(zip(targets, with_vars)):
            threading.Thread(target=lambda i=i, t=target, v=v: done.put((i, self.one(t, v))),
                             daemon=True, name=f"goalloc-poll-{i}").start()
        out: list[Outcome | None] = [None] * len(targets)
        for _ in targets:
            i, outcome = done.get()
            out[i] = outcome
        return out  # type: ignore[return-value]

    def one(self, target: http_poll.Target, with_vars: bool = True) -> Outcome:
        """One poll: the profile, then /debug/vars, whose GC end times tell until when the
        profile (written at its own time_nanos) counts allocations."""
        o = self.options
        out = Outcome()
        try:
            out.fetched = http_poll.fetch_profile(target, o.http, self.path, decoder=o.decoder)
        except GoallocError as exc:
            return Outcome(error=str(exc))
        mem = None
        if with_vars:
            try:
                mem = http_poll.fetch_memstats(target, o.http)
            except http_poll.NoEndpoint as exc:
                out.vars_missing, out.vars_error = True, str(exc)
            except GoallocError as exc:
                out.vars_error = str(exc)
        written = out.fetched.profile.time_nanos
        published = None
        if mem is not None and written > 0:
            ns = mem.profile_published_ns(written, forced_gc=o.force_gc)
            published = ns / 1e9 if ns is not None else None
        # Without the GC times of a service that has them, this profile's span is unknown.
        out.unaligned = with_vars and not out.vars_missing and written > 0 and published is None
        try:
            out.snapshot = snapshot_of(
                out.fetched.profile, received_at=out.fetched.received_at,
                wall_time=out.fetched.wall_time, memstats=mem, published_at=published,
                source_root=o.source, escape_sites=self.escape_sites,
                name=f"{target.url}{self.path}")
        except GoallocError as exc:
            return Outcome(error=str(exc))
        return out


def _update(st: ServiceState, outcome: Outcome, engine: AlertEngine,
            runner: "AlertActions", emit) -> None:
    st.polls += 1
    if outcome.error is not None:
        st.error_count += 1
        st.errors.append((time.time(), outcome.error))
        if outcome.error != st.error:
            emit(Event("error", st.name, outcome.error))
        st.error = outcome.error
        st.gap = True
        return
    if st.error is not None and st.snapshot is not None:
        emit(Event("recovered", st.name, "answers again"))
    st.error = None
    if outcome.vars_missing and st.has_vars:
        st.has_vars = False
        emit(Event("note", st.name, f"{outcome.vars_error}; GC figures are not available"))
    elif outcome.vars_error and not outcome.vars_missing \
            and outcome.vars_error != st.vars_error:
        st.errors.append((time.time(), outcome.vars_error))
        emit(Event("note", st.name, outcome.vars_error))
    st.vars_error = outcome.vars_error
    step = advance(st.snapshot, outcome.snapshot, gap=st.gap, unaligned=outcome.unaligned)
    if step.skipped:
        st.skipped += 1
        return
    if step.restarted:
        st.restarts += 1
        engine.restart(st.name)
        emit(Event("restart", st.name, "restarted (its counters went down); rates start "
                                       "again from this poll"))
    interval = step.interval
    if interval is not None:
        st.totals.add(interval, outcome.snapshot.info)
        st.last_interval = interval
        for alert in engine.observe(st.name, interval, outcome.snapshot.info):
            if alert.site is not None:
                alert.stacks = stacks_of_site(
                    outcome.fetched.profile, alert.site.function,
                    alert.info.profile_file if alert.info else "", alert.site.line,
                    previous=st.fetched.profile if st.fetched else None)
            st.alerts.append(alert)
            runner.fire(st, alert, outcome.fetched)
    st.gap = False
    st.snapshot = step.baseline
    st.fetched = outcome.fetched


# ---------------------------------------------------------------------------- alert actions

class AlertActions:
    """What an alert does besides being reported: an incident bundle, an ``--on-alert``
    command (in the background, with a deadline)."""

    def __init__(self, options: WatchOptions, emit):
        self.options = options
        self.emit = emit
        self._commands: list[tuple[threading.Thread, list]] = []

    def fire(self, st: ServiceState, alert: Alert, fetched: http_poll.FetchedProfile) -> None:
        from goalloc.report.watch_json import alert_json

        if self.options.incidents:
            try:
                alert.bundle = write_bundle(self.options.incidents, st, alert, fetched,
                                            self.options.http)
            except OSError as exc:
                self.emit(Event("note", st.name, f"cannot write the incident bundle: "
                                                 f"{exc.strerror or exc}"))
        where = f" (incident: {alert.bundle})" if alert.bundle else ""
        self.emit(Event("alert", st.name, f"{alert.message}{where}", alert))
        if self.options.on_alert:
            payload = json.dumps(alert_json(alert, st.url), ensure_ascii=False) + "\n"
            self._run(self.options.on_alert, payload, alert, st)

    def _run(self, command: str, payload: str, alert: Alert, st: ServiceState) -> None:
        env = dict(os.environ, GOALLOC_ALERT_RULE=alert.rule, GOALLOC_ALERT_SERVICE=st.name,
                   GOALLOC_INCIDENT=alert.bundle or "")
        box: list = []

        def run() -> None:
            try:
                proc = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        env=env, start_new_session=True)
            except OSError as exc:
                self.emit(Event("note", st.name, f"--on-alert could not start: {exc.strerror}"))
                return
            box.append(proc)
            try:
                _out, err = proc.communicate(payload.encode(), timeout=ON_ALERT_TIMEOUT)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.communicate()
                self.emit(Event("note", st.name, f"--on-alert did not finish within "
                                                 f"{ON_ALERT_TIMEOUT:g}s; killed"))
                return
            if proc.returncode != 0:
                first = err.decode(errors="replace").strip().splitlines()[:1]
                self.emit(Event("note", st.name, f"--on-alert exited with {proc.returncode}"
                                                 + (f": {first[0][:200]}" if first else "")))

        thread = threading.Thread(target=run, daemon=True, name="goalloc-on-alert")
        thread.start()
        self._commands.append((thread, box))

    def finish(self, interrupted: bool = False) -> None:
        """Wait for the commands still running (kill them on an interrupt)."""
        for thread, box in self._commands:
            if interrupted:
                for proc in box:
                    if proc.poll() is None:
                        proc.kill()
            thread.join(ON_ALERT_TIMEOUT + 5)


def write_bundle(folder: str, st: ServiceState, alert: Alert,
                 fetched: http_poll.FetchedProfile, settings: http_poll.HttpSettings) -> str:
    """An incident folder, complete or not at all: written under a temporary name and renamed.

    allocs.pb.gz   the heap profile of the poll that raised the alert (as served)
    heap.pb.gz     /debug/pprof/heap fetched now
    goroutines.txt /debug/pprof/goroutine?debug=2 fetched now
    stacks.txt     the stacks through the alerting site, with what they allocated
    summary.json   the alert, the site and the service's figures (summary.txt: the same, read)
    """
    from goalloc.report.watch_json import incident_json
    from goalloc.report.watch_text import incident_text, stacks_text

    os.makedirs(folder, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(alert.wall_time))
    base = f"{stamp}-{_slug(st.name)}-{alert.rule}"
    final = os.path.join(folder, base)
    n = 1
    while os.path.exists(final):
        n += 1
        final = os.path.join(folder, f"{base}-{n}")
    alert.bundle = final
    tmp = os.path.join(folder, f".{os.path.basename(final)}.tmp")
    os.makedirs(tmp)
    try:
        notes = []
        _write(tmp, "allocs.pb.gz", fetched.data)
        for name, get in (("heap.pb.gz", lambda: http_poll.fetch(st.target, http_poll.PPROF_HEAP,
                                                                  settings)),
                          ("goroutines.txt", lambda: http_poll.fetch_goroutines(st.target,
                                                                                settings))):
            try:
                _write(tmp, name, get())
            except GoallocError as exc:
                notes.append(f"{name}: {exc}")
        _write(tmp, "stacks.txt", stacks_text(alert).encode())
        doc = incident_json(alert, st, notes)
        _write(tmp, "summary.json", (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode())
        _write(tmp, "summary.txt", incident_text(alert, st, notes).encode())
        os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        alert.bundle = None
        raise
    return final


def _write(folder: str, name: str, data: bytes) -> None:
    with open(os.path.join(folder, name), "wb") as fh:
        fh.write(data)


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-." else "-" for c in name).strip("-")[:60] or "svc"

"""``goalloc watch --listen``: the watch's figures as Prometheus metrics on ``/metrics``.

Names follow Prometheus conventions (base units, ``_total`` counters, a ``goalloc_`` prefix);
every series has a ``service`` label. Per-site series also have ``function``, ``file``,
``line`` and ``kind``, for at most ``top`` sites per service (the rest is summed into
``function="(other)"``): see goalloc.watch.series. Counters are kept by the watcher, so a
restart of a watched service does not reset them. Needs ``prometheus-client``
(``pip install "goalloc[watch]"``), imported only when the exporter starts.
"""

from __future__ import annotations

import threading

from goalloc.errors import InputError
from goalloc.watch.series import SiteSeries

OTHER = "(other)"
SITE_LABELS = ("service", "function", "file", "line", "kind")

# name (without _total) -> help; the names docs/watch.md lists.
METRICS = {
    "goalloc_site_allocated_objects": "Objects allocated at a site, as the watch measured them",
    "goalloc_site_allocated_bytes": "Bytes allocated at a site",
    "goalloc_site_inuse_bytes": "Bytes held by a site's live objects at the last completed GC",
    "goalloc_service_up": "1 when the last poll of the service worked",
    "goalloc_service_poll_errors": "Failed polls of the service",
    "goalloc_service_restarts": "Restarts of the service the watch noticed",
    "goalloc_service_allocated_objects": "Objects the whole process allocated",
    "goalloc_service_allocated_bytes": "Bytes the whole process allocated",
    "goalloc_heap_live_bytes": "Live heap at the last completed GC (heap profile)",
    "goalloc_heap_alloc_bytes": "runtime.MemStats.HeapAlloc",
    "goalloc_gc_cycles": "GC cycles completed",
    "goalloc_gc_cpu_fraction": "runtime.MemStats.GCCPUFraction (since the process started)",
    "goalloc_alerts": "Alerts the watch raised, by rule",
}


def parse_listen(spec: str) -> tuple[str, int]:
    """``HOST:PORT``, ``:PORT`` or ``PORT``; the host defaults to loopback, port 0 picks a
    free one (the command prints which)."""
    host, sep, port = spec.rpartition(":")
    if not sep:
        host, port = "", spec
    host = host.strip("[]") or "127.0.0.1"
    if not port.isdigit() or not 0 <= int(port) < 65536:
        raise InputError(f"--listen {spec}: give HOST:PORT, like 127.0.0.1:9464")
    return host, int(port)


class _Service:
    def __init__(self, top: int):
        self.series = SiteSeries(top)
        self.intervals = 0
        self.objects = 0.0
        self.bytes = 0.0
        self.gc_cycles = 0


class Exporter:
    """Serves the latest figures; :meth:`update` is called after every round of polls."""

    def __init__(self, listen: str, top: int = 20):
        self.host, self.port = parse_listen(listen)
        self.top = top
        self._lock = threading.Lock()
        self._services: dict[str, _Service] = {}
        self._states: list = []
        self._server = None

    def start(self) -> None:
        try:
            from prometheus_client import CollectorRegistry, start_http_server
        except ImportError:
            raise InputError('--listen needs prometheus-client: pip install "goalloc[watch]"') \
                from None
        registry = CollectorRegistry(auto_describe=False)
        registry.register(self)
        try:
            self._server, _thread = start_http_server(self.port, addr=self.host,
                                                      registry=registry)
        except OSError as exc:
            raise InputError(f"cannot listen on {self.host}:{self.port}: "
                             f"{exc.strerror or exc}") from None
        self.port = self._server.server_address[1]

    def close(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def update(self, result) -> None:
        with self._lock:
            self._states = list(result.services)
            for st in self._states:
                svc = self._services.setdefault(st.name, _Service(self.top))
                if st.totals.intervals > svc.intervals and st.last_interval is not None:
                    iv = st.last_interval
                    svc.intervals = st.totals.intervals
                    svc.series.add(iv)
                    svc.objects += iv.objects_per_second * iv.seconds
                    svc.bytes += iv.bytes_per_second * iv.seconds
                    svc.gc_cycles += iv.gc_cycles or 0

    def collect(self):
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

        def counter(name, labels):
            return CounterMetricFamily(name, METRICS[name], labels=labels)

        def gauge(name, labels):
            return GaugeMetricFamily(name, METRICS[name], labels=labels)

        site_objects = counter("goalloc_site_allocated_objects", SITE_LABELS)
        site_bytes = counter("goalloc_site_allocated_bytes", SITE_LABELS)
        site_inuse = gauge("goalloc_site_inuse_bytes", SITE_LABELS)
        up = gauge("goalloc_service_up", ["service"])
        errors = counter("goalloc_service_poll_errors", ["service"])
        restarts = counter("goalloc_service_restarts", ["service"])
        objects = counter("goalloc_service_allocated_objects", ["service"])
        nbytes = counter("goalloc_service_allocated_bytes", ["service"])
        live = gauge("goalloc_heap_live_bytes", ["service"])
        heap = gauge("goalloc_heap_alloc_bytes", ["service"])
        cycles = counter("goalloc_gc_cycles", ["service"])
        cpu = gauge("goalloc_gc_cpu_fraction", ["service"])
        alerts = counter("goalloc_alerts", ["service", "rule"])
        with self._lock:
            for st in self._states:
                name = st.name
                up.add_metric([name], 1.0 if st.up else 0.0)
                errors.add_metric([name], st.error_count)
                restarts.add_metric([name], st.restarts)
                by_rule: dict[str, int] = {}
                for a in st.alerts:
                    by_rule[a.rule] = by_rule.get(a.rule, 0) + 1
                for rule, n in sorted(by_rule.items()):
                    alerts.add_metric([name, rule], n)
                svc = self._services.get(name)
                if svc is None or not svc.intervals:
                    continue
                objects.add_metric([name], svc.objects)
                nbytes.add_metric([name], svc.bytes)
                iv = st.last_interval
                live.add_metric([name], iv.heap_live_bytes)
                if iv.heap_alloc_bytes is not None:
                    heap.add_metric([name], iv.heap_alloc_bytes)
                    cycles.add_metric([name], svc.gc_cycles)
                if iv.gc_cpu_fraction is not None:
                    cpu.add_metric([name], iv.gc_cpu_fraction)
                s = svc.series
                for key, value in s.objects.items():
                    labels = [name, key.function, key.file, str(key.line), key.kind]
                    site_objects.add_metric(labels, value)
                    site_bytes.add_metric(labels, s.bytes[key])
                    site_inuse.add_metric(labels, s.inuse.get(key, 0))
                other = [name, OTHER, "", "", ""]
                site_objects.add_metric(other, s.other_objects)
                site_bytes.add_metric(other, s.other_bytes)
                site_inuse.add_metric(other, s.other_inuse)
        return [site_objects, site_bytes, site_inuse, up, errors, restarts, objects, nbytes,
                live, heap, cycles, cpu, alerts]

"""goalloc watch against a real Go service (tests/testdata/watch/service) on 127.0.0.1: the
storm's site, kind and rate against the service's own count, one alert with its bundle and
--on-alert, a restart, broken services, Ctrl-C, headers, and a real Prometheus scraping the
exporter (promtool for the shipped rules)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from goalloc.cli import main
from goalloc.collect.pprof import read_profile
from watchhelpers import SERVICE_DIR, Service, build_service, goalloc

DATA = Path(__file__).parent / "testdata" / "watch"
QUIET = ["--growth", "0", "--max-gc-cpu", "0", "--no-progress"]  # only the alerts a test asks for


@pytest.fixture(scope="module")
def binary(tmp_path_factory):
    return build_service(tmp_path_factory.mktemp("watchsvc"))


@pytest.fixture
def storm(binary):
    """A service whose storm is on: ~40k maps/s in main.stormMaps, ~2k objects/s elsewhere."""
    svc = Service(binary, "-memprofilerate", "512", "-requests", "5")
    svc.storm(True)
    time.sleep(0.5)
    yield svc
    svc.stop()


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{name} is not installed (.ci/run installs the Debian package)")
        pytest.skip(f"{name} is not installed (apt-get install prometheus)")
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _temp_leftovers(root: Path) -> list[Path]:
    return [p for p in root.rglob(".*") if p.name.endswith(".tmp")]


# ---------------------------------------------------------------------------- the storm

def test_storm_site_kind_rate_alert_and_bundle(storm, tmp_path, capsys):
    out, incidents, hook = tmp_path / "watch.json", tmp_path / "incidents", tmp_path / "hook"
    hook.mkdir()
    t0, c0 = storm.counter()
    rc = main(["watch", storm.url, "-C", str(SERVICE_DIR), "--interval", "1", "--duration", "6",
               "--format", "json", "-o", str(out), "--max-objects-rate", "10000",
               "--alert-kinds", "map-make", "--incidents", str(incidents),
               "--on-alert", f"cat > {hook}/alert-$$.json", *QUIET])
    t1, c1 = storm.counter()
    assert rc == 1, capsys.readouterr().err  # an alert fired
    doc = json.loads(out.read_text())
    assert (doc["command"], doc["schema_version"], doc["scanned"]) == ("watch", 1, True)
    [service] = doc["services"]
    assert service["up"] and service["intervals"] >= 2 and service["restarts"] == 0
    [site] = [s for s in service["sites"]
              if s["function"] == "main.stormMaps" and s["kind"] == "map-make"]
    counted = (c1 - c0) / (t1 - t0)
    assert counted / 2 <= site["objects_per_second"] <= counted * 2, (site, counted)
    assert site["file"] == "main.go" and "make(map[int]int)" in site["source"]
    assert site["cause"] == "interface-conversion" and site["fix"]
    assert service["gc"]["gc_cycles_per_second"] > 0 and service["gc"]["heap_alloc_bytes"] > 0

    [alert] = service["alerts"]  # once, though the storm never stopped
    assert alert["rule"] == "objects-rate" and alert["site"]["function"] == "main.stormMaps"
    assert alert["site"]["kind"] == "map-make" and alert["value"] > 10000
    bundle = Path(alert["bundle"])
    assert bundle.parent == incidents and not _temp_leftovers(tmp_path)
    assert sorted(p.name for p in bundle.iterdir()) == [
        "allocs.pb.gz", "goroutines.txt", "heap.pb.gz", "stacks.txt", "summary.json",
        "summary.txt"]
    names = {f.name for f in read_profile(bundle / "allocs.pb.gz").functions.values()}
    assert "main.stormMaps" in names
    assert read_profile(bundle / "heap.pb.gz").sample_types
    assert "goroutine " in (bundle / "goroutines.txt").read_text()
    stacks = (bundle / "stacks.txt").read_text()
    assert "main.stormMaps" in stacks and "since the previous poll" in stacks
    summary = json.loads((bundle / "summary.json").read_text())
    assert summary["alert"]["rule"] == "objects-rate" and summary["top_sites"]
    assert "cause: interface-conversion" in (bundle / "summary.txt").read_text()

    [hooked] = list(hook.iterdir())
    sent = json.loads(hooked.read_text())
    assert sent["site"]["function"] == "main.stormMaps" and sent["bundle"] == str(bundle)
    assert sent["stacks"] and sent["stacks"][0]["frames"]


def test_live_text_and_summary(storm, capsys):
    assert main(["watch", storm.url, "--interval", "1", "--duration", "3", "--top", "3",
                 *QUIET]) == 0
    out = capsys.readouterr().out
    assert out.startswith("goalloc watch: watched")
    assert "main.stormMaps  main.go:53" in out and "map-make" in out
    assert max(len(line) for line in out.splitlines()) <= 100


# ---------------------------------------------------------------------------- restarts

def test_a_restart_is_seen_and_rates_go_on(binary, tmp_path):
    svc = Service(binary, "-memprofilerate", "512")
    out = tmp_path / "watch.json"
    proc = goalloc("watch", svc.url, "--interval", "0.5", "--duration", "9", "--format", "json",
                   "-o", str(out), *QUIET)
    try:
        time.sleep(2.5)
        svc = svc.restart()  # same address, new process: its counters start again
        # The storm starts after a few polls of the new process: a process that allocated
        # more than its predecessor's whole life before the first poll shows no counter going
        # down, and is told apart only by its GC history (test_watch_units covers that).
        time.sleep(1.5)
        svc.storm(True)
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        svc.stop()
    assert proc.returncode == 0, stderr
    [service] = json.loads(out.read_text())["services"]
    assert service["restarts"] == 1 and service["up"], stderr
    assert stderr.count("restarted") == 1
    # after the restart the storm was seen, at a rate (no negative or absurd delta)
    [site] = [s for s in service["sites"]
              if s["function"] == "main.stormMaps" and s["kind"] == "map-make"]
    assert 0 < site["objects_per_second"] < 10_000_000


# ---------------------------------------------------------------------------- broken services

class _Broken(BaseHTTPRequestHandler):
    """Services that are not what they should be. HTTP/1.0: bodies end when the connection
    closes, so the client cannot know their size in advance."""

    protocol_version = "HTTP/1.0"
    huge_sent = 0
    release = threading.Event()
    upstream = ""  # the Go service, for /auth/

    def do_GET(self):
        path = self.path
        if path.startswith("/garbage/debug/pprof/"):
            self._reply(200, b"<html>this is not a profile</html>")
        elif path.startswith("/huge/debug/pprof/"):
            self.send_response(200)
            self.end_headers()
            chunk = b"\0" * 65536
            try:
                for _ in range((2 << 30) // len(chunk)):  # 2 GB, made as it is read
                    self.wfile.write(chunk)
                    type(self).huge_sent += len(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif path.startswith("/slow/"):
            self.release.wait(60)
        elif path.startswith("/auth/"):
            if self.headers.get("Authorization") != "Bearer s3cret-token":
                self._reply(401, b"who are you?")
                return
            with urllib.request.urlopen(self.upstream + path[len("/auth"):], timeout=10) as r:
                self._reply(200, r.read())
        else:
            self._reply(404, b"no")

    def _reply(self, code: int, body: bytes) -> None:
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def broken():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Broken)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Broken.release.clear()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    _Broken.release.set()
    server.shutdown()
    server.server_close()


def test_broken_services_are_one_line_each_and_the_watch_goes_on(storm, broken, tmp_path):
    out = tmp_path / "watch.json"
    refused = _free_port()
    bad = {"garbage": f"{broken}/garbage", "huge": f"{broken}/huge", "slow": f"{broken}/slow",
           "refused": f"http://127.0.0.1:{refused}", "badurl": "ftp://127.0.0.1:1"}
    proc = goalloc("watch", f"good={storm.url}", *(f"{k}={v}" for k, v in bad.items()),
                   "--interval", "1", "--duration", "5", "--timeout", "1", "--max-body", "1MiB",
                   "--format", "json", "-o", str(out), *QUIET)
    _stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, stderr
    lines = stderr.splitlines()
    for name in bad:
        mine = [line for line in lines if f"{name}" in line]
        assert len(mine) == 1, (name, lines)
        assert mine[0].startswith("goalloc: warning: ")
    services = {s["name"]: s for s in json.loads(out.read_text())["services"]}
    assert services["good"]["up"] and services["good"]["intervals"] >= 2
    assert any(s["function"] == "main.stormMaps" for s in services["good"]["sites"])
    expected = {"garbage": "not a valid pprof profile", "huge": "over the 1048576-byte limit",
                "slow": "no complete answer within 1s", "refused": "connection refused",
                "badurl": "only http and https"}
    for name, words in expected.items():
        assert not services[name]["up"] and words in services[name]["error"], services[name]
    assert services["garbage"]["polls"] >= 4 and services["refused"]["polls"] >= 4
    assert _Broken.huge_sent < 100 << 20  # stopped early, far from 2 GB


def test_headers_are_sent_and_never_shown(storm, broken, tmp_path):
    _Broken.upstream = storm.url
    secret_header = "Authorization: Bearer s3cret-token"
    out = tmp_path / "with.json"
    proc = goalloc("watch", f"{broken}/auth", "--header", secret_header, "--interval", "1",
                   "--duration", "3", "--format", "json", "-o", str(out), *QUIET)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 0, stderr
    doc = out.read_text()
    assert any(s["function"] == "main.stormMaps"
               for s in json.loads(doc)["services"][0]["sites"])
    # without the header: 401, said once, and no secret anywhere (URL credentials neither)
    url = broken.replace("http://", "http://user:s3cret-pass@") + "/auth"
    proc = goalloc("watch", url, "--interval", "1", "--duration", "2", "--format", "json",
                   *QUIET)
    stdout2, stderr2 = proc.communicate(timeout=60)
    assert proc.returncode == 2 and "HTTP 401" in stderr2
    for text in (stdout, stderr, doc, stdout2, stderr2):
        assert "s3cret" not in text


def test_bad_arguments_are_usage_errors(capsys):
    assert main(["watch"]) == 2
    assert "at least one service" in capsys.readouterr().err
    assert main(["watch", "localhost:1", "--header", "NoColon"]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    assert main(["watch", "ftp://x"]) == 2
    assert "only http and https" in capsys.readouterr().err


# ---------------------------------------------------------------------------- Ctrl-C

def test_interrupt_leaves_complete_files_only(storm, tmp_path):
    out, incidents = tmp_path / "watch.json", tmp_path / "incidents"
    proc = goalloc("watch", storm.url, "--interval", "0.5", "--format", "json", "-o", str(out),
                   "--max-objects-rate", "10000", "--alert-kinds", "map-make",
                   "--incidents", str(incidents), *QUIET)
    deadline = time.monotonic() + 60
    while not (incidents.is_dir() and any(incidents.iterdir())) and time.monotonic() < deadline:
        time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    _stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr
    doc = json.loads(out.read_text())
    assert doc["interrupted"] is True and doc["services"][0]["alerts"]
    assert not _temp_leftovers(tmp_path)
    for bundle in incidents.iterdir():
        assert (bundle / "summary.json").is_file()


# ---------------------------------------------------------------------------- Prometheus

def test_prometheus_scrapes_the_storm_rate(storm, tmp_path):
    prometheus = _tool("prometheus")
    t0, c0 = storm.counter()
    watcher = goalloc("watch", f"storm={storm.url}", "--interval", "1", "--listen",
                      "127.0.0.1:0", "--metrics-top", "3", "--format", "json", *QUIET)
    prom = None
    try:
        line = watcher.stderr.readline()
        assert "serving metrics on" in line, line
        metrics = line.split()[-1]
        port = urllib.parse.urlsplit(metrics).port
        web = _free_port()
        (tmp_path / "prometheus.yml").write_text(
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
            "scrape_configs:\n  - job_name: goalloc\n    static_configs:\n"
            f"      - targets: ['127.0.0.1:{port}']\n")
        prom = subprocess.Popen([prometheus, f"--config.file={tmp_path / 'prometheus.yml'}",
                                 f"--storage.tsdb.path={tmp_path / 'data'}",
                                 f"--web.listen-address=127.0.0.1:{web}", "--log.level=error"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        series = ('goalloc_site_allocated_objects_total{service="storm",'
                  'function="main.stormMaps",kind="map-make"}')

        def query(promql: str):
            url = (f"http://127.0.0.1:{web}/api/v1/query?"
                   + urllib.parse.urlencode({"query": promql}))
            try:
                with urllib.request.urlopen(url, timeout=5) as resp:
                    result = json.loads(resp.read())["data"]["result"]
            except OSError:
                return None, {}
            return (float(result[0]["value"][1]), result[0]["metric"]) if result else (None, {})

        value = None
        deadline = time.monotonic() + 120
        while value is None and time.monotonic() < deadline:
            time.sleep(1)
            assert prom.poll() is None, prom.stderr.read()
            scraped, _ = query(f"count_over_time({series}[20s])")
            if scraped is not None and scraped >= 15:  # a full window of scrapes
                value, labels = query(f"rate({series}[20s])")
        t1, c1 = storm.counter()
        assert value is not None, "Prometheus never returned the storm's rate"
        counted = (c1 - c0) / (t1 - t0)
        assert counted / 2 <= value <= counted * 2, (value, counted)
        assert labels["file"].endswith("main.go") and labels["line"] == "53"
        with urllib.request.urlopen(metrics, timeout=5) as resp:
            text = resp.read().decode()
        series = [x for x in text.splitlines()
                  if x.startswith("goalloc_site_allocated_objects_total{")]
        assert 2 <= len(series) <= 4  # top 3 and the rest summed
        assert any('function="(other)"' in x for x in series)
        assert 'goalloc_service_up{service="storm"} 1.0' in text
    finally:
        if prom is not None:
            prom.terminate()
            prom.wait(30)
        watcher.send_signal(signal.SIGINT)
        watcher.communicate(timeout=60)
    assert watcher.returncode == 130


def test_exporter_binds_loopback_by_default():
    from goalloc.report.watch_prometheus import parse_listen

    assert parse_listen(":9464") == ("127.0.0.1", 9464)
    assert parse_listen("9464") == ("127.0.0.1", 9464)
    assert parse_listen("0.0.0.0:9464") == ("0.0.0.0", 9464)


def test_promtool_checks_and_tests_the_shipped_rules(tmp_path):
    promtool = _tool("promtool")
    shutil.copy(DATA / "alert_rules_test.yml", tmp_path)
    assert main(["watch", "--alert-rules", "--max-objects-rate", "500", "--alert-kinds",
                 "map-make", "--max-bytes-rate", "1MiB", "--growth", "10", "--baseline", "300",
                 "--min-rate", "100", "--map-inuse-window", "600", "--map-inuse-min", "1MiB",
                 "--max-gc-cpu", "0.25", "-o", str(tmp_path / "rules.yml")]) == 0
    check = subprocess.run([promtool, "check", "rules", "rules.yml"], cwd=tmp_path,
                           capture_output=True, text=True)
    assert check.returncode == 0 and "SUCCESS: 6 rules found" in check.stdout, check.stdout
    test = subprocess.run([promtool, "test", "rules", "alert_rules_test.yml"], cwd=tmp_path,
                          capture_output=True, text=True)
    assert test.returncode == 0, test.stdout + test.stderr

"""The pure parts of watch and canary: deltas and restarts, alert rules, bounded series, the
policy file, URLs and headers, canary statistics, Prometheus rule text."""

from __future__ import annotations

import gzip
import random

import pytest

from goalloc.collect import http_poll
from goalloc.errors import InputError
from goalloc.watch import canary as canary_stats
from goalloc.watch.alerts import AlertEngine
from goalloc.watch.model import (Interval, MemStats, SiteCounters, SiteInfo, SiteKey,
                                 SiteRate, Snapshot, Thresholds)
from goalloc.watch.series import SiteSeries
from goalloc.watch.snapshot import advance, interval_between, is_restart

MAPS = SiteKey("main.handle", "main.go", 10, "map-make")
SLICE = SiteKey("main.build", "main.go", 20, "slice-growth")


def snap(t, counts, *, mallocs=None, published=None, inuse=None):
    sites = {k: SiteCounters(alloc_objects=n, alloc_bytes=n * 48,
                             inuse_bytes=(inuse or {}).get(k, 0)) for k, n in counts.items()}
    mem = None
    if mallocs is not None:
        mem = MemStats(heap_alloc=1, heap_inuse=1, total_alloc=mallocs * 48, mallocs=mallocs,
                       num_gc=mallocs // 1000, gc_cpu_fraction=0.01, next_gc=0,
                       pause_total_ns=0)
    total = sum(counts.values())
    return Snapshot(taken_at=t, wall_time=1e9 + t, sites=sites, info={}, alloc_objects=total,
                    alloc_bytes=total * 48, inuse_bytes=0, memstats=mem, published_at=published)


def interval(end, rates, *, seconds=1.0, inuse=None, gc_cpu=None, period=1):
    sites = {k: SiteRate(r, r * 48, (inuse or {}).get(k, 0), int(r * seconds),
                         int(r * seconds * 48)) for k, r in rates.items()}
    for k, v in (inuse or {}).items():
        sites.setdefault(k, SiteRate(0, 0, v, 0, 0))
    return Interval(start=end - seconds, end=end, wall_time=1e9 + end, seconds=seconds,
                    sites=sites, objects_per_second=sum(rates.values()),
                    bytes_per_second=48 * sum(rates.values()), heap_live_bytes=0,
                    gc_cpu_fraction=gc_cpu, sample_period=period)


# ---------------------------------------------------------------------------- deltas

def test_rates_are_deltas_over_the_published_time():
    a = snap(10.0, {MAPS: 1000, SLICE: 50}, published=100.0)
    b = snap(11.3, {MAPS: 3000, SLICE: 50}, published=102.0)
    iv = interval_between(a, b)
    assert iv.seconds == 2.0  # between publications, not between polls
    assert iv.sites[MAPS].objects_per_second == 1000
    assert SLICE not in iv.sites  # nothing new, nothing held
    assert interval_between(b, snap(12.0, {MAPS: 3000}, published=102.0)) is None


def test_a_counter_stepping_back_a_little_is_not_a_restart():
    """Sampled counts are scaled per stack; a small step back is zero allocations."""
    a = snap(0, {MAPS: 1000, SLICE: 500}, mallocs=5000)
    b = snap(1, {MAPS: 998, SLICE: 900}, mallocs=6000)
    assert not is_restart(a, b)
    assert MAPS not in interval_between(a, b).sites


def test_restart_from_runtime_counters_or_profile_totals():
    old = snap(0, {MAPS: 100000}, mallocs=200000)
    assert is_restart(old, snap(1, {MAPS: 10}, mallocs=300))
    assert is_restart(snap(0, {MAPS: 100000}), snap(1, {MAPS: 10}))  # no /debug/vars
    step = advance(old, snap(1, {MAPS: 10}, mallocs=300))
    assert step.restarted and step.interval is None
    assert step.baseline.sites[MAPS].alloc_objects == 10


def test_a_failed_poll_only_sets_a_new_baseline():
    a = snap(0, {MAPS: 100}, mallocs=1000)
    b = snap(5, {MAPS: 100000}, mallocs=900000)  # could be a new process that ran longer
    step = advance(a, b, gap=True)
    assert step.interval is None and step.baseline is b and not step.restarted
    assert advance(a, b, unaligned=True).baseline is a


# ---------------------------------------------------------------------------- alerts

def test_rate_alert_fires_once_and_rearms():
    engine = AlertEngine(Thresholds(objects_per_second=500, growth_factor=None))
    fired = [engine.observe("svc", interval(t, {MAPS: 900})) for t in (1, 2, 3)]
    assert [len(f) for f in fired] == [1, 0, 0]
    assert fired[0][0].rule == "objects-rate" and fired[0][0].site == MAPS
    assert engine.observe("svc", interval(4, {MAPS: 10})) == []
    assert len(engine.observe("svc", interval(5, {MAPS: 900}))) == 1


def test_rate_alert_filters_kinds_and_needs_enough_samples():
    engine = AlertEngine(Thresholds(objects_per_second=500, kinds=("map-make",),
                                    growth_factor=None))
    assert [a.site for a in engine.observe("svc", interval(1, {MAPS: 900, SLICE: 900}))] == [MAPS]
    # 900 objects of 48 bytes in one second are 1.3 samples at 32 KiB per sample: noise
    quiet = AlertEngine(Thresholds(objects_per_second=500, growth_factor=None))
    assert quiet.observe("svc", interval(1, {MAPS: 900}, period=32768)) == []


def test_growth_against_the_trailing_baseline():
    engine = AlertEngine(Thresholds(growth_factor=10, baseline_seconds=10,
                                    min_objects_per_second=100, gc_cpu_fraction=None))
    for t in range(1, 6):
        assert engine.observe("svc", interval(t, {MAPS: 50, SLICE: 200})) == []
    fired = engine.observe("svc", interval(6, {MAPS: 600, SLICE: 210}))
    assert [a.rule for a in fired] == ["growth"] and fired[0].site == MAPS
    assert "12.0x its baseline of 50.0/s" in fired[0].message
    # a restart keeps the baseline: a deploy is when rates change
    engine.restart("svc")
    assert engine.observe("svc", interval(7, {MAPS: 700, SLICE: 210})) == []  # still active


def test_map_inuse_that_only_grows():
    t = Thresholds(map_inuse_seconds=5, map_inuse_min_bytes=1000, growth_factor=None,
                   gc_cpu_fraction=None)
    engine = AlertEngine(t)
    grows = [engine.observe("svc", interval(s, {}, inuse={MAPS: 400 * s})) for s in range(1, 9)]
    assert [len(f) for f in grows].index(1) == 5  # watched for 5 s, +2000 bytes
    other = AlertEngine(t)
    saw = [other.observe("svc", interval(s, {}, inuse={MAPS: 400 * s if s != 4 else 0}))
           for s in range(1, 11)]
    assert [len(f) for f in saw] == [0] * 8 + [1, 0]  # the dip at 4 s: only from 4 s + 5 s


def test_gc_cpu_alert():
    engine = AlertEngine(Thresholds(gc_cpu_fraction=0.2, growth_factor=None))
    fired = engine.observe("svc", interval(1, {}, gc_cpu=0.3))
    assert fired[0].rule == "gc-cpu" and fired[0].site is None


# ---------------------------------------------------------------------------- series

def test_series_are_bounded_and_counters_never_go_down():
    series = SiteSeries(top=2)
    keys = [SiteKey(f"main.f{i}", "main.go", i, "object") for i in range(6)]
    rng = random.Random(7)
    seen: dict = {}
    other = 0.0
    total = 0
    for step in range(60):
        rates = {k: rng.choice([0, 10, 100, 1000]) for k in keys}
        series.add(interval(step + 1, rates))
        total += sum(int(r) for r in rates.values())
        assert len(series.objects) <= 2
        for k, v in series.objects.items():
            if k in seen:
                assert v >= seen[k]
        seen = dict(series.objects)
        assert series.other_objects >= other
        other = series.other_objects
    # A site's series restarts from 0 when it is promoted again, so the exported sum only
    # misses what the dropped series had counted: never more than what was seen.
    assert series.other_objects + sum(series.objects.values()) <= total


def test_a_new_hot_site_gets_a_series():
    series = SiteSeries(top=1)
    series.add(interval(1, {MAPS: 10}))
    assert list(series.objects) == [MAPS]
    for t in range(2, 5):
        series.add(interval(t, {MAPS: 10, SLICE: 5000}))
    assert list(series.objects) == [SLICE]


# ---------------------------------------------------------------------------- policy

def test_policy_reads_watch_and_names_lines(tmp_path):
    from goalloc.policy import WATCH_KEYS, read_table

    path = tmp_path / "goalloc.toml"
    path.write_text('[scan]\nfail_on = "x"\n\n[watch]\nobjects_per_second = 500\n'
                    'kinds = ["map-make"]\n')
    table = read_table(path, "watch", WATCH_KEYS)
    assert table.values == {"objects_per_second": 500, "kinds": ("map-make",)}
    assert table.where("kinds") == f"{path}:6"
    path.write_text('[watch]\nobjects_per_second = 500\ngrowth_facter = 3\n')
    with pytest.raises(InputError, match=rf"^{path}:3: \[watch\] has no key growth_facter; "
                                         "did you mean growth_factor\\?"):
        read_table(path, "watch", WATCH_KEYS)
    path.write_text('[watch]\n\ngc_cpu_fraction = "high"\n')
    with pytest.raises(InputError, match=rf"^{path}:3: \[watch\] gc_cpu_fraction: must be a "):
        read_table(path, "watch", WATCH_KEYS)
    path.write_text('[watch]\ngc_cpu_fraction = 3\n')
    with pytest.raises(InputError, match="at most 1"):
        read_table(path, "watch", WATCH_KEYS)
    path.write_text('[watch]\ninterval = \n')
    with pytest.raises(InputError, match=rf"^{path}:2: not valid TOML"):
        read_table(path, "watch", WATCH_KEYS)


def test_policy_thresholds_from_the_command_line(tmp_path, capsys):
    from goalloc.cli import main

    (tmp_path / "goalloc.toml").write_text('[watch]\nobjects_per_second = 500\n'
                                           'kinds = ["map-make", "mapp"]\n')
    assert main(["watch", "--alert-rules", "--policy", str(tmp_path / "goalloc.toml")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "goalloc.toml:3: [watch] kinds: unknown kind mapp" in err
    (tmp_path / "goalloc.toml").write_text('[watch]\nobjects_per_second = 500\n'
                                           'growth_factor = 0\n')
    assert main(["watch", "--alert-rules", "-C", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "> 500" in out and "GoallocSiteAllocationGrowth" not in out  # 0 is off
    assert main(["watch", "--alert-rules", "-C", str(tmp_path), "--max-objects-rate", "7"]) == 0
    text = capsys.readouterr().out
    assert "> 500" not in text and '[5m]) > 7"' in text  # flags win


# ---------------------------------------------------------------------------- URLs, headers, bodies

@pytest.mark.parametrize("spec,name,url", [
    ("localhost:6060", "localhost:6060", "http://localhost:6060"),
    ("http://10.0.0.5:6060/debug/pprof/heap", "10.0.0.5:6060", "http://10.0.0.5:6060"),
    ("api=https://h/svc/debug/vars", "api", "https://h:443/svc"),
    ("http://user:pw@[::1]:80/", "[::1]:80", "http://[::1]:80"),
])
def test_targets(spec, name, url):
    t = http_poll.parse_target(spec)
    assert (t.name, t.url) == (name, url)
    assert "pw" not in t.url and "pw" not in t.name


@pytest.mark.parametrize("spec,message", [
    ("ftp://x:1", "only http and https"), ("http://", "names no host"),
    ("http://h:99999", "not a valid URL"), ("http://u:secret@:1", "names no host"),
])
def test_bad_targets_are_one_line_without_credentials(spec, message):
    with pytest.raises(http_poll.FetchError, match=message) as err:
        http_poll.parse_target(spec)
    assert "secret" not in str(err.value)


def test_headers_are_checked_without_showing_values():
    assert http_poll.check_headers(["Authorization: Bearer x"]) == (("Authorization",
                                                                       "Bearer x"),)
    with pytest.raises(ValueError) as err:
        http_poll.check_headers(["X-Token: abc\r\nInjected: 1"])
    assert "abc" not in str(err.value)


def test_gzip_bomb_stops_at_the_limit():
    bomb = gzip.compress(b"\0" * (8 << 20))
    assert len(bomb) < 100_000
    with pytest.raises(http_poll.FetchError, match="decompresses to over 1048576 bytes"):
        http_poll.gunzip_bounded(bomb, 1 << 20, "x")
    with pytest.raises(http_poll.FetchError, match="cut off"):
        http_poll.gunzip_bounded(bomb[:1000], 16 << 20, "x")


# ---------------------------------------------------------------------------- canary statistics

def windows(rates_by_key, n, noise, seed, *, heap=10 << 20):
    rng = random.Random(seed)
    out = []
    for i in range(n):
        iv = interval(i + 1, {k: r * (1 + rng.uniform(-noise, noise))
                              for k, r in rates_by_key.items()})
        iv.heap_live_bytes = int(heap * (1 + rng.uniform(-noise, noise)))
        iv.gc_cycles = 2
        out.append(iv)
    return out


def test_canary_regression_pass_and_inconclusive():
    policy = canary_stats.CanaryPolicy()
    info = {MAPS: SiteInfo(cause="returned"), SLICE: SiteInfo()}
    base = windows({MAPS: 1000, SLICE: 400}, 10, 0.05, 1)
    worse = windows({MAPS: 3000, SLICE: 400}, 10, 0.05, 2)
    res = canary_stats.compare(base, worse, policy, info)
    assert res.verdict == "regression"
    assert {(r.site, r.metric) for r in res.regressions} >= {(MAPS, "objects_per_second")}
    assert all(r.site != SLICE for r in res.regressions)
    same = canary_stats.compare(base, windows({MAPS: 1000, SLICE: 400}, 10, 0.05, 3), policy)
    assert same.verdict == "pass"
    few = canary_stats.compare(base[:3], worse[:3], policy)
    assert few.verdict == "inconclusive" and "needed" in few.reasons[-1]
    noisy = canary_stats.compare(windows({MAPS: 1000}, 10, 0.9, 4),
                                 windows({MAPS: 1300}, 10, 0.9, 5), policy)
    assert noisy.verdict in ("inconclusive", "pass")


def test_canary_compares_only_the_programs_own_sites():
    handler = SiteKey("runtime/pprof.writeHeapProto", "protomem.go", 39, "other")
    info = {handler: SiteInfo(user=False)}
    res = canary_stats.compare(windows({handler: 100}, 8, 0.05, 1),
                               windows({handler: 900}, 8, 0.05, 2),
                               canary_stats.CanaryPolicy(), info)
    assert all(r.site is None for r in res.rows)


# ---------------------------------------------------------------------------- rules text

def test_alert_rules_follow_the_thresholds():
    from goalloc.report.watch_rules import duration, render

    assert [duration(x) for x in (90, 0.5, 3600, 0)] == ["1m30s", "500ms", "1h", "0s"]
    text = render(Thresholds(objects_per_second=500, kinds=("map-make",), gc_cpu_fraction=None))
    assert 'kind=~\\"map-make\\"' in text and "> 500" in text
    assert "GoallocGCCPUFraction" not in text and "GoallocMapInuseGrowing" not in text
    assert "GoallocWatchTargetDown" in text


def test_canary_leaves_out_sites_with_too_few_samples():
    """3x more at a site, but 48 bytes x 1000/s over 10 windows at 64 KiB per sample is seven
    samples: noise, not judged; the same site at 64 bytes per sample is judged."""
    assert round(canary_stats.samples_needed(0.2)) == 703
    base = windows({MAPS: 1000}, 10, 0.05, 1)
    worse = windows({MAPS: 3000}, 10, 0.05, 2)
    for iv in (*base, *worse):
        iv.sample_period = 65536
    coarse = canary_stats.compare(base, worse, canary_stats.CanaryPolicy())
    assert all(r.site is None for r in coarse.rows)
    for iv in (*base, *worse):
        iv.sample_period = 64
    fine = canary_stats.compare(base, worse, canary_stats.CanaryPolicy())
    assert {r.site for r in fine.regressions} == {MAPS, None}


def test_a_new_process_that_overtook_the_old_counters_is_a_restart():
    from goalloc.watch.model import MemStats
    from goalloc.watch.snapshot import _same_gc_history

    old = MemStats(heap_alloc=1, heap_inuse=1, total_alloc=10_000, mallocs=100, num_gc=3,
                   gc_cpu_fraction=0.0, next_gc=1, pause_total_ns=1,
                   gc_ends_ns=(1_000, 2_000, 3_000))
    same = MemStats(heap_alloc=1, heap_inuse=1, total_alloc=90_000, mallocs=900, num_gc=5,
                    gc_cpu_fraction=0.0, next_gc=1, pause_total_ns=1,
                    gc_ends_ns=(1_000, 2_000, 3_000, 4_000, 5_000))
    other = MemStats(heap_alloc=1, heap_inuse=1, total_alloc=90_000, mallocs=900, num_gc=5,
                     gc_cpu_fraction=0.0, next_gc=1, pause_total_ns=1,
                     gc_ends_ns=(3_500, 3_600, 3_700, 3_800, 3_900))
    assert _same_gc_history(old, same)
    assert not _same_gc_history(old, other)

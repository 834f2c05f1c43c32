#!/usr/bin/env python3
"""How close goalloc watch's storm rate is to what the service counted, and what a poll costs.

    PYTHONPATH=src:tests python bench/watch_accuracy.py [--duration 8] [--interval 1]
        [--memprofilerate 512]

Builds and starts the test service (tests/testdata/watch/service) on 127.0.0.1, switches its
map storm on, and watches it with and without --gc. Prints, per mode, the rate of
main.stormMaps' make(map) measured by the watch, the rate the service's own expvar counter
gives over the same time, their ratio, the intervals measured, and the time one poll takes
(profile, /debug/vars, decoding and attribution) in goalloc.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from watchhelpers import Service, build_service  # noqa: E402

from goalloc.app.watch import Poller, WatchOptions, watch  # noqa: E402
from goalloc.collect.http_poll import parse_target  # noqa: E402
from goalloc.watch.model import Thresholds  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=float, default=8.0)
    ap.add_argument("--interval", type=float, default=1.0)
    ap.add_argument("--memprofilerate", default="512")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        svc = Service(build_service(Path(tmp)), "-memprofilerate", args.memprofilerate,
                      "-requests", "5")
        try:
            svc.storm(True)
            time.sleep(1)
            print(f"service: memprofilerate {args.memprofilerate}, storm on; watch "
                  f"{args.duration:g}s every {args.interval:g}s")
            for gc in (False, True):
                t0, c0 = svc.counter()
                result = watch(WatchOptions([svc.url], interval=args.interval,
                                            duration=args.duration, force_gc=gc,
                                            thresholds=Thresholds(growth_factor=None,
                                                                  gc_cpu_fraction=None)))
                t1, c1 = svc.counter()
                totals = result.services[0].totals
                storm = [s for k, s in totals.sites.items()
                         if k.function == "main.stormMaps" and k.kind == "map-make"]
                measured = totals.per_second(storm[0].objects) if storm else 0.0
                counted = (c1 - c0) / (t1 - t0)
                print(f"  {'--gc' if gc else 'default'}: measured {measured:,.0f} maps/s, "
                      f"counted {counted:,.0f} maps/s, ratio {measured / counted:.3f}, "
                      f"{totals.intervals} intervals over {totals.seconds:.1f}s")
            poller = Poller(WatchOptions([svc.url]))
            target = parse_target(svc.url)
            times = []
            for _ in range(10):
                start = time.perf_counter()
                outcome = poller.one(target)
                times.append(time.perf_counter() - start)
                assert outcome.error is None, outcome.error
            print(f"  one poll: median {1000 * statistics.median(times):.0f} ms, "
                  f"max {1000 * max(times):.0f} ms "
                  f"({len(outcome.fetched.data):,} bytes of profile, "
                  f"{len(outcome.snapshot.sites)} sites)")
        finally:
            svc.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

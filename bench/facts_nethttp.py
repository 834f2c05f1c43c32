#!/usr/bin/env python3
"""Time collect_facts for net/http on a warm cache (helper built, go build cache warm).

    python bench/facts_nethttp.py [--runs 5]

Prints the cold first run (helper build included if it was not cached) and the warm runs;
the target is under 3 seconds warm.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from goalloc.collect.facts import BINARY_NAME, collect_facts, helper_binary, helper_dir
from goalloc.collect.toolchain import find_toolchain


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--limit", type=float, default=3.0)
    args = ap.parse_args()
    tc = find_toolchain()
    std = f"{tc.goroot}/src"
    cached = (helper_dir(tc) / BINARY_NAME).is_file()
    t0 = time.perf_counter()
    helper_binary(tc)
    facts = collect_facts(tc, std, ["net/http"])
    first = time.perf_counter() - t0
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        facts = collect_facts(tc, std, ["net/http"])
        times.append(time.perf_counter() - t0)
    pkg = facts.packages[0]
    print(f"{tc.version} net/http: first run {first:.2f} s "
          f"({'helper cached' if cached else 'helper built'}); warm: median "
          f"{statistics.median(times):.2f} s, max {max(times):.2f} s over {args.runs} runs "
          f"({len(pkg.functions)} functions, {len(pkg.loops)} loops)")
    return 0 if statistics.median(times) < args.limit else 1


if __name__ == "__main__":
    sys.exit(main())

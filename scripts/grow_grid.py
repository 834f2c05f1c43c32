#!/usr/bin/env python3
"""Run the slice/map grid on an installed Go toolchain and compare it with goalloc's model.

    python3 scripts/grow_grid.py                       # the toolchain goalloc finds
    python3 scripts/grow_grid.py --go-binary ~/.cache/goalloc/toolchains/go1.23/go/bin/go
    python3 scripts/grow_grid.py --small --repeat 5 --json out.json

Slices must match exactly (allocations, bytes, final cap, every cap). Maps must match exactly
where the model calls the runtime deterministic; elsewhere the script measures the spread
over --repeat runs (each map gets a fresh random hash seed) and reports whether the model
falls inside it.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

from goalloc.models.harness import compare, map_grid, slice_grid, toolchain_for


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--go-binary", help="go binary (GOROOT is inferred from its location)")
    ap.add_argument("--small", action="store_true", help="the representative grid the tests use")
    ap.add_argument("--repeat", type=int, default=5, help="runs of each non-deterministic map")
    ap.add_argument("--json", help="write every comparison here")
    ap.add_argument("--only", choices=("slice", "map"))
    args = ap.parse_args(argv)
    tc = toolchain_for(args.go_binary)
    go = tc.release_str
    queries = []
    if args.only != "map":
        queries += slice_grid(full=not args.small)
    if args.only != "slice":
        queries += map_grid(full=not args.small)
    t0 = time.time()
    results = compare(go, queries, tc, repeat=args.repeat)
    elapsed = time.time() - t0
    print(f"{tc.version}: {len(queries)} grid points measured in {elapsed:.0f}s")
    failed = 0
    for kind in ("slice", "map"):
        rows = [r for r in results if r.query["kind"] == kind]
        if not rows:
            continue
        det = [r for r in rows if r.model["deterministic"]]
        nondet = [r for r in rows if not r.model["deterministic"]]
        exact = sum(r.exact for r in det)
        failed += len(det) - exact
        print(f"  {kind}: {exact}/{len(det)} deterministic points match exactly")
        for r in det:
            if not r.exact:
                print(f"    MISMATCH {r.query}\n      model    {r.model}\n      measured {r.measured}")
        if nondet:
            inside = sum(r.within_spread for r in nondet)
            exact_nd = sum(r.exact for r in nondet)
            rel = [abs(r.model["bytes_allocated"] - statistics.median(
                m["bytes_allocated"] for m in r.measured)) / max(1, statistics.median(
                    m["bytes_allocated"] for m in r.measured)) for r in nondet]
            print(f"  {kind}: {len(nondet)} seed-dependent points ({args.repeat} runs each): "
                  f"model inside the measured range for {inside}, equal to every run for "
                  f"{exact_nd}; median |model - median run| / median run = "
                  f"{statistics.median(rel):.2%}, max {max(rel):.2%}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump([{"query": r.query, "model": r.model, "measured": r.measured}
                       for r in results], fh, indent=1)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

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
    ap.add_argument("--stack-demo", action="store_true",
                    help="instead: measure []int64 appends in a local slice and in a returned "
                         "slice, next to the heap model (shows the compiler's stack buffer)")
    args = ap.parse_args(argv)
    tc = toolchain_for(args.go_binary)
    if args.stack_demo:
        return stack_demo(tc)
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


STACK_DEMO = r"""package main

import (
	"fmt"
	"runtime"
)

//go:noinline
func returned(n int) []int64 {
	var s []int64
	for i := 0; i < n; i++ {
		s = append(s, int64(i))
	}
	return s
}

//go:noinline
func local(n int) int64 {
	var s []int64
	for i := 0; i < n; i++ {
		s = append(s, int64(i))
	}
	var t int64
	for _, v := range s {
		t += v
	}
	return t
}

var sink []int64
var isink int64

func main() {
	for _, n := range []int{1, 3, 4, 5, 9, 100, 1000} {
		var a, b, c, d runtime.MemStats
		runtime.ReadMemStats(&a)
		sink = returned(n)
		runtime.ReadMemStats(&b)
		isink = local(n)
		runtime.ReadMemStats(&c)
		_ = d
		fmt.Println(n, b.Mallocs-a.Mallocs, b.TotalAlloc-a.TotalAlloc, c.Mallocs-b.Mallocs, c.TotalAlloc-b.TotalAlloc)
	}
}
"""


def stack_demo(tc) -> int:
    import os
    import tempfile
    from pathlib import Path

    from goalloc.models import simulate_slice

    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "go.mod").write_text("module stackdemo\n\ngo 1.21\n")
        Path(tmp, "main.go").write_text(STACK_DEMO)
        env = {"GOROOT": tc.goroot, "GOWORK": "off"} if tc.goroot else {"GOWORK": "off"}
        proc = tc.run(["run", "."], cwd=tmp, env=env)
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            return 2
    print(f"{tc.version}: []int64, n appends; allocations / bytes (MemStats)")
    print(f"{'n':>6}  {'heap model':>14}  {'returned slice':>14}  {'local slice':>14}")
    for line in proc.stdout.split("\n"):
        if not line.strip():
            continue
        n, ra, rb, la, lb = map(int, line.split())
        g = simulate_slice(tc.release_str, 8, False, n)
        print(f"{n:>6}  {g.allocations:>5} / {g.bytes_allocated:<6}  {ra:>5} / {rb:<6}  "
              f"{la:>5} / {lb:<6}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Time `goalloc grow --queries` on a query set shaped like the held-out ground truth.

    python3 bench/grow_queries.py [--go 1.27] [--slices 1600] [--maps 300] [--runs 3]

Generates the queries (seeded, so every run asks the same), runs the real command in a
fresh process each time (start-up included) and prints the wall time per run and per query.
The budget is 5 seconds for about 1,900 queries.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SIZES = (1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 16, 20, 24, 32, 40, 48, 56, 64, 72, 96, 100, 128,
         200, 256, 500, 512, 1000, 1024, 2000, 4096, 5000, 10000, 32768, 40000)
KEYS = ("int", "int64", "int32", "string", "[16]byte", "uint64", "float64",
        "struct{a, b int64}")
VALUES = ("int", "string", "struct{}", "bool", "[]int", "[32]byte", "*int", "[200]byte")


def make_queries(go: str, slices: int, maps: int, seed: int = 1) -> list[dict]:
    rng = random.Random(seed)
    qs = []
    for _ in range(slices):
        size = rng.choice(SIZES)
        pointers = size % 8 == 0 and rng.random() < 0.4
        n = int(10 ** rng.uniform(0, 7 if size <= 100 else 5))
        start = rng.choice((0, 0, 0, 1, 3, 10, 100, n // 2, n))
        qs.append({"kind": "slice", "go": go, "elem_size": size, "pointers": pointers,
                   "n": n, "start_cap": start})
    for _ in range(maps):
        n = int(10 ** rng.uniform(0, 6))
        hint = rng.choice((None, None, n, n // 2, 8, 2 * n))
        qs.append({"kind": "map", "go": go, "key": rng.choice(KEYS), "value": rng.choice(VALUES),
                   "n": n, "hint": hint, "delete_all": rng.random() < 0.2})
    rng.shuffle(qs)
    return qs


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--go", default="1.27")
    ap.add_argument("--slices", type=int, default=1600)
    ap.add_argument("--maps", type=int, default=300)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)
    queries = make_queries(args.go, args.slices, args.maps)
    with tempfile.TemporaryDirectory() as tmp:
        qfile = Path(tmp, "queries.json")
        qfile.write_text(json.dumps(queries))
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            proc = subprocess.run([sys.executable, "-m", "goalloc", "grow", "--queries",
                                   str(qfile), "--format", "json"], capture_output=True, text=True)
            times.append(time.perf_counter() - t0)
            if proc.returncode != 0:
                print(proc.stderr, file=sys.stderr)
                return 1
            answers = json.loads(proc.stdout)
            assert len(answers) == len(queries)
    med = statistics.median(times)
    print(f"{len(queries)} queries ({args.slices} slice, {args.maps} map, Go {args.go}), "
          f"{args.runs} runs")
    print(f"  wall time per run: median {med:.2f} s, min {min(times):.2f} s, max {max(times):.2f} s")
    print(f"  per query: {med / len(queries) * 1e3:.2f} ms   budget: 5 s per run -> "
          f"{'OK' if max(times) < 5 else 'OVER BUDGET'}")
    return 0 if max(times) < 5 else 1


if __name__ == "__main__":
    sys.exit(main())

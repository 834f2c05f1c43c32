#!/usr/bin/env python3
"""Print the goalloc lab sweeps behind docs/lab.md: each seed claim the lab can check, the
command that checks it, and what this machine measured.

    PYTHONPATH=src python3 bench/lab_sweep.py                 # every sweep (~15 minutes)
    PYTHONPATH=src python3 bench/lab_sweep.py --only sync-map --count 10

Timings are this machine's (printed with Go version, GOMAXPROCS and CPU); allocation counts
are the same on any amd64/arm64 machine with the same Go."""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SWEEPS = {
    # "sync.Map wins for read-mostly keys; past ~8% writes map+RWMutex wins" (seed 001).
    "sync-map": ["map", "--key", "int", "--value", "int", "--n", "100", "--ops", "100000",
                 "--reads", "0.85,0.92,0.99,1", "--goroutines", "1,2",
                 "--variants", "rwmutex-map,sync-map,sync-map-ptr,cow-snapshot"],
    # "LoadOrStore with a struct value allocates, with a pointer it does not" (seed 004),
    # over a whole fill: one box per value against one block for all values.
    "load-or-store": ["map", "--key", "string", "--value", "struct{X, Y int}", "--n",
                      "100,10000", "--variants", "sync-map,sync-map-ptr,rwmutex-map"],
    # "copy-on-write costs ~1,024 allocs per update of a 1k map" (seed 001).
    "cow": ["map", "--key", "int", "--value", "int", "--n", "1000", "--ops", "1000",
            "--reads", "0.9,0.99,1", "--variants", "cow-snapshot,rwmutex-map,sync-map"],
    # make(map, n) against growth, and reuse with clear (seeds 001, 003).
    "map-hint": ["map", "--key", "int64", "--value", "int64", "--n", "8,100,1000,10000,100000",
                 "--variants", "map,map-hint,clear-reuse,sorted-slice,slice-map"],
    # sync.Pool of pre-grown slices against make and reuse (seed 002).
    "slice": ["slice", "--elem", "int", "--n", "16,1024,100000"],
    # interning repeated strings (seed 001 speaks of Java's String.intern; Go has unique).
    "intern": ["intern", "--n", "100000", "--distinct", "10,1000,100000", "--len", "24"],
}


def run_lab(name: str, args: list[str], count: int, benchtime: str, plot_dir: str) -> None:
    argv = ["lab", *args, "--count", str(count), "--benchtime", benchtime, "--no-progress"]
    if any("," in a for a in args):
        argv += ["--plot", os.path.join(plot_dir, f"lab-{name}.svg")]
    print(f"$ goalloc {shlex.join(argv)}", flush=True)
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "goalloc", *argv], cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT / "src"), "COLUMNS": "120"},
                          capture_output=True, text=True)
    print(proc.stdout.rstrip())
    if proc.returncode:
        print(proc.stderr.rstrip())
    print(f"({time.monotonic() - start:.0f}s)\n", flush=True)


def load_or_store_as_written(count: int) -> None:
    """The seed's four ways to call LoadOrStore on a present key (tests/testdata/lab)."""
    module = ROOT / "tests" / "testdata" / "lab" / "loadorstore"
    with tempfile.TemporaryDirectory() as tmp:
        save = os.path.join(tmp, "los.txt")
        argv = ["bench", "run", "-C", str(module), "--count", str(count), "--benchtime",
                "100000x", "--no-memprofile", "--save", save, "--no-progress"]
        print(f"$ goalloc {shlex.join(argv)}", flush=True)
        proc = subprocess.run([sys.executable, "-m", "goalloc", *argv], cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
                              capture_output=True, text=True)
        print(proc.stdout.rstrip() or proc.stderr.rstrip())
        print()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--only", choices=[*SWEEPS, "load-or-store-as-written"], action="append")
    p.add_argument("--count", type=int, default=6)
    p.add_argument("--benchtime", default="100ms")
    p.add_argument("--plots", default=tempfile.gettempdir(), help="where the .svg plots go")
    args = p.parse_args()
    chosen = args.only or [*SWEEPS, "load-or-store-as-written"]
    for name in chosen:
        print(f"## {name}\n")
        if name == "load-or-store-as-written":
            load_or_store_as_written(args.count)
        else:
            run_lab(name, SWEEPS[name], args.count, args.benchtime, args.plots)
    return 0


if __name__ == "__main__":
    sys.exit(main())

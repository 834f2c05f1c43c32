"""How fast is `goalloc scan` next to the compiler run it wraps, and how much memory does it use?

    python3 bench/scan_speed.py                 # warm cache, net/http (default 5 runs each)
    python3 bench/scan_speed.py --cold          # also cold: a fresh GOCACHE for every run
    python3 bench/scan_speed.py --std-memory    # peak RSS of goalloc scanning all of std

Targets (issue 2): warm <= 4x the plain `go build -gcflags=-m=2`, cold <= 1.1x, std < 500 MB.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

from goalloc.collect.toolchain import find_toolchain

PEAK = ("import resource, sys; from goalloc.cli import main; rc = main(sys.argv[1:]); "
        "sys.stderr.write('PEAK_KB %d\\n' % resource.getrusage(resource.RUSAGE_SELF).ru_maxrss); "
        "sys.exit(rc)")


def timed(cmd, env, cwd):
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        sys.exit(f"failed: {' '.join(cmd)}: {proc.stderr[-300:]}")
    return elapsed, proc.stderr


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--package", default="net/http")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--cold", action="store_true")
    ap.add_argument("--std-memory", action="store_true")
    args = ap.parse_args()
    tc = find_toolchain()
    cwd = tempfile.mkdtemp(prefix="goalloc-bench-")
    env = dict(tc.env)
    go_cmd = [tc.go, "build", "-gcflags=-m=2", "-o", os.devnull, args.package]
    scan_cmd = [sys.executable, "-m", "goalloc", "scan", args.package, "--format", "json",
                "-o", os.devnull, "--no-progress"]
    print(f"{tc.version}, {args.package}, {args.runs} runs each, {os.cpu_count()} CPUs")
    timed(go_cmd, env, cwd)  # warm Go's build cache
    with tempfile.TemporaryDirectory() as fresh:
        # Go's cache warm, goalloc's own cache empty: what the first scan after an upgrade costs.
        first = timed(scan_cmd, {**env, "GOALLOC_CACHE_DIR": fresh}, cwd)[0]
    timed(scan_cmd, env, cwd)  # warm goalloc's cache
    go_t = [timed(go_cmd, env, cwd)[0] for _ in range(args.runs)]
    scan_t = [timed(scan_cmd, env, cwd)[0] for _ in range(args.runs)]
    g, s = statistics.median(go_t), statistics.median(scan_t)
    print(f"warm  go build -gcflags=-m=2: {g:.3f} s   goalloc scan --format json: {s:.3f} s"
          f"   ratio {s / g:.2f}x (target <= 4)")
    print(f"      (goalloc's own cache empty, Go's warm: {first:.3f} s, {first / g:.2f}x)")
    if args.cold:
        go_c, scan_c = [], []
        for _ in range(max(1, args.runs // 2)):
            # Cold: Go's build cache empty and goalloc's result cache off. (The facts helper
            # binary stays: it is built once per Go version, like an installed tool.)
            with tempfile.TemporaryDirectory() as cache:
                go_c.append(timed(go_cmd, {**env, "GOCACHE": cache}, cwd)[0])
            with tempfile.TemporaryDirectory() as cache:
                scan_c.append(timed(scan_cmd, {**env, "GOCACHE": cache, "GOALLOC_NO_CACHE": "1"},
                                    cwd)[0])
        g, s = statistics.median(go_c), statistics.median(scan_c)
        print(f"cold  go build -gcflags=-m=2: {g:.2f} s   goalloc scan --format json: {s:.2f} s"
              f"   ratio {s / g:.2f}x (target <= 1.1)")
    if args.std_memory:
        cmd = [sys.executable, "-c", PEAK, "scan", "std", "--format", "json", "-o", os.devnull,
               "--no-progress"]
        elapsed, err = timed(cmd, env, cwd)
        peak = next(int(line.split()[1]) for line in err.splitlines() if line.startswith("PEAK_KB"))
        print(f"std   goalloc scan std: {elapsed:.1f} s, peak RSS of goalloc {peak / 1024:.0f} MB "
              f"(target < 500 MB)")


if __name__ == "__main__":
    main()

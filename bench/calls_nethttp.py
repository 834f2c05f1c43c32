#!/usr/bin/env python3
"""Time `goalloc calls net/http` against a warm `go build net/http`, and check its counts per
function against a disassembly (`go tool objdump`) of the same build.

    python bench/calls_nethttp.py [--runs 5] [--package net/http] [--limit 3.0]

Both commands run as a user runs them (a new process each time, the go command's cache warm
for the goalloc flags and for the plain build alike). Prints the medians and their ratio (the
target is under 3x; goalloc's own cache of a package's calls is warm too, and the figure
without it, --no-cache, is printed beside), then the comparison: for every function of the package, the allocation
entry points its code calls with their innermost lines, as goalloc reads them from the object
file and as objdump disassembles them (objdump prints the innermost file:line of each
instruction and the relocation of each call). Exit 1 when the ratio is over the limit or any
function disagrees.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict

from goalloc.calls.analyze import display_name
from goalloc.calls.entrypoints import is_entry_point
from goalloc.collect.objects import compile_packages
from goalloc.collect.toolchain import find_toolchain

_TEXT = re.compile(r"^TEXT (.+)\(SB\)(?: (.*))?$")
_INSTRUCTION = re.compile(r"^\s+(\S+):(\d+)\s+0x[0-9a-f]+\s.*?\t\[\d+:\d+\]R_\w+:([^\s<]+)")


def timed(argv: list[str], env: dict, cwd: str) -> float:
    start = time.perf_counter()
    proc = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed ({proc.returncode}): {proc.stderr.strip()[-500:]}")
    return elapsed


def objdump_calls(toolchain, archive: str) -> dict:
    """{function symbol: Counter of (callee, innermost file basename, line)} from objdump,
    for every function of the archive's object."""
    proc = toolchain.run(["tool", "objdump", archive])
    if proc.returncode != 0:
        sys.exit(f"go tool objdump failed: {proc.stderr.strip()[-500:]}")
    calls: dict[str, Counter] = defaultdict(Counter)
    current = None
    for line in proc.stdout.splitlines():
        m = _TEXT.match(line)
        if m:
            current = m.group(1)
            calls[current]  # a function without calls is listed all the same
            continue
        if current is None:
            continue
        m = _INSTRUCTION.match(line)
        if m and is_entry_point(m.group(3)):
            calls[current][(m.group(3), os.path.basename(m.group(1)), int(m.group(2)))] += 1
    return calls


def goalloc_calls(doc: dict, package: str) -> dict:
    """The same shape from goalloc's JSON: the innermost line is the inlined origin, if any."""
    calls: dict[str, Counter] = defaultdict(Counter)
    for fn in doc["functions"]:
        if fn["package"] != package:
            continue
        calls[fn["symbol"]]
        for c in fn["calls"]:
            where = c["inlined_from"] or c
            calls[fn["symbol"]][(c["runtime"], os.path.basename(where["file"]), where["line"])] += 1
    return calls


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--package", default="net/http")
    ap.add_argument("--limit", type=float, default=3.0)
    args = ap.parse_args()
    tc = find_toolchain()
    cwd = os.path.join(tc.goroot, "src")
    env = dict(tc.env)
    env["GOALLOC_GO"] = tc.go
    # The goalloc imported here, whatever the working directory of the runs.
    import goalloc

    env["PYTHONPATH"] = os.path.dirname(os.path.dirname(os.path.abspath(goalloc.__file__)))
    goalloc = [sys.executable, "-m", "goalloc", "calls", args.package, "--format", "json",
               "-o", os.devnull]
    build = [tc.go, "build", "-o", os.devnull, args.package]
    timed(build, env, cwd)  # warm both, once
    timed(goalloc, env, cwd)
    build_times, calls_times, uncached_times = [], [], []
    for _ in range(args.runs):
        build_times.append(timed(build, env, cwd))
        calls_times.append(timed(goalloc, env, cwd))
        uncached_times.append(timed(goalloc + ["--no-cache"], env, cwd))
    b, c = statistics.median(build_times), statistics.median(calls_times)
    u = statistics.median(uncached_times)
    ratio = c / b
    print(f"{tc.version} {args.package}, medians over {args.runs} runs: go build (warm) "
          f"{b:.3f} s; goalloc calls {c:.3f} s = {ratio:.2f}x (target under {args.limit}x); "
          f"with --no-cache (objects read again) {u:.3f} s = {u / b:.2f}x")

    proc = subprocess.run([sys.executable, "-m", "goalloc", "calls", args.package,
                           "--format", "json"], env=env, cwd=cwd, capture_output=True, text=True)
    doc = json.loads(proc.stdout)
    compiled = compile_packages(tc, [args.package], cwd)
    symbol_package = "main" if compiled.names.get(args.package) == "main" else args.package
    ours = goalloc_calls(doc, args.package)
    theirs = objdump_calls(tc, compiled.exports[args.package])
    disagree = sorted(name for name in set(ours) | set(theirs) if ours.get(name) != theirs.get(name))
    total = sum(sum(v.values()) for v in theirs.values())
    print(f"objdump of the same build: {len(theirs)} functions, {total} allocation calls; "
          f"goalloc: {len(ours)} functions, {sum(sum(v.values()) for v in ours.values())} calls; "
          f"{len(disagree)} function(s) disagree")
    for name in disagree[:10]:
        print(f"  {display_name(name, symbol_package)}: goalloc {dict(ours.get(name, {}))} "
              f"objdump {dict(theirs.get(name, {}))}")
    return 0 if ratio < args.limit and not disagree else 1


if __name__ == "__main__":
    sys.exit(main())

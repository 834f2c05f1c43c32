#!/usr/bin/env python3
"""How fast and in how much memory goalloc reads a large allocs profile, vs `go tool pprof -top`.

Synthesizes a Go-like allocs profile (profile.proto, gzip): a call tree of deep stacks (up to
54 frames, inlined frames, generic names), several samples per stack (one per object size, as
the runtime writes them, with the `bytes` label), four sample types, then times

    go tool pprof -top -nodefraction=0 -sample_index=alloc_space FILE
    goalloc profile --format json --sample-index alloc_space FILE   (decoder upb, then python)

each in its own process, and prints wall seconds and peak RSS (wait4's ru_maxrss). The
goalloc run also checks that its function table equals pprof's.

usage: python bench/profile_read.py [--samples 2300000] [--stacks 600000] [--out FILE]
       [--keep] [--reuse] [--skip-pprof] [--pprof-top FILE] [--decoders upb,python]
       [--repeat N]

Synthesizing takes about half a minute and pprof about two: `--out F --reuse` keeps and reuses
the profile, `--pprof-top T` saves pprof's output to T and reuses it. On a shared machine CPU
seconds are steadier than wall seconds; `--repeat 3` reports the run with the least CPU.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))
from goalloc.collect.pprof import encode_varint as varint  # noqa: E402


def field(fn: int, payload: bytes) -> bytes:
    return varint(fn << 3 | 2) + varint(len(payload)) + payload


def vfield(fn: int, v: int) -> bytes:
    return varint(fn << 3) + varint(v)


def synthesize(path: str, n_samples: int, n_stacks: int, seed: int = 1) -> dict:
    rnd = random.Random(seed)
    strings: list[str] = [""]
    index: dict[str, int] = {"": 0}

    def s(x: str) -> int:
        i = index.get(x)
        if i is None:
            i = index[x] = len(strings)
            strings.append(x)
        return i

    out = []
    for t, u in (("alloc_objects", "count"), ("alloc_space", "bytes"),
                 ("inuse_objects", "count"), ("inuse_space", "bytes")):
        out.append(field(1, vfield(1, s(t)) + vfield(2, s(u))))

    # Functions: a few thousand, in a few hundred packages, some generic.
    n_funcs = 12000
    funcs = []
    for i in range(1, n_funcs + 1):
        pkg = f"example.com/svc/p{i % 240}"
        if i % 11 == 0:
            name = f"{pkg}.Map[go.shape.int,go.shape.string]"
        elif i % 3 == 0:
            name = f"{pkg}.(*T{i % 37}).M{i}"
        else:
            name = f"{pkg}.f{i}"
        fname = f"/home/dev/svc/p{i % 240}/file{i % 17}.go"
        funcs.append((i, name, fname))
        out.append(field(5, vfield(1, i) + vfield(2, s(name)) + vfield(3, s(name)) +
                         vfield(4, s(fname)) + vfield(5, 10 + i % 500)))
    # Locations: one to three lines (inlined frames), a user function each.
    n_locs = 40000
    for lid in range(1, n_locs + 1):
        body = vfield(1, lid) + vfield(2, 1) + vfield(3, 0x400000 + lid * 16)
        for _ in range(1 if lid % 4 else rnd.randint(2, 3)):
            fid = rnd.randint(1, n_funcs)
            body += field(4, vfield(1, fid) + vfield(2, rnd.randint(10, 3000)))
        out.append(field(4, body))
    out.append(field(3, vfield(1, 1) + vfield(2, 0x400000) + vfield(3, 0x900000) +
                     vfield(5, s("/tmp/svc.test")) + vfield(6, s("abcdef"))))
    loc_bytes = [b""] + [varint(i) for i in range(1, n_locs + 1)]

    # Stacks: a prefix tree (root first) so that stacks share their callers, as real ones do.
    roots = [(rnd.randint(1, n_locs), rnd.randint(1, n_locs)) for _ in range(50)]
    stacks: list[tuple[int, ...]] = list(roots)
    while len(stacks) < n_stacks:
        parent = stacks[rnd.randrange(len(stacks))]
        if len(parent) >= 54:
            continue
        grow = min(rnd.randint(1, 4), 54 - len(parent))
        stacks.append(parent + tuple(rnd.randint(1, n_locs) for _ in range(grow)))
    label_key = s("bytes")
    sizes = [8, 16, 24, 32, 48, 64, 96, 128, 256, 512, 1024, 4096, 8192, 32768]
    label_of = {sz: field(3, vfield(1, label_key) + vfield(3, sz)) for sz in sizes}
    per_stack = max(1, n_samples // n_stacks)
    extra = n_samples - per_stack * n_stacks
    written = 0
    depth_max = 0
    for k, st in enumerate(stacks):
        locs = field(1, b"".join([loc_bytes[lid] for lid in reversed(st)]))
        depth_max = max(depth_max, len(st))
        count = per_stack + (1 if k < extra else 0)
        for sz in rnd.sample(sizes, min(count, len(sizes))) if count <= len(sizes) else \
                [rnd.choice(sizes) for _ in range(count)]:
            objs = rnd.randint(1, 3000)
            inuse = objs // rnd.randint(1, 50) if rnd.random() < 0.3 else 0
            vals = field(2, varint(objs) + varint(objs * sz) + varint(inuse) + varint(inuse * sz))
            out.append(field(2, locs + vals + label_of[sz]))
            written += 1
    out.append(vfield(9, time.time_ns()))
    out.append(field(11, vfield(1, s("space")) + vfield(2, s("bytes"))))
    out.append(vfield(12, 524288))
    out.append(vfield(14, s("alloc_space")))
    for x in strings:
        out.append(field(6, x.encode()))
    raw = b"".join(out)
    with open(path, "wb") as fh:
        fh.write(gzip.compress(raw, compresslevel=6))
    return {"samples": written, "stacks": len(stacks), "max_depth": depth_max,
            "raw_mb": len(raw) / 1e6, "gz_mb": os.path.getsize(path) / 1e6}


def measure(cmd: list[str]) -> tuple[float, float, str, int, float]:
    """Wall seconds, peak RSS (MB), stdout, exit code and CPU seconds of one child process."""
    with tempfile.TemporaryFile() as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE)
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        err = proc.stderr.read().decode(errors="replace")
        proc.stderr.close()
        out.seek(0)
        text = out.read().decode(errors="replace")
    if proc.returncode:
        sys.stderr.write(err)
    return wall, usage.ru_maxrss / 1024, text, proc.returncode, usage.ru_utime + usage.ru_stime


_ROW = re.compile(r"^\s*(-?\d+)[A-Za-z]*\s+\S+%\s+\S+%\s+(-?\d+)[A-Za-z]*\s+\S+%\s+"
                  r"(.+?)(?: \((?:partial-)?inline\))?$")


def parse_top(text: str) -> dict:
    rows, started = {}, False
    for line in text.splitlines():
        if line.split() == ["flat", "flat%", "sum%", "cum", "cum%"]:
            started = True
        elif started:
            m = _ROW.match(line)
            if m:
                rows[m.group(3)] = (int(m.group(1)), int(m.group(2)))
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--samples", type=int, default=2_300_000)
    ap.add_argument("--stacks", type=int, default=600_000)
    ap.add_argument("--out", help="profile to write (default: a temporary file)")
    ap.add_argument("--keep", action="store_true", help="keep the profile")
    ap.add_argument("--reuse", action="store_true", help="use --out as it is if it exists")
    ap.add_argument("--skip-pprof", action="store_true")
    ap.add_argument("--pprof-top", metavar="FILE",
                    help="pprof -top output: read it if it exists, else run pprof and save it")
    ap.add_argument("--decoders", default="upb,python")
    ap.add_argument("--repeat", type=int, default=1, help="goalloc runs per decoder (least CPU)")
    args = ap.parse_args()

    path = args.out or os.path.join(tempfile.mkdtemp(prefix="goalloc-bench-"), "allocs.pb.gz")
    if not (args.reuse and os.path.exists(path)):
        t0 = time.perf_counter()
        info = synthesize(path, args.samples, args.stacks)
        print(f"synthesized {path}: {info['samples']} samples, {info['stacks']} stacks, "
              f"max depth {info['max_depth']}, {info['raw_mb']:.0f} MB raw, "
              f"{info['gz_mb']:.1f} MB gz ({time.perf_counter() - t0:.0f} s)", flush=True)
    else:
        print(f"reusing {path} ({os.path.getsize(path) / 1e6:.1f} MB gz)")

    pprof_rows = None
    if args.pprof_top and os.path.exists(args.pprof_top):
        with open(args.pprof_top) as fh:
            pprof_rows = parse_top(fh.read())
        print(f"go tool pprof -top: read from {args.pprof_top}")
    elif not args.skip_pprof:
        from goalloc.collect.toolchain import find_toolchain
        go = find_toolchain().go
        wall, rss, text, code, cpu = measure([go, "tool", "pprof", "-top", "-nodefraction=0",
                                         "-sample_index=alloc_space", "-unit=B", path])
        pprof_rows = parse_top(text) if code == 0 else None
        if code == 0 and args.pprof_top:
            with open(args.pprof_top, "w") as fh:
                fh.write(text)
        print(f"go tool pprof -top:            {wall:7.1f} s wall {cpu:7.1f} s CPU "
              f"{rss:8.0f} MB peak RSS"
              + ("" if code == 0 else f"  (exit {code})"), flush=True)
    for decoder in args.decoders.split(","):
        jpath = path + f".{decoder}.json"
        runs = [measure([sys.executable, "-m", "goalloc", "profile", path, "--format", "json",
                         "--sample-index", "alloc_space", "--decoder", decoder, "-o", jpath])
                for _ in range(max(1, args.repeat))]
        wall, rss, _text, code, cpu = min(runs, key=lambda r: (r[3] != 0, r[4]))
        same = ""
        if code == 0 and pprof_rows is not None:
            with open(jpath) as fh:
                doc = json.load(fh)
            ours = {f["name"]: (f["flat"], f["cum"]) for f in doc["functions"]
                    if f["flat"] or f["cum"]}
            same = "  functions == pprof" if ours == pprof_rows else "  functions DIFFER from pprof"
        if os.path.exists(jpath):
            os.unlink(jpath)
        print(f"goalloc profile ({decoder:6}):     {wall:7.1f} s wall {cpu:7.1f} s CPU "
              f"{rss:8.0f} MB peak RSS{same}"
              + ("" if code == 0 else f"  (exit {code})"), flush=True)
    if not args.keep and not args.out:
        os.unlink(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())

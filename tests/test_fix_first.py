"""The fix-first list of `goalloc scan`: the ten sites and findings most worth fixing, each
checked line by line with the reason it is there (its priority and why, its kind of fix)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from goalloc import example_dir
from goalloc.app.scan import ScanOptions, scan_module
from goalloc.escape.ranking import fix_first, rank

REALISTIC = Path(__file__).parent / "testdata" / "rules" / "realistic"

# (position, rule or expression, fix_kind, "priority: reasons"), in order. Why each is there:
# hot findings with a modeled saving first, by that saving; then hot sites with a concrete
# fix; normal after hot.
EXAMPLE = [
    # 11 of 12 allocations saved by a capacity: the largest modeled saving of the hot ones
    ("shop/order.go:31", "prealloc-slice", "preallocate",
     "hot: in a loop over `orders` at line 30, depth 1"),
    # a string boxed per iteration (16 B each) saves more than a float64 or int64 (8 B)
    ("cmd/shopd/main.go:18", "box-in-loop", "avoid-interface",
     "hot: in a loop over `shop.TopCustomers(totals, 3)` at line 17, depth 1"),
    ("shop/order.go:56", "box-in-loop", "avoid-interface",
     "hot: in a loop over `orders` at line 55, depth 1"),
    ("cmd/shopd/main.go:18", "box-in-loop", "avoid-interface",
     "hot: in a loop over `shop.TopCustomers(totals, 3)` at line 17, depth 1"),
    ("shop/order.go:56", "box-in-loop", "avoid-interface",
     "hot: in a loop over `orders` at line 55, depth 1"),
    ("shop/order.go:56", "box-in-loop", "avoid-interface",
     "hot: in a loop over `orders` at line 55, depth 1"),
    # conversions: hot, a concrete fix, but no modeled byte saving
    ("shop/order.go:73", "conversion-in-loop", "avoid-conversion",
     "hot: in a loop over `orders` at line 65, depth 1"),
    ("shop/order.go:107", "conversion-in-loop", "avoid-conversion",
     "hot: in a loop over `notes` at line 106, depth 1"),
    # hot heap sites no finding explains, in file order
    ("cmd/shopd/main.go:14", "i % 7", "avoid-interface",
     "hot: in a `for i < 100` loop at line 13, depth 1"),
    ("shop/cache.go:47", "append", "caller-buffer",
     "hot: in a loop over `c.orders` at line 46, depth 1"),
]

REALISTIC_WANT = [
    # a range copy of a 272-byte Record per iteration: the largest modeled saving
    ("realistic/realistic.go:182", "large-copy", "pass-pointer",
     "hot: in a loop over `rs` at line 182, depth 1"),
    # size hints: 16 of 22 allocations saved; string keys weigh more than int keys
    ("realistic/realistic.go:100", "map-size-hint", "preallocate",
     "hot: in a loop over `words` at line 99, depth 1"),
    ("realistic/realistic.go:92", "map-size-hint", "preallocate",
     "hot: in a loop over `users` at line 91, depth 1"),
    # capacities: 18 KiB of copying each for strings, 15 KiB for ints
    ("realistic/realistic.go:28", "prealloc-slice", "preallocate",
     "hot: in a loop over `m` at line 27, depth 1"),
    ("realistic/realistic.go:37", "prealloc-slice", "preallocate",
     "hot: in a loop over `users` at line 36, depth 1"),
    ("realistic/realistic.go:47", "prealloc-slice", "preallocate",
     "hot: in a loop over `m` at line 45, depth 1"),
    ("realistic/realistic.go:55", "prealloc-slice", "preallocate",
     "hot: in a loop over `n` at line 54, depth 1"),
    ("realistic/realistic.go:46", "prealloc-slice", "preallocate",
     "hot: in a loop over `m` at line 45, depth 1"),
    # fmt.Sprintf boxes u.ID and u.Name on every iteration: 1,000 allocations each, modeled
    ("realistic/realistic.go:135", "box-in-loop", "avoid-interface",
     "hot: in a loop over `users` at line 134, depth 1"),
    ("realistic/realistic.go:135", "box-in-loop", "avoid-interface",
     "hot: in a loop over `users` at line 134, depth 1"),
]


def _entries(result) -> list[tuple]:
    items = sorted([s for s in result.sites if s.verdict == "heap"] + result.findings,
                   key=lambda item: item.rank)
    return [(f"{it.file}:{it.line}", getattr(it, "rule", None) or it.expr, it.fix_kind,
             f"{it.priority}: {'; '.join(it.priority_reasons)}") for it in fix_first(items)]


@pytest.mark.parametrize("directory, want", [(example_dir(), EXAMPLE),
                                             (REALISTIC, REALISTIC_WANT)],
                         ids=["example", "realistic"])
def test_fix_first_list_line_by_line(directory, want):
    got = _entries(scan_module(ScanOptions(str(directory), ["./..."], use_cache=False)))
    for i, (g, w) in enumerate(zip(got, want), 1):
        assert g == w, f"entry {i}"
    assert len(got) == len(want)


def test_text_report_opens_with_fix_first_and_json_keeps_file_order(tmp_path):
    run = subprocess.run([sys.executable, "-m", "goalloc", "scan", "--example"],
                         capture_output=True, text=True)
    lines = run.stdout.splitlines()
    assert lines[2] == "Fix first (hot, normal, cold; then by modeled saving)"
    assert lines[3].lstrip().startswith("1. shop/order.go:31:")
    out = tmp_path / "scan.json"
    subprocess.run([sys.executable, "-m", "goalloc", "scan", "--example", "--format", "json",
                    "-o", str(out)], check=True)
    data = json.loads(out.read_text())
    heap = [s for s in data["sites"] if s["verdict"] == "heap"]
    ranks = [s["rank"] for s in heap] + [f["rank"] for f in data["findings"]]
    assert sorted(ranks) == list(range(1, len(ranks) + 1))
    first = next(f for f in data["findings"] if f["rank"] == 1)
    assert (first["rule"], first["line"], first["priority"]) == ("prealloc-slice", 31, "hot")
    assert first["lab"].startswith("goalloc lab slice --elem int64")


def test_measured_ranking_puts_the_measured_first():
    result = scan_module(ScanOptions(str(REALISTIC), ["./..."], use_cache=False))
    heap = [s for s in result.sites if s.verdict == "heap"]
    cold_one = heap[-1]
    ordered = rank(heap, result.findings, measured={id(cold_one): (1 << 20, 10)})
    assert ordered[0] is cold_one and cold_one.rank == 1


PROFILED = '''package main

import (
	"os"
	"runtime"
	"runtime/pprof"
)

var sink [][]byte

func rare() []int { return make([]int, 0, 3000) }

func main() {
	runtime.MemProfileRate = 1
	var small []int
	for i := 0; i < 50; i++ {
		small = append(small, i)
	}
	for i := 0; i < 2000; i++ {
		sink = append(sink[:0], make([]byte, 512))
	}
	_ = rare()
	runtime.GC()
	f, _ := os.Create(os.Args[1])
	pprof.Lookup("allocs").WriteTo(f, 0)
	f.Close()
	_ = small
}
'''


def test_scan_profile_ranks_by_measured_bytes(tmp_path):
    from goalloc.collect.toolchain import find_toolchain

    (tmp_path / "go.mod").write_text("module profiled\n\ngo 1.21\n")
    (tmp_path / "main.go").write_text(PROFILED)
    prof = tmp_path / "allocs.pprof"
    go = find_toolchain().go
    subprocess.run([go, "run", ".", str(prof)], cwd=tmp_path, check=True, capture_output=True)
    run = subprocess.run([sys.executable, "-m", "goalloc", "scan", "-C", str(tmp_path),
                          "--profile", str(prof)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[2] == "Fix first (by measured bytes, then objects)"
    # 2,000 x 512 bytes measured at line 20 outrank everything the static order puts first
    assert lines[3].lstrip().startswith("1. main.go:20:"), lines[3]
    assert "measured 1000 KiB" in lines[4] or "measured 1,000 KiB" in lines[4] \
        or "measured" in lines[4] and "hot" in lines[4], lines[4]
    bad = subprocess.run([sys.executable, "-m", "goalloc", "scan", "-C", str(tmp_path),
                          "--profile", str(tmp_path / "main.go")], capture_output=True, text=True)
    assert bad.returncode == 2 and bad.stderr.startswith("goalloc: error:"), bad.stderr

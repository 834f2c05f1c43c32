"""Measure slice and map growth on a real Go toolchain and compare with the model.

The generated program uses only the standard library. Every measured slice and map is
stored through a pointer to a package-level variable, so the compiler cannot keep it on the
stack (Go 1.25+ would otherwise start a local append in a 32-byte stack buffer, and 1.26+
could grow it on the stack and move it to the heap once). Allocations and bytes are
``runtime.MemStats`` deltas (Mallocs, TotalAlloc) around the appends or inserts; the map's
live bytes are the HeapAlloc difference, after a GC, between holding and dropping it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from goalloc.errors import ToolchainError, InputError
from goalloc.models.layout import layout_of

_PRELUDE = r'''package main

import (
	"encoding/json"
	"os"
	"runtime"
	"strconv"
	"unsafe"
)

var _ = strconv.Itoa
var _ unsafe.Pointer

type query struct {
	Kind      string `json:"kind"`
	Type      string `json:"type"`
	N         int    `json:"n"`
	StartCap  int    `json:"start_cap"`
	Bulk      int    `json:"bulk"`
	Hint      *int   `json:"hint"`
	DeleteAll bool   `json:"delete_all"`
}

type result struct {
	Allocations uint64 `json:"allocations"`
	Bytes       uint64 `json:"bytes_allocated"`
	FinalCap    int    `json:"final_cap,omitempty"`
	Caps        []int  `json:"caps,omitempty"`
	LiveBytes   int64  `json:"live_bytes"`
}

func measureSlice[T any](sink *[]T, n, startCap, bulk int) result {
	caps := make([]int, 1, 4096)
	var xs []T
	if bulk > 0 {
		xs = make([]T, bulk)
	}
	var zero T
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	if startCap > 0 {
		*sink = make([]T, 0, startCap)
	} else {
		*sink = nil
	}
	caps[0] = cap(*sink)
	if bulk > 0 {
		for l := 0; l < n; {
			k := bulk
			if n-l < k {
				k = n - l
			}
			c := cap(*sink)
			*sink = append(*sink, xs[:k]...)
			if cap(*sink) != c && len(caps) < cap(caps) {
				caps = append(caps, cap(*sink))
			}
			l += k
		}
	} else {
		for i := 0; i < n; i++ {
			c := cap(*sink)
			*sink = append(*sink, zero)
			if cap(*sink) != c && len(caps) < cap(caps) {
				caps = append(caps, cap(*sink))
			}
		}
	}
	runtime.ReadMemStats(&after)
	r := result{Allocations: after.Mallocs - before.Mallocs, Bytes: after.TotalAlloc - before.TotalAlloc,
		FinalCap: cap(*sink), Caps: caps}
	*sink = nil
	return r
}

func fillKey[K comparable](k *K, i int) {
	b := unsafe.Slice((*byte)(unsafe.Pointer(k)), unsafe.Sizeof(*k))
	for j := range b {
		b[j] = byte(i >> (8 * (j % 8)))
	}
}

func measureMap[K comparable, V any](sink *map[K]V, keys []K, hint *int, deleteAll bool) result {
	var v V
	var before, after, held, dropped runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var m map[K]V
	if hint != nil {
		m = make(map[K]V, *hint)
	} else {
		m = make(map[K]V)
	}
	*sink = m
	for _, k := range keys {
		m[k] = v
	}
	if deleteAll {
		for _, k := range keys {
			delete(m, k)
		}
	}
	runtime.ReadMemStats(&after)
	m = nil
	runtime.GC()
	runtime.ReadMemStats(&held)
	*sink = nil
	runtime.GC()
	runtime.ReadMemStats(&dropped)
	// The keys belong to the caller: keep them alive in both readings so that live_bytes
	// counts the map alone (string keys would otherwise add their bytes).
	runtime.KeepAlive(keys)
	return result{Allocations: after.Mallocs - before.Mallocs, Bytes: after.TotalAlloc - before.TotalAlloc,
		LiveBytes: int64(held.HeapAlloc) - int64(dropped.HeapAlloc)}
}

func main() {
	var qs []query
	if err := json.NewDecoder(os.Stdin).Decode(&qs); err != nil {
		panic(err)
	}
	// Warm up: the first GC cycles of a process move a few runtime-internal bytes.
	var warm map[int]int
	measureMap(&warm, []int{1, 2, 3}, nil, false)
	out := make([]result, 0, len(qs))
	for _, q := range qs {
		out = append(out, run(q))
	}
	json.NewEncoder(os.Stdout).Encode(out)
}
'''


@dataclass(frozen=True)
class SliceType:
    elem_size: int
    pointers: bool

    @property
    def ident(self) -> str:
        return f"s{self.elem_size}{'p' if self.pointers else 'n'}"

    def go_type(self) -> str:
        if self.pointers:
            pad = self.elem_size - 8
            return f"struct {{ p *byte; _ [{pad}]byte }}" if pad else "struct { p *byte }"
        return f"[{self.elem_size}]byte"


_INTEGER = {"int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32",
            "uint64", "uintptr", "byte", "rune", "float32", "float64"}


def _map_ident(key: str, value: str) -> str:
    raw = f"{key}__{value}"
    # crc32, not hash(): the same source every run keeps Go's build cache warm.
    return "m_" + re.sub(r"[^A-Za-z0-9]", "_", raw) + f"_{zlib.crc32(raw.encode()) % 100000}"


def _key_maker(key: str) -> str:
    """Go statements that build ``keys`` of type K, distinct for each i."""
    if key in _INTEGER:
        return f"keys[i] = {key}(i)"
    if key == "string":
        return 'keys[i] = "key-" + strconv.Itoa(i)'
    lay = layout_of(key)
    if lay.pointers or lay.size == 0:
        raise InputError(f"the harness makes keys of integer, string or pointer-free types, "
                         f"not {key}")
    return "fillKey(&keys[i], i)"


def generate_program(queries: list[dict]) -> tuple[str, list[dict]]:
    """Go source answering ``queries`` (harness form), and the queries as sent to it."""
    decls, cases, sent = [], [], []
    seen: set[str] = set()
    for q in queries:
        if q["kind"] == "slice":
            st = SliceType(q["elem_size"], bool(q.get("pointers")))
            ident = st.ident
            if ident not in seen:
                seen.add(ident)
                decls.append(f"type E_{ident} {st.go_type()}\nvar sink_{ident} []E_{ident}")
                cases.append(f'\tcase "{ident}":\n\t\treturn measureSlice(&sink_{ident}, '
                              f"q.N, q.StartCap, q.Bulk)")
            sent.append({"kind": "slice", "type": ident, "n": q["n"],
                         "start_cap": q.get("start_cap") or 0, "bulk": q.get("bulk") or 0})
        else:
            key, value = q["key"], q["value"]
            layout_of(key), layout_of(value)
            ident = _map_ident(key, value)
            if ident not in seen:
                seen.add(ident)
                decls.append(f"var sink_{ident} map[{key}]{value}")
                cases.append(
                    f'\tcase "{ident}":\n\t\tkeys := make([]{key}, q.N)\n'
                    f"\t\tfor i := range keys {{\n\t\t\t{_key_maker(key)}\n\t\t}}\n"
                    f"\t\treturn measureMap(&sink_{ident}, keys, q.Hint, q.DeleteAll)")
            sent.append({"kind": "map", "type": ident, "n": q["n"], "hint": q.get("hint"),
                         "delete_all": bool(q.get("delete_all"))})
    run = ("func run(q query) result {\n\tswitch q.Type {\n" + "\n".join(cases) +
           '\n\t}\n\tpanic("unknown type " + q.Type)\n}\n')
    return _PRELUDE + "\n" + "\n".join(decls) + "\n\n" + run, sent


def toolchain_for(go_binary: str | None):
    """A Toolchain for ``go_binary`` (GOROOT inferred from its location), or the default."""
    from goalloc.collect import toolchain as tc

    if not go_binary:
        return tc.find_toolchain()
    goroot = str(Path(go_binary).resolve().parent.parent)
    return tc.probe(go_binary, goroot)


def measure(queries: list[dict], toolchain=None, workdir: str | None = None,
            timeout: float = 900) -> list[dict]:
    """Build the program once with ``toolchain`` and run it; one result per query."""
    toolchain = toolchain or toolchain_for(None)
    source, sent = generate_program(queries)
    with tempfile.TemporaryDirectory(prefix="goalloc-harness-", dir=workdir) as tmp:
        Path(tmp, "go.mod").write_text("module goallocharness\n\ngo 1.21\n")
        Path(tmp, "main.go").write_text(source)
        env = {"GOFLAGS": "-mod=mod", "GOWORK": "off", "CGO_ENABLED": "0",
               "GOCACHE": os.environ.get("GOCACHE") or str(Path.home() / ".cache/goalloc/gocache")}
        if toolchain.goroot:
            env["GOROOT"] = toolchain.goroot
        build = toolchain.run(["build", "-o", "harness", "."], cwd=tmp, env=env)
        if build.returncode != 0:
            raise ToolchainError(f"harness build failed: {build.stderr.strip()[:2000]}")
        try:
            proc = subprocess.run([str(Path(tmp, "harness"))], input=json.dumps(sent),
                                  text=True, capture_output=True, timeout=timeout,
                                  env={**os.environ, "GOMAXPROCS": "1", "GOGC": "100"})
        except subprocess.TimeoutExpired:
            raise ToolchainError(f"harness timed out after {timeout:.0f}s") from None
        if proc.returncode != 0:
            raise ToolchainError(f"harness failed: {proc.stderr.strip()[-2000:]}")
        results = json.loads(proc.stdout)
    for res, q in zip(results, queries):
        if q["kind"] == "map":
            res.pop("final_cap", None)
            res.pop("caps", None)
        else:
            res.pop("live_bytes", None)
            res.setdefault("final_cap", 0)
            res.setdefault("caps", [0])
    return results


# --- grids and comparison -------------------------------------------------------------

SLICE_SIZES = (1, 2, 3, 4, 5, 7, 8, 12, 16, 24, 32, 40, 48, 64, 100, 128, 256, 500, 512,
               1000, 1024, 4096, 5000, 10000, 40000)
POINTER_SIZES = (8, 16, 24, 32, 40, 48, 64, 72, 128, 256, 512, 520, 1000 - 1000 % 8, 1024,
                 4096, 5000, 32760, 40000)
MAP_TYPES = (("int", "int"), ("string", "int"), ("int64", "string"), ("int32", "int32"),
             ("[16]byte", "struct{}"), ("string", "[]int"), ("int", "[200]byte"),
             ("[130]byte", "int"), ("uint32", "bool"))


def slice_grid(full: bool = False) -> list[dict]:
    ns = (1, 2, 5, 9, 17, 100, 257, 1000, 4096, 10000, 100000) if full else (1, 5, 100, 1000, 10000)
    caps = (0, 1, 3, 10, 1000) if full else (0, 3)
    qs = []
    sizes = [(s, False) for s in SLICE_SIZES] + [(s, True) for s in POINTER_SIZES]
    if not full:
        sizes = [(s, p) for s, p in sizes if s in (1, 3, 12, 24, 40, 100, 1000, 5000, 520, 32760)]
    for size, pointers in sizes:
        for n in ns:
            if size * n > 1 << 27:
                continue
            for c in caps:
                qs.append({"kind": "slice", "elem_size": size, "pointers": pointers, "n": n,
                           "start_cap": c})
            if full and n >= 100:
                qs.append({"kind": "slice", "elem_size": size, "pointers": pointers, "n": n,
                           "start_cap": 0, "bulk": 7})
    return qs


def map_grid(full: bool = False) -> list[dict]:
    ns = ((0, 1, 7, 8, 9, 13, 14, 15, 50, 100, 400, 896, 897, 1200, 3000, 5000, 20000, 100000)
          if full else (0, 1, 8, 9, 15, 100, 897, 1000, 5000))
    types = MAP_TYPES if full else MAP_TYPES[:5]
    qs = []
    for key, value in types:
        for n in ns:
            for hint in (None, n, 8, 1000):
                if not full and hint not in (None, n):
                    continue
                for delete_all in ((False, True) if n in (100, 5000) or full else (False,)):
                    qs.append({"kind": "map", "key": key, "value": value, "n": n, "hint": hint,
                               "delete_all": delete_all})
    return qs


def model_answer(go: str, q: dict) -> dict:
    from goalloc.models.maps import simulate_map
    from goalloc.models.slices import simulate_slice

    if q["kind"] == "slice":
        g = simulate_slice(go, q["elem_size"], q["pointers"], q["n"], q.get("start_cap", 0),
                           q.get("bulk"))
        return {"allocations": g.allocations, "bytes_allocated": g.bytes_allocated,
                "final_cap": g.final_cap, "caps": g.caps, "deterministic": True}
    g = simulate_map(go, q["key"], q["value"], q["n"], q.get("hint"), q.get("delete_all", False))
    return {"allocations": g.allocations, "bytes_allocated": g.bytes_allocated,
            "live_bytes": g.live_bytes, "deterministic": g.deterministic}


FIELDS = {"slice": ("allocations", "bytes_allocated", "final_cap", "caps"),
          "map": ("allocations", "bytes_allocated", "live_bytes")}


@dataclass
class Comparison:
    query: dict
    model: dict
    measured: list[dict]  # one per repeat

    @property
    def exact(self) -> bool:
        return all(all(self.model[f] == m[f] for f in FIELDS[self.query["kind"]])
                   for m in self.measured)

    def spread(self, name: str) -> tuple[int, int]:
        values = [m[name] for m in self.measured]
        return min(values), max(values)

    @property
    def within_spread(self) -> bool:
        return all(lo <= self.model[f] <= hi for f in ("allocations", "bytes_allocated")
                   for lo, hi in [self.spread(f)])


def compare(go: str, queries: list[dict], toolchain=None, repeat: int = 1) -> list[Comparison]:
    """Measure each query (maps the model calls non-deterministic ``repeat`` times)."""
    models = [model_answer(go, q) for q in queries]
    sent, owner = [], []
    for i, (q, m) in enumerate(zip(queries, models)):
        times = repeat if (q["kind"] == "map" and not m["deterministic"]) else 1
        for _ in range(times):
            sent.append(q)
            owner.append(i)
    measured = measure(sent, toolchain)
    out = [Comparison(q, m, []) for q, m in zip(queries, models)]
    for i, res in zip(owner, measured):
        out[i].measured.append(res)
    return out

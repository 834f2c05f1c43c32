"""The Go benchmark source of a lab question (pure: text in, text out).

One ``_test.go`` file holds every point and variant of the sweep as sub-benchmarks
``BenchmarkGoallocLab/<point>/<variant>``; ``-bench`` picks one point per ``go test`` run.
The file lives in the package under test (or in a scratch package), so every identifier it
declares starts with ``goallocLab`` and every import it needs has a ``goallocLab`` alias: it
cannot collide with the user's names. The user's types enter only through two aliases
(``type goallocLabK = <key>``...), so a compiler error on one of those lines names the type.

What an op is (docs/lab.md): the whole workload of one point. Keys, values and elements
are made once per point, outside the timing, by filling every field from the index (through
reflect and unsafe, so unexported fields work).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from goalloc.errors import InputError
from goalloc.lab.plan import LabQuestion, Point

FILE_NAME = "goalloc_lab_test.go"
BENCHMARK = "BenchmarkGoallocLab"
SKIP_MARK = "# goalloc-lab skip "  # a line the benchmark prints for a variant it cannot run
ERROR_MARK = "goalloc-lab: "  # the prefix of a b.Fatalf the question caused
LIVE_UNIT = "live-B"
ALIASES = {"key": "goallocLabK", "value": "goallocLabV", "elem": "goallocLabT"}

# Package names of the standard library a type may name, and their import paths.
STD_QUALIFIERS = {
    "atomic": "sync/atomic", "big": "math/big", "bytes": "bytes", "context": "context",
    "fs": "io/fs", "http": "net/http", "io": "io", "json": "encoding/json", "list":
    "container/list", "net": "net", "netip": "net/netip", "os": "os", "reflect": "reflect",
    "regexp": "regexp", "sql": "database/sql", "strings": "strings", "sync": "sync",
    "time": "time", "unique": "unique", "unsafe": "unsafe", "url": "net/url",
}

_OWN_IMPORTS = {
    "map": ("fmt", "maps", "reflect", "runtime", "slices", "strconv", "strings", "sync",
            "sync/atomic", "testing", "unsafe"),
    "slice": ("fmt", "reflect", "slices", "strconv", "strings", "sync", "testing", "unsafe"),
    "intern": ("fmt", "runtime", "strings", "testing"),
}


@dataclass(frozen=True)
class GoSource:
    text: str
    file_name: str
    aliases: dict  # alias identifier -> role ("key", "value", "elem")
    types: dict  # role -> the type as written in the source


def import_alias(path: str) -> str:
    last = path.rsplit("/", 1)[-1]
    return "goallocLab" + last[:1].upper() + last[1:]


def _without_strings(text: str) -> str:
    return re.sub(r'"(?:[^"\\]|\\.)*"|`[^`]*`', '""', text)


def qualifiers(type_text: str) -> list[str]:
    """Package names a type expression refers to: ``map[string]*time.Time`` -> ["time"]."""
    found = re.findall(r"(?<![\w.])([A-Za-z_]\w*)\.[A-Za-z_]", _without_strings(type_text))
    return list(dict.fromkeys(found))


def package_name_of(path: str) -> str:
    """The usual package name of an import path: its last element (before a /vN suffix)."""
    parts = path.rstrip("/").split("/")
    if len(parts) > 1 and re.fullmatch(r"v\d+", parts[-1]):
        return parts[-2]
    return parts[-1]


def resolve_types(q: LabQuestion, own_package: str | None) -> tuple[dict, list[str]]:
    """({role: type as it goes in the source}, import paths the types need).

    A qualifier naming the package the benchmark lives in is dropped (the types are then in
    scope unqualified); others must be standard-library names goalloc knows or the name of
    an import path given with the question."""
    given = {package_name_of(p): p for p in q.imports}
    types, paths = {}, []
    for role, text in q.types():
        for name in qualifiers(text):
            if own_package and name == own_package and name not in given:
                text = re.sub(rf"(?<![\w.]){re.escape(name)}\.", "", text)
            elif name in given:
                paths.append(given[name])
            elif name in STD_QUALIFIERS:
                paths.append(STD_QUALIFIERS[name])
            else:
                raise InputError(f"the {role} type {text} names package {name!r}, which goalloc "
                                 f"cannot import by itself: give its import path with --import")
        types[role] = text
    return types, list(dict.fromkeys(paths + list(q.imports)))


def go_source(q: LabQuestion, points: list[Point], *, package: str,
              language: tuple[int, int] = (1, 27), release: tuple[int, int] = (1, 27),
              own_package: str | None = None) -> GoSource:
    """The ``_test.go`` file for ``points`` of ``q`` in package ``package``.

    ``language`` is the Go language version of the module the file joins (``clear`` needs
    1.21); ``release`` the toolchain's (``unique`` needs 1.23). ``own_package`` is the name
    of the user's package when the file lives in it."""
    types, user_imports = resolve_types(q, own_package)
    own = list(_OWN_IMPORTS[q.kind])
    with_unique = q.kind == "intern" and release >= (1, 23)
    if with_unique:
        own.append("unique")
    # A path the types need is imported again under its own name, beside the alias.
    specs = [(import_alias(p), p) for p in own] + [(None, p) for p in user_imports]
    lines = [f"\t{alias} \"{path}\"" if alias else f"\t\"{path}\""
             for alias, path in sorted(specs, key=lambda s: (s[1], s[0] or ""))]
    aliases = "\n\n".join(f"type {ALIASES[role]} = {text}" for role, text in types.items())
    parts = [HEADER.replace("{{PACKAGE}}", package).replace("{{IMPORTS}}", "\n".join(lines))]
    if aliases:
        parts.append(aliases + "\n")
    if q.kind == "map":
        parts += [_point_struct("map"), _points_table(points, _map_point_fields), FILL, _order(),
                  MAP_WORK,
                  MAP_VARIANTS.replace("{{CLEAR}}", _clear(language)),
                  LIVE.replace("{{ALONE}}", "goallocLabAlone(w)"), DRIVER_LIVE]
    elif q.kind == "slice":
        parts += [_point_struct("slice"),
                  _points_table(points, lambda p: _slice_point_fields(p, q.under)),
                  FILL, SLICE_WORK, SLICE_VARIANTS, _fixed_arrays(points), DRIVER]
    else:
        parts += [_point_struct("intern"), _points_table(points, _intern_point_fields),
                  INTERN_WORK,
                  INTERN_VARIANTS.replace("{{UNIQUE}}", INTERN_UNIQUE if with_unique else "")
                  .replace("{{UNIQUE_VARIANT}}", INTERN_UNIQUE_VARIANT if with_unique else "")
                  .replace("{{UNIQUE_SINK}}", INTERN_UNIQUE_SINK if with_unique else "")
                  .replace("{{UNIQUE_DROP}}", INTERN_UNIQUE_DROP if with_unique else ""),
                  LIVE.replace("{{ALONE}}", "w"), DRIVER_LIVE]
    text = "\n".join(p.rstrip("\n") + "\n" for p in parts)
    return GoSource(text, FILE_NAME, {ALIASES[r]: r for r in types}, types)


POINT_FIELDS = {
    "map": (("name", "string"), ("n", "int"), ("ops", "int"), ("goroutines", "int"),
            ("writesPPM", "int64"), ("variants", "string")),
    "slice": (("name", "string"), ("n", "int"), ("under", "int"), ("variants", "string")),
    "intern": (("name", "string"), ("n", "int"), ("distinct", "int"), ("length", "int"),
               ("variants", "string")),
}


def _point_struct(kind: str) -> str:
    """The goallocLabPoint type of a kind, its fields aligned as gofmt aligns them."""
    fields = POINT_FIELDS[kind]
    width = max(len(name) for name, _ in fields)
    body = "".join(f"\t{name.ljust(width)} {t}\n" for name, t in fields)
    return ("// goallocLabPoint is one workload of the sweep and the variants that run it.\n"
            f"type goallocLabPoint struct {{\n{body}}}\n")


def _kind_switch(func: str, make: str, kinds: tuple[str, ...], doc: str) -> str:
    """A generic func returning ``make[U, K]()`` for the reflect.Kind of K, nil otherwise."""
    cases = "".join(f"\tcase goallocLabReflect.{k[:1].upper() + k[1:]}:\n"
                    f"\t\treturn {make}[{k}, K]()\n" for k in kinds)
    return (f"// {func} {doc}\n"
            f"func {func}[K any]() func(k K) int {{\n"
            "\tswitch goallocLabReflect.TypeOf((*K)(nil)).Elem().Kind() {\n"
            f"{cases}\t}}\n\treturn nil\n}}\n")


INTEGER_KINDS = ("int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32",
                 "uint64", "uintptr")
ORDERED_KINDS = INTEGER_KINDS + ("float32", "float64", "string")


def _order() -> str:
    comparator = _kind_switch(
        "goallocLabComparator", "goallocLabCompareAs", ORDERED_KINDS,
        "orders keys whose kind is a number or a string; nil for other keys.")
    comparator = comparator.replace("func(k K) int {\n\tswitch", "func(a, b K) int {\n\tswitch")
    indexer = _kind_switch("goallocLabIndexer", "goallocLabIndexAs", INTEGER_KINDS,
                           "turns keys of an integer kind into slice indexes; nil for other "
                           "keys.")
    constraints = "".join(
        f"type {name} interface {{\n\t{' | '.join('~' + k for k in kinds)}\n}}\n\n"
        for name, kinds in (("goallocLabNumber", ORDERED_KINDS),
                            ("goallocLabInteger", INTEGER_KINDS)))
    head, tail = ORDER_HELPERS.split("var (\n", 1)
    return constraints + head + comparator + "\n" + indexer + "\nvar (\n" + tail


def _go_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _points_table(points: list[Point], fields) -> str:
    rows = [f"\t{{{fields(p)}, variants: {_go_string(','.join(p.variants))}}},"
            for p in points]
    return "var goallocLabPoints = []goallocLabPoint{\n" + "\n".join(rows) + "\n}\n"


def _map_point_fields(p: Point) -> str:
    writes_ppm = round((1 - p.params["reads"]) * 1_000_000)
    return (f"name: {_go_string(p.name)}, n: {p.n}, ops: {p.params['ops']}, "
            f"goroutines: {p.params['goroutines']}, writesPPM: {writes_ppm}")


def _slice_point_fields(p: Point, under: float) -> str:
    return f"name: {_go_string(p.name)}, n: {p.n}, under: {undercap(p.n, under)}"


def undercap(n: int, under: float) -> int:
    """append-undercap's capacity: n*under, at least 0 and below n."""
    return min(n - 1, int(n * under))


def _intern_point_fields(p: Point) -> str:
    return (f"name: {_go_string(p.name)}, n: {p.n}, distinct: {p.params['distinct']}, "
            f"length: {p.params['length']}")


def _clear(language: tuple[int, int]) -> str:
    if language >= (1, 21):
        return "clear(m)"
    # Before the clear builtin: the compiler turns this loop into the same runtime call.
    return "for k := range m {\n\t\t\t\tdelete(m, k)\n\t\t\t}"


def _fixed_arrays(points: list[Point]) -> str:
    sizes = sorted({p.n for p in points if "fixed-array" in p.variants})
    funcs = [FIXED_ARRAY.replace("{{N}}", str(n)) for n in sizes]
    cases = "".join(f"\tcase {n}:\n\t\treturn goallocLabFixed{n}\n" for n in sizes)
    switch = ("func goallocLabFixedFor(n int) func(w *goallocLabWork) {\n"
              + (f"\tswitch n {{\n{cases}\t}}\n" if sizes else "")
              + "\treturn nil\n}\n")
    return "\n".join(funcs + [switch])


HEADER = """\
// Code generated by goalloc lab. DO NOT EDIT.

package {{PACKAGE}}

import (
{{IMPORTS}}
)
"""

FILL = """\
// goallocLabFill sets v from i: numbers to i, strings to prefix+i, every field (unexported
// ones too) and element alike, pointers and slices to a new filled value.
func goallocLabFill(v goallocLabReflect.Value, i int, prefix string, depth int) {
	switch v.Kind() {
	case goallocLabReflect.Bool:
		v.SetBool(i%2 == 1)
	case goallocLabReflect.Int, goallocLabReflect.Int8, goallocLabReflect.Int16, goallocLabReflect.Int32, goallocLabReflect.Int64:
		v.SetInt(int64(i))
	case goallocLabReflect.Uint, goallocLabReflect.Uint8, goallocLabReflect.Uint16, goallocLabReflect.Uint32, goallocLabReflect.Uint64, goallocLabReflect.Uintptr:
		v.SetUint(uint64(i))
	case goallocLabReflect.Float32, goallocLabReflect.Float64:
		v.SetFloat(float64(i))
	case goallocLabReflect.Complex64, goallocLabReflect.Complex128:
		v.SetComplex(complex(float64(i), 0))
	case goallocLabReflect.String:
		v.SetString(prefix + goallocLabStrconv.Itoa(i))
	case goallocLabReflect.Array:
		for j := 0; j < v.Len(); j++ {
			goallocLabFill(v.Index(j), i, prefix, depth)
		}
	case goallocLabReflect.Struct:
		for j := 0; j < v.NumField(); j++ {
			f := v.Field(j)
			if !f.CanSet() {
				f = goallocLabReflect.NewAt(f.Type(), goallocLabUnsafe.Pointer(f.UnsafeAddr())).Elem()
			}
			goallocLabFill(f, i, prefix, depth)
		}
	case goallocLabReflect.Pointer:
		if depth < 3 {
			p := goallocLabReflect.New(v.Type().Elem())
			goallocLabFill(p.Elem(), i, prefix, depth+1)
			v.Set(p)
		}
	case goallocLabReflect.Interface:
		if v.NumMethod() == 0 {
			v.Set(goallocLabReflect.ValueOf(i))
		}
	case goallocLabReflect.Slice:
		if depth < 3 {
			s := goallocLabReflect.MakeSlice(v.Type(), 1, 1)
			goallocLabFill(s.Index(0), i, prefix, depth+1)
			v.Set(s)
		}
	case goallocLabReflect.Map:
		v.Set(goallocLabReflect.MakeMap(v.Type()))
	}
}

func goallocLabMake[T any](i int, prefix string) T {
	var t T
	goallocLabFill(goallocLabReflect.ValueOf(&t).Elem(), i, prefix, 0)
	return t
}
"""

ORDER_HELPERS = """\
func goallocLabCompareAs[U goallocLabNumber, K any]() func(a, b K) int {
	return func(a, b K) int {
		x, y := *(*U)(goallocLabUnsafe.Pointer(&a)), *(*U)(goallocLabUnsafe.Pointer(&b))
		if x < y {
			return -1
		}
		if x > y {
			return 1
		}
		return 0
	}
}

func goallocLabIndexAs[U goallocLabInteger, K any]() func(k K) int {
	return func(k K) int { return int(*(*U)(goallocLabUnsafe.Pointer(&k))) }
}

var (
	goallocLabCompareKeys = goallocLabComparator[goallocLabK]()
	goallocLabKeyIndex    = goallocLabIndexer[goallocLabK]()
)
"""

MAP_WORK = """\
// goallocLabWork is the data of one point, made once: n keys and values, and the accesses
// after the fill (which key, and whether it is a write).
type goallocLabWork struct {
	n          int
	ops        int
	goroutines int
	keys       []goallocLabK
	vals       []goallocLabV
	at         []int32
	write      []bool
}

func goallocLabNewWork(b *goallocLabTesting.B, p goallocLabPoint) *goallocLabWork {
	w := &goallocLabWork{n: p.n, ops: p.ops, goroutines: p.goroutines}
	w.keys = make([]goallocLabK, p.n)
	w.vals = make([]goallocLabV, p.n)
	seen := make(map[goallocLabK]struct{}, p.n)
	for i := range w.keys {
		w.keys[i] = goallocLabMake[goallocLabK](i, "key-")
		w.vals[i] = goallocLabMake[goallocLabV](i, "value-")
		seen[w.keys[i]] = struct{}{}
	}
	if len(seen) < p.n {
		b.Fatalf("goalloc-lab: distinct keys: %d of %d", len(seen), p.n)
	}
	w.at = make([]int32, p.ops)
	w.write = make([]bool, p.ops)
	x := uint64(0x9E3779B97F4A7C15)
	for j := range w.at {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		w.at[j] = int32(x % uint64(p.n))
		w.write[j] = int64(j+1)*p.writesPPM/1000000 > int64(j)*p.writesPPM/1000000
	}
	return w
}

// goallocLabCrew runs the accesses of an op: inline for one goroutine, else split evenly
// over w.goroutines goroutines that live as long as the variant, so that starting them is
// not part of the op (and allocates nothing per op).
type goallocLabCrew[C any] struct {
	w      *goallocLabWork
	access func(C, *goallocLabWork, int, int)
	c      C
	start  []chan struct{}
	done   chan struct{}
}

func goallocLabNewCrew[C any](w *goallocLabWork, access func(C, *goallocLabWork, int, int)) *goallocLabCrew[C] {
	return &goallocLabCrew[C]{w: w, access: access}
}

func (cr *goallocLabCrew[C]) run(c C) {
	w := cr.w
	if w.goroutines == 1 {
		cr.access(c, w, 0, w.ops)
		return
	}
	if cr.start == nil {
		cr.done = make(chan struct{}, w.goroutines)
		for g := 0; g < w.goroutines; g++ {
			start := make(chan struct{})
			cr.start = append(cr.start, start)
			lo, hi := w.ops*g/w.goroutines, w.ops*(g+1)/w.goroutines
			go func() {
				for range start {
					cr.access(cr.c, w, lo, hi)
					cr.done <- struct{}{}
				}
			}()
		}
	}
	cr.c = c
	for _, start := range cr.start {
		start <- struct{}{}
	}
	for range cr.start {
		<-cr.done
	}
}

var (
	goallocLabHits     int64
	goallocLabLast     goallocLabV
	goallocLabSinkMap  map[goallocLabK]goallocLabV
	goallocLabSinkPtr  any
	goallocLabSinkKV   []goallocLabKV
	goallocLabSinkSlot []goallocLabSlot
)

type goallocLabKV struct {
	k goallocLabK
	v goallocLabV
}

type goallocLabSlot struct {
	ok bool
	v  goallocLabV
}

func goallocLabDrop() {
	goallocLabSinkMap, goallocLabSinkPtr, goallocLabSinkKV, goallocLabSinkSlot = nil, nil, nil, nil
}

// goallocLabAlone is w run by one goroutine: what an op leaves live does not depend on the
// goroutines, and a crew's goroutines would be counted with it.
func goallocLabAlone(w *goallocLabWork) *goallocLabWork {
	alone := *w
	alone.goroutines = 1
	return &alone
}

// goallocLabDone counts the hits of one goroutine and keeps its last value read, so the
// reads cannot be optimized away.
func goallocLabDone(hits int, last goallocLabV) {
	if goallocLabAtomic.AddInt64(&goallocLabHits, int64(hits)) < 0 {
		goallocLabLast = last
	}
}
"""

MAP_VARIANTS = """\
func goallocLabMapAccess(m map[goallocLabK]goallocLabV, w *goallocLabWork, lo, hi int) {
	hits := 0
	var last goallocLabV
	for j := lo; j < hi; j++ {
		i := w.at[j]
		if w.write[j] {
			m[w.keys[i]] = w.vals[w.n-1-int(i)]
		} else if v, ok := m[w.keys[i]]; ok {
			hits, last = hits+1, v
		}
	}
	goallocLabDone(hits, last)
}

func goallocLabMapFill(m map[goallocLabK]goallocLabV, cr *goallocLabCrew[map[goallocLabK]goallocLabV]) {
	for i, k := range cr.w.keys {
		m[k] = cr.w.vals[i]
	}
	cr.run(m)
	goallocLabSinkMap = m
}

func goallocLabMap(w *goallocLabWork) func() {
	cr := goallocLabNewCrew(w, goallocLabMapAccess)
	return func() { goallocLabMapFill(make(map[goallocLabK]goallocLabV), cr) }
}

func goallocLabMapHint(w *goallocLabWork) func() {
	cr := goallocLabNewCrew(w, goallocLabMapAccess)
	return func() { goallocLabMapFill(make(map[goallocLabK]goallocLabV, w.n), cr) }
}

func goallocLabClearReuse(w *goallocLabWork) func() {
	cr := goallocLabNewCrew(w, goallocLabMapAccess)
	var m map[goallocLabK]goallocLabV
	return func() {
		if m == nil {
			m = make(map[goallocLabK]goallocLabV)
		} else {
			{{CLEAR}}
		}
		goallocLabMapFill(m, cr)
	}
}

type goallocLabLocked struct {
	mu goallocLabSync.RWMutex
	m  map[goallocLabK]goallocLabV
}

func goallocLabLockedAccess(l *goallocLabLocked, w *goallocLabWork, lo, hi int) {
	hits := 0
	var last goallocLabV
	for j := lo; j < hi; j++ {
		i := w.at[j]
		if w.write[j] {
			l.mu.Lock()
			l.m[w.keys[i]] = w.vals[w.n-1-int(i)]
			l.mu.Unlock()
			continue
		}
		l.mu.RLock()
		v, ok := l.m[w.keys[i]]
		l.mu.RUnlock()
		if ok {
			hits, last = hits+1, v
		}
	}
	goallocLabDone(hits, last)
}

func goallocLabLockedOp(cr *goallocLabCrew[*goallocLabLocked]) {
	l := &goallocLabLocked{m: make(map[goallocLabK]goallocLabV)}
	for i, k := range cr.w.keys {
		l.mu.Lock()
		l.m[k] = cr.w.vals[i]
		l.mu.Unlock()
	}
	cr.run(l)
	goallocLabSinkPtr = l
}

func goallocLabSyncAccess(m *goallocLabSync.Map, w *goallocLabWork, lo, hi int) {
	hits := 0
	var last goallocLabV
	for j := lo; j < hi; j++ {
		i := w.at[j]
		if w.write[j] {
			m.Store(w.keys[i], w.vals[w.n-1-int(i)])
		} else if v, ok := m.Load(w.keys[i]); ok {
			hits, last = hits+1, v.(goallocLabV)
		}
	}
	goallocLabDone(hits, last)
}

func goallocLabSyncOp(cr *goallocLabCrew[*goallocLabSync.Map]) {
	m := new(goallocLabSync.Map)
	for i, k := range cr.w.keys {
		m.LoadOrStore(k, cr.w.vals[i])
	}
	cr.run(m)
	goallocLabSinkPtr = m
}

// goallocLabSyncPtr is a sync.Map of pointers into vals, the values made in one block.
type goallocLabSyncPtr struct {
	m    goallocLabSync.Map
	vals []goallocLabV
}

func goallocLabSyncPtrAccess(c *goallocLabSyncPtr, w *goallocLabWork, lo, hi int) {
	hits := 0
	var last goallocLabV
	for j := lo; j < hi; j++ {
		i := w.at[j]
		if w.write[j] {
			c.m.Store(w.keys[i], &c.vals[w.n-1-int(i)])
		} else if v, ok := c.m.Load(w.keys[i]); ok {
			hits, last = hits+1, *v.(*goallocLabV)
		}
	}
	goallocLabDone(hits, last)
}

func goallocLabSyncPtrOp(cr *goallocLabCrew[*goallocLabSyncPtr]) {
	c := &goallocLabSyncPtr{vals: make([]goallocLabV, cr.w.n)}
	copy(c.vals, cr.w.vals)
	for i, k := range cr.w.keys {
		c.m.LoadOrStore(k, &c.vals[i])
	}
	cr.run(c)
	goallocLabSinkPtr = c
}

func goallocLabKVOrder(a, b goallocLabKV) int { return goallocLabCompareKeys(a.k, b.k) }

func goallocLabKVFind(e goallocLabKV, k goallocLabK) int { return goallocLabCompareKeys(e.k, k) }

func goallocLabSortedAccess(kv []goallocLabKV, w *goallocLabWork, lo, hi int) {
	hits := 0
	var last goallocLabV
	for j := lo; j < hi; j++ {
		i := w.at[j]
		at, ok := goallocLabSlices.BinarySearchFunc(kv, w.keys[i], goallocLabKVFind)
		if !ok {
			continue
		}
		if w.write[j] {
			kv[at].v = w.vals[w.n-1-int(i)]
		} else {
			hits, last = hits+1, kv[at].v
		}
	}
	goallocLabDone(hits, last)
}

func goallocLabSortedOp(cr *goallocLabCrew[[]goallocLabKV]) {
	kv := make([]goallocLabKV, len(cr.w.keys))
	for i, k := range cr.w.keys {
		kv[i] = goallocLabKV{k, cr.w.vals[i]}
	}
	goallocLabSlices.SortFunc(kv, goallocLabKVOrder)
	cr.run(kv)
	goallocLabSinkKV = kv
}

func goallocLabDenseAccess(slots []goallocLabSlot, w *goallocLabWork, lo, hi int) {
	hits := 0
	var last goallocLabV
	for j := lo; j < hi; j++ {
		i := w.at[j]
		s := &slots[goallocLabKeyIndex(w.keys[i])]
		if w.write[j] {
			s.v = w.vals[w.n-1-int(i)]
		} else if s.ok {
			hits, last = hits+1, s.v
		}
	}
	goallocLabDone(hits, last)
}

func goallocLabDenseOp(cr *goallocLabCrew[[]goallocLabSlot]) {
	slots := make([]goallocLabSlot, len(cr.w.keys))
	for i, k := range cr.w.keys {
		slots[goallocLabKeyIndex(k)] = goallocLabSlot{true, cr.w.vals[i]}
	}
	cr.run(slots)
	goallocLabSinkSlot = slots
}

func goallocLabLinearAccess(kv []goallocLabKV, w *goallocLabWork, lo, hi int) {
	hits := 0
	var last goallocLabV
	for j := lo; j < hi; j++ {
		i := w.at[j]
		for at := range kv {
			if kv[at].k != w.keys[i] {
				continue
			}
			if w.write[j] {
				kv[at].v = w.vals[w.n-1-int(i)]
			} else {
				hits, last = hits+1, kv[at].v
			}
			break
		}
	}
	goallocLabDone(hits, last)
}

func goallocLabLinearOp(cr *goallocLabCrew[[]goallocLabKV]) {
	kv := make([]goallocLabKV, 0, len(cr.w.keys))
	for i, k := range cr.w.keys {
		kv = append(kv, goallocLabKV{k, cr.w.vals[i]})
	}
	cr.run(kv)
	goallocLabSinkKV = kv
}

// goallocLabCOW publishes an immutable map; a write copies it under mu (copy-on-write).
type goallocLabCOW struct {
	mu  goallocLabSync.Mutex
	cur goallocLabAtomic.Pointer[map[goallocLabK]goallocLabV]
}

func goallocLabCOWAccess(c *goallocLabCOW, w *goallocLabWork, lo, hi int) {
	hits := 0
	var last goallocLabV
	for j := lo; j < hi; j++ {
		i := w.at[j]
		if !w.write[j] {
			if v, ok := (*c.cur.Load())[w.keys[i]]; ok {
				hits, last = hits+1, v
			}
			continue
		}
		c.mu.Lock()
		next := goallocLabMaps.Clone(*c.cur.Load())
		next[w.keys[i]] = w.vals[w.n-1-int(i)]
		c.cur.Store(&next)
		c.mu.Unlock()
	}
	goallocLabDone(hits, last)
}

func goallocLabCOWOp(cr *goallocLabCrew[*goallocLabCOW]) {
	c := new(goallocLabCOW)
	m := make(map[goallocLabK]goallocLabV, cr.w.n)
	for i, k := range cr.w.keys {
		m[k] = cr.w.vals[i]
	}
	c.cur.Store(&m)
	cr.run(c)
	goallocLabSinkPtr = c
}

var goallocLabVariants = []goallocLabVariant{
	{"map", func(w *goallocLabWork) (func(), string) { return goallocLabMap(w), "" }},
	{"map-hint", func(w *goallocLabWork) (func(), string) { return goallocLabMapHint(w), "" }},
	{"rwmutex-map", func(w *goallocLabWork) (func(), string) {
		cr := goallocLabNewCrew(w, goallocLabLockedAccess)
		return func() { goallocLabLockedOp(cr) }, ""
	}},
	{"sync-map", func(w *goallocLabWork) (func(), string) {
		cr := goallocLabNewCrew(w, goallocLabSyncAccess)
		return func() { goallocLabSyncOp(cr) }, ""
	}},
	{"sync-map-ptr", func(w *goallocLabWork) (func(), string) {
		cr := goallocLabNewCrew(w, goallocLabSyncPtrAccess)
		return func() { goallocLabSyncPtrOp(cr) }, ""
	}},
	{"sorted-slice", func(w *goallocLabWork) (func(), string) {
		if goallocLabCompareKeys == nil {
			return nil, "the key type is not ordered (its kind is not a number or a string)"
		}
		cr := goallocLabNewCrew(w, goallocLabSortedAccess)
		return func() { goallocLabSortedOp(cr) }, ""
	}},
	{"slice-map", func(w *goallocLabWork) (func(), string) {
		if goallocLabKeyIndex != nil {
			cr := goallocLabNewCrew(w, goallocLabDenseAccess)
			return func() { goallocLabDenseOp(cr) }, ""
		}
		if w.n > 64 {
			return nil, "the key type is not an integer and n > 64 (a linear search would be O(n))"
		}
		cr := goallocLabNewCrew(w, goallocLabLinearAccess)
		return func() { goallocLabLinearOp(cr) }, ""
	}},
	{"cow-snapshot", func(w *goallocLabWork) (func(), string) {
		cr := goallocLabNewCrew(w, goallocLabCOWAccess)
		return func() { goallocLabCOWOp(cr) }, ""
	}},
	{"clear-reuse", func(w *goallocLabWork) (func(), string) { return goallocLabClearReuse(w), "" }},
}
"""

SLICE_WORK = """\
// goallocLabWork is the data of one point, made once: the n elements to append.
type goallocLabWork struct {
	n     int
	under int
	vals  []goallocLabT
}

func goallocLabNewWork(b *goallocLabTesting.B, p goallocLabPoint) *goallocLabWork {
	w := &goallocLabWork{n: p.n, under: p.under, vals: make([]goallocLabT, p.n)}
	for i := range w.vals {
		w.vals[i] = goallocLabMake[goallocLabT](i, "elem-")
	}
	return w
}

var goallocLabUsed int

// goallocLabUse reads the slice without keeping it: the slice stays local to the op.
//
//go:noinline
func goallocLabUse(s []goallocLabT) {
	goallocLabUsed += len(s)
}
"""

SLICE_VARIANTS = """\
func goallocLabAppendOp(w *goallocLabWork) {
	var s []goallocLabT
	for i := range w.vals {
		s = append(s, w.vals[i])
	}
	goallocLabUse(s)
}

func goallocLabAppendCapOp(w *goallocLabWork) {
	s := make([]goallocLabT, 0, w.n)
	for i := range w.vals {
		s = append(s, w.vals[i])
	}
	goallocLabUse(s)
}

func goallocLabAppendUndercapOp(w *goallocLabWork) {
	s := make([]goallocLabT, 0, w.under)
	for i := range w.vals {
		s = append(s, w.vals[i])
	}
	goallocLabUse(s)
}

func goallocLabSlicesGrowOp(w *goallocLabWork) {
	s := goallocLabSlices.Grow([]goallocLabT(nil), w.n)
	for i := range w.vals {
		s = append(s, w.vals[i])
	}
	goallocLabUse(s)
}

func goallocLabReuse(w *goallocLabWork) func() {
	var s []goallocLabT
	return func() {
		s = s[:0]
		for i := range w.vals {
			s = append(s, w.vals[i])
		}
		goallocLabUse(s)
	}
}

func goallocLabPool(w *goallocLabWork) func() {
	pool := &goallocLabSync.Pool{New: func() any {
		s := make([]goallocLabT, 0, w.n)
		return &s
	}}
	return func() {
		p := pool.Get().(*[]goallocLabT)
		s := (*p)[:0]
		for i := range w.vals {
			s = append(s, w.vals[i])
		}
		goallocLabUse(s)
		*p = s
		pool.Put(p)
	}
}

var goallocLabVariants = []goallocLabVariant{
	{"append", func(w *goallocLabWork) (func(), string) { return func() { goallocLabAppendOp(w) }, "" }},
	{"append-cap", func(w *goallocLabWork) (func(), string) { return func() { goallocLabAppendCapOp(w) }, "" }},
	{"append-undercap", func(w *goallocLabWork) (func(), string) { return func() { goallocLabAppendUndercapOp(w) }, "" }},
	{"slices-grow", func(w *goallocLabWork) (func(), string) { return func() { goallocLabSlicesGrowOp(w) }, "" }},
	{"reuse", func(w *goallocLabWork) (func(), string) { return goallocLabReuse(w), "" }},
	{"pool", func(w *goallocLabWork) (func(), string) { return goallocLabPool(w), "" }},
	{"fixed-array", func(w *goallocLabWork) (func(), string) {
		fixed := goallocLabFixedFor(w.n)
		if fixed == nil {
			return nil, goallocLabFmt.Sprintf("no [%d]T array was generated", w.n)
		}
		return func() { fixed(w) }, ""
	}},
}
"""

FIXED_ARRAY = """\
func goallocLabFixed{{N}}(w *goallocLabWork) {
	var buf [{{N}}]goallocLabT
	s := buf[:0]
	for i := range w.vals {
		s = append(s, w.vals[i])
	}
	goallocLabUse(s)
}
"""

INTERN_WORK = """\
// goallocLabWork is the data of one point, made once: n byte strings, distinct of them
// different, each with its own bytes (as if read from input).
type goallocLabWork struct {
	raw [][]byte
}

func goallocLabNewWork(b *goallocLabTesting.B, p goallocLabPoint) *goallocLabWork {
	w := &goallocLabWork{raw: make([][]byte, p.n)}
	for i := range w.raw {
		w.raw[i] = []byte(goallocLabFmt.Sprintf("%0*d", p.length, i%p.distinct))
	}
	return w
}
"""

INTERN_VARIANTS = """\
var (
	goallocLabSinkStrings []string
{{UNIQUE_SINK}})

func goallocLabDrop() {
	goallocLabSinkStrings = nil
{{UNIQUE_DROP}}}

func goallocLabPlainOp(w *goallocLabWork) {
	out := make([]string, len(w.raw))
	for i, b := range w.raw {
		out[i] = string(b)
	}
	goallocLabSinkStrings = out
}
{{UNIQUE}}
var goallocLabVariants = []goallocLabVariant{
	{"plain", func(w *goallocLabWork) (func(), string) { return func() { goallocLabPlainOp(w) }, "" }},
{{UNIQUE_VARIANT}}}
"""

INTERN_UNIQUE_SINK = "\tgoallocLabSinkHandles []goallocLabUnique.Handle[string]\n"
INTERN_UNIQUE_DROP = "\tgoallocLabSinkHandles = nil\n"
INTERN_UNIQUE = """
func goallocLabUniqueOp(w *goallocLabWork) {
	out := make([]goallocLabUnique.Handle[string], len(w.raw))
	for i, b := range w.raw {
		out[i] = goallocLabUnique.Make(string(b))
	}
	goallocLabSinkHandles = out
}
"""
INTERN_UNIQUE_VARIANT = (
    '\t{"unique", func(w *goallocLabWork) (func(), string) '
    '{ return func() { goallocLabUniqueOp(w) }, "" }},\n')

LIVE = """\
// goallocLabLive is the heap one op leaves live, from a fresh start of the variant.
func goallocLabLive(v goallocLabVariant, w *goallocLabWork) float64 {
	goallocLabDrop()
	op, _ := v.make({{ALONE}})
	var before, after goallocLabRuntime.MemStats
	goallocLabRuntime.GC()
	goallocLabRuntime.ReadMemStats(&before)
	op()
	goallocLabRuntime.GC()
	goallocLabRuntime.ReadMemStats(&after)
	goallocLabRuntime.KeepAlive(op)
	return float64(int64(after.HeapAlloc) - int64(before.HeapAlloc))
}
"""

_DRIVER = """\
type goallocLabVariant struct {
	name string
	make func(w *goallocLabWork) (op func(), skip string)
}

var goallocLabWorks = map[string]*goallocLabWork{}

// goallocLabWorkFor makes the data of a point once (-count runs the point again).
func goallocLabWorkFor(b *goallocLabTesting.B, p goallocLabPoint) *goallocLabWork {
	if w := goallocLabWorks[p.name]; w != nil {
		return w
	}
	w := goallocLabNewWork(b, p)
	goallocLabWorks[p.name] = w
	return w
}

// goallocLabWants reports whether the point runs the variant.
func goallocLabWants(p goallocLabPoint, variant string) bool {
	return goallocLabStrings.Contains(","+p.variants+",", ","+variant+",")
}

func BenchmarkGoallocLab(b *goallocLabTesting.B) {
	for _, p := range goallocLabPoints {
		p := p
		b.Run(p.name, func(b *goallocLabTesting.B) {
			w := goallocLabWorkFor(b, p)
			for _, v := range goallocLabVariants {
				if !goallocLabWants(p, v.name) {
					continue
				}
				op, skip := v.make(w)
				if op == nil {
					goallocLabFmt.Printf("# goalloc-lab skip %s %s: %s\\n", p.name, v.name, skip)
					continue
				}
{{COPY_V}}				b.Run(v.name, func(b *goallocLabTesting.B) {
					op() // warm-up: reused containers reach their steady state
					b.ReportAllocs()
					b.ResetTimer()
					for i := 0; i < b.N; i++ {
						op()
					}
					b.StopTimer(){{LIVE}}
				})
			}
		})
	}
}
"""
DRIVER = _DRIVER.replace("{{COPY_V}}", "").replace("{{LIVE}}", "")
DRIVER_LIVE = _DRIVER.replace("{{COPY_V}}", "\t\t\t\tv := v\n").replace(
    "{{LIVE}}", '\n\t\t\t\t\tb.ReportMetric(goallocLabLive(v, w), "live-B")')

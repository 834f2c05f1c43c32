// Package allocs allocates in every way goalloc classifies, so that its tests can compare
// goalloc's reading of a real heap profile with `go tool pprof`.
package allocs

import (
	"fmt"
	"strconv"
	"strings"
)

var (
	sinkAny   any
	sinkInts  []int
	sinkMap   map[int]int
	sinkStr   string
	sinkBytes []byte
	sinkObj   *point
)

type point struct{ X, Y, Z int64 }

// Grow appends in a loop and returns the slice: slice growth.
func Grow(n int) []int {
	var s []int
	for i := 0; i < n; i++ {
		s = append(s, i)
	}
	return s
}

// MakeSlice makes a slice of a size known only at run time.
func MakeSlice(n int) []int {
	return make([]int, n)
}

// MakeMap makes a sized map and fills it: map make and map growth.
func MakeMap(n int) map[int]int {
	m := make(map[int]int, 100)
	for i := 0; i < n; i++ {
		m[i] = i
	}
	return m
}

// CountMap makes a sized map that does not escape, and fills it past its hint: the compiler
// keeps the map header on the stack, yet the program allocates its storage.
func CountMap(n int) int {
	m := make(map[int]int, 100)
	for i := 0; i < n; i++ {
		m[i%150] = i
	}
	return len(m)
}

// FillMap grows an unsized map.
func FillMap(n int) map[string]int {
	m := map[string]int{}
	for i := 0; i < n; i++ {
		m[strconv.Itoa(i)] = i
	}
	return m
}

// Box converts a non-constant value to an interface.
func Box(i int) any {
	return i + 1000
}

// Concat builds strings.
func Concat(a, b string) string {
	return a + "/" + b
}

// ToString converts bytes to a string.
func ToString(b []byte) string {
	return string(b)
}

// NewPoint allocates an object.
func NewPoint(x int64) *point {
	return &point{X: x, Y: x, Z: x}
}

// inlined is small enough to be inlined into its callers.
func inlined(n int) []byte {
	return make([]byte, n)
}

// Outer calls an inlined allocator.
func Outer(n int) []byte {
	b := inlined(n)
	b[0] = 1
	return b
}

// Print formats with fmt.
func Print(i int) string {
	return fmt.Sprint(i, "x")
}

// Build uses a strings.Builder.
func Build(n int) string {
	var sb strings.Builder
	for i := 0; i < n; i++ {
		sb.WriteString("abc")
	}
	return sb.String()
}

// Names converts and appends on one line: two constructs, two runtime calls
// (runtime.slicebytetostring every time, runtime.growslice when out is full), measured apart.
func Names(bs [][]byte) []string {
	var out []string
	for _, b := range bs {
		out = append(out, string(b))
	}
	return out
}

// Keys converts into a slice made with room for every key: only the conversion allocates
// on its line, the append never grows (the shape of the example's DescribeFast).
func Keys(bs [][]byte) []string {
	out := make([]string, 0, len(bs))
	for _, b := range bs {
		out = append(out, string(b))
	}
	return out
}

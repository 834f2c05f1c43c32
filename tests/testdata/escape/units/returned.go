// Package units holds small escape cases. Their `go build -gcflags=-m=2` output is recorded
// per Go release by scripts/record_escape_fixtures.py, and the unit tests of goalloc.escape
// (tests/test_escape_units.py) read those records. A line's trailing comment
// "heap: KIND/CAUSE, ..." lists its heap sites in column order; "heap@go1.23: ..." after a
// semicolon replaces the list for that release only ("none": no heap site).
package units

import "example.com/units/helper"

type Point struct{ X, Y int }

type Buf []byte

type Index map[string]int

func RetSlice() []int {
	s := make([]int, 8) // heap: slice/returned
	return s
}

func RetNamed() (p *Point) {
	var v Point // heap: variable/returned
	p = &v
	return
}

func RetClosure(n int) func() int {
	return func() int { return n } // heap: closure/returned
}

func RetNamedSlice(n int) Buf {
	return make(Buf, n) // heap: slice/returned; heap@go1.23: slice/non-constant-size
}

func RetNamedMap() Index {
	return make(Index) // heap: map/returned
}

func RetConcat(a, b string) string {
	return a + b // heap: string/returned
}

func RetBytes(s string) []byte {
	return []byte(s) // heap: slice/returned
}

func RetInlined() []int {
	return helper.NewSlice() // heap: slice/returned
}

func UseBufferLocally() int {
	b := helper.NewBuffer()
	return b.Len()
}

func UseBufferReturned() *helper.Buffer {
	return helper.NewBuffer() // heap: object/returned
}

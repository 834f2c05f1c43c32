package corpus

import (
	"fmt"
	"strings"
)

type Buffer struct{ data []byte }

// Inlined helpers: each call site gets its own copy of the allocation.

func newBuf() *Buffer { return &Buffer{} } // want: returned

func UseBufLocal() int {
	b := newBuf()
	return len(b.data)
}

func UseBufReturn() *Buffer {
	return newBuf() // want: returned
}

func Join(parts []string) string {
	var sb strings.Builder
	for _, p := range parts {
		sb.WriteString(p) // want: interface-conversion, stored-in-heap
	}
	return sb.String()
}

func Names(ps []Point) []string {
	out := make([]string, 0, len(ps)) // want: returned
	for _, p := range ps {
		out = append(out, fmt.Sprint(p.X)) // want: returned, interface-conversion
	}
	return out
}

func Cache() func(int) []int {
	memo := map[int][]int{} // want: closure-captured
	return func(n int) []int { // want: returned
		if v, ok := memo[n]; ok {
			return v
		}
		v := make([]int, n) // want: stored-in-heap
		memo[n] = v
		return v
	}
}

type Event struct {
	Name string
	Data map[string]string
}

func NewEvent(name string) *Event {
	return &Event{Name: name, Data: make(map[string]string)} // want: returned, returned
}

func Events(n int, out chan<- *Event) {
	for i := 0; i < n; i++ {
		out <- &Event{Name: "e"} // want: channel-send
	}
}

func Panic(code int) {
	panic(fmt.Sprintf("bad code %d", code)) // want: interface-conversion, interface-conversion
}

// append-growth: append may move its elements into a new heap array, so what is appended
// escapes even when the slice itself stays local.
func LocalPointers(n int) int {
	var ps []*Point
	for i := 0; i < n; i++ {
		ps = append(ps, &Point{X: i}) // want: append-growth
	}
	return len(ps)
}

func LocalBoxes(names []string) int {
	var vals []any
	for _, n := range names {
		vals = append(vals, n) // want: interface-conversion
	}
	return len(vals)
}

// Appended to a slice that is returned: the slice's cause is the reader's reason.
func Closures(n int) []func() int {
	var fs []func() int
	for i := 0; i < n; i++ { // want: closure-captured
		fs = append(fs, func() int { return i }) // want: returned, returned
	}
	return fs
}

// --- outlives-loop -----------------------------------------------------------------------

func JoinAll(parts []string) string {
	s := ""
	for _, p := range parts {
		s = s + p // want: outlives-loop
	}
	return s
}

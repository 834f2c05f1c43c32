package units

import "reflect"

var (
	points []*Point
	sink   any
	table  = map[string][]byte{} // heap: map/stored-in-heap
)

//go:noinline
func keep(p *Point) {
	points = append(points, p) // heap: slice/stored-in-heap; heap@go1.23: none
}

func CallArgument(x int) {
	p := &Point{X: x} // heap: object/call-argument
	keep(p)
}

// Go 1.23 prints no site for append's new array, so its flow shows only that the value is
// appended (append-growth), not that the slice is a package variable.
func StoreGlobal(x int) {
	points = append(points, &Point{X: x}) // heap: slice/stored-in-heap, object/stored-in-heap; heap@go1.23: object/append-growth
}

func StoreMapValue(k string) {
	table[k] = make([]byte, 4) // heap: slice/stored-in-heap
}

func Box(x int) {
	sink = x // heap: interface/interface-conversion
}

func Send(ch chan []byte) {
	b := make([]byte, 32) // heap: slice/channel-send
	ch <- b
}

func TooLarge() int {
	b := make([]byte, 1<<20) // heap: slice/too-large
	return len(b)
}

func VariableSize(n int) int {
	b := make([]byte, n) // heap: none; heap@go1.23: slice/non-constant-size
	return len(b)
}

func AppendLocal(n int) int {
	var ps []*Point
	for i := 0; i < n; i++ {
		ps = append(ps, &Point{X: i}) // heap: object/append-growth
	}
	return len(ps)
}

func Reflect(x int) reflect.Value {
	p := &Point{X: x} // heap: object/reflect
	return reflect.ValueOf(p)
}

func CountA(s string) int {
	n := 0
	for _, c := range []byte(s) {
		if c == 'a' {
			n++
		}
	}
	return n
}

func First(ps []*Point) *Point {
	return ps[0]
}

func Same(p *Point) *Point {
	return p
}

func Read(p *Point) int {
	return p.X
}

func KeepFirst(ps []*Point) {
	points = append(points, ps[0]) // heap: slice/stored-in-heap; heap@go1.23: none
}

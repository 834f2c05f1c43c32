package loadorstore

import (
	"sync"
	"testing"
)

var values = []V{{1, 2}, {3, 4}, {5, 6}, {7, 8}}

// The key is present in every benchmark: LoadOrStore only loads, so what allocates is the
// argument itself.

func BenchmarkConstStruct(b *testing.B) {
	var m sync.Map
	m.LoadOrStore(1, V{1, 2})
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		m.LoadOrStore(1, V{1, 2}) // a constant: the interface points at read-only data
	}
}

func BenchmarkStruct(b *testing.B) {
	var m sync.Map
	m.LoadOrStore(1, values[0])
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		m.LoadOrStore(1, values[i%len(values)]) // boxed on the heap on every call
	}
}

func BenchmarkPointerLiteral(b *testing.B) {
	var m sync.Map
	m.LoadOrStore(1, &V{1, 2})
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		m.LoadOrStore(1, &V{1, 2}) // the new V escapes into the interface: one allocation
	}
}

func BenchmarkExistingPointer(b *testing.B) {
	var m sync.Map
	p := &values[0]
	m.LoadOrStore(1, p)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		m.LoadOrStore(1, p) // a pointer is stored in the interface as is
	}
}

package simple

import "testing"

var sink []int

func BenchmarkGrow(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sink = Grow(100)
	}
}

func BenchmarkPrealloc(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		sink = Prealloc(100)
	}
	b.ReportMetric(100, "items/op")
}

func TestGrow(t *testing.T) {
	if len(Grow(3)) != 3 {
		t.Fatal("Grow")
	}
}

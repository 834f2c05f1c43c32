package allocs

import "testing"

func BenchmarkGrow(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sinkInts = Grow(100)
	}
}

func BenchmarkMakeSlice(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sinkInts = MakeSlice(64 + i%3)
	}
}

func BenchmarkMakeMap(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sinkMap = MakeMap(200)
	}
}

func BenchmarkCountMap(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sinkInts = append(sinkInts[:0], CountMap(200))
	}
}

func BenchmarkFillMap(b *testing.B) {
	for i := 0; i < b.N; i++ {
		_ = FillMap(50)
	}
}

func BenchmarkBox(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sinkAny = Box(i)
	}
}

func BenchmarkConcat(b *testing.B) {
	x := "hello"
	for i := 0; i < b.N; i++ {
		sinkStr = Concat(x, sinkStr[:min(len(sinkStr), 10)])
	}
}

func BenchmarkToString(b *testing.B) {
	buf := []byte("some bytes that are long enough to allocate")
	for i := 0; i < b.N; i++ {
		sinkStr = ToString(buf)
	}
}

func BenchmarkNewPoint(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sinkObj = NewPoint(int64(i))
	}
}

func BenchmarkOuter(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sinkBytes = Outer(100 + i%7)
	}
}

func BenchmarkPrint(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sinkStr = Print(i)
	}
}

func BenchmarkBuild(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sinkStr = Build(20)
	}
}

var words = [][]byte{
	[]byte("a word long enough not to fit a tiny block"),
	[]byte("another word long enough not to fit a tiny block"),
	[]byte("a third word long enough not to fit a tiny block"),
	[]byte("and a fourth, so that the slice grows more than once"),
	[]byte("and five words, each too long for the tiny allocator"),
}

func BenchmarkNames(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sinkAny = Names(words)
	}
}

func BenchmarkKeys(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sinkAny = Keys(words)
	}
}

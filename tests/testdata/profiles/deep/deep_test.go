package deep

import (
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"testing"
)

var sink any

func BenchmarkTree(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sink = Tree(5, 3)
	}
}

func BenchmarkFillStack(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sink = FillStack(200)
	}
}

func BenchmarkClosures(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sink = Closures(50)
	}
}

func BenchmarkParallel(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sink = Parallel(4, 20)
	}
}

func BenchmarkBig(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sink = Big(8)
	}
}

func BenchmarkWords(b *testing.B) {
	m := map[string]int{}
	for i := 0; i < 300; i++ {
		m["w"+strconv.Itoa(i)] = i
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sink = Words(m)
	}
}

// TestWriteHeap writes a heap profile (default sample type inuse_space) with live data, when
// GOALLOC_HEAP_OUT names the file.
func TestWriteHeap(t *testing.T) {
	out := os.Getenv("GOALLOC_HEAP_OUT")
	if out == "" {
		t.Skip("GOALLOC_HEAP_OUT not set")
	}
	keep := make([]any, 0, 64)
	for i := 0; i < 64; i++ {
		keep = append(keep, Big(2), Tree(4, 3))
	}
	runtime.GC()
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		t.Fatal(err)
	}
	runtime.KeepAlive(keep)
}

package failing

import "testing"

// BenchmarkBoom fails on purpose: the bench runner must report it, not hide it.
func BenchmarkBoom(b *testing.B) {
	b.Fatal("boom")
}

package bad

import "testing"

func BenchmarkX(b *testing.B) {
	for i := 0; i < b.N; i++ {
		_ = X
	}
}

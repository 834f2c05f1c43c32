package a

import "testing"

var sink map[int]int

func BenchmarkMap(b *testing.B) {
	for i := 0; i < b.N; i++ {
		m := make(map[int]int)
		for j := 0; j < 8; j++ {
			m[j] = j
		}
		sink = m
	}
}

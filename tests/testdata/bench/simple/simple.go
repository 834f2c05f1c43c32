// Package simple has two tiny benchmarks for goalloc's bench runner tests: one that grows a
// slice by append, one that preallocates it.
package simple

func Grow(n int) []int {
	var s []int
	for i := 0; i < n; i++ {
		s = append(s, i)
	}
	return s
}

func Prealloc(n int) []int {
	s := make([]int, 0, n)
	for i := 0; i < n; i++ {
		s = append(s, i)
	}
	return s
}

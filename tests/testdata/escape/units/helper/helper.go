// Package helper is inlined into package units: its allocations are printed again at the
// call sites, where goalloc finds their origin here.
package helper

func NewSlice() []int {
	return make([]int, 0, 8) // heap: slice/returned
}

type Buffer struct{ data []byte }

func (b *Buffer) Len() int { return len(b.data) }

func NewBuffer() *Buffer {
	return &Buffer{} // heap: object/returned
}

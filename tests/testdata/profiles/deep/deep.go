// Package deep allocates from recursion, closures, generics, methods and goroutines, with
// objects large enough to be sampled at the default -memprofilerate: the profile shapes that
// make pprof's cum (once per sample) and inlined frames matter.
package deep

import (
	"sort"
	"strings"
	"sync"
)

type node struct {
	kids []*node
	name string
	data [48]byte
}

// Tree builds a tree recursively: the same functions appear many times in one stack.
func Tree(depth, fan int) *node {
	n := &node{}
	if depth == 0 {
		return n
	}
	for i := 0; i < fan; i++ {
		n.kids = append(n.kids, Tree(depth-1, fan))
	}
	return n
}

// Stack is generic: its methods have instantiated names in the profile.
type Stack[T any] struct{ items []T }

func (s *Stack[T]) Push(v T) { s.items = append(s.items, v) }

// FillStack pushes onto a generic stack.
func FillStack(n int) *Stack[string] {
	s := &Stack[string]{}
	for i := 0; i < n; i++ {
		s.Push(strings.Repeat("x", i%5+1))
	}
	return s
}

// Closures allocates closures that capture and outlive their frame.
func Closures(n int) []func() int {
	var fs []func() int
	for i := 0; i < n; i++ {
		v := i
		fs = append(fs, func() int { return v * 2 })
	}
	return fs
}

// Parallel allocates in goroutines.
func Parallel(workers, n int) int {
	var wg sync.WaitGroup
	out := make([][]byte, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < n; i++ {
				out[w] = make([]byte, 4096+i)
			}
		}(w)
	}
	wg.Wait()
	return len(out)
}

// Big makes large buffers, always in the profile even when sampled.
func Big(n int) [][]byte {
	bufs := make([][]byte, 0, n)
	for i := 0; i < n; i++ {
		bufs = append(bufs, make([]byte, 64<<10))
	}
	return bufs
}

// Words sorts a map's keys.
func Words(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Package capture holds the cases of the closure-capture rule.
package capture

import "sync"

func Gather(n int) []int {
	var results []int // want "closure-capture"
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			results = append(results, i)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return results
}

var hooks []func()

func Register() map[string]int {
	m := map[string]int{} // want "closure-capture"
	hooks = append(hooks, func() { m = map[string]int{} })
	return m
}

// Negative cases.

func Local(xs []int) []int {
	var out []int
	add := func(x int) { out = append(out, x) }
	for _, x := range xs {
		add(x)
	}
	return out
}

func ReadOnly(xs []int) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_ = len(xs)
	}()
	wg.Wait()
}

func MapWrites(keys []string) map[string]bool {
	m := make(map[string]bool)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for _, k := range keys {
			m[k] = true
		}
	}()
	wg.Wait()
	return m
}

func work(i int) int { return i * 2 }

// Fanout makes results before the loop, the goroutines write into it, and it is resliced
// after they finish: captured by reference.
func Fanout(jobs []int) []int {
	results := make([]int, len(jobs)) // want "closure-capture"
	var wg sync.WaitGroup
	for i, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = work(j)
		}()
	}
	wg.Wait()
	results = results[:len(jobs)/2]
	return results
}

// Batches appends to out in the loop that starts the goroutines, which read it.
func Batches(n int) int {
	var out []int // want "closure-capture"
	var wg sync.WaitGroup
	total := make(chan int, n)
	for i := 0; i < n; i++ {
		out = append(out, i)
		wg.Add(1)
		go func() {
			defer wg.Done()
			total <- len(out)
		}()
	}
	wg.Wait()
	return len(total)
}

// Deferred: a defer in a loop reads a slice written after it.
func Deferred(xs []int) (n int) {
	var seen []int // want "closure-capture"
	for _, x := range xs {
		defer func() { n += len(seen) }()
		seen = append(seen, x)
	}
	return 0
}

// Snapshot: built by appends before the goroutine starts and never written after: the
// compiler captures it by value (negative).
func Snapshot(xs []int) int {
	var snap []int
	for _, x := range xs {
		snap = append(snap, x)
	}
	done := make(chan int)
	go func() { done <- len(snap) }()
	return <-done
}

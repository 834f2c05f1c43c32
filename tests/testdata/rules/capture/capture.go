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

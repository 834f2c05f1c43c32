// Package appends: what an append appends to, where its result goes, and whether it runs
// on every iteration.
package appends

type T struct{ items []string }

var global []int

func use([]int) {}

func F(xs []int, t *T) []int {
	var out []int
	for _, x := range xs {
		out = append(out, x) // want append:"out (local) n=1 =out top every elem=int/8"
	}
	for _, x := range xs {
		if x > 0 {
			out = append(out, x, x) // want append:"out (local) n=2 =out elem=int/8"
		}
	}
	for _, x := range xs {
		if x == 0 {
			continue
		}
		out = append(out, x) // want append:"out (local) n=1 =out top elem=int/8"
	}
	for _, x := range xs {
		{
			out = append(out, x) // want append:"out (local) n=1 =out top every elem=int/8"
		}
	}
	out = append(out, xs...) // want append:"out (local) n=-1 =out spread elem=int/8"
	for range xs {
		t.items = append(t.items, "x") // want append:"t.items (field) n=1 =t.items top every elem=string/16+ptr"
		global = append(global, 1)     // want append:"global (global) n=1 =global top every elem=int/8"
		use(append(out, 1))            // want append:"out (local) n=1 elem=int/8"
	}
	ys := append(xs, 1) // want append:"xs (param) n=1 =ys elem=int/8"
	return ys
}

func Generic[E any](s []E, v E) []E {
	return append(s, v) // want append:"s (param) n=1 elem=?"
}

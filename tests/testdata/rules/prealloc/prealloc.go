// Package prealloc holds the cases of the prealloc-slice rule.
package prealloc

import "strconv"

type Order struct {
	ID   int64
	Name string
}

func IDs(orders []Order) []int64 {
	var ids []int64
	for _, o := range orders {
		ids = append(ids, o.ID) // want "prealloc-slice"
	}
	return ids
}

func Names(orders []Order) []string {
	names := []string{}
	for i := 0; i < len(orders); i++ {
		names = append(names, orders[i].Name) // want "prealloc-slice"
	}
	return names
}

func Squares() []int {
	out := make([]int, 0)
	for i := range 10 {
		out = append(out, i*i) // want "prealloc-slice"
	}
	return out
}

func Pairs(m map[string]int) []string {
	var kv []string
	for k, v := range m {
		kv = append(kv, k, strconv.Itoa(v)) // want "prealloc-slice"
	}
	return kv
}

func Late(n int) []int {
	var xs []int
	count := n * 2
	for i := 0; i < count; i++ {
		xs = append(xs, i) // want "prealloc-slice"
	}
	return xs
}

func Down(vals []int) []int {
	var rev []int
	for i := len(vals) - 1; i >= 0; i-- {
		rev = append(rev, vals[i]) // want "prealloc-slice"
	}
	return rev
}

func Countdown(n int) []int {
	var out []int
	for i := n; i > 0; i-- {
		out = append(out, i) // want "prealloc-slice"
	}
	return out
}

func Rows(groups [][]int) [][]int {
	var out [][]int
	for _, g := range groups {
		row := []int{}
		for _, v := range g {
			row = append(row, v*2) // want "prealloc-slice"
		}
		out = append(out, row) // want "prealloc-slice"
	}
	return out
}

func Map[T, U any](xs []T, f func(T) U) []U {
	var out []U
	for _, x := range xs {
		out = append(out, f(x)) // want "prealloc-slice"
	}
	return out
}

func Maybe(orders []Order, want bool) []int64 {
	var ids []int64
	if want {
		for _, o := range orders {
			ids = append(ids, o.ID) // want "prealloc-slice"
		}
	}
	return ids
}

// Negative cases: nothing below may be reported.

func Conditional(orders []Order) []int64 {
	var ids []int64
	for _, o := range orders {
		if o.ID > 0 {
			ids = append(ids, o.ID)
		}
	}
	return ids
}

func WithBreak(orders []Order) []int64 {
	var ids []int64
	for _, o := range orders {
		if o.ID == 0 {
			break
		}
		ids = append(ids, o.ID)
	}
	return ids
}

func WithContinue(orders []Order) []int64 {
	var ids []int64
	for _, o := range orders {
		if o.ID == 0 {
			continue
		}
		ids = append(ids, o.ID)
	}
	return ids
}

func WithReturn(orders []Order) []int64 {
	var ids []int64
	for _, o := range orders {
		if o.ID < 0 {
			return nil
		}
		ids = append(ids, o.ID)
	}
	return ids
}

func Reassigned(orders []Order) [][]int64 {
	var ids []int64
	var batches [][]int64
	for _, o := range orders {
		ids = append(ids, o.ID)
		if len(ids) == 10 {
			batches = append(batches, ids)
			ids = nil
		}
	}
	return batches
}

func Resliced(orders []Order) int {
	var ids []int64
	total := 0
	for _, o := range orders {
		ids = append(ids, o.ID)
		total += len(ids)
		ids = ids[:0]
	}
	return total
}

func FromChannel(ch chan int) []int {
	var xs []int
	for v := range ch {
		xs = append(xs, v)
	}
	return xs
}

func BoundChanges(n int) []int {
	var xs []int
	for i := 0; i < n; i++ {
		xs = append(xs, i)
		if i == 3 {
			n--
		}
	}
	return xs
}

func IndexChanges(n int) []int {
	var xs []int
	for i := 0; i < n; i++ {
		xs = append(xs, i)
		i++
	}
	return xs
}

func AlreadySized(orders []Order) []int64 {
	ids := make([]int64, 0, len(orders))
	for _, o := range orders {
		ids = append(ids, o.ID)
	}
	return ids
}

func Nested(groups [][]int) []int {
	var all []int
	for _, g := range groups {
		for _, v := range g {
			all = append(all, v)
		}
	}
	return all
}

func Spread(parts [][]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

func InClosure(xs []int) []int {
	var out []int
	for _, x := range xs {
		func() { out = append(out, x) }()
	}
	return out
}

func Param(dst []int, xs []int) []int {
	for _, x := range xs {
		dst = append(dst, x)
	}
	return dst
}

func Runes(s string) []rune {
	var rs []rune
	for _, r := range s {
		rs = append(rs, r) // want "prealloc-slice"
	}
	return rs
}

func Prefilled(orders []Order) []int64 {
	ids := []int64{0}
	for _, o := range orders {
		ids = append(ids, o.ID)
	}
	return ids
}

func AppendBefore(orders []Order) []int64 {
	var ids []int64
	ids = append(ids, -1)
	for _, o := range orders {
		ids = append(ids, o.ID)
	}
	return ids
}

func OtherTarget(orders []Order) ([]int64, []int64) {
	var ids []int64
	var all []int64
	for _, o := range orders {
		all = append(ids, o.ID)
	}
	return ids, all
}

func Pointer(orders []Order) []int64 {
	var ids []int64
	p := &ids
	for _, o := range orders {
		ids = append(ids, o.ID)
	}
	return *p
}

func CallBound(load func() []Order) []int64 {
	var ids []int64
	for _, o := range load() {
		ids = append(ids, o.ID)
	}
	return ids
}

func TwoLoops(xs []int) []int {
	var out []int
	for _, x := range xs {
		out = append(out, x)
	}
	for _, x := range xs {
		out = append(out, -x)
	}
	return out
}

func Stride(xs []int) []int {
	var out []int
	for i := 0; i < len(xs); i += 2 {
		out = append(out, xs[i])
	}
	return out
}

func InSwitch(xs []int) []int {
	var out []int
	for _, x := range xs {
		switch {
		case x > 0:
			out = append(out, x)
		}
	}
	return out
}

func Labeled(groups [][]int) []int {
	var firsts []int
outer:
	for _, g := range groups {
		for _, v := range g {
			if v < 0 {
				continue outer
			}
		}
		firsts = append(firsts, g[0])
	}
	return firsts
}

// RunesOf appends once per rune of s: at most len(s) times.
func RunesOf(s string) []rune {
	var out []rune
	for _, r := range s {
		out = append(out, r) // want "prealloc-slice"
	}
	return out
}

// SmallCap starts with room for 8 and appends 64 times.
func SmallCap() []int {
	out := make([]int, 0, 8)
	for i := 0; i < 64; i++ {
		out = append(out, i) // want "prealloc-slice"
	}
	return out
}

// EnoughCap has room for every append (negative).
func EnoughCap() []int {
	out := make([]int, 0, 64)
	for i := 0; i < 64; i++ {
		out = append(out, i)
	}
	return out
}

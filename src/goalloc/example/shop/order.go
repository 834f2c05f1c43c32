// Package shop is a small order service with the usual slice and map traps.
package shop

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"
)

type Order struct {
	ID       int64
	Customer string
	Items    []Item
	Total    float64
	Notes    [16]string // makes Order large: copying it costs
}

type Item struct {
	SKU   string
	Qty   int
	Price float64
}

// OrderIDs collects the IDs of orders; the slice grows by repeated appends.
func OrderIDs(orders []Order) []int64 {
	var ids []int64
	for _, o := range orders {
		ids = append(ids, o.ID)
	}
	return ids
}

// ByCustomer indexes orders by customer; the map is filled without a size hint.
func ByCustomer(orders []Order) map[string][]int64 {
	idx := make(map[string][]int64)
	for i := range orders {
		o := &orders[i]
		idx[o.Customer] = append(idx[o.Customer], o.ID)
	}
	return idx
}

// NewOrder returns a pointer, so the order lives on the heap.
func NewOrder(id int64, customer string) *Order {
	o := Order{ID: id, Customer: customer}
	return &o
}

// Describe formats every order with fmt: each argument is boxed into an interface.
func Describe(orders []Order) []string {
	lines := make([]string, 0, len(orders))
	for _, o := range orders {
		lines = append(lines, fmt.Sprintf("order %d for %s: %.2f", o.ID, o.Customer, o.Total))
	}
	return lines
}

// DescribeFast formats without boxing, into one reused buffer.
func DescribeFast(orders []Order) []string {
	lines := make([]string, 0, len(orders))
	buf := make([]byte, 0, 64)
	for i := range orders {
		o := &orders[i]
		buf = append(buf[:0], "order "...)
		buf = strconv.AppendInt(buf, o.ID, 10)
		buf = append(buf, " for "...)
		buf = append(buf, o.Customer...)
		buf = append(buf, ": "...)
		buf = strconv.AppendFloat(buf, o.Total, 'f', 2, 64)
		lines = append(lines, string(buf))
	}
	return lines
}

// Totals sums per customer in parallel; the goroutines capture the shared map.
func Totals(orders []Order, workers int) map[string]float64 {
	totals := map[string]float64{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	chunk := (len(orders) + workers - 1) / workers
	for w := 0; w < workers; w++ {
		lo, hi := w*chunk, min((w+1)*chunk, len(orders))
		if lo >= hi {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, o := range orders[lo:hi] {
				mu.Lock()
				totals[o.Customer] += o.Total
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return totals
}

// Tags counts words in notes, converting bytes to strings for the map key each time.
func Tags(notes [][]byte) map[string]int {
	counts := make(map[string]int, len(notes))
	for _, n := range notes {
		counts[string(n)]++
	}
	return counts
}

// TopCustomers sorts customers by total; sort.Slice takes the slice as an interface.
func TopCustomers(totals map[string]float64, n int) []string {
	names := make([]string, 0, len(totals))
	for name := range totals {
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool { return totals[names[i]] > totals[names[j]] })
	if len(names) > n {
		names = names[:n]
	}
	return names
}

// Summary is a value-receiver method on a large struct: every call copies the Order.
func (o Order) Summary() string {
	var b strings.Builder
	b.WriteString(o.Customer)
	b.WriteString(": ")
	b.WriteString(strconv.Itoa(len(o.Items)))
	b.WriteString(" items")
	return b.String()
}

// Banner writes a fixed header. The compiler reports the boxed constants as escaping, yet
// they point to static data and allocate nothing.
func Banner(w io.Writer) {
	fmt.Fprintln(w, "shop", 1, true)
}

// Evens returns the even IDs. The result escapes, but the compiler first grows it in a stack
// buffer and moves it to the heap once, at the return.
func Evens(orders []Order) []int64 {
	var out []int64
	for i := range orders {
		if orders[i].ID%2 == 0 && len(out) < 2 {
			out = append(out, orders[i].ID)
		}
	}
	return out
}

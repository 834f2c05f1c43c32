package shop

import (
	"io"
	"strconv"
	"testing"
)

func sampleOrders(n int) []Order {
	orders := make([]Order, n)
	for i := range orders {
		orders[i] = Order{ID: int64(i), Customer: "c" + strconv.Itoa(i%37), Total: float64(i) * 1.5,
			Items: []Item{{SKU: "sku", Qty: 1, Price: 1.5}}}
	}
	return orders
}

var sinkIDs []int64
var sinkIdx map[string][]int64
var sinkLines []string

func BenchmarkOrderIDs(b *testing.B) {
	orders := sampleOrders(1000)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		sinkIDs = OrderIDs(orders)
	}
}

func BenchmarkByCustomer(b *testing.B) {
	orders := sampleOrders(1000)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		sinkIdx = ByCustomer(orders)
	}
}

func BenchmarkDescribe(b *testing.B) {
	orders := sampleOrders(200)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		sinkLines = Describe(orders)
	}
}

func BenchmarkDescribeFast(b *testing.B) {
	orders := sampleOrders(200)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		sinkLines = DescribeFast(orders)
	}
}

func TestDescribeSame(t *testing.T) {
	orders := sampleOrders(10)
	a, b := Describe(orders), DescribeFast(orders)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("line %d: %q != %q", i, a[i], b[i])
		}
	}
}

func BenchmarkBanner(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		Banner(io.Discard)
	}
}

func BenchmarkEvens(b *testing.B) {
	orders := sampleOrders(100)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		sinkIDs = Evens(orders)
	}
}

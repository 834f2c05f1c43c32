// Command shopd runs the shop on generated orders and prints a report.
package main

import (
	"fmt"
	"os"

	"example.com/shop/shop"
)

func main() {
	orders := make([]shop.Order, 0, 100)
	for i := 0; i < 100; i++ {
		orders = append(orders, *shop.NewOrder(int64(i), fmt.Sprint("customer-", i%7)))
	}
	totals := shop.Totals(orders, 4)
	for _, name := range shop.TopCustomers(totals, 3) {
		fmt.Fprintf(os.Stdout, "%s %.2f\n", name, totals[name])
	}
}

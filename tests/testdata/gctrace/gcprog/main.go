// gcprog allocates enough garbage for a few collections and forces one at the end, so tests
// can read real GODEBUG=gctrace=1 output. It also prints ordinary lines, which a gctrace
// reader must skip.
package main

import (
	"fmt"
	"runtime"
)

var keep [][]byte

func main() {
	fmt.Println("gcprog: start")
	for round := 0; round < 40; round++ {
		for i := 0; i < 200; i++ {
			b := make([]byte, 16<<10)
			if i%10 == 0 {
				keep = append(keep, b)
			}
		}
	}
	runtime.GC()
	fmt.Println("gcprog: kept", len(keep), "buffers")
}

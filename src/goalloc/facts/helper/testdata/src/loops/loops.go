// Package loops: trip counts of range and counted loops, and how loops are left.
package loops

import "os"

type Order struct{ ID int64 }

func next() []int { return nil }

func Ranges(orders []Order, m map[string]int, s string, ch chan int, arr [4]int, parr *[3]int) int {
	t := 0
	for range orders { // want loop:"range slice bound=len(orders) exact"
		t++
	}
	for k := range m { // want loop:"range map bound=len(m) exact"
		t += len(k)
	}
	for range s { // want loop:"range string bound=len(s)"
		t++
	}
	for range "héllo" { // want loop:"range string bound=6 const=6"
		t++
	}
	for range ch { // want loop:"range chan"
		t++
	}
	for range arr { // want loop:"range array bound=4 const=4 exact"
		t++
	}
	for range parr { // want loop:"range pointer-to-array bound=3 const=3 exact"
		t++
	}
	for range next() { // want loop:"range slice"
		t++
	}
	for range os.Args { // want loop:"range slice bound=len(os.Args) exact"
		t++
	}
	return t
}

func Counted(n, lo, hi int, xs []int) (t int) {
	for i := 0; i < n; i++ { // want loop:"for bound=n exact"
		t += i
	}
	for i := 0; i <= n; i++ { // want loop:"for bound=n+1 exact"
		t += i
	}
	for i := 1; i <= n; i++ { // want loop:"for bound=n exact"
		t += i
	}
	for i := 2; i < n; i++ { // want loop:"for bound=n-2 exact"
		t += i
	}
	for i := lo; i < hi; i++ { // want loop:"for bound=hi-lo exact"
		t += i
	}
	for i := lo; i <= hi; i++ { // want loop:"for bound=hi-lo+1 exact"
		t += i
	}
	for i := 0; i < 10; i++ { // want loop:"for bound=10 const=10 exact"
		t += i
	}
	for i := 5; i < 3; i++ { // want loop:"for bound=0 const=0 exact"
		t += i
	}
	for i := n; i > 0; i-- { // want loop:"for bound=n exact"
		t += i
	}
	for i := len(xs) - 1; i >= 0; i-- { // want loop:"for bound=len(xs) exact"
		t += i
	}
	for i := n; i >= 0; i-- { // want loop:"for bound=n+1 exact"
		t += i
	}
	for i := hi; i > lo; i-- { // want loop:"for bound=hi-lo exact"
		t += i
	}
	for i := 0; n > i; i++ { // want loop:"for bound=n exact"
		t += i
	}
	for i := 0; i < n; i += 1 { // want loop:"for bound=n exact"
		t += i
	}
	for i := 1; i < n+1; i++ { // want loop:"for bound=(n+1)-1 exact"
		t += i
	}
	for i := 0; i < n; i += 2 { // want loop:"for"
		t += i
	}
	for i := 0; i < n; i++ { // want loop:"for"
		n--
	}
	for i := 0; i < n; i++ { // want loop:"for"
		i++
	}
	for i := 0; i < len(next()); i++ { // want loop:"for"
		t += i
	}
	return t
}

func Exits(xs []int, m map[int]bool) int {
	for _, x := range xs { // want loop:"range slice bound=len(xs) exact exits"
		if x < 0 {
			break
		}
	}
	for _, x := range xs { // want loop:"range slice bound=len(xs) exact exits"
		if x < 0 {
			return x
		}
	}
outer:
	for _, x := range xs { // want loop:"range slice bound=len(xs) exact continues=1"
		for y := range m { // want loop:"range map bound=len(m) exact nested exits"
			if y == x {
				continue outer
			}
		}
	}
	for _, x := range xs { // want loop:"range slice bound=len(xs) exact continues=1"
		if x == 0 {
			continue
		}
		switch x {
		case 1:
			break
		}
		func() {
			for { // want loop:"for exits"
				break
			}
		}()
	}
	for _, x := range xs { // want loop:"range slice bound=len(xs) exact exits"
		if x == 2 {
			goto done
		}
	}
done:
	return 0
}

func Since(xs []int) []int {
	n := len(xs)
	n = n * 2
	var out []int
	for i := 0; i < n; i++ { // want loop:"for bound=n exact"
		out = append(out, i)
	}
	return out
}

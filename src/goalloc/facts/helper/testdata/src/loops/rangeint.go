//go:build go1.22

package loops

func RangeInt(n int) (t int) {
	for i := range n { // want loop:"range int bound=n exact"
		t += i
	}
	for i := range 8 { // want loop:"range int bound=8 const=8 exact"
		t += i
	}
	return t
}

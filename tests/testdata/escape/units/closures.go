package units

func CapturedByRef() func() int {
	count := 0                                  // heap: variable/closure-captured
	return func() int { count++; return count } // heap: closure/returned
}

func GoLiteral(out chan<- int) {
	total := 0  // heap: variable/goroutine
	go func() { // heap: closure/goroutine
		total++
		out <- total
	}()
}

//go:noinline
func work(xs []int, out chan<- int) {
	out <- len(xs)
}

func GoCall(n int, out chan<- int) {
	buf := make([]int, n) // heap: slice/goroutine; heap@go1.23: slice/non-constant-size
	go work(buf, out)     // heap: closure/goroutine
}

func DeferLoop(xs []int) (sum int) { // heap: variable/defer
	for _, x := range xs {
		v := &Point{X: x}             // heap: object/defer
		defer func() { sum += v.X }() // heap: closure/defer
	}
	return sum
}

func (p *Point) Sum() int { return p.X + p.Y }

func MethodValue(p *Point) func() int {
	return p.Sum // heap: closure/method-value
}

func LocalClosure(xs []int) int {
	f := func(i int) int { return xs[i] }
	return f(0)
}

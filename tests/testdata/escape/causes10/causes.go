package causes10

import (
	"errors"
	"fmt"
	"io"
	"sync"
)

func noop(p, q *int) {}

var sink interface{}

// A go statement's wrapper holds what its call is given.
func GoCall() {
	x, y := 1, 2    // want: goroutine, goroutine
	go noop(&x, &y) // want: goroutine
}

func myprint(p *int, args ...interface{}) {}

// A deferred call in a loop: its wrapper is on the heap and holds its arguments.
func DeferLoop(n int) {
	for i := 0; i < n; i++ {
		v := i            // want: defer
		defer myprint(&v) // want: defer
	}
}

// A deferred func literal in a loop, given a pointer.
func DeferLiteralLoop(n int) {
	for i := 0; i < n; i++ {
		x := i               // want: defer
		defer func(p *int) { // want: defer, defer
			_ = *p
		}(&x)
	}
}

type Res struct{ name string }

func (r *Res) Close() error { return nil }

// A method call deferred in a loop.
func DeferMethodLoop(n int) {
	for i := 0; i < n; i++ {
		r := Res{}      // want: defer
		defer r.Close() // want: defer
	}
}

type Counter struct{ n int }

func (c *Counter) Inc() { c.n++ }

var hook func()

// A method value stored in a package variable: the store is the reason.
func StoreMethodValue(c *Counter) {
	hook = c.Inc // want: stored-in-heap
}

type Stringer interface{ String() string }

type Name struct{ s string }

func (n *Name) String() string { return n.s }

//go:noinline
func describe[T Stringer](v T) string { return v.String() }

// A generic call through the dictionary: the argument leaks through the call, not an interface.
func Generic() string {
	n := &Name{"x"} // want: call-argument
	return describe(n)
}

// A concatenation kept across iterations in a variable declared outside the loop.
func Concat(parts []string) string {
	s := ""
	for _, p := range parts {
		s = s + p // want: outlives-loop
	}
	return s
}

// A pointer allocated inside a loop kept in a variable declared outside it.
func KeepLast(n int) *int {
	var last *int
	for i := 0; i < n; i++ {
		v := i // want: outlives-loop
		last = &v
	}
	_ = *last
	return nil
}

// Appended to a slice that is not returned.
func AppendNoReturn() {
	var y []*int
	x := 1 // want: append-growth
	y = append(y, &x)
	_ = y
}

// A variable captured by a goroutine's closure.
func GoClosure(w io.Writer) {
	done := make(chan bool)
	msg := "hi"
	go func() { // want: goroutine
		fmt.Fprint(w, msg) // want: interface-conversion
		done <- true
	}()
	<-done
}

// string(v) boxed for fmt.Errorf, and the same flow with a plain variable.
func ErrConv(b []byte) error {
	return fmt.Errorf("bad %q", string(b)) // want: returned, interface-conversion, interface-conversion
}

func ErrVar(s string) error {
	return fmt.Errorf("bad %q", s) // want: returned, interface-conversion
}

func ErrNoArgs() error {
	return fmt.Errorf("plain") // want: returned
}

var errSentinel = errors.New("x")

// The appended pointer escapes through append itself; the flow never reaches the return.
func AppendReturned(x int) []*int { // want: append-growth
	var y []*int
	y = append(y, &x) // want: returned
	return y
}

// Variables a goroutine's closure shares with its function (captured by reference).
func GoShared(items []string) int {
	total := 0        // want: goroutine
	errs := []error{} // want: goroutine, goroutine
	done := make(chan struct{})
	go func() { // want: goroutine
		for _, it := range items {
			total += len(it)
			if it == "" {
				errs = append(errs, fmt.Errorf("empty")) // want: goroutine, goroutine
			}
		}
		close(done)
	}()
	<-done
	return total + len(errs)
}

type Job struct {
	Path   string
	Failed bool
}

func (j Job) Run() Job { j.Failed = j.Path == ""; return j }

type Jobs struct{ List []Job }

// A loop variable shared with a goroutine started per iteration with an argument.
func RunJobs(paths []string) Jobs {
	var (
		jobs = Jobs{List: make([]Job, 0, len(paths))} // want: goroutine, goroutine
		wg   sync.WaitGroup                           // want: call-argument
		mu   sync.Mutex                               // want: call-argument
	)
	for _, p := range paths {
		j := Job{Path: p} // want: goroutine
		wg.Add(1)
		go func(p string) { // want: goroutine, goroutine
			defer func() { wg.Done() }()
			j = j.Run()
			mu.Lock()
			jobs.List = append(jobs.List, j) // want: goroutine
			mu.Unlock()
		}(p)
	}
	wg.Wait()
	return jobs
}

// fmt.Errorf's inlined errors.New runs only without arguments and without '%'.
func ErrPercent() error {
	return fmt.Errorf("100%% sure") // want: returned
}

func ErrFormat(format string) error {
	return fmt.Errorf(format) // want: returned
}

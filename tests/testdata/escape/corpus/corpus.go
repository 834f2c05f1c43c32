// Package corpus holds labeled escape sites: a "// want: C1, C2" comment lists the root causes
// of the heap sites on its line, in column order.
package corpus

import (
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strconv"
	"sync"
)

type Point struct{ X, Y int }
type Node struct {
	Next *Node
	Val  []int
}
type Registry struct {
	mu    sync.Mutex
	items map[string]*Point
	list  []*Point
}

var (
	globalPoints []*Point
	globalMap    = map[string][]byte{} // want: stored-in-heap
	globalAny    any
	globalFunc   func() int
	sinkErr      error
)

// --- returned ---------------------------------------------------------------------------

func RetSlice() []int {
	s := make([]int, 8) // want: returned
	return s
}

func RetMap() map[string]int {
	return make(map[string]int) // want: returned
}

func RetPtr(x int) *Point {
	p := Point{X: x} // want: returned
	return &p
}

func RetLit() *Point {
	return &Point{X: 1} // want: returned
}

func RetNew() *Node {
	return new(Node) // want: returned
}

func RetSliceLit() []string {
	return []string{"a", "b"} // want: returned
}

func RetConcat(a, b string) string {
	return a + b // want: returned
}

func RetBytes(s string) []byte {
	return []byte(s) // want: returned
}

func RetString(b []byte) string {
	return string(b) // want: returned
}

func RetAppend(xs []int) []int {
	var out []int
	for _, x := range xs {
		out = append(out, x*2) // want: returned
	}
	return out
}

func RetNamed() (p *Point) {
	var v Point // want: returned
	p = &v
	return
}

func RetClosure(n int) func() int {
	return func() int { return n } // want: returned
}

// --- closure-captured -------------------------------------------------------------------

func CapturedSlice() func() int {
	buf := make([]byte, 16) // want: closure-captured
	return func() int { return len(buf) } // want: returned
}

func CapturedByRef() func() int {
	count := 0 // want: closure-captured
	return func() int { count++; return count } // want: returned
}

func CapturedMap() func(string) {
	seen := make(map[string]bool) // want: closure-captured
	return func(k string) { seen[k] = true } // want: returned
}

func StoredClosure() {
	total := 0 // want: closure-captured
	globalFunc = func() int { total++; return total } // want: stored-in-heap
}

// --- goroutine --------------------------------------------------------------------------

func GoCapture(n int) []int {
	res := make([]int, 0, n) // want: goroutine, goroutine
	var mu sync.Mutex // want: goroutine
	done := make(chan struct{})
	go func() { // want: goroutine
		mu.Lock()
		res = append(res, n) // want: goroutine
		mu.Unlock()
		close(done)
	}()
	<-done
	return nil
}

func GoWrapper(xs []int, out chan<- int) {
	buf := make([]int, len(xs)) // want: goroutine
	copy(buf, xs)
	go sum(buf, out) // want: goroutine
}

//go:noinline
func sum(xs []int, out chan<- int) {
	t := 0
	for _, x := range xs {
		t += x
	}
	out <- t
}

func GoPointer() {
	p := &Point{X: 1} // want: goroutine
	go func() { // want: goroutine
		p.X++
	}()
}

// --- defer ------------------------------------------------------------------------------

func DeferInLoop(files []string) {
	for _, name := range files {
		buf := make([]byte, 8) // want: defer
		defer func() { _ = buf }() // want: defer
		_ = name
	}
}

func DeferCaptureLoop(n int) (total int) { // want: defer
	for i := 0; i < n; i++ {
		v := &Point{X: i} // want: defer
		defer func() { total += v.X }() // want: defer
	}
	return total
}

// --- interface-conversion ---------------------------------------------------------------

func FmtArgs(name string, n int) string {
	return fmt.Sprintf("%s=%d", name, n) // want: interface-conversion, interface-conversion
}

func FmtPrintln(p Point) {
	fmt.Println(p) // want: interface-conversion
}

func BoxReturn(x int) any {
	return x // want: interface-conversion
}

func BoxGlobal(x float64) {
	globalAny = x // want: interface-conversion
}

func BoxSlice(xs []int) {
	fmt.Println(xs) // want: interface-conversion
}

func ErrorfWrap(code int) error {
	return fmt.Errorf("code %d", code) // want: returned, interface-conversion
}

func WriteAll(w io.Writer, data []byte) {
	msg := make([]byte, 0, 8) // want: interface-conversion
	msg = append(msg, data...) // want: interface-conversion
	fmt.Fprintln(w, msg) // want: interface-conversion
}

func ConstBox() {
	fmt.Println(42, "const") // want: interface-conversion, interface-conversion
}

// --- call-argument ----------------------------------------------------------------------

//go:noinline
func keep(p *Point) { globalPoints = append(globalPoints, p) } // want: stored-in-heap

func CallArg(x int) {
	p := &Point{X: x} // want: call-argument
	keep(p)
}

func CallArgVar(x int) {
	var pt Point // want: call-argument
	pt.X = x
	keep(&pt)
}

//go:noinline
func keepSlice(s []int) { globalAny2 = s }

var globalAny2 []int

func CallArgSlice() {
	s := make([]int, 4) // want: call-argument
	keepSlice(s)
}

func WaitGroupArg() {
	var wg sync.WaitGroup // want: call-argument
	wg.Add(1)
	wg.Done()
	wg.Wait()
}

// --- stored-in-heap ---------------------------------------------------------------------

func (r *Registry) Add(name string, x int) {
	p := &Point{X: x} // want: stored-in-heap
	r.mu.Lock()
	r.items[name] = p
	r.mu.Unlock()
}

func (r *Registry) Push(x int) {
	r.list = append(r.list, &Point{X: x}) // want: stored-in-heap, stored-in-heap
}

func StoreGlobal(x int) {
	globalPoints = append(globalPoints, &Point{X: x}) // want: stored-in-heap, stored-in-heap
}

func StoreMapValue(k string) {
	globalMap[k] = make([]byte, 4) // want: stored-in-heap
}

func StoreField(n *Node) {
	n.Next = &Node{} // want: stored-in-heap
}

func StoreIntoNode(n *Node) {
	vals := make([]int, 3) // want: stored-in-heap
	n.Val = vals
}

func StoreErr() {
	sinkErr = errors.New("boom") // want: stored-in-heap
}

// --- channel-send -----------------------------------------------------------------------

func SendPtr(ch chan *Point) {
	ch <- &Point{X: 1} // want: channel-send
}

func SendSlice(ch chan []byte) {
	b := make([]byte, 32) // want: channel-send
	ch <- b
}

func SendVar(ch chan *Point) {
	var p Point // want: channel-send
	ch <- &p
}

// --- too-large --------------------------------------------------------------------------

func TooLargeMake() int {
	b := make([]byte, 1<<20) // want: too-large
	return len(b)
}

func TooLargeArray() int {
	var a [200000]int64 // want: too-large
	a[1] = 2
	return int(a[1])
}

func TooLargeNew() int {
	p := new([100000]byte) // want: too-large
	return len(p)
}

// --- reflect ----------------------------------------------------------------------------

func ReflectValue(x int) reflect.Value {
	p := &Point{X: x} // want: reflect
	return reflect.ValueOf(p)
}

func ReflectType(v Point) string {
	return reflect.TypeOf(v).Name()
}

// --- method-value -----------------------------------------------------------------------

func (p *Point) Sum() int { return p.X + p.Y }

func MethodValue(p *Point) func() int {
	return p.Sum // want: method-value
}

func MethodValueStored(p *Point) {
	globalFunc = p.Sum // want: stored-in-heap
}

// --- stack (no heap site on these lines) ------------------------------------------------

func StackSlice() int {
	s := make([]int, 8)
	return len(s)
}

func StackMap() int {
	m := make(map[int]int, 4)
	m[1] = 2
	return len(m)
}

func StackClosure(xs []int) int {
	f := func(i int) int { return xs[i] }
	return f(0)
}

func StackVarMake(n int) int {
	b := make([]byte, n)
	return len(b)
}

func StackAppend(xs []int) int {
	var out []int
	for _, x := range xs {
		out = append(out, x)
	}
	return len(out)
}

func Itoa(n int) string {
	return strconv.Itoa(n)
}

func Open(name string) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	return f.Close()
}

// Package box holds the cases of the box-in-loop rule.
package box

import (
	"fmt"
	"log"
	"strings"
)

type Point struct{ X, Y int }

func Join(ids []int) string {
	var sb strings.Builder
	for _, id := range ids {
		fmt.Fprintf(&sb, "%d,", id) // want "box-in-loop"
	}
	return sb.String()
}

func Collect(xs []float64) []any {
	out := make([]any, 0, len(xs))
	for _, x := range xs {
		out = append(out, x) // want "box-in-loop"
	}
	return out
}

func Send(ch chan any, xs []string) {
	for _, s := range xs {
		ch <- s // want "box-in-loop"
	}
}

func Store(m map[int]any, ps []Point) {
	for i, p := range ps {
		m[i] = p // want "box-in-loop"
	}
}

var sink []any

func Keep(v any) { sink = append(sink, v) }

func DynamicLiteral(xs []int) {
	for _, x := range xs {
		Keep(Point{x, 2}) // want "box-in-loop"
	}
}

func KeepAll(ps []Point) {
	for _, p := range ps {
		Keep(p) // want "box-in-loop"
	}
}

func Indexes(xs []string) {
	for i := range xs {
		Keep(i) // want "box-in-loop"
	}
}

// Negative cases: boxes that do not allocate, or do not escape, or run once.

func SmallIndexes() {
	for i := 0; i < 200; i++ {
		Keep(i)
	}
}

func Constants(n int) {
	for i := 0; i < n; i++ {
		Keep(42)
		Keep("const")
	}
}

func ConstLocal(n int) {
	k := 7
	for i := 0; i < n; i++ {
		Keep(k)
	}
}

func Small(bs []byte, flags []bool) {
	for _, b := range bs {
		Keep(b)
	}
	for _, f := range flags {
		Keep(f)
	}
}

func Pointers(ps []*Point) {
	for _, p := range ps {
		Keep(p)
	}
}

func StaticLiteral(n int) {
	for i := 0; i < n; i++ {
		Keep(Point{1, 2})
	}
}

func ZeroSize(n int) {
	for i := 0; i < n; i++ {
		Keep(struct{}{})
	}
}

func use(v any) int {
	if v == nil {
		return 0
	}
	return 1
}

func NoEscape(xs []int) int {
	t := 0
	for _, x := range xs {
		t += use(x)
	}
	return t
}

func ErrorPath(xs []int) error {
	for _, x := range xs {
		if x < 0 {
			return fmt.Errorf("negative value %d", x)
		}
	}
	return nil
}

func Conditional(xs []int) {
	for _, x := range xs {
		if x > 1000 {
			Keep(x)
		}
	}
}

func stash(v any) []any {
	sink = append(sink, v)
	return sink
}

func RangeOnce(x int) {
	for _, v := range stash(x) {
		_ = v
	}
}

func Outside(x int) {
	Keep(x)
}

// Remainders and masks by a small constant are (almost always) 0..255: boxed for free.
func Buckets(n int) string {
	var sb strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprint(&sb, i%7, i&0xff)
	}
	return sb.String()
}

func Wide(ids []int) string {
	var sb strings.Builder
	for _, id := range ids {
		fmt.Fprint(&sb, id%100000) // want "box-in-loop"
	}
	return sb.String()
}

// ErrorsPerItem makes an error for every item: the boxes are paid on every iteration.
func ErrorsPerItem(xs []int64) []error {
	errs := make([]error, 0, len(xs))
	for _, x := range xs {
		errs = append(errs, fmt.Errorf("bad item %d", x)) // want "box-in-loop"
	}
	return errs
}

// FirstNegative returns on the first bad item: the error is made once (negative).
func FirstNegative(xs []int64) error {
	for _, x := range xs {
		if x < 0 {
			return fmt.Errorf("negative item %d", x)
		}
	}
	return nil
}

// LogEach logs through a *log.Logger on every iteration.
func LogEach(l *log.Logger, xs []float64) {
	for _, x := range xs {
		l.Printf("item %f", x) // want "box-in-loop"
	}
}

// LogBytes boxes single bytes, which the runtime takes from a static table (negative).
func LogBytes(l *log.Logger, bs []byte) {
	for _, b := range bs {
		l.Printf("byte %c", b)
	}
}

// FatalOnBad stops the program: the box is made once (negative).
func FatalOnBad(l *log.Logger, xs []float64) {
	for _, x := range xs {
		if x < 0 {
			l.Fatalf("bad %f", x)
		}
	}
}

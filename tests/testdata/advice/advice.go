// Package advicetest: one heap site per line that carries an `// advice:` comment, with the
// kind of fix and the priority goalloc must give every allocating heap site on that line.
package advicetest

import (
	"errors"
	"fmt"
	"strconv"
)

var table map[string]int

func init() {
	table = make(map[string]int) // advice: fix=cold-path priority=cold
}

func Check(s string) error {
	if s == "" {
		return errors.New("empty input") // advice: fix=sentinel-error priority=cold
	}
	if len(s) > 64 {
		return fmt.Errorf("input of %d bytes is too long", len(s)) // advice: fix=cold-path priority=cold
	}
	return nil
}

func MustPositive(n int) int {
	if n < 0 {
		panic(fmt.Sprintf("negative: %d", n)) // advice: fix=cold-path priority=cold
	}
	return n
}

// AppendValue already takes the caller's buffer: the fix is to reuse it, not to add one.
func AppendValue(b []byte, v int64) []byte {
	b = append(b, "v="...) // advice: fix=reuse-buffer priority=normal
	return strconv.AppendInt(b, v, 10)
}

// Squares makes its own slice: a caller buffer is the fix.
func Squares(n int) []int {
	out := make([]int, 0, n) // advice: fix=caller-buffer priority=normal
	for i := 0; i < n; i++ {
		out = append(out, i*i) // advice: fix=caller-buffer priority=hot
	}
	return out
}

type point struct{ x, y int }

func pick(x int) *point {
	p := point{x, x} // advice: fix=return-value priority=normal
	return &p
}

func NewPoint(x int) *point {
	return &point{x, x} // advice: fix=unavoidable priority=normal
}

func Start(n int, done chan int) {
	for i := 0; i < n; i++ { // advice: fix=unavoidable priority=hot
		go func() { // advice: fix=unavoidable priority=hot
			done <- i
		}()
	}
}

var sink any

func Box(xs []int64) {
	sink = 7 // advice: fix=none priority=normal
	for _, x := range xs {
		sink = x // advice: fix=avoid-interface priority=hot
	}
}

func Labels(rows [][]string) []string {
	var out []string
	for _, r := range rows {
		for _, c := range r {
			label := fmt.Sprint(len(c)) // advice: fix=avoid-interface priority=hot
			out = append(out, label)    // advice: fix=caller-buffer priority=hot
		}
	}
	return out
}

func Use() {
	_ = pick(1)
}

// point3 is inlined into Points: the allocation runs once per item there.
func point3(x int) *[3]int {
	return &[3]int{x, x, x} // advice: fix=return-value priority=hot
}

func Points(xs []int) []*[3]int {
	out := make([]*[3]int, 0, len(xs))
	for _, x := range xs {
		out = append(out, point3(x))
	}
	return out
}

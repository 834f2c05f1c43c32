package main

import (
	"fmt"
	"go/token"
	"testing"
)

func loopFact(l *Loop) fact {
	text := l.Kind
	if l.RangeOver != "" {
		text += " " + l.RangeOver
	}
	if l.Bound != "" {
		text += " bound=" + l.Bound
	}
	if l.BoundConst != nil {
		text += fmt.Sprintf(" const=%d", *l.BoundConst)
	}
	text += flags("exact", l.BoundExact, "nested", l.Parent >= 0, "exits", l.ExitsEarly)
	if len(l.Continues) > 0 {
		text += fmt.Sprintf(" continues=%d", len(l.Continues))
	}
	return fact{l.File, l.Line, text}
}

func TestLoops(t *testing.T) {
	checkFacts(t, "loops", "loop", packageFacts(t, "loops").Loops, loopFact)
}

func TestLoopIndentAndBlock(t *testing.T) {
	first := packageFacts(t, "loops").Loops[0] // for range orders, in Ranges
	if first.Indent != "\t" || first.Block != "10:100" || first.Function != "Ranges" {
		t.Errorf("indent %q, block %q, function %q; want a tab, 10:100, Ranges",
			first.Indent, first.Block, first.Function)
	}
}

// TestBoundSince: a bound means the same from the last write of a variable it reads up to
// the loop; parameters are written where they are declared, other packages' variables never.
func TestBoundSince(t *testing.T) {
	since := map[string]*Pos{}
	for _, l := range packageFacts(t, "loops").Loops {
		if l.Bound != "" {
			since[fmt.Sprintf("%s %s", l.Function, l.Bound)] = l.BoundSince
		}
	}
	for key, want := range map[string]*Pos{
		"Since n":             {147, 2}, // n = n * 2
		"Ranges len(orders)":  {10, 13}, // the parameter
		"Ranges len(os.Args)": {0, 0},
		"Counted hi-lo":       {42, 21}, // the later of the parameters lo and hi
		"RangeInt n":          {5, 15},
		"Ranges 4":            nil, // a constant
	} {
		got, ok := since[key]
		if !ok || (got == nil) != (want == nil) || (got != nil && *got != *want) {
			t.Errorf("bound_since of %s = %v (found: %v), want %v", key, got, ok, want)
		}
	}
}

func TestTripCount(t *testing.T) {
	c := func(v int64) *int64 { return &v }
	tests := []struct {
		step int
		op   token.Token
		r    countRange
		text string
		c    *int64
	}{
		{1, token.LSS, countRange{lo: "0", hi: "n", loConst: c(0)}, "n", nil},
		{1, token.LEQ, countRange{lo: "0", hi: "n", loConst: c(0)}, "n+1", nil},
		{1, token.LEQ, countRange{lo: "0", hi: "a+b", loConst: c(0)}, "(a+b)+1", nil},
		{1, token.LEQ, countRange{lo: "1", hi: "n", loConst: c(1)}, "n", nil},
		{1, token.LSS, countRange{lo: "3", hi: "n", loConst: c(3)}, "n-3", nil},
		{1, token.LSS, countRange{lo: "a", hi: "b"}, "b-a", nil},
		{1, token.LEQ, countRange{lo: "a", hi: "b"}, "b-a+1", nil},
		{1, token.LSS, countRange{lo: "2", hi: "10", loConst: c(2), hiConst: c(10)}, "8", c(8)},
		{1, token.LSS, countRange{lo: "9", hi: "1", loConst: c(9), hiConst: c(1)}, "0", c(0)},
		{-1, token.GTR, countRange{lo: "n", hi: "0", hiConst: c(0)}, "n", nil},
		{-1, token.GEQ, countRange{lo: "n", hi: "0", hiConst: c(0)}, "n+1", nil},
		{-1, token.GEQ, countRange{lo: "len(s) - 1", hi: "0", hiConst: c(0), loPlusOne: "len(s)"}, "len(s)", nil},
		{-1, token.GTR, countRange{lo: "hi", hi: "lo"}, "hi-lo", nil},
		{-1, token.GEQ, countRange{lo: "10", hi: "1", loConst: c(10), hiConst: c(1)}, "10", c(10)},
	}
	for _, tt := range tests {
		text, got, ok := tripCount(tt.step, tt.op, tt.r)
		if !ok || text != tt.text || (got == nil) != (tt.c == nil) || (got != nil && *got != *tt.c) {
			t.Errorf("tripCount(%d, %v, %+v) = %q, %v, %v; want %q, %v", tt.step, tt.op, tt.r,
				text, got, ok, tt.text, tt.c)
		}
	}
	for _, wrong := range []struct {
		step int
		op   token.Token
	}{{1, token.GTR}, {-1, token.LSS}, {1, token.NEQ}} {
		if _, _, ok := tripCount(wrong.step, wrong.op, countRange{lo: "0", hi: "n"}); ok {
			t.Errorf("tripCount(%d, %v) counts a loop that does not end that way", wrong.step, wrong.op)
		}
	}
}

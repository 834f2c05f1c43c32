// Package conv holds the cases of the conversion-in-loop rule.
package conv

import "bytes"

func Count(lines [][]byte) map[string]int {
	counts := make(map[string]int)
	for _, l := range lines {
		counts[string(l)]++ // want "conversion-in-loop"
	}
	return counts
}

func Index(keys [][]byte, m map[string]int) {
	for i, k := range keys {
		m[string(k)] = i // want "conversion-in-loop"
	}
}

func Keep(bs [][]byte) []string {
	out := make([]string, 0, len(bs))
	for _, b := range bs {
		out = append(out, string(b)) // want "conversion-in-loop"
	}
	return out
}

var sinkBytes [][]byte

func ToBytes(ss []string) {
	for _, s := range ss {
		sinkBytes = append(sinkBytes, []byte(s)) // want "conversion-in-loop"
	}
}

// Negative cases: conversions the compiler does without a copy.

func Lookup(bs [][]byte, m map[string]int) int {
	n := 0
	for _, b := range bs {
		if v, ok := m[string(b)]; ok {
			n += v
		}
		n += m[string(b)]
	}
	return n
}

func Compare(bs [][]byte) int {
	n := 0
	for _, b := range bs {
		if string(b) == "x" {
			n++
		}
		switch string(b) {
		case "a", "b":
			n++
		}
	}
	return n
}

func Concat(bs [][]byte) int {
	n := 0
	for _, b := range bs {
		n += len("k=" + string(b))
	}
	return n
}

func RangeBytes(ss []string) int {
	n := 0
	for _, s := range ss {
		for _, c := range []byte(s) {
			n += int(c)
		}
	}
	return n
}

func ReadOnly(ss []string, sep []byte) int {
	n := 0
	for _, s := range ss {
		n += bytes.Count([]byte(s), sep)
	}
	return n
}

func Dedupe(bs [][]byte) []string {
	seen := map[string]bool{}
	var out []string
	for _, b := range bs {
		if !seen[string(b)] {
			seen[string(b)] = true
			out = append(out, string(b))
		}
	}
	return out
}

func OutsideLoop(b []byte, m map[string]int) {
	m[string(b)] = 1
}

type Token struct{ Text string }

// Tokens keeps a string of each field in a struct: the copy is needed, but made per item.
func Tokens(fields [][]byte) []Token {
	out := make([]Token, 0, len(fields))
	for _, f := range fields {
		out = append(out, Token{Text: string(f)}) // want "conversion-in-loop"
	}
	return out
}

// Label keeps the string in a field of a map value made once per key (negative: the
// conversion is only on the insert path, behind a condition).
func Label(names [][]byte, m map[string]Token) {
	for _, n := range names {
		if _, ok := m[string(n)]; !ok {
			m[string(n)] = Token{Text: string(n)}
		}
	}
}

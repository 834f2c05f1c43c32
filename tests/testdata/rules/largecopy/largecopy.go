// Package largecopy holds the cases of the large-copy rule.
package largecopy

type Big struct {
	vals [20]int64
}

func (b Big) Stats() (sum, min, max, mean int64) { // want "large-copy"
	min, max = b.vals[0], b.vals[0]
	for i, v := range b.vals {
		sum += v
		if v < min {
			min = v
		}
		if v > max {
			max = v
		}
		if i%2 == 0 && v > 0 && v < 1<<20 {
			sum += v / 2
		} else if i%3 == 0 && v < 0 {
			sum -= v / 3
		}
	}
	if len(b.vals) > 0 {
		mean = sum / int64(len(b.vals))
	}
	switch {
	case mean > max:
		mean = max
	case mean < min:
		mean = min
	}
	return sum, min, max, mean
}

func (b *Big) PtrFirst() int64 { return b.vals[0] }

// Small bodies are inlined where called directly, but not through an interface.
func (b Big) First() int64 { return b.vals[0] } // want "large-copy"

// A method that changes its copy needs it.
func (b Big) With(v int64) Big {
	b.vals[0] = v
	return b
}

type Small struct {
	vals [4]int64
}

func (s Small) First() int64 { return s.vals[0] }

//go:noinline
func total(b Big) int64 { return b.vals[0] + b.vals[19] }

func Totals(bs []Big) int64 {
	var t int64
	for _, b := range bs { // want "large-copy"
		t += total(b)
	}
	return t
}

func Firsts(bs []Big) int64 {
	var t int64
	for _, b := range bs { // only reads a field: no copy
		t += b.vals[0]
	}
	return t
}

// Negative cases.

func ByIndex(bs []Big) int64 {
	var t int64
	for i := range bs {
		t += bs[i].vals[0]
	}
	return t
}

func Smalls(ss []Small) int64 {
	var t int64
	for _, s := range ss {
		t += s.vals[0]
	}
	return t
}

func Keys(m map[string]Big) int {
	n := 0
	for _, v := range m {
		n += int(v.vals[0])
	}
	return n
}

// Req is exactly 128 bytes.
type Req struct {
	ID   [12]int64
	Name string
	Tags []string
}

// Key uses its copy as a whole: it is passed on.
func (r Req) Key() string { // want "large-copy"
	return keyOf(r)
}

func keyOf(r Req) string { return r.Name }

// Request is 144 bytes.
type Request struct {
	ID   [14]int64
	Name string
	Tags []string
}

func handle(r Request) int { return len(r.Name) + len(r.Tags) }

// HandleAll copies each 144-byte Request into r and passes it on.
func HandleAll(reqs []Request) int {
	n := 0
	for _, r := range reqs { // want "large-copy"
		n += handle(r)
	}
	return n
}

// Names only reads a field of each element: nothing is copied (negative).
func Names(reqs []Request) int {
	n := 0
	for _, r := range reqs {
		n += len(r.Name)
	}
	return n
}

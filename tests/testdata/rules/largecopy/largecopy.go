// Package largecopy holds the cases of the large-copy rule.
package largecopy

type Big struct {
	vals [20]int64
}

func (b Big) Sum() int64 { // want "large-copy"
	var t int64
	for _, v := range b.vals {
		t += v
	}
	return t
}

func (b *Big) First() int64 { return b.vals[0] }

type Small struct {
	vals [4]int64
}

func (s Small) First() int64 { return s.vals[0] }

func Firsts(bs []Big) int64 {
	var t int64
	for _, b := range bs { // want "large-copy"
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

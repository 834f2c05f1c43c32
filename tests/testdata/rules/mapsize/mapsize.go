// Package mapsize holds the cases of the map-size-hint rule.
package mapsize

type Order struct {
	ID   int64
	Name string
}

func ByID(orders []Order) map[int64]Order {
	m := make(map[int64]Order)
	for _, o := range orders {
		m[o.ID] = o // want "map-size-hint"
	}
	return m
}

func Index(names []string) map[string]int {
	idx := map[string]int{}
	for i, n := range names {
		idx[n] = i // want "map-size-hint"
	}
	return idx
}

func Copy(src map[string]int) map[string]int {
	var dst = make(map[string]int)
	for k, v := range src {
		dst[k] = v // want "map-size-hint"
	}
	return dst
}

func Squares() map[int]int {
	sq := make(map[int]int)
	for i := 0; i < 64; i++ {
		sq[i] = i * i // want "map-size-hint"
	}
	return sq
}

// Negative cases.

func Counts(words []string) map[string]int {
	c := make(map[string]int)
	for _, w := range words {
		c[w]++
	}
	return c
}

func Hinted(orders []Order) map[int64]Order {
	m := make(map[int64]Order, len(orders))
	for _, o := range orders {
		m[o.ID] = o
	}
	return m
}

func Conditional(orders []Order) map[int64]Order {
	m := make(map[int64]Order)
	for _, o := range orders {
		if o.Name != "" {
			m[o.ID] = o
		}
	}
	return m
}

func UnknownSize(ch chan string) map[string]bool {
	m := make(map[string]bool)
	for s := range ch {
		m[s] = true
	}
	return m
}

func TwoInserts(orders []Order) map[string]int64 {
	m := make(map[string]int64)
	for _, o := range orders {
		m[o.Name] = o.ID
		m[o.Name+"-copy"] = o.ID
	}
	return m
}

func WithBreak(orders []Order) map[int64]Order {
	m := make(map[int64]Order)
	for _, o := range orders {
		if o.ID == 0 {
			break
		}
		m[o.ID] = o
	}
	return m
}

func Remade(groups [][]Order) int {
	total := 0
	m := make(map[int64]bool)
	for _, o := range groups[0] {
		m[o.ID] = true
	}
	total += len(m)
	m = make(map[int64]bool)
	total += len(m)
	return total
}

func BoundLater(n int) map[int]bool {
	m := make(map[int]bool)
	size := n * 2
	for i := 0; i < size; i++ {
		m[i] = true
	}
	return m
}

func Group(orders []Order) map[string][]Order {
	byName := make(map[string][]Order)
	for _, o := range orders {
		byName[o.Name] = append(byName[o.Name], o)
	}
	return byName
}

// FromArray inserts once per element of a fixed-size array.
func FromArray(names [16]string) map[string]int {
	m := make(map[string]int)
	for i, n := range names {
		m[n] = i // want "map-size-hint"
	}
	return m
}

type NameIndex struct{ byName map[string]int }

// Build makes the field map in the same function that fills it.
func (x *NameIndex) Build(names []string) {
	x.byName = make(map[string]int)
	for i, n := range names {
		x.byName[n] = i // want "map-size-hint"
	}
}

// Rebuild fills a field map made elsewhere (negative: its size is not set here).
func (x *NameIndex) Rebuild(names []string) {
	for i, n := range names {
		x.byName[n] = i
	}
}

// Package nevershrinks holds the cases of the map-never-shrinks rule.
package nevershrinks

type Cache struct {
	entries map[string][]byte
}

func (c *Cache) Put(k string, v []byte) { c.entries[k] = v }

func (c *Cache) Reset() {
	clear(c.entries) // want "map-never-shrinks"
}

var seen = map[int]bool{}

func Mark(i int) { seen[i] = true }

func Forget() {
	for k := range seen {
		delete(seen, k) // want "map-never-shrinks"
	}
}

func Batches(batches [][]string) int {
	m := make(map[string]int)
	total := 0
	for _, b := range batches {
		for _, s := range b {
			m[s]++
		}
		total += len(m)
		clear(m) // want "map-never-shrinks"
	}
	return total
}

// Negative cases.

type Registry struct {
	m map[string]int
}

func (r *Registry) Add(k string)    { r.m[k] = 1 }
func (r *Registry) Remove(k string) { delete(r.m, k) }

type Pool struct {
	m map[string]int
}

func (p *Pool) Add(k string) { p.m[k] = 1 }
func (p *Pool) Clear()       { clear(p.m) }
func (p *Pool) Shrink()      { p.m = make(map[string]int) }

func Once(xs []string) int {
	m := map[string]bool{}
	for _, x := range xs {
		m[x] = true
	}
	n := len(m)
	clear(m)
	return n
}

func PerIteration(batches [][]string) int {
	total := 0
	for _, b := range batches {
		m := make(map[string]int)
		for _, s := range b {
			m[s]++
		}
		total += len(m)
		clear(m)
	}
	return total
}

// Sessions is made by its constructor, filled by Add and emptied by Purge's delete loop.
type Sessions struct{ byID map[int]string }

func NewSessions() *Sessions {
	s := &Sessions{}
	s.byID = make(map[int]string)
	return s
}

func (s *Sessions) Add(id int, v string) { s.byID[id] = v }

func (s *Sessions) Purge() {
	for k := range s.byID {
		delete(s.byID, k) // want "map-never-shrinks"
	}
}

// Conns is emptied by clear but given a new map by Reset (negative: its owner replaces it).
type Conns struct{ m map[int]bool }

func newConns() *Conns       { c := &Conns{}; c.m = make(map[int]bool); return c }
func (c *Conns) Open(id int) { c.m[id] = true }
func (c *Conns) CloseAll()   { clear(c.m) }
func (c *Conns) Reset()      { c.m = make(map[int]bool) }

// Package realistic mixes the rules in code shaped like an application.
package realistic

import (
	"fmt"
	"log"
	"sort"
	"strconv"
	"strings"
	"sync"
)

type User struct {
	ID    int
	Name  string
	Email string
	Tags  []string
}

type Record struct {
	Data [32]int64
	Meta string
}

func SortedKeys(m map[string]int) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k) // want "prealloc-slice"
	}
	sort.Strings(keys)
	return keys
}

func Emails(users []*User) []string {
	emails := make([]string, 0)
	for _, u := range users {
		emails = append(emails, strings.ToLower(u.Email)) // want "prealloc-slice"
	}
	return emails
}

func KeysVals(m map[int]string) ([]int, []string) {
	var ks []int
	var vs []string
	for k, v := range m {
		ks = append(ks, k) // want "prealloc-slice"
		vs = append(vs, v) // want "prealloc-slice"
	}
	return ks, vs
}

func Itoa(n int) []string {
	var out []string
	for i := range n {
		out = append(out, strconv.Itoa(i)) // want "prealloc-slice"
	}
	return out
}

func Filter(users []*User) []*User {
	var out []*User
	for _, u := range users {
		if len(u.Tags) > 0 {
			out = append(out, u)
		}
	}
	return out
}

func UntilEmpty(lines []string) []string {
	var out []string
	for _, l := range lines {
		if l == "" {
			break
		}
		out = append(out, l)
	}
	return out
}

func Flatten(users []*User) []string {
	var tags []string
	for _, u := range users {
		tags = append(tags, u.Tags...)
	}
	return tags
}

func ByID(users []*User) map[int]*User {
	m := map[int]*User{}
	for _, u := range users {
		m[u.ID] = u // want "map-size-hint"
	}
	return m
}

func Set(words []string) map[string]struct{} {
	set := make(map[string]struct{})
	for _, w := range words {
		set[w] = struct{}{} // want "map-size-hint"
	}
	return set
}

func WordCount(words []string) map[string]int {
	counts := make(map[string]int)
	for _, w := range words {
		counts[w]++
	}
	return counts
}

type Tracker struct {
	mu   sync.Mutex
	seen map[string]bool
}

func (t *Tracker) See(s string) {
	t.mu.Lock()
	t.seen[s] = true
	t.mu.Unlock()
}

func (t *Tracker) Reset() {
	t.mu.Lock()
	for k := range t.seen {
		delete(t.seen, k) // want "map-never-shrinks"
	}
	t.mu.Unlock()
}

func Report(users []*User) string {
	var b strings.Builder
	for _, u := range users {
		b.WriteString(fmt.Sprintf("%d:%s\n", u.ID, u.Name)) // want "box-in-loop"
	}
	return b.String()
}

func LogAll(vals []float64) {
	for _, v := range vals {
		log.Printf("value %f", v) // want "box-in-loop"
	}
}

func LogConst(n int) {
	for i := 0; i < n; i++ {
		log.Println("tick", true)
	}
}

func Intern(keys [][]byte) map[string]int {
	idx := make(map[string]int, len(keys))
	for i, k := range keys {
		idx[string(k)] = i // want "conversion-in-loop"
	}
	return idx
}

func HasPrefix(lines [][]byte, p string) int {
	n := 0
	for _, l := range lines {
		if strings.HasPrefix(string(l), p) {
			n++
		}
	}
	return n
}

func (r Record) Sum() int64 { // want "large-copy"
	var t int64
	for _, d := range r.Data {
		t += d
	}
	return t
}

func (r *Record) Clear() { r.Data = [32]int64{} }

func Metas(rs []Record) []string {
	out := make([]string, 0, len(rs))
	for _, r := range rs { // want "large-copy"
		out = append(out, describe(r))
	}
	return out
}

func describe(r Record) string { return r.Meta }

func Parallel(items []int) []int {
	var results []int // want "closure-capture"
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go func(v int) {
			defer wg.Done()
			mu.Lock()
			results = append(results, v*2)
			mu.Unlock()
		}(it)
	}
	wg.Wait()
	return results
}

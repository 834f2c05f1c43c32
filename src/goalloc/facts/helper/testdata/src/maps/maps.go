// Package maps: inserts, updates, deletes and clears of maps, and fields given a new map.
package maps

type Cache struct{ entries map[string][]byte }

var registry = map[string]int{}

func Fill(keys []string, c *Cache) map[string]int {
	m := make(map[string]int)
	for i, k := range keys {
		m[k] = i // want map:"insert m (local) top every"
	}
	for _, k := range keys {
		m[k]++    // want map:"update m (local) top every"
		m[k] += 2 // want map:"update m (local) top every"
	}
	groups := map[string][]string{}
	for _, k := range keys {
		groups[k] = append(groups[k], k) // want map:"insert groups (local) top every reads-self"
	}
	for k := range m {
		delete(m, k) // want map:"delete m (local) top every delete-all"
	}
	for _, k := range keys {
		if k == "" {
			delete(m, k) // want map:"delete m (local)"
		}
	}
	clear(groups)                       // want map:"clear groups (local)"
	c.entries = make(map[string][]byte) // want map:"reassign c.entries (field)"
	registry = map[string]int{}         // want map:"reassign registry (global)"
	registry["a"] = 1                   // want map:"insert registry (global)"
	return m
}

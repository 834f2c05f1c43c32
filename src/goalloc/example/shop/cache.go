package shop

import "sync"

// Cache keeps recent orders. Deleting entries never shrinks the map: after a burst the memory
// stays until the map itself is dropped.
type Cache struct {
	mu     sync.Mutex
	orders map[int64]*Order
	events chan *Order
}

func NewCache() *Cache {
	return &Cache{orders: make(map[int64]*Order), events: make(chan *Order, 16)}
}

func (c *Cache) Put(o *Order) {
	c.mu.Lock()
	c.orders[o.ID] = o
	c.mu.Unlock()
}

// Evict empties the cache entry by entry.
func (c *Cache) Evict() {
	c.mu.Lock()
	for id := range c.orders {
		delete(c.orders, id)
	}
	c.mu.Unlock()
}

// Publish sends a copy of the order to listeners: the copy escapes through the channel.
func (c *Cache) Publish(o Order) {
	cp := o
	select {
	case c.events <- &cp:
	default:
	}
}

// Snapshot returns the cached orders; the slice is returned so it lives on the heap.
func (c *Cache) Snapshot() []*Order {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]*Order, 0, len(c.orders))
	for _, o := range c.orders {
		out = append(out, o)
	}
	return out
}

// Big is a fixed lookup table too large for the stack.
func Big() int {
	table := make([]int64, 1<<16)
	for i := range table {
		table[i] = int64(i * i)
	}
	return int(table[len(table)-1] % 7)
}

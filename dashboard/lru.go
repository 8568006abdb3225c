package dashboard

import (
	"container/list"
	"sync"
)

// lru keeps values by key up to a total cost (bytes of a page, values
// of a series), forgetting the least recently used first. The kept pages
// and the kept series both use it. It is safe for concurrent use.
type lru[V any] struct {
	mu    sync.Mutex
	max   int
	held  int
	cost  func(V) int
	order *list.List // of *lruEntry[V], the most recently used first
	byKey map[string]*list.Element
}

type lruEntry[V any] struct {
	key   string
	value V
	cost  int
}

func newLRU[V any](max int, cost func(V) int) *lru[V] {
	return &lru[V]{max: max, cost: cost, order: list.New(), byKey: map[string]*list.Element{}}
}

// get returns the value kept for key, now the most recently used.
func (c *lru[V]) get(key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[key]
	if !ok {
		var zero V
		return zero, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*lruEntry[V]).value, true
}

// put keeps v for key, replacing what was kept for it, and forgets the
// least recently used values until the total cost is within max. A value
// costing more than max on its own is not kept.
func (c *lru[V]) put(key string, v V) {
	cost := c.cost(v)
	if cost > c.max {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[key]; ok {
		c.held -= el.Value.(*lruEntry[V]).cost
		c.order.Remove(el)
	}
	c.byKey[key] = c.order.PushFront(&lruEntry[V]{key: key, value: v, cost: cost})
	c.held += cost
	for c.held > c.max {
		last := c.order.Back()
		old := last.Value.(*lruEntry[V])
		c.order.Remove(last)
		delete(c.byKey, old.key)
		c.held -= old.cost
	}
}

// clear forgets everything.
func (c *lru[V]) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.order.Init()
	clear(c.byKey)
	c.held = 0
}

// size is the number of values kept and their total cost.
func (c *lru[V]) size() (n, cost int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.byKey), c.held
}

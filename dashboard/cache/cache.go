// Package cache is the dashboard's one way of keeping what it has
// computed: values by key, each tied to the database version it was made
// at, within a total cost, made once however many ask at the same time.
//
// The dashboard keeps three things with it (see dashboard/viewcache.go,
// seriescache.go and pagecache.go): views computed from all the figures,
// each measure's series, and rendered pages and API answers. The
// versions are the database's own counters (store.DataVersion,
// store.PageVersion), shared by every server on the database and
// advanced in the transaction of each change, so a value is never served
// at a version other than its own.
package cache

import (
	"container/list"
	"context"
	"errors"
	"sync"

	"golang.org/x/sync/singleflight"
)

// Cache keeps values by key, each with the version it was made at, up
// to a total cost (bytes of a page, values of a series, a count of
// views), forgetting the least recently used first. Versions only move
// forward: keeping a value of a newer version forgets every value of an
// older one, and a value older than those kept is not kept. It is safe
// for concurrent use.
type Cache[V any] struct {
	mu      sync.Mutex
	max     int
	held    int
	cost    func(V) int
	version int64      // the version of the values kept
	order   *list.List // of *entry[V], the most recently used first
	byKey   map[string]*list.Element
	group   singleflight.Group
}

type entry[V any] struct {
	key   string
	value V
	cost  int
}

// New makes a cache of at most max in total of cost; a nil cost counts
// each value 1.
func New[V any](max int, cost func(V) int) *Cache[V] {
	if cost == nil {
		cost = func(V) int { return 1 }
	}
	return &Cache[V]{max: max, cost: cost, order: list.New(), byKey: map[string]*list.Element{}}
}

// Get returns the value kept for key at version, now the most recently
// used; none when the value kept is of another version. Asking at a
// newer version forgets every value kept: none can be served again
// (versions only move forward), and after an upload the old views and
// pages were held beside the new ones being made until the first of
// those was kept, raising the server's peak memory.
func (c *Cache[V]) Get(key string, version int64) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if version > c.version {
		c.forgetAll(version)
	}
	el, ok := c.byKey[key]
	if !ok || version != c.version {
		var zero V
		return zero, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*entry[V]).value, true
}

// Put keeps v for key at version, replacing what was kept for it, and
// forgets the least recently used values until the total cost is within
// max. A value costing more than max on its own, or of a version older
// than those kept, is not kept; one of a newer version forgets all the
// others first.
func (c *Cache[V]) Put(key string, version int64, v V) {
	cost := c.cost(v)
	if cost > c.max {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case version < c.version:
		return
	case version > c.version:
		c.forgetAll(version)
	}
	if el, ok := c.byKey[key]; ok {
		c.held -= el.Value.(*entry[V]).cost
		c.order.Remove(el)
	}
	c.byKey[key] = c.order.PushFront(&entry[V]{key: key, value: v, cost: cost})
	c.held += cost
	for c.held > c.max {
		last := c.order.Back()
		old := last.Value.(*entry[V])
		c.order.Remove(last)
		delete(c.byKey, old.key)
		c.held -= old.cost
	}
}

// forgetAll forgets every value kept, for values of version from now.
func (c *Cache[V]) forgetAll(version int64) {
	c.order.Init()
	clear(c.byKey)
	c.held = 0
	c.version = version
}

// Size is the number of values kept and their total cost.
func (c *Cache[V]) Size() (n, cost int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.byKey), c.held
}

// Keys lists the keys kept, the most recently used first.
func (c *Cache[V]) Keys() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	keys := make([]string, 0, c.order.Len())
	for el := c.order.Front(); el != nil; el = el.Next() {
		keys = append(keys, el.Value.(*entry[V]).key)
	}
	return keys
}

// Fill returns what make makes, made once for all the callers that ask
// with the same flight (a key, its version and whatever else decides
// what make gives) at the same time: the first caller makes it, in its
// own goroutine and with its own request, and the others wait for it.
// If the first caller gave up half way (its context ended) and this one
// has not, this one makes its own. make keeps what it makes (Put) when
// it may be kept.
func (c *Cache[V]) Fill(ctx context.Context, flight string, make func() (V, error)) (V, error) {
	v, err, _ := c.group.Do(flight, func() (any, error) { return make() })
	if err != nil && ctx.Err() == nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		return make()
	}
	if err != nil {
		var zero V
		return zero, err
	}
	val, _ := v.(V)
	return val, nil
}

// FillApart is Fill for what is made apart from any one request (make
// must not depend on a caller's context): it is made in a goroutine of
// its own, and each caller waits for it until it is made or the
// caller's context ends. A caller that gives up leaves it to be made,
// and kept, for the others.
func (c *Cache[V]) FillApart(ctx context.Context, flight string, make func() (V, error)) (V, error) {
	ch := c.group.DoChan(flight, func() (any, error) { return make() })
	select {
	case r := <-ch:
		if r.Err != nil {
			var zero V
			return zero, r.Err
		}
		val, _ := r.Val.(V)
		return val, nil
	case <-ctx.Done():
		var zero V
		return zero, ctx.Err()
	}
}

// lru.go is the least-recently-used map the cache keeps vectors in, and
// the cache file its recency order in.

package cache

import "container/list"

// lru maps keys to values, dropping the least recently used beyond cap
// entries (cap < 0: unbounded). Not safe for concurrent use.
type lru[V any] struct {
	cap   int
	order *list.List // front: most recent; elements hold *entry[V]
	items map[Key]*list.Element
}

type entry[V any] struct {
	key Key
	val V
}

func newLRU[V any](cap int) *lru[V] {
	return &lru[V]{cap: cap, order: list.New(), items: map[Key]*list.Element{}}
}

// get returns k's value and marks it most recent.
func (l *lru[V]) get(k Key) (V, bool) {
	if e, ok := l.items[k]; ok {
		l.order.MoveToFront(e)
		return e.Value.(*entry[V]).val, true
	}
	var zero V
	return zero, false
}

// put sets k's value, most recent, and drops the oldest beyond cap.
func (l *lru[V]) put(k Key, v V) {
	if l.cap == 0 {
		return
	}
	if e, ok := l.items[k]; ok {
		e.Value.(*entry[V]).val = v
		l.order.MoveToFront(e)
		return
	}
	l.items[k] = l.order.PushFront(&entry[V]{k, v})
	for l.cap > 0 && l.order.Len() > l.cap {
		old := l.order.Back()
		l.order.Remove(old)
		delete(l.items, old.Value.(*entry[V]).key)
	}
}

// remove drops k.
func (l *lru[V]) remove(k Key) {
	if e, ok := l.items[k]; ok {
		l.order.Remove(e)
		delete(l.items, k)
	}
}

func (l *lru[V]) len() int { return l.order.Len() }

// each calls f from the most to the least recent until f returns false.
func (l *lru[V]) each(f func(k Key, v V) bool) {
	for e := l.order.Front(); e != nil; e = e.Next() {
		en := e.Value.(*entry[V])
		if !f(en.key, en.val) {
			return
		}
	}
}

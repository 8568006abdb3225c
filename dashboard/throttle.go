package dashboard

import (
	"sync"
	"time"
)

// throttle limits failed sign-ins per key (a user name, or a client's
// address) within a window, in memory and bounded: a server holds at most
// maxKeys keys, forgetting the stalest first. Several servers each keep
// their own count, so the limit is per server.
type throttle struct {
	mu      sync.Mutex
	window  time.Duration
	limit   int
	maxKeys int
	fails   map[string][]time.Time
	now     func() time.Time
}

func newThrottle(limit int, window time.Duration, now func() time.Time) *throttle {
	return &throttle{window: window, limit: limit, maxKeys: 10000, fails: map[string][]time.Time{}, now: now}
}

// recent drops failures older than the window and returns the rest.
func (t *throttle) recent(key string) []time.Time {
	cutoff := t.now().Add(-t.window)
	fs := t.fails[key]
	i := 0
	for i < len(fs) && !fs[i].After(cutoff) {
		i++
	}
	fs = fs[i:]
	if len(fs) == 0 {
		delete(t.fails, key)
	} else {
		t.fails[key] = fs
	}
	return fs
}

// allowed reports whether key may try again, and if not, when it may.
func (t *throttle) allowed(key string) (bool, time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	fs := t.recent(key)
	if len(fs) < t.limit {
		return true, 0
	}
	return false, fs[0].Add(t.window).Sub(t.now())
}

// fail records a failed attempt for key.
func (t *throttle) fail(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.fails[key]; !ok && len(t.fails) >= t.maxKeys {
		t.evict()
	}
	t.fails[key] = append(t.recent(key), t.now())
}

// reset forgets key's failures, after a successful sign-in.
func (t *throttle) reset(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.fails, key)
}

// evict forgets the key whose latest failure is oldest.
func (t *throttle) evict() {
	var oldestKey string
	var oldest time.Time
	for k, fs := range t.fails {
		if last := fs[len(fs)-1]; oldestKey == "" || last.Before(oldest) {
			oldestKey, oldest = k, last
		}
	}
	delete(t.fails, oldestKey)
}

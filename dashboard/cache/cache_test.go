package cache

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestKeepsWithinItsCostLeastRecentlyUsedFirst(t *testing.T) {
	c := New(10, func(n int) int { return n })
	c.Put("a", 1, 4)
	c.Put("b", 1, 4)
	c.Put("huge", 1, 11) // more than the whole budget: not kept
	if _, ok := c.Get("huge", 1); ok {
		t.Error("a value over the budget was kept")
	}
	c.Get("a", 1) // b is now the least recently used
	c.Put("c", 1, 4)
	if _, ok := c.Get("b", 1); ok {
		t.Error("the least recently used value (b) is still kept over the budget")
	}
	for _, k := range []string{"a", "c"} {
		if _, ok := c.Get(k, 1); !ok {
			t.Errorf("%s was forgotten, though b was used less recently", k)
		}
	}
	if n, held := c.Size(); n != 2 || held != 8 {
		t.Errorf("size %d, %d; want 2, 8", n, held)
	}
	c.Put("a", 1, 2) // replacing a value counts its new cost only
	if _, held := c.Size(); held != 6 {
		t.Errorf("held %d after replacing a, want 6", held)
	}
	if keys := fmt.Sprint(c.Keys()); keys != "[a c]" {
		t.Errorf("keys %s, want [a c], the most recently used first", keys)
	}
}

func TestValuesAreTiedToTheirVersion(t *testing.T) {
	c := New[string](8, nil)
	c.Put("a", 1, "a@1")
	c.Put("b", 1, "b@1")
	if _, ok := c.Get("a", 2); ok {
		t.Error("a value of version 1 was given for version 2")
	}
	if n, held := c.Size(); n != 0 || held != 0 {
		t.Errorf("after a request at a newer version, %d values (cost %d) of the older one are still held", n, held)
	}
	if _, ok := c.Get("b", 1); ok {
		t.Error("a value of version 1 was given after version 2 was asked for")
	}
	c.Put("c", 2, "c@2")
	if n, _ := c.Size(); n != 1 {
		t.Errorf("a newer version kept %d values, want only its own", n)
	}
	if _, ok := c.Get("a", 1); ok {
		t.Error("a value of the old version is still given")
	}
	c.Put("a", 1, "a@1") // made before the version moved, put after
	if _, ok := c.Get("a", 1); ok {
		t.Error("a value of an older version was kept beside the newer ones")
	}
	if v, ok := c.Get("c", 2); !ok || v != "c@2" {
		t.Error("a value of an older version made the newer ones forgotten")
	}
}

// Concurrent fills of one flight make the value once, and every caller
// gets it; an error is given, not kept.
func TestFillMakesOnce(t *testing.T) {
	for name, fill := range map[string]func(*Cache[string], context.Context, string, func() (string, error)) (string, error){
		"Fill": (*Cache[string]).Fill, "FillApart": (*Cache[string]).FillApart,
	} {
		t.Run(name, func(t *testing.T) {
			c := New[string](8, nil)
			var made atomic.Int64
			release := make(chan struct{})
			var wg sync.WaitGroup
			var got sync.Map
			for i := range 20 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					v, _ := fill(c, t.Context(), "slow@3", func() (string, error) {
						made.Add(1)
						<-release
						c.Put("slow", 3, "slow@v3")
						return "slow@v3", nil
					})
					got.Store(i, v)
				}()
			}
			time.Sleep(50 * time.Millisecond)
			close(release)
			wg.Wait()
			if n := made.Load(); n != 1 {
				t.Errorf("20 concurrent fills made the value %d times, want 1", n)
			}
			got.Range(func(k, v any) bool {
				if v != "slow@v3" {
					t.Errorf("caller %v got %v", k, v)
				}
				return true
			})
			if _, err := fill(c, t.Context(), "err", func() (string, error) { return "", errors.New("database down") }); err == nil {
				t.Error("an error was not given")
			}
			if v, err := fill(c, t.Context(), "err", func() (string, error) { return "ok", nil }); err != nil || v != "ok" {
				t.Errorf("after an error: %q, %v", v, err)
			}
		})
	}
}

// A caller that gives up does not wait for a value made apart, nor gets
// one of an older version meanwhile.
func TestFillApartLetsACallerGiveUp(t *testing.T) {
	c := New[string](8, nil)
	c.Put("a", 3, "a@3")
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	never := make(chan struct{})
	defer close(never)
	if v, err := c.FillApart(ctx, "a@4", func() (string, error) { <-never; return "a@4", nil }); err == nil || v != "" {
		t.Errorf("a cancelled caller waiting on a value got %q, %v", v, err)
	}
}

// When the caller making a value gives up half way, another waiting for
// it makes its own.
func TestFillAfterTheFirstCallerGaveUp(t *testing.T) {
	c := New[string](8, nil)
	first, cancel := context.WithCancel(t.Context())
	started := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.Fill(first, "k", func() (string, error) {
			close(started)
			<-first.Done()
			return "", first.Err()
		})
	}()
	<-started
	result := make(chan string)
	go func() {
		v, err := c.Fill(t.Context(), "k", func() (string, error) { return "own", nil })
		if err != nil {
			t.Error(err)
		}
		result <- v
	}()
	time.Sleep(20 * time.Millisecond)
	cancel()
	if v := <-result; v != "own" {
		t.Errorf("the second caller got %q, want its own value", v)
	}
	<-done
}

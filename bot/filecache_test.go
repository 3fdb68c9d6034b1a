package bot_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/tokenbot/tokenbot/bot"
)

func TestFileCache(t *testing.T) {
	ctx := context.Background()
	c := bot.NewFileCache(1000)
	var fetches atomic.Int32
	fetch := func(text string) func() (*bot.File, error) {
		return func() (*bot.File, error) {
			fetches.Add(1)
			return &bot.File{Name: "f", Text: text}, nil
		}
	}
	// Concurrent callers for one id share one fetch.
	release := make(chan struct{})
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f, err := c.Get(ctx, "a", func() (*bot.File, error) { <-release; return fetch("alpha")() })
			if err != nil || f.Text != "alpha" {
				t.Errorf("Get = %+v, %v", f, err)
			}
		}()
	}
	close(release)
	wg.Wait()
	if n := fetches.Load(); n != 1 {
		t.Errorf("%d fetches for one id, want 1", n)
	}
	// A failure is not remembered; "not to be scanned" (nil) is.
	if _, err := c.Get(ctx, "b", func() (*bot.File, error) { return nil, errors.New("down") }); err == nil {
		t.Error("the failure was not returned")
	}
	if f, err := c.Get(ctx, "b", fetch("beta")); err != nil || f.Text != "beta" {
		t.Errorf("after a failure: %+v, %v", f, err)
	}
	if f, _ := c.Get(ctx, "bin", func() (*bot.File, error) { return nil, nil }); f != nil {
		t.Errorf("nil entry = %+v", f)
	}
	if f, _ := c.Get(ctx, "bin", fetch("never")); f != nil {
		t.Error("a file not to be scanned was fetched again")
	}
	// Over its size, the oldest entries go; a file larger than the cache
	// is returned but not kept.
	before := fetches.Load()
	c.Get(ctx, "big", fetch(strings.Repeat("x", 900)))
	c.Get(ctx, "a", fetch("alpha"))
	c.Get(ctx, "huge", fetch(strings.Repeat("y", 2000)))
	c.Get(ctx, "huge", fetch(strings.Repeat("y", 2000)))
	if n := fetches.Load() - before; n != 4 {
		t.Errorf("%d fetches, want 4 (big, a again after big pushed it out, huge twice)", n)
	}
}

package web

import (
	"github.com/tokenbot/tokenbot/bot/bottest"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	now := time.Unix(1700000000, 0)
	l := newLimiter(2, 3) // 2 a second, 3 at once
	l.now = func() time.Time { return now }
	steps := []struct {
		advance time.Duration
		client  string
		ok      bool
		wait    time.Duration
	}{
		{0, "a", true, 0}, {0, "a", true, 0}, {0, "a", true, 0},
		{0, "a", false, 500 * time.Millisecond}, // the burst is spent
		{0, "b", true, 0},                       // another client has its own
		{250 * time.Millisecond, "a", false, 250 * time.Millisecond},
		{250 * time.Millisecond, "a", true, 0}, // refilled one
		{10 * time.Second, "a", true, 0},
	}
	for i, s := range steps {
		now = now.Add(s.advance)
		ok, wait := l.allow(s.client)
		if ok != s.ok || wait != s.wait {
			t.Errorf("step %d (%s): allow = %v, %v; want %v, %v", i, s.client, ok, wait, s.ok, s.wait)
		}
	}
	// Clients whose bucket refilled are forgotten.
	now = now.Add(2 * time.Minute)
	l.allow("c")
	if len(l.buckets) != 1 {
		t.Errorf("%d buckets kept, want only the active client's", len(l.buckets))
	}
}

func TestAdminTokenGuessesAreLimited(t *testing.T) {
	ts := startServer(t, Config{AdminToken: "a-long-enough-admin-token-0123"}, bottest.Options{})
	now := time.Unix(1700000000, 0)
	ts.logins.now = func() time.Time { return now }
	guess := func() *http.Response {
		req := httptest.NewRequest(http.MethodPost, "http://127.0.0.1/login", strings.NewReader(url.Values{"token": {"wrong"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", "http://127.0.0.1")
		rec := httptest.NewRecorder()
		ts.Handler().ServeHTTP(rec, req)
		return rec.Result()
	}
	for i := range 5 {
		if resp := guess(); resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "wrong-token") {
			t.Fatalf("guess %d: %d %s, want a redirect back to the form", i, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	resp := guess()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("sixth guess: %d, Retry-After %q; want 429 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	now = now.Add(7 * time.Second)
	if resp := guess(); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("after waiting: %d, want the form again", resp.StatusCode)
	}
}

package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tokenbot/tokenbot/bot/bottest"
)

// BenchmarkPostMessage measures one chat question through the handler and
// the real core (FAQ search included), without the network.
func BenchmarkPostMessage(b *testing.B) {
	ts := startServer(b, Config{}, bottest.Options{})
	unlimited(ts)
	h := ts.Handler()
	body := `{"text":"What is the difference between an API key and a token?"}`
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest("POST", "http://127.0.0.1/api/messages", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(CSRFHeader, "1")
		req.AddCookie(&http.Cookie{Name: viewerCookie, Value: "0123456789abcdef0123456789abcdef"})
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusCreated {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		// Keep the channel small so that every iteration does the same work.
		ts.chans.mu.Lock()
		ts.chans.byName[ts.cfg.Channel] = nil
		ts.chans.mu.Unlock()
	}
}

// BenchmarkTokensAPI measures POST /api/tokens on a 2 KB text.
func BenchmarkTokensAPI(b *testing.B) {
	ts := startServer(b, Config{}, bottest.Options{})
	ts.core.Router.Counter.Warm(context.Background())
	unlimited(ts)
	h := ts.Handler()
	body := `{"text":"` + strings.Repeat("Tokenizers split text into pieces; 密钥不是令牌。 ", 40) + `"}`
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest("POST", "http://127.0.0.1/api/tokens", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(CSRFHeader, "1")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}

// unlimited lifts the per-client limit of posts: a benchmark runs past its
// burst of 30 requests, and measures the handler and the core, not the
// limiter's 429.
func unlimited(ts *testServer) {
	ts.posts.mu.Lock()
	defer ts.posts.mu.Unlock()
	ts.posts.rate, ts.posts.burst = 1e9, 1<<30
}

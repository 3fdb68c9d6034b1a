package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tokenbot/tokenbot/bot/bottest"
)

// newBareServer builds a server to call through its Handler, with a
// scanner that counts its work; logs returns what it logged.
func newBareServer(t *testing.T, cfg Config) (s *Server, sc *bottest.CountingScanner, logs func() string) {
	t.Helper()
	core := bottest.New(t, bottest.Options{})
	sc = &bottest.CountingScanner{Scanner: core.Router.Scanner}
	r := *core.Router
	r.Scanner = sc
	if cfg.AdminToken == "" {
		cfg.Loopback = true
	}
	s, err := New(cfg, Deps{Router: &r, Store: core.Store, Log: core.Log})
	if err != nil {
		t.Fatal(err)
	}
	return s, sc, core.Logs
}

func serve(s *Server, path, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", path, strings.NewReader(body))
	req.Host = "127.0.0.1"
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(CSRFHeader, "1")
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	return rec
}

// A text above its size limit is refused before a byte of it is scanned.
func TestSizeLimitsBeforeScan(t *testing.T) {
	s, sc, _ := newBareServer(t, Config{})
	big := strings.Repeat("a", MaxMessageBytes+1)
	huge := strings.Repeat("b", s.router.Counter.MaxBytes()+1)
	tests := []struct {
		name, path, body string
		want             int
	}{
		{"chat message", "/api/messages", `{"text":"` + big + `"}`, http.StatusRequestEntityTooLarge},
		{"slash command", "/api/messages", `{"text":"/tokens ` + huge + `"}`, http.StatusRequestEntityTooLarge},
		{"tokenizer", "/api/tokens", `{"text":"` + huge + `"}`, http.StatusRequestEntityTooLarge},
		{"body over the limit", "/api/tokens", `{"text":"` + strings.Repeat("c", DefaultMaxBodyBytes) + `"}`, http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc.Reset()
			rec := serve(s, tt.path, tt.body)
			if rec.Code != tt.want {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.want, rec.Body)
			}
			if n := sc.Scanned(); n != 0 {
				t.Errorf("scanned %d bytes of a refused text", n)
			}
		})
	}
}

// Requests are bounded by the bytes all of them hold together: with the
// budget taken, a request is refused with Retry-After; once freed, it runs.
func TestInflightByteBudget(t *testing.T) {
	s, _, _ := newBareServer(t, Config{MaxBodyBytes: 1 << 16, MaxInflightBytes: 1 << 18})
	body := `{"text":"hello world"}`
	if !s.inflightBytes.TryAcquire(1<<18 - int64(len(body)) + 1) {
		t.Fatal("could not take the budget")
	}
	rec := serve(s, "/api/tokens", body)
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("with the budget spent: status %d, Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
	}
	s.inflightBytes.Release(1)
	if rec := serve(s, "/api/tokens", body); rec.Code != http.StatusOK {
		t.Fatalf("with room for the body: status %d: %s", rec.Code, rec.Body)
	}
}

// A chat message is scanned once: the scan that masks it on the page is
// the one the core decides on. Of /tokens only the argument is scanned (its
// model names once more, alone, as the report repeats them). The bot's own
// replies are masked again before they are stored (Execute), counted apart.
func TestMessageScannedOnce(t *testing.T) {
	for _, tt := range []struct{ text, scanned string }{
		{"lunch at noon today", "lunch at noon today"},
		{"our deploy key is in the vault", "our deploy key is in the vault"},
		{"/tokens hello world", "hello world"},
		{"@tokenbot /tokens model=gpt-4o hi there ", "model=gpt-4o hi there" + "gpt-4o"},
	} {
		s, sc, _ := newBareServer(t, Config{})
		rec := serve(s, "/api/messages", `{"text":"`+tt.text+`"}`)
		if rec.Code != http.StatusCreated {
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		var view ChannelView
		if err := json.Unmarshal(rec.Body.Bytes(), &view); err != nil {
			t.Fatal(err)
		}
		replies := 0
		for _, m := range view.Messages {
			if m.Bot {
				replies += len(m.Text)
			}
		}
		if n := sc.Scanned() - int64(replies); n != int64(len(tt.scanned)) {
			t.Errorf("%q: scanned %d bytes besides the replies, want %d (once)", tt.text, n, len(tt.scanned))
		}
	}
}

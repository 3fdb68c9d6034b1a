package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tokenbot/tokenbot/bot/bottest"
)

// FuzzAPI sends arbitrary bodies to the POST endpoints: every answer is a
// JSON document with a client or success status, never a panic or a 500.
func FuzzAPI(f *testing.F) {
	for _, seed := range []string{
		`{"text":"What is an AI token?"}`, `{"text":"/tokens hello"}`, `{"text":"@tokenbot /tokens model=nope x"}`,
		`{"text":"\u0000\ud800"}`, `{"text":""}`, `[]`, `null`, `{"text":"a","name":"<script>"}`, "\xff\xfe", `{"text":"` + strings.Repeat("密", 100) + `"}`,
		`{"text":"hi","encoding":"cl100k_base","models":["gpt-4o","gpt-4o"]}`,
	} {
		f.Add("/api/messages", seed)
		f.Add("/api/tokens", seed)
	}
	core := bottest.New(f, bottest.Options{})
	s, err := New(Config{Loopback: true, MaxBodyBytes: 64 << 10}, Deps{Router: core.Router, Store: core.Store, Log: core.Log})
	if err != nil {
		f.Fatal(err)
	}
	h := s.Handler()
	f.Fuzz(func(t *testing.T, path, body string) {
		if path != "/api/messages" && path != "/api/tokens" {
			path = "/api/messages"
		}
		req := httptest.NewRequest("POST", "http://127.0.0.1"+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(CSRFHeader, "1")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 || rec.Code == http.StatusOK && path == "/api/messages" {
			t.Fatalf("POST %s %q: %d %s", path, body, rec.Code, rec.Body)
		}
		if !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
			t.Fatalf("POST %s %q: content type %q", path, body, rec.Header().Get("Content-Type"))
		}
	})
}

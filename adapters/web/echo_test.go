package web

import (
	"bytes"
	"strings"
	"testing"

	"github.com/tokenbot/tokenbot/bot/bottest"
)

// No answer of the playground API, no page of the dashboard (messages,
// audit, stats, unanswered questions) and no log line repeats a
// key planted in any field of a request, in a field's name or in a
// message, not even the part a field's length limit keeps.
func TestAPINoEcho(t *testing.T) {
	key, gh := bottest.KeyPair(31)
	tests := []struct {
		name, path string
		body       any
		raw        string
		secret     string
		wantWarn   bool
	}{
		{"name field", "/api/messages", map[string]string{"text": "hello there", "name": gh}, "", gh, false},
		{"name field with a prefix", "/api/messages", map[string]string{"text": "hello there", "name": "dev " + gh}, "", gh, false},
		{"unknown field", "/api/messages", nil, `{"text":"hi","` + gh + `":1}`, gh, false},
		{"unknown field in tokens", "/api/tokens", nil, `{"text":"hi","` + key + `":1}`, key, false},
		{"wrong type", "/api/tokens", nil, `{"text":"hi","encoding":["` + key + `"]}`, key, false},
		{"malformed JSON", "/api/messages", nil, `{"text":"` + key + `",`, key, false},
		{"message text", "/api/messages", map[string]string{"text": "prod key " + key}, "", key, false},
		{"question", "/api/messages", map[string]string{"text": "@tokenbot is " + gh + " an API key or a token?"}, "", gh, false},
		{"tokens text", "/api/tokens", map[string]string{"text": "count " + key}, "", key, true},
		{"tokens encoding", "/api/tokens", map[string]string{"text": "hello", "encoding": key}, "", key, true},
		{"tokens model", "/api/tokens", map[string]any{"text": "hello", "models": []string{gh}}, "", gh, true},
		{"slash command encoding", "/api/messages", map[string]string{"text": "/tokens encoding=" + key + " hi"}, "", key, true},
		{"slash command model", "/api/messages", map[string]string{"text": "/tokens model=" + gh + " hi"}, "", gh, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := startServer(t, Config{AdminToken: authToken}, bottest.Options{})
			c := newClient(t, ts.URL())
			var res response
			if tt.raw != "" {
				res = c.do("POST", tt.path, bytes.NewReader([]byte(tt.raw)), map[string]string{"Content-Type": "application/json", CSRFHeader: "1"})
			} else {
				res = c.post(tt.path, tt.body)
			}
			admin := map[string]string{"Authorization": "Bearer " + authToken}
			pages := map[string]string{"answer": string(res.body)}
			for _, p := range []string{"/api/messages", "/api/audit", "/api/stats"} {
				r := c.do("GET", p, nil, admin)
				if r.status != 200 {
					t.Fatalf("GET %s = %d", p, r.status)
				}
				pages[p] = string(r.body)
			}
			pages["every response"] = ts.rec.String()
			ts.core.AssertNoEcho(t, tt.secret, pages)
			if tt.wantWarn && !strings.Contains(string(res.body), "rotate") {
				t.Errorf("no rotate warning: %s", res.body)
			}
		})
	}
}

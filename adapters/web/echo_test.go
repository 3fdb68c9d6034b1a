package web

import (
	"bytes"
	"strings"
	"testing"

	"github.com/tokenbot/tokenbot/bot/bottest"
)

// No answer of the playground API, and no log line, repeats a key planted
// in any field of a request, not even the part a field's length limit
// keeps.
func TestAPINoEcho(t *testing.T) {
	ts := startServer(t, Config{}, bottest.Options{})
	c := newClient(t, ts.URL())
	key, gh := bottest.AnthropicKey(31), bottest.GitHubToken(32)
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
		{"tokens encoding", "/api/tokens", map[string]string{"text": "hello", "encoding": key}, "", key, true},
		{"tokens model", "/api/tokens", map[string]any{"text": "hello", "models": []string{gh}}, "", gh, true},
		{"slash command encoding", "/api/messages", map[string]string{"text": "/tokens encoding=" + key + " hi"}, "", key, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var res response
			if tt.raw != "" {
				res = c.do("POST", tt.path, bytes.NewReader([]byte(tt.raw)), map[string]string{"Content-Type": "application/json", CSRFHeader: "1"})
			} else {
				res = c.post(tt.path, tt.body)
			}
			msgs := c.get("/api/messages")
			out := string(res.body) + string(msgs.body) + ts.core.Logs()
			if w := bottest.Leaked(out, tt.secret); w != "" {
				t.Fatalf("status %d: output repeats %q of the key:\n%s", res.status, w, out)
			}
			if tt.wantWarn && !strings.Contains(out, "rotate") {
				t.Errorf("no rotate warning: %s", out)
			}
		})
	}
}

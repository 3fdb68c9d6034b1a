package safeurl

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

func TestString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://example.com/models.json", "https://example.com/models.json"},
		{"https://user:hunter2@example.com/models.json?key=qz7TOKEN#frag", "https://example.com/models.json"},
		{"https://ghp_tokenAsUser@github.com/o/r.git", "https://github.com/o/r.git"},
		{"wss://wss-primary.slack.com/link/?ticket=abc-123&app_id=A1", "wss://wss-primary.slack.com/link/"},
		{"https://discord.com/api/webhooks/123456/tOkEn-abc/messages/@original", "https://discord.com/api/webhooks/123456/…/messages/@original"},
		{"https://discord.com/api/v10/interactions/987/aW50ZXJhY3Rpb24/callback", "https://discord.com/api/v10/interactions/987/…/callback"},
		{"https://hooks.slack.com/services/T000/B000/XXXXsecret", "https://hooks.slack.com/services/…/…/…"},
		{"https://hooks.slack.com/commands/T111/123/xyz", "https://hooks.slack.com/commands/…/…/…"},
		{"mailto:someone@example.com", "mailto:…"},
		{"https://example.com:abc/?ticket=x", "(invalid URL)"},
	}
	for _, tt := range tests {
		if got := String(tt.in); got != tt.want {
			t.Errorf("String(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"no url here", "no url here"},
		{`Post "https://hooks.slack.com/commands/T1/2/sekret": dial tcp: refused`, `Post "https://hooks.slack.com/commands/…/…/…": dial tcp: refused`},
		{"see https://a.example/x?token=zz9, then retry.", "see https://a.example/x, then retry."},
		{`parse "wss://h:abc/link?ticket=t1ck3t": invalid port ":abc" after host`, `parse "(invalid URL)": invalid port ":abc" after host`},
		{"two: http://u:p@a.example/ and https://b.example/?q=1", "two: http://a.example/ and https://b.example/"},
	}
	for _, tt := range tests {
		if got := Text(tt.in); got != tt.want {
			t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestErrorKeepsChain(t *testing.T) {
	base := errors.New("refused")
	err := fmt.Errorf("send: %w", &url.Error{Op: "Post", URL: "https://x.example/hook?token=s3cr3tvalue", Err: base})
	got := Error(err)
	if strings.Contains(got.Error(), "s3cr3tvalue") {
		t.Errorf("Error(err) = %q repeats the query", got)
	}
	if !errors.Is(got, base) {
		t.Error("errors.Is no longer finds the cause")
	}
	if Error(nil) != nil {
		t.Error("Error(nil) is not nil")
	}
	if plain := errors.New("plain"); Error(plain) != plain {
		t.Error("an error without a URL is not returned as it is")
	}
}

package slack

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tokenbot/tokenbot/adapters/slack/fakeslack"
)

// A key in a /tokens option or as the command itself is not repeated in
// the reply, which says to rotate it.
func TestSlashCommandArgumentsAreNotEchoed(t *testing.T) {
	tests := []struct{ name, command, text, secret string }{
		{"encoding option", "/tokens", "encoding=" + anthropicKey + " hello", anthropicKey},
		{"model option", "/tokens", "model=" + githubToken + " hello", githubToken},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, options{})
			p := h.start()
			id := "r-echo-" + string(rune('a'+i))
			form := url.Values{"team_id": {fakeslack.TeamID}, "channel_id": {general}, "channel_name": {"general"}, "user_id": {alice},
				"user_name": {"alice"}, "command": {tt.command}, "text": {tt.text},
				"response_url": {h.fake.ResponseURL(id)}, "trigger_id": {"trig-" + id}}
			h.post(p.srv, "/slack/commands", "application/x-www-form-urlencoded", []byte(form.Encode()), time.Now(), nil)
			h.drain(p)
			calls := h.fake.Calls("response_url")
			if len(calls) != 1 {
				t.Fatalf("response_url calls = %d, want 1", len(calls))
			}
			if !strings.Contains(calls[0].Params["text"], "rotate") {
				t.Errorf("reply does not say to rotate: %q", calls[0].Params["text"])
			}
			if all := h.fake.Requests() + h.core.Logs(); strings.Contains(all, tt.secret[:20]) {
				t.Error("a reply or log line repeats the key")
			}
		})
	}
}

package slack

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/tokenbot/tokenbot/adapters/slack/fakeslack"
	"github.com/tokenbot/tokenbot/bot"
	"github.com/tokenbot/tokenbot/bot/leaks"
)

// heldScanner holds every scan until released.
type heldScanner struct {
	bot.Scanner
	release chan struct{}
}

func (h *heldScanner) ScanContext(ctx context.Context, text string) ([]leaks.Finding, error) {
	<-h.release
	return h.Scanner.ScanContext(ctx, text)
}

// A slash command is acknowledged before anything of it is scanned or
// counted (Slack shows the user an error when the answer takes more than
// 3 seconds); its report follows through the response_url.
func TestSlashCommandAcknowledgedBeforeCounting(t *testing.T) {
	h := newHarness(t, options{})
	sc := &heldScanner{Scanner: h.core.Router.Scanner, release: make(chan struct{})}
	r := *h.core.Router
	r.Scanner = sc
	h.d.Router = &r
	p := h.start()
	form := url.Values{"team_id": {fakeslack.TeamID}, "channel_id": {general}, "channel_name": {"general"}, "user_id": {alice},
		"user_name": {"alice"}, "command": {"/tokens"}, "text": {"hello world"},
		"response_url": {h.fake.ResponseURL("r-ack")}, "trigger_id": {"trig-ack"}}
	// Every scan is held until the acknowledgement is in: a handler that
	// counted before answering would never answer.
	resp := h.post(p.srv, "/slack/commands", "application/x-www-form-urlencoded", []byte(form.Encode()), time.Now(), nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if n := len(h.fake.Calls("response_url")); n != 0 {
		t.Fatalf("%d answers before the count ran", n)
	}
	close(sc.release)
	h.drain(p)
	if calls := h.fake.Calls("response_url"); len(calls) != 1 || calls[0].Params["response_type"] != "ephemeral" {
		t.Fatalf("response_url calls = %+v, want one ephemeral report", calls)
	}
}

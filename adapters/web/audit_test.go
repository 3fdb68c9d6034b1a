package web

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tokenbot/tokenbot/bot/bottest"
	"github.com/tokenbot/tokenbot/bot/ledger"
)

// A detail recorded before executor errors were redacted (a platform error
// quoting a key, a webhook URL with its token) is redacted by /api/audit.
func TestAuditRedactsOldDetails(t *testing.T) {
	s, _, _ := newBareServer(t, Config{AdminToken: authToken})
	key := bottest.GitHubToken(19)
	const hookToken = "WhK9tokenPathSecret_x1y2z3"
	k := ledger.Key{Platform: "discord", Workspace: "G1", Channel: "C1", MessageID: "111"}
	ctx := context.Background()
	ok, _, err := s.deps.Store.Claim(ctx, ledger.Record{Key: k, Poster: "U1", Rule: "github-pat", Provider: "GitHub",
		Masked: "ghp_…abcd", Fingerprint: strings.Repeat("ab", 16)}, "old", time.Minute)
	if err != nil || !ok {
		t.Fatalf("claim: %v, %v", ok, err)
	}
	detail := "missing permission: POST https://discord.com/api/webhooks/1/" + hookToken + "?wait=true: text \"my key " + key + "\""
	if err := s.deps.Store.Finish(ctx, k, "old", ledger.Escalated, 1, detail); err != nil {
		t.Fatal(err)
	}
	rec := do(s, authRequest("GET", "/api/audit", "", map[string]string{"Authorization": "Bearer " + authToken}))
	body := rec.Body.String()
	if rec.Code != http.StatusOK || !strings.Contains(body, "discord.com/api/webhooks/1/…") {
		t.Fatalf("status %d: %s", rec.Code, body)
	}
	if strings.Contains(body, hookToken) || bottest.Leaked(body, key) != "" {
		t.Errorf("/api/audit repeats the detail's credentials: %s", body)
	}
}

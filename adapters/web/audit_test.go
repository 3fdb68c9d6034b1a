package web

import (
	"context"
	"encoding/json"
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

// /api/audit shows the edits recorded against a takedown — the unedited
// message delivered after an edit's takedown among them — and nothing of
// the kind for a takedown without edits.
func TestAuditShowsLaterRevisions(t *testing.T) {
	s, _, _ := newBareServer(t, Config{AdminToken: authToken})
	ctx := context.Background()
	claim := func(msg, revision string) {
		t.Helper()
		rec := ledger.Record{Key: ledger.Key{Platform: "slack", Workspace: "T1", Channel: "C1", MessageID: msg, Revision: revision},
			Poster: "U1", Rule: "github-pat", Provider: "GitHub", Masked: "ghp_…abcd", Action: ledger.ActionTakedown}
		if _, _, err := s.deps.Store.Claim(ctx, rec, "serve", time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	claim("edited", "")
	claim("edited", "1700000042.000100")
	claim("edited", "1700000042.000100")
	claim("late", "1700000050.000300")
	claim("late", "")
	claim("plain", "")
	rec := do(s, authRequest("GET", "/api/audit", "", map[string]string{"Authorization": "Bearer " + authToken}))
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var got struct {
		Entries []struct {
			MessageID      string  `json:"message_id"`
			LaterRevisions *int    `json:"later_revisions"`
			LastRevision   *string `json:"last_revision"`
		} `json:"entries"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatalf("%v: %s", err, rec.Body)
	}
	type row struct {
		later int
		last  string
	}
	want := map[string]row{"edited": {1, "1700000042.000100"}, "late": {1, ""}, "plain": {0, ""}}
	if len(got.Entries) != len(want) {
		t.Fatalf("entries %s, want one per message", rec.Body)
	}
	for _, e := range got.Entries {
		var r row
		if e.LaterRevisions != nil {
			r.later = *e.LaterRevisions
		}
		if e.LastRevision != nil {
			r.last = *e.LastRevision
		}
		if r != want[e.MessageID] || (r.later == 0) != (e.LaterRevisions == nil) {
			t.Errorf("%s: later_revisions %v, last_revision %q; want %+v", e.MessageID, e.LaterRevisions, r.last, want[e.MessageID])
		}
	}
}

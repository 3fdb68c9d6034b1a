package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tokenbot/tokenbot/bot/ledger"
)

// The edits of a message taken down are shown against its takedown, in
// the table and in --json; a takedown without edits shows none.
func TestAuditShowsLaterRevisions(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	store, err := ledger.OpenSQLite(ctx, filepath.Join(dir, "ledger.db"))
	if err != nil {
		t.Fatal(err)
	}
	claim := func(msg, revision, action string) {
		t.Helper()
		rec := ledger.Record{Key: ledger.Key{Platform: "slack", Workspace: "T1", Channel: "C1", MessageID: msg, Revision: revision},
			Time: time.Date(2026, 11, 25, 23, 0, 0, 0, time.UTC), Poster: "U" + msg, Rule: "openai-api-key", Provider: "OpenAI",
			Masked: "sk-proj-…abcd", Action: action}
		if _, _, err := store.Claim(ctx, rec, "serve", time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	claim("edited", "", ledger.ActionTakedown)
	claim("edited", "1700000042.000100", ledger.ActionTakedown)
	claim("edited", "1700000043.000200", ledger.ActionWarn)
	claim("plain", "", ledger.ActionTakedown)
	// An edit taken down, then the original delivered late (twice): the
	// first revision recorded against the takedown is the unedited one.
	claim("late", "1700000050.000300", ledger.ActionTakedown)
	claim("late", "", ledger.ActionTakedown)
	claim("late", "", ledger.ActionTakedown)
	for _, k := range []ledger.Key{
		{Platform: "slack", Workspace: "T1", Channel: "C1", MessageID: "edited"},
		{Platform: "slack", Workspace: "T1", Channel: "C1", MessageID: "plain"},
		{Platform: "slack", Workspace: "T1", Channel: "C1", MessageID: "late", Revision: "1700000050.000300"},
	} {
		if err := store.Finish(ctx, k, "serve", ledger.Deleted, 1, ""); err != nil {
			t.Fatal(err)
		}
	}
	store.Close()

	t.Run("table", func(t *testing.T) {
		code, out, stderr := tokenbot(t, dir, "", "audit")
		if code != 0 {
			t.Fatalf("audit: exit %d, %q", code, stderr)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != 4 || !strings.HasSuffix(lines[0], "ATTEMPTS  LATER REVISIONS") {
			t.Fatalf("audit table:\n%s", out)
		}
		for _, tc := range []struct{ poster, want string }{
			{"Uedited", "deleted  1         2 (last 1700000043.000200)"},
			{"Uplain", "deleted  1"},
			{"Ulate", "deleted  1         1 (last the original)"},
		} {
			var line string
			for _, l := range lines[1:] {
				if strings.Contains(l, " "+tc.poster+" ") {
					line = strings.TrimRight(l, " ")
				}
			}
			if !strings.HasSuffix(line, tc.want) {
				t.Errorf("row of %s = %q, want it to end %q", tc.poster, line, tc.want)
			}
		}
	})

	t.Run("json", func(t *testing.T) {
		code, out, stderr := tokenbot(t, dir, "", "audit", "--json")
		if code != 0 {
			t.Fatalf("audit --json: exit %d, %q", code, stderr)
		}
		type row struct {
			MessageID      string  `json:"message_id"`
			LaterRevisions *int    `json:"later_revisions"`
			LastRevision   *string `json:"last_revision"`
		}
		got := map[string]row{}
		dec := json.NewDecoder(strings.NewReader(out))
		for dec.More() {
			var r row
			if err := dec.Decode(&r); err != nil {
				t.Fatalf("%v in %s", err, out)
			}
			got[r.MessageID] = r
		}
		if len(got) != 3 {
			t.Fatalf("audit --json rows %v, want the three takedowns", got)
		}
		if e := got["edited"]; e.LaterRevisions == nil || *e.LaterRevisions != 2 || e.LastRevision == nil || *e.LastRevision != "1700000043.000200" {
			t.Errorf("edited takedown: %s", out)
		}
		if p := got["plain"]; p.LaterRevisions != nil || p.LastRevision != nil {
			t.Errorf("takedown without edits shows later revisions: %s", out)
		}
		if l := got["late"]; l.LaterRevisions == nil || *l.LaterRevisions != 1 || l.LastRevision != nil {
			t.Errorf("edit's takedown with the original late: %s", out)
		}
	})
}

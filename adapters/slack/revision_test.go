package slack

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tokenbot/tokenbot/adapters/slack/fakeslack"
	"github.com/tokenbot/tokenbot/bot/bottest"
	"github.com/tokenbot/tokenbot/bot/ledger"
)

// lowConfidence is a finding the policy warns about and does not delete.
const lowConfidence = "MISTRAL_API_KEY=TPdLCVUpJOXbLpz79KWqj83eej5sYRxR"

// editEvent is Slack's message_changed event_callback for the message at
// ts in general, now reading text, edited at editTS.
func (h *harness) editEvent(eventID, ts, editTS, before, text string) []byte {
	return mustJSON(h.messageEvent(eventID, map[string]any{"channel": general, "subtype": "message_changed", "hidden": true,
		"ts": changeTS(editTS), "event_ts": changeTS(editTS),
		"message": map[string]any{"type": "message", "user": alice, "ts": ts, "text": text,
			"edited": map[string]any{"user": alice, "ts": editTS}},
		"previous_message": map[string]any{"type": "message", "user": alice, "ts": ts, "text": before}}))
}

// changeTS is the ts of the message_changed event itself: just after
// the edit.
func changeTS(editTS string) string { return strings.TrimSuffix(editTS, "000") + "200" }

// told counts what the poster and the security channel were told.
func (h *harness) told() (poster, sec int) {
	return len(h.fake.Calls("chat.postEphemeral")) + len(postsTo(h.fake, "D0ALICE")), len(postsTo(h.fake, security))
}

// laterRevisions returns the takedown of the message at ts (its original
// revision) once it counts n later revisions.
func (h *harness) laterRevisions(ts string, n int) ledger.Record {
	h.t.Helper()
	var rec ledger.Record
	bottest.Eventually(h.t, "the edit recorded against the takedown", func() bool {
		rec = h.record(general, ts, "")
		return rec.LaterRevisions == n
	})
	return rec
}

// TestEditAfterTakedown: a real edit (message_changed with edited.ts) of
// a message taken down is recorded against its takedown: no second
// chat.delete, no second notice, one deletion in the ledger.
func TestEditAfterTakedown(t *testing.T) {
	h := newHarness(t, options{})
	p := h.start()
	const ts = "1700009000.000100"
	text := "deploy key: " + anthropicKey
	h.post(p.srv, "/slack/events", "application/json", mustJSON(h.messageEvent("EvR1", map[string]any{
		"channel": general, "user": alice, "ts": ts, "text": text})), time.Now(), nil)
	bottest.Eventually(t, "the takedown", func() bool { return h.record(general, ts, "").Outcome == ledger.Deleted })
	h.post(p.srv, "/slack/events", "application/json", h.editEvent("EvR2", ts, "1700009010.000000", text, text+" (fixed typo)"), time.Now(), nil)
	h.drain(p)
	rec := h.laterRevisions(ts, 1)
	if rec.Outcome != ledger.Deleted || rec.LastRevision != "1700009010.000000" {
		t.Errorf("takedown after the edit %+v, want deleted with the edit recorded", rec)
	}
	if n := h.deletes(ts); n != 1 {
		t.Errorf("chat.delete calls = %d, want 1", n)
	}
	if poster, sec := h.told(); poster != 1 || sec != 1 {
		t.Errorf("poster told %d times, security channel %d; want once each", poster, sec)
	}
	if _, err := h.core.Store.Get(context.Background(), ledger.Key{Platform: Platform, Workspace: fakeslack.TeamID,
		Channel: general, MessageID: ts, Revision: "1700009010.000000"}); err != ledger.ErrNotFound {
		t.Errorf("the edit has a ledger row of its own (%v), want none", err)
	}
	if st, err := h.core.Store.Stats(context.Background(), time.Time{}); err != nil || st.ByOutcome[ledger.Deleted] != 1 || st.Total != 1 {
		t.Errorf("stats %+v %v, want one deletion", st, err)
	}
}

// TestEditWhileTakedownPending: an edit that arrives while the original's
// delete is under way (claimed, not finished) deletes nothing more.
func TestEditWhileTakedownPending(t *testing.T) {
	h := newHarness(t, options{})
	release := h.fake.Hold("chat.delete")
	p := h.start()
	const ts = "1700009100.000100"
	text := "deploy key: " + anthropicKey
	h.post(p.srv, "/slack/events", "application/json", mustJSON(h.messageEvent("EvR3", map[string]any{
		"channel": general, "user": alice, "ts": ts, "text": text})), time.Now(), nil)
	bottest.Eventually(t, "the delete under way", func() bool { return h.deletes(ts) == 1 })
	// The delivery is answered once the intake has claimed its work.
	h.post(p.srv, "/slack/events", "application/json", h.editEvent("EvR4", ts, "1700009110.000000", text, text+"!"), time.Now(), nil)
	if rec := h.laterRevisions(ts, 1); rec.Outcome != ledger.Pending {
		t.Errorf("takedown while its delete is held: %s, want pending", rec.Outcome)
	}
	release()
	h.drain(p)
	if rec := h.record(general, ts, ""); rec.Outcome != ledger.Deleted {
		t.Errorf("takedown outcome %s, want deleted", rec.Outcome)
	}
	if n := h.deletes(ts); n != 1 {
		t.Errorf("chat.delete calls = %d, want 1", n)
	}
	if poster, sec := h.told(); poster != 1 || sec != 1 {
		t.Errorf("poster told %d times, security channel %d; want once each", poster, sec)
	}
}

// TestWarnedThenKeyEditIsTakenDown: a message only warned about (low
// confidence) that is edited to carry a high-confidence key is taken
// down.
func TestWarnedThenKeyEditIsTakenDown(t *testing.T) {
	h := newHarness(t, options{})
	h.plant(lowConfidence[len("MISTRAL_API_KEY="):])
	p := h.start()
	const ts, editTS = "1700009200.000100", "1700009210.000000"
	h.post(p.srv, "/slack/events", "application/json", mustJSON(h.messageEvent("EvR5", map[string]any{
		"channel": general, "user": alice, "ts": ts, "text": lowConfidence})), time.Now(), nil)
	bottest.Eventually(t, "the warning", func() bool { return h.record(general, ts, "").Outcome == ledger.Warned })
	if n := h.deletes(ts); n != 0 {
		t.Fatalf("chat.delete calls = %d for a warning, want 0", n)
	}
	h.post(p.srv, "/slack/events", "application/json", h.editEvent("EvR6", ts, editTS, lowConfidence, "key: "+anthropicKey), time.Now(), nil)
	h.drain(p)
	if rec := h.record(general, ts, editTS); rec.Outcome != ledger.Deleted || rec.Action != ledger.ActionTakedown {
		t.Errorf("edit with a key: %s %s, want a takedown, deleted", rec.Action, rec.Outcome)
	}
	if n := h.deletes(ts); n != 1 || h.fake.HasMessage(general, ts) {
		t.Errorf("chat.delete calls = %d (message still there: %v), want 1", n, h.fake.HasMessage(general, ts))
	}
	if poster, sec := h.told(); poster != 2 || sec != 2 {
		t.Errorf("poster told %d times, security channel %d; want twice each (warning, then takedown)", poster, sec)
	}
}

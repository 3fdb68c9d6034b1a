package discord

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/tokenbot/tokenbot/bot/bottest"
	"github.com/tokenbot/tokenbot/bot/ledger"
)

// lowConfidence is a finding the policy warns about and does not delete.
const lowConfidence = "MISTRAL_API_KEY=TPdLCVUpJOXbLpz79KWqj83eej5sYRxR"

// takedown returns the ledger row of a message's revision in general.
func (h *harness) takedown(id, revision string) (ledger.Record, error) {
	return h.core.Store.Get(context.Background(), ledger.Key{Platform: Platform, Workspace: guildID, Channel: generalID,
		MessageID: id, Revision: revision})
}

// waitTakedown waits until the original revision's row satisfies cond.
func (h *harness) waitTakedown(what, id string, cond func(ledger.Record) bool) ledger.Record {
	h.t.Helper()
	var rec ledger.Record
	bottest.Eventually(h.t, what, func() bool {
		var err error
		rec, err = h.takedown(id, "")
		return err == nil && cond(rec)
	})
	return rec
}

func deleted(r ledger.Record) bool { return r.Outcome == ledger.Deleted }

// told counts the DMs to the poster and the security notices.
func (h *harness) told() (poster, sec int) {
	return len(h.sentTo("dm-" + alice.ID)), len(h.sentTo(securityID))
}

// TestEditAfterTakedown: a real edit (MESSAGE_UPDATE with
// edited_timestamp) of a message taken down is recorded against its
// takedown: one DELETE (no second one to meet a 404 Unknown Message), one
// DM, one security notice, one deletion in the ledger.
func TestEditAfterTakedown(t *testing.T) {
	t.Parallel()
	h := start(t, options{})
	msg := h.srv.Message(guildID, generalID, alice, "deploy key: "+anthropic)
	id := msg["id"].(string)
	h.srv.Dispatch("MESSAGE_CREATE", msg)
	h.waitTakedown("the takedown", id, deleted)
	edit := h.srv.Edit(msg, "deploy key: "+anthropic+" (typo fixed)", time.Now())
	h.srv.Dispatch("MESSAGE_UPDATE", edit)
	rec := h.waitTakedown("the edit recorded against the takedown", id, func(r ledger.Record) bool { return r.LaterRevisions == 1 })
	if rec.Outcome != ledger.Deleted || rec.LastRevision != edit["edited_timestamp"] {
		t.Errorf("takedown after the edit %+v, want deleted with the edit recorded", rec)
	}
	if _, err := h.takedown(id, edit["edited_timestamp"].(string)); !errors.Is(err, ledger.ErrNotFound) {
		t.Errorf("the edit has a ledger row of its own (%v), want none", err)
	}
	if n := len(h.requests("DELETE", "/channels/")); n != 1 {
		t.Errorf("%d DELETE requests, want 1", n)
	}
	if poster, sec := h.told(); poster != 1 || sec != 1 {
		t.Errorf("poster told %d times, security channel %d; want once each", poster, sec)
	}
	if st, err := h.core.Store.Stats(context.Background(), time.Time{}); err != nil || st.Total != 1 || st.ByOutcome[ledger.Deleted] != 1 {
		t.Errorf("stats %+v %v, want one deletion", st, err)
	}
	h.noLeak(anthropic)
}

// TestEditWhileTakedownPending: an edit that arrives while the original's
// DELETE is under way (claimed, not finished) deletes nothing more.
func TestEditWhileTakedownPending(t *testing.T) {
	t.Parallel()
	h := start(t, options{})
	release := sync.OnceFunc(h.srv.HoldDeletes())
	defer release()
	msg := h.srv.Message(guildID, generalID, alice, "deploy key: "+anthropic)
	id := msg["id"].(string)
	h.srv.Dispatch("MESSAGE_CREATE", msg)
	bottest.Eventually(t, "the DELETE under way", func() bool { now, _ := h.srv.Deleting(); return now == 1 })
	h.srv.Dispatch("MESSAGE_UPDATE", h.srv.Edit(msg, "deploy key: "+anthropic+"!", time.Now()))
	if rec := h.waitTakedown("the edit recorded", id, func(r ledger.Record) bool { return r.LaterRevisions == 1 }); rec.Outcome != ledger.Pending {
		t.Errorf("takedown while its DELETE is held: %s, want pending", rec.Outcome)
	}
	release()
	h.waitTakedown("the takedown", id, deleted)
	if n := len(h.requests("DELETE", "/channels/")); n != 1 {
		t.Errorf("%d DELETE requests, want 1", n)
	}
	if poster, sec := h.told(); poster != 1 || sec != 1 {
		t.Errorf("poster told %d times, security channel %d; want once each", poster, sec)
	}
}

// TestWarnedThenKeyEditIsTakenDown: a message only warned about (low
// confidence) that is edited to carry a high-confidence key is taken
// down.
func TestWarnedThenKeyEditIsTakenDown(t *testing.T) {
	t.Parallel()
	h := start(t, options{})
	msg := h.srv.Message(guildID, generalID, alice, lowConfidence)
	id := msg["id"].(string)
	h.srv.Dispatch("MESSAGE_CREATE", msg)
	h.waitTakedown("the warning", id, func(r ledger.Record) bool { return r.Outcome == ledger.Warned })
	if n := len(h.requests("DELETE", "/channels/")); n != 0 {
		t.Fatalf("%d DELETE requests for a warning, want 0", n)
	}
	edit := h.srv.Edit(msg, "key: "+anthropic, time.Now())
	h.srv.Dispatch("MESSAGE_UPDATE", edit)
	var rec ledger.Record
	bottest.Eventually(t, "the edit taken down", func() bool {
		var err error
		rec, err = h.takedown(id, edit["edited_timestamp"].(string))
		return err == nil && rec.Outcome == ledger.Deleted
	})
	if rec.Action != ledger.ActionTakedown {
		t.Errorf("edit with a key claimed as %s, want a takedown", rec.Action)
	}
	if d := h.srv.Deleted(); len(d) != 1 || d[0] != id {
		t.Errorf("deleted %v, want [%s]", d, id)
	}
	if poster, sec := h.told(); poster != 2 || sec != 2 {
		t.Errorf("poster told %d times, security channel %d; want twice each (warning, then takedown)", poster, sec)
	}
	h.noLeak(anthropic, lowConfidence[len("MISTRAL_API_KEY="):])
}

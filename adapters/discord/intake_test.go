package discord

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokenbot/tokenbot/adapters/discord/discordtest"
	"github.com/tokenbot/tokenbot/bot"
	"github.com/tokenbot/tokenbot/bot/bottest"
	"github.com/tokenbot/tokenbot/bot/ledger"
)

// failClaims is a ledger whose next n claims fail, as a database that is
// briefly unreachable would.
type failClaims struct {
	ledger.Store
	mu sync.Mutex
	n  int
}

var errLedgerDown = errors.New("ledger unreachable")

func (f *failClaims) Claim(ctx context.Context, rec ledger.Record, owner string, lease time.Duration) (bool, ledger.Record, error) {
	f.mu.Lock()
	fail := f.n > 0
	if fail {
		f.n--
	}
	f.mu.Unlock()
	if fail {
		return false, ledger.Record{}, errLedgerDown
	}
	return f.Store.Claim(ctx, rec, owner, lease)
}

// A message whose takedown could not be claimed is not marked seen: when
// it comes again (a RESUME replays it) it is taken down, once.
func TestFailedClaimLeavesMessageUnseen(t *testing.T) {
	t.Parallel()
	editedAt := time.Date(2026, 12, 1, 10, 0, 0, 123000000, time.UTC)
	cases := []struct {
		name string
		// deliver builds the delivery that carries the key and its event
		// id; earlier deliveries it needs are dispatched at once.
		deliver func(h *harness) (typ string, payload map[string]any, eventID string)
	}{
		{"message", func(h *harness) (string, map[string]any, string) {
			m := h.srv.Message(guildID, generalID, alice, "my key is "+anthropic)
			return "MESSAGE_CREATE", m, "message:" + m["id"].(string)
		}},
		{"edit", func(h *harness) (string, map[string]any, string) {
			m := h.srv.Message(guildID, generalID, alice, "deploying now")
			h.srv.Dispatch("MESSAGE_CREATE", m)
			e := h.srv.Edit(m, "deploying with GITHUB_TOKEN="+github, editedAt)
			return "MESSAGE_UPDATE", e, "edit:" + m["id"].(string) + ":" + editedAt.Format(time.RFC3339Nano)
		}},
		{"attachment", func(h *harness) (string, map[string]any, string) {
			url := h.srv.AddAttachment("prod.env", "ANTHROPIC_API_KEY="+anthropic+"\n")
			m := h.srv.Message(guildID, generalID, alice, "config attached",
				discordtest.Attachment{ID: "a1", Filename: "prod.env", Size: 19 + len(anthropic), URL: url})
			return "MESSAGE_CREATE", m, "message:" + m["id"].(string)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			h := start(t, options{ledger: func(s ledger.Store) ledger.Store { return &failClaims{Store: s, n: 1} }})
			typ, payload, eventID := c.deliver(h)
			h.srv.Dispatch(typ, payload)
			h.eventually("the failed intake logged", func() bool { return strings.Contains(h.core.Logs(), "message not taken in") })
			for _, line := range strings.Split(h.core.Logs(), "\n") {
				if strings.Contains(line, "message not taken in") && (!strings.Contains(line, "level=ERROR") || !strings.Contains(line, errLedgerDown.Error())) {
					t.Errorf("failed intake not logged as an error with its cause: %s", line)
				}
			}
			if n := len(h.srv.Deleted()); n != 0 {
				t.Fatalf("%d messages deleted although the claim failed", n)
			}

			h.srv.Dispatch(typ, payload) // delivered again
			h.eventually("the message deleted", func() bool { return len(h.srv.Deleted()) == 1 })
			h.srv.Dispatch(typ, payload) // and once more: now a duplicate
			h.settle()
			if d := h.srv.Deleted(); len(d) != 1 || d[0] != payload["id"] {
				t.Errorf("deleted %v, want exactly [%v]", d, payload["id"])
			}
			if n := len(h.requests("DELETE", "/channels/")); n != 1 {
				t.Errorf("%d DELETE requests, want 1", n)
			}
			if n := len(h.sentTo(securityID)); n != 1 {
				t.Errorf("%d security notices, want 1", n)
			}
			first, err := h.core.Store.SeenEvent(context.Background(), Platform, eventID)
			if err != nil || first {
				t.Errorf("event %s not marked seen after its takedown was claimed (first=%v, err=%v)", eventID, first, err)
			}
			h.noLeak(anthropic, github)
		})
	}
}

// A burst larger than the intake's queue is all taken down, none dropped:
// the gateway is held back while the queue is full, and no more deletions
// run at once than the intake has workers.
func TestBurstIsBoundedAndNothingDropped(t *testing.T) {
	t.Parallel()
	const workers, queue, burst = 2, 4, 12
	h := start(t, options{workers: workers, queue: queue})
	release := h.srv.HoldDeletes()
	released := false
	defer func() {
		if !released {
			release()
		}
	}()
	var ids []string
	for i := range burst {
		// One channel each: discordgo sends one request at a time per
		// channel's rate-limit bucket.
		ch := fmt.Sprintf("3100000000000000%02d", i)
		m := h.srv.Message(guildID, ch, alice, "key "+anthropic)
		ids = append(ids, m["id"].(string))
		h.srv.Dispatch("MESSAGE_CREATE", m)
	}
	claims := func() int {
		recs, err := h.core.Store.List(context.Background(), ledger.Filter{Platform: Platform})
		if err != nil {
			t.Fatal(err)
		}
		return len(recs)
	}
	// Both workers hold a deletion and the queue (which counts running
	// jobs) is full: the rest wait unclaimed in the core's bounded
	// handlers and in the gateway connection.
	h.eventually("the workers busy and the queue full", func() bool {
		now, _ := h.srv.Deleting()
		return now == workers && claims() == queue
	})
	release()
	released = true
	h.eventually("every message deleted", func() bool { return len(h.srv.Deleted()) == burst })
	h.settle()
	got := map[string]int{}
	for _, id := range h.srv.Deleted() {
		got[id]++
	}
	for _, id := range ids {
		if got[id] != 1 {
			t.Errorf("message %s deleted %d times, want once", id, got[id])
		}
	}
	if n := len(h.requests("DELETE", "/channels/")); n != burst {
		t.Errorf("%d DELETE requests, want %d", n, burst)
	}
	if _, most := h.srv.Deleting(); most != workers {
		t.Errorf("at most %d deletions at once, want the %d workers", most, workers)
	}
	if n := claims(); n != burst {
		t.Errorf("%d takedowns in the ledger, want %d", n, burst)
	}
}

// A message's attachment is downloaded once: not again when the gateway
// replays the event, nor for an edit of the message.
func TestAttachmentDownloadedOncePerMessage(t *testing.T) {
	t.Parallel()
	h := start(t, options{})
	url := h.srv.AddAttachment("once.env", "ANTHROPIC_API_KEY="+anthropic+"\n")
	m := h.srv.Message(guildID, generalID, alice, "config attached",
		discordtest.Attachment{ID: "900000000000000081", Filename: "once.env", Size: 19 + len(anthropic), URL: url})
	h.srv.Dispatch("MESSAGE_CREATE", m)
	h.srv.Dispatch("MESSAGE_CREATE", m) // replayed after a RESUME
	h.srv.Dispatch("MESSAGE_UPDATE", h.srv.Edit(m, "config attached, see it", time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)))
	h.eventually("the message deleted", func() bool { return len(h.srv.Deleted()) == 1 })
	h.settle()
	if n := len(h.requests("GET", "/attachments/")); n != 1 {
		t.Errorf("attachment downloaded %d times, want 1", n)
	}
}

// Attachments are scanned by the core's one rule (bot.Attachments), the
// same as on Slack: an npm token in a .npmrc is taken down, invalid UTF-8
// is replaced and still scanned, a file with NUL bytes is skipped as
// binary.
func TestAttachmentsByTheCoreRule(t *testing.T) {
	t.Parallel()
	for i, tt := range bottest.AttachmentCases() {
		t.Run(tt.Name, func(t *testing.T) {
			t.Parallel()
			h := start(t, options{})
			url := h.srv.AddAttachment(tt.File, tt.Content)
			m := h.srv.Message(guildID, generalID, alice, "see attached",
				discordtest.Attachment{ID: fmt.Sprintf("90000000000000100%d", i), Filename: tt.File, Size: len(tt.Content), URL: url})
			h.srv.Dispatch("MESSAGE_CREATE", m)
			h.settle()
			if got := len(h.srv.Deleted()) == 1; got != tt.TakenDown {
				t.Errorf("taken down = %v, want %v", got, tt.TakenDown)
			}
			if n := len(h.requests("GET", "/attachments/")); n != 1 {
				t.Errorf("%d downloads, want 1: the name says it is text", n)
			}
			if !tt.TakenDown && !strings.Contains(h.core.Logs(), bot.ErrBinaryFile.Error()) {
				t.Errorf("the skipped binary file is not logged as such")
			}
			h.noLeak(tt.Secret)
		})
	}
}

// brokenDedup is a de-duplication store that cannot answer.
type brokenDedup struct{}

func (brokenDedup) SeenEvent(context.Context, string, string) (bool, error) {
	return false, errors.New("ledger unreachable")
}

// When de-duplication fails the event is handled, as on Slack: refusing
// it would lose it, since the gateway does not deliver it again. The
// takedown was claimed first, so a replay deletes nothing twice; a command
// is answered.
func TestDedupFailureHandlesTheEvent(t *testing.T) {
	t.Parallel()
	h := start(t, options{dedup: brokenDedup{}})
	m := h.srv.Message(guildID, generalID, alice, "my key is "+anthropic)
	h.srv.Dispatch("MESSAGE_CREATE", m)
	h.srv.Dispatch("MESSAGE_CREATE", m) // replayed after a RESUME
	h.srv.Dispatch("INTERACTION_CREATE", h.srv.Interaction(guildID, generalID, alice, map[string]string{"text": "hello world"}))
	h.settle()
	if d := h.srv.Deleted(); len(d) != 1 || d[0] != m["id"] {
		t.Errorf("deleted %v, want exactly [%v]", d, m["id"])
	}
	if n := len(h.requests("DELETE", "/channels/")); n != 1 {
		t.Errorf("%d DELETE requests, want 1", n)
	}
	if n := len(h.requests("POST", "/interactions/")); n != 1 {
		t.Errorf("%d interaction answers, want 1", n)
	}
	if n := strings.Count(h.core.Logs(), "de-duplication failed; handling it anyway"); n != 3 {
		t.Errorf("%d de-duplication failures logged, want 3", n)
	}
	h.noLeak(anthropic)
}

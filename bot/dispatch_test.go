package bot_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokenbot/tokenbot/bot"
	"github.com/tokenbot/tokenbot/bot/bottest"
	"github.com/tokenbot/tokenbot/bot/ledger"
)

// recorder is an Executor that records every action and fails on demand.
type recorder struct {
	mu   sync.Mutex
	acts []bot.Action
	// fail returns the error for the nth call of an action kind (1-based).
	fail  func(kind bot.ActionKind, n int) error
	calls map[bot.ActionKind]int
}

func (r *recorder) Execute(_ context.Context, a bot.Action) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.calls == nil {
		r.calls = map[bot.ActionKind]int{}
	}
	r.calls[a.Kind]++
	if r.fail != nil {
		if err := r.fail(a.Kind, r.calls[a.Kind]); err != nil {
			return err
		}
	}
	r.acts = append(r.acts, a)
	return nil
}

func (r *recorder) done(kind bot.ActionKind) []bot.Action {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []bot.Action
	for _, a := range r.acts {
		if a.Kind == kind {
			out = append(out, a)
		}
	}
	return out
}

func (r *recorder) all() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var b strings.Builder
	for _, a := range r.acts {
		fmt.Fprintf(&b, "%+v\n", a)
		if a.Plan != nil {
			fmt.Fprintf(&b, "%+v\n", *a.Plan)
		}
	}
	return b.String()
}

func leakEvent(key string) bot.Event {
	return bot.Event{Kind: bot.Message, Platform: "test", Workspace: "W1", Channel: "C1", ChannelName: "general",
		User: "U1", UserName: "dana", MessageID: "1700000000.000100", Text: "部署失败了，我用的 key 是 " + key + "，怎么办？"}
}

func record(t *testing.T, c *bottest.Core) ledger.Record {
	t.Helper()
	recs, err := c.Store.List(context.Background(), ledger.Filter{Limit: 10})
	if err != nil || len(recs) != 1 {
		t.Fatalf("ledger = %d records (%v), want 1", len(recs), err)
	}
	return recs[0]
}

// assertNoSecret checks everything that left the core: actions, the
// ledger's rows, and the logs.
func assertNoSecret(t *testing.T, c *bottest.Core, rec *recorder, secret string) {
	t.Helper()
	recs, _ := c.Store.List(context.Background(), ledger.Filter{Limit: 100})
	texts := map[string]string{"actions": rec.all(), "logs": c.Logs(), "ledger rows": fmt.Sprintf("%+v", recs)}
	// The database files themselves, with the write-ahead log.
	if f, ok := c.Store.(interface{ Path() string }); ok {
		for _, p := range []string{f.Path(), f.Path() + "-wal"} {
			data, err := os.ReadFile(p)
			if err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
			texts[p] = string(data)
		}
		// A control: the files do hold the audit row.
		if len(recs) == 0 || !strings.Contains(texts[f.Path()]+texts[f.Path()+"-wal"], recs[0].Fingerprint) {
			t.Error("the ledger files do not hold the audit row; the search below proves nothing")
		}
	} else {
		t.Fatal("the test ledger has no file to search")
	}
	for where, text := range texts {
		if bottest.Leaked(text, secret) != "" {
			t.Errorf("the secret appears in the %s", where)
		}
	}
}

func TestTakedownFlow(t *testing.T) {
	c := bottest.New(t, bottest.Options{})
	rec := &recorder{}
	d := c.Dispatcher(rec)
	key := bottest.AnthropicKey(7)
	if err := d.Dispatch(context.Background(), leakEvent(key)); err != nil {
		t.Fatal(err)
	}
	del := rec.done(bot.Delete)
	if len(del) != 1 || del[0].Channel != "C1" || del[0].MessageID != "1700000000.000100" || del[0].Reason == "" {
		t.Fatalf("deletes = %+v, want one of C1/1700000000.000100 with a reason", del)
	}
	priv := rec.done(bot.PrivateReply)
	if len(priv) != 1 || priv[0].User != "U1" {
		t.Fatalf("private replies = %+v", priv)
	}
	// The poster wrote in Chinese: the notice is in Chinese and says how to revoke.
	for _, want := range []string{"我删除了你在 #general", "Anthropic", "sk-ant-api03-", "https://platform.claude.com/settings/keys"} {
		if !strings.Contains(priv[0].Text, want) {
			t.Errorf("poster notice lacks %q:\n%s", want, priv[0].Text)
		}
	}
	notes := rec.done(bot.Notice)
	if len(notes) != 1 || notes[0].Channel != "security" {
		t.Fatalf("notices = %+v", notes)
	}
	r := record(t, c)
	for _, want := range []string{"Platform: test", "#general (C1)", "dana (U1)", "Anthropic", r.Fingerprint, r.Masked, "Outcome: deleted"} {
		if !strings.Contains(notes[0].Text, want) {
			t.Errorf("security notice lacks %q:\n%s", want, notes[0].Text)
		}
	}
	if r.Outcome != ledger.Deleted || r.Provider != "Anthropic" || r.Poster != "U1" || r.Attempts != 1 || r.Lang != "zh" {
		t.Errorf("record = %+v", r)
	}
	assertNoSecret(t, c, rec, key)
}

func TestTakedownExactlyOnce(t *testing.T) {
	c := bottest.New(t, bottest.Options{})
	rec := &recorder{}
	key := bottest.AnthropicKey(8)
	ev := leakEvent(key)
	// Twenty deliveries of the same message through two replicas at once.
	var wg sync.WaitGroup
	for i := range 20 {
		d := c.Dispatcher(rec)
		d.Owner = fmt.Sprintf("replica-%d", i%2)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := d.Dispatch(context.Background(), ev); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := len(rec.done(bot.Delete)); n != 1 {
		t.Errorf("%d deletes, want 1", n)
	}
	if n := len(rec.done(bot.Notice)); n != 1 {
		t.Errorf("%d security notices, want 1", n)
	}
	// An edit is a new revision of a message already taken down:
	// recorded against the takedown, nothing deleted or said again.
	ev.Kind, ev.Revision = bot.Edit, "1700000001.000200"
	if err := c.Dispatcher(rec).Dispatch(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	if n := len(rec.done(bot.Delete)); n != 1 {
		t.Errorf("%d deletes after an edit, want 1", n)
	}
	if n := len(rec.done(bot.Notice)) + len(rec.done(bot.PrivateReply)); n != 2 {
		t.Errorf("%d notices after an edit, want the 2 of the takedown", n)
	}
	if r := record(t, c); r.Revision != "" || r.Outcome != ledger.Deleted || r.LaterRevisions != 1 || r.LastRevision != ev.Revision {
		t.Errorf("record after an edit %+v, want the takedown with the edit recorded against it", r)
	}
}

// due makes every rescheduled attempt of d due at once: its clock runs an
// hour behind the ledger's, well within the deadline.
func due(d *bot.Dispatcher) *bot.Dispatcher {
	d.Now = func() time.Time { return time.Now().Add(-time.Hour) }
	return d
}

// pastDeadline moves d's clock past the takedown deadline.
func pastDeadline(d *bot.Dispatcher) {
	d.Now = func() time.Time { return time.Now().Add(bot.DefaultDeadline + time.Hour) }
}

// drain resumes due takedowns until none is left, as the sweep does.
func drain(t *testing.T, d *bot.Dispatcher, platform string) {
	t.Helper()
	for range 20 {
		n, err := d.Resume(context.Background(), platform)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
	t.Fatal("takedowns still due after 20 sweeps")
}

// takedownWith takes down a message holding key through an executor that
// fails as fail says, until nothing is due (past the deadline after the
// first attempt when late), and returns its ledger row.
func takedownWith(t *testing.T, key string, fail func(kind bot.ActionKind, n int) error, late bool) (*bottest.Core, *recorder, ledger.Record) {
	t.Helper()
	c := bottest.New(t, bottest.Options{})
	rec := &recorder{fail: fail}
	d := due(c.Dispatcher(rec))
	if err := d.Dispatch(context.Background(), leakEvent(key)); err != nil {
		t.Fatal(err)
	}
	if late {
		pastDeadline(d)
	}
	drain(t, d, "test")
	return c, rec, record(t, c)
}

func TestTakedownFailures(t *testing.T) {
	tests := []struct {
		name string
		fail func(kind bot.ActionKind, n int) error
		// late moves the clock past the deadline after the first attempt.
		late        bool
		outcome     ledger.Outcome
		attempts    int
		deletes     int
		poster      bot.ActionKind
		noticeWants string
		detailWants string
	}{
		{"rate limited then deleted", func(k bot.ActionKind, n int) error {
			if k == bot.Delete && n == 1 {
				return &bot.RateLimitError{RetryAfter: time.Millisecond}
			}
			return nil
		}, false, ledger.Deleted, 2, 1, bot.PrivateReply, "Outcome: deleted", ""},
		{"transient errors rescheduled then deleted", func(k bot.ActionKind, n int) error {
			if k == bot.Delete && n <= 3 {
				return fmt.Errorf("connection reset")
			}
			return nil
		}, false, ledger.Deleted, 4, 1, bot.PrivateReply, "Outcome: deleted", ""},
		{"missing permission is escalated", func(k bot.ActionKind, n int) error {
			if k == bot.Delete {
				return fmt.Errorf("chat.delete: cant_delete_message: %w", bot.ErrPermission)
			}
			return nil
		}, false, ledger.Escalated, 1, 0, bot.PrivateReply, "NOT deleted", "cant_delete_message"},
		{"already gone counts as deleted, said not by tokenbot", func(k bot.ActionKind, n int) error {
			if k == bot.Delete {
				return fmt.Errorf("message_not_found: %w", bot.ErrNotFound)
			}
			return nil
		}, false, ledger.Deleted, 1, 0, bot.PrivateReply, "Outcome: deleted (message already gone", "not deleted by tokenbot"},
		{"gone at a retry: the earlier delete went through", func(k bot.ActionKind, n int) error {
			switch {
			case k == bot.Delete && n == 1:
				return fmt.Errorf("internal_error")
			case k == bot.Delete:
				return fmt.Errorf("message_not_found: %w", bot.ErrNotFound)
			}
			return nil
		}, false, ledger.Deleted, 2, 0, bot.PrivateReply, "Outcome: deleted", ""},
		{"still failing at the deadline is escalated", func(k bot.ActionKind, n int) error {
			if k == bot.Delete {
				return fmt.Errorf("internal_error")
			}
			return nil
		}, true, ledger.Failed, 2, 0, bot.PrivateReply, "NOT deleted", "gave up at the deadline"},
		{"security notice retried until sent", func(k bot.ActionKind, n int) error {
			if k == bot.Notice && n <= 2 {
				return fmt.Errorf("internal_error")
			}
			return nil
		}, false, ledger.Deleted, 1, 1, bot.PrivateReply, "Outcome: deleted", ""},
		{"no ephemeral: direct message", func(k bot.ActionKind, n int) error {
			if k == bot.PrivateReply {
				return bot.ErrUnsupported
			}
			return nil
		}, false, ledger.Deleted, 1, 1, bot.DirectMessage, "Outcome: deleted", ""},
		{"direct messages closed: short channel notice", func(k bot.ActionKind, n int) error {
			if k == bot.PrivateReply {
				return bot.ErrUnsupported
			}
			if k == bot.DirectMessage {
				return fmt.Errorf("50007: %w", bot.ErrPermission)
			}
			return nil
		}, false, ledger.Deleted, 1, 1, bot.Reply, "Outcome: deleted", ""},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := bottest.AnthropicKey(uint64(100 + i))
			c, rec, r := takedownWith(t, key, tt.fail, tt.late)
			if r.Outcome != tt.outcome || r.Attempts != tt.attempts {
				t.Errorf("outcome %s after %d attempts, want %s after %d", r.Outcome, r.Attempts, tt.outcome, tt.attempts)
			}
			if r.Notified != ledger.NotifiedPoster|ledger.NotifiedSecurity {
				t.Errorf("notified = %b, want both notices recorded", r.Notified)
			}
			if !strings.Contains(r.Detail, tt.detailWants) || (tt.detailWants == "" && r.Detail != "") {
				t.Errorf("detail %q, want %q", r.Detail, tt.detailWants)
			}
			if n := len(rec.done(bot.Delete)); n != tt.deletes {
				t.Errorf("%d successful deletes, want %d", n, tt.deletes)
			}
			if p := rec.done(tt.poster); len(p) != 1 || p[0].User != "U1" {
				t.Errorf("poster reached by %s: %+v", tt.poster, p)
			} else if tt.poster == bot.Reply && strings.Contains(p[0].Text, "sk-ant") {
				t.Errorf("the channel notice names the key: %q", p[0].Text)
			}
			notes := rec.done(bot.Notice)
			if len(notes) != 1 || !strings.Contains(notes[0].Text, tt.noticeWants) {
				t.Errorf("security notice = %+v, want %q", notes, tt.noticeWants)
			}
			assertNoSecret(t, c, rec, key)
		})
	}
}

// TestRescheduleBackoff checks the next attempt's time: a jittered wait
// of up to three times the time since the claim within the bounds, or the
// platform's Retry-After up to its cap, and never a worker waiting.
func TestRescheduleBackoff(t *testing.T) {
	tests := []struct {
		name     string
		err      error
		age      time.Duration
		rand     float64 // the jitter's draw
		min, max time.Duration
	}{
		{"fresh message waits the least backoff", fmt.Errorf("internal_error"), 0, 1, bot.DefaultBackoff, bot.DefaultBackoff + time.Second},
		{"older claim waits up to three times its age", fmt.Errorf("internal_error"), 2 * time.Minute, 1, 6 * time.Minute, 6*time.Minute + time.Second},
		{"jitter half-way", fmt.Errorf("internal_error"), 2 * time.Minute, 0.5, 3*time.Minute + bot.DefaultBackoff/2, 3*time.Minute + bot.DefaultBackoff/2 + time.Second},
		{"jitter never below the backoff", fmt.Errorf("internal_error"), 2 * time.Minute, 0, bot.DefaultBackoff, bot.DefaultBackoff + time.Second},
		{"wait capped", fmt.Errorf("internal_error"), 5 * time.Hour, 1, bot.DefaultMaxBackoff, bot.DefaultMaxBackoff + time.Second},
		{"Retry-After honoured", &bot.RateLimitError{RetryAfter: 42 * time.Second}, 0, 1, 42 * time.Second, 43 * time.Second},
		{"Retry-After capped", &bot.RateLimitError{RetryAfter: 6 * time.Hour}, 0, 1, bot.DefaultMaxRetryAfter, bot.DefaultMaxRetryAfter + time.Second},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := bottest.New(t, bottest.Options{})
			rec := &recorder{fail: func(k bot.ActionKind, n int) error {
				if k == bot.Delete {
					return tt.err
				}
				return nil
			}}
			d := c.Dispatcher(rec)
			d.Backoff = 0
			d.Rand = func() float64 { return tt.rand }
			// The attempt runs as if tt.age after the claim.
			d.Now = func() time.Time { return time.Now().Add(tt.age) }
			ev := leakEvent(bottest.AnthropicKey(uint64(200 + i)))
			before := time.Now().Add(tt.age)
			if err := d.Dispatch(context.Background(), ev); err != nil {
				t.Fatal(err)
			}
			r := record(t, c)
			if r.Outcome != ledger.Pending || r.Attempts != 1 || !strings.Contains(r.Detail, "delete failed") {
				t.Fatalf("record %+v, want pending after 1 attempt", r)
			}
			wait := r.NextAttempt.Sub(before)
			if wait < tt.min-time.Second || wait > tt.max+time.Second {
				t.Errorf("next attempt in %v, want %v–%v", wait, tt.min, tt.max)
			}
			if !r.LeaseUntil.Equal(r.NextAttempt) {
				t.Errorf("lease until %v, want the next attempt %v", r.LeaseUntil, r.NextAttempt)
			}
			// Not due yet: a sweep leaves it alone.
			d.Now = nil
			if n, err := d.Resume(context.Background(), "test"); err != nil || n != 0 {
				t.Errorf("sweep before the next attempt took %d (%v)", n, err)
			}
		})
	}
}

// slowExec blocks each delete of the messages in slow until its context
// ends; the rest it does at once.
type slowExec struct {
	recorder
	slow map[string]bool
}

func (s *slowExec) Execute(ctx context.Context, a bot.Action) error {
	if a.Kind == bot.Delete && s.slow[a.MessageID] {
		<-ctx.Done()
		return fmt.Errorf("delete: %w", ctx.Err())
	}
	return s.recorder.Execute(ctx, a)
}

// TestResumeTimeoutPerTakedown checks that each resumed takedown has its
// own timeout: early records that hang until theirs ends neither starve
// later ones nor lose their own outcome (recorded after their time ran
// out).
func TestResumeTimeoutPerTakedown(t *testing.T) {
	c := bottest.New(t, bottest.Options{})
	ctx := context.Background()
	exec := &slowExec{slow: map[string]bool{}}
	const n = 6
	for i := range n {
		rec := ledger.Record{Key: ledger.Key{Platform: "test", Workspace: "W1", Channel: "C1", MessageID: fmt.Sprintf("M%d", i)},
			Time: time.Now(), Poster: "U1", Rule: "anthropic-api-key", Provider: "Anthropic",
			Masked: "sk-ant-api03-…x9AA", Fingerprint: "0123456789abcdef0123456789abcdef", Lang: "en"}
		if ok, _, err := c.Store.Claim(ctx, rec, "dead-replica", -time.Hour+time.Duration(i)*time.Second); !ok || err != nil {
			t.Fatalf("claim: %v, %v", ok, err)
		}
		if i < n/2 {
			exec.slow[rec.MessageID] = true // the first claimed, the first resumed
		}
	}
	d := c.Dispatcher(exec)
	d.Concurrency, d.Timeout = 2, 50*time.Millisecond
	d.Backoff = time.Hour // a rescheduled record is not due again in this sweep
	if got, err := d.Resume(ctx, "test"); err != nil || got != n {
		t.Fatalf("Resume = %d, %v; want %d", got, err, n)
	}
	for i := range n {
		id := fmt.Sprintf("M%d", i)
		r, err := c.Store.Get(ctx, ledger.Key{Platform: "test", Workspace: "W1", Channel: "C1", MessageID: id})
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case exec.slow[id]:
			if r.Outcome != ledger.Pending || r.Attempts != 1 || r.NextAttempt.IsZero() || !strings.Contains(r.Detail, "delete failed") {
				t.Errorf("%s (hung until its timeout): %+v, want rescheduled after 1 attempt", id, r)
			}
		case r.Outcome != ledger.Deleted || r.Notified != ledger.NotifiedPoster|ledger.NotifiedSecurity:
			t.Errorf("%s (after the slow ones): outcome %s, notified %b; want deleted, both told", id, r.Outcome, r.Notified)
		}
	}
	if del := exec.done(bot.Delete); len(del) != n-n/2 {
		t.Errorf("%d deletes, want %d", len(del), n-n/2)
	}
}

func TestResumeAfterCrash(t *testing.T) {
	c := bottest.New(t, bottest.Options{})
	ctx := context.Background()
	// A replica claimed a takedown, then died before deleting anything.
	dead := ledger.Record{Key: ledger.Key{Platform: "test", Workspace: "W1", Channel: "C1", MessageID: "M9"},
		Time: time.Now(), Poster: "U1", Rule: "anthropic-api-key", Provider: "Anthropic",
		Masked: "sk-ant-api03-…x9AA", Fingerprint: "0123456789abcdef0123456789abcdef", Lang: "en"}
	// Its lease has run out already: no wait for it to lapse.
	if ok, _, err := c.Store.Claim(ctx, dead, "dead-replica", -time.Second); !ok || err != nil {
		t.Fatalf("claim: %v, %v", ok, err)
	}
	rec := &recorder{}
	// Another platform's dispatcher leaves it alone.
	if n, err := c.Dispatcher(rec).Resume(ctx, "other"); err != nil || n != 0 {
		t.Fatalf("Resume(other) = %d, %v; want 0", n, err)
	}
	n, err := c.Dispatcher(rec).Resume(ctx, "test")
	if err != nil || n != 1 {
		t.Fatalf("Resume = %d, %v; want 1", n, err)
	}
	if del := rec.done(bot.Delete); len(del) != 1 || del[0].MessageID != "M9" {
		t.Errorf("resumed deletes = %+v", del)
	}
	if notes := rec.done(bot.Notice); len(notes) != 1 || !strings.Contains(notes[0].Text, "sk-ant-api03-…x9AA") {
		t.Errorf("resumed notices = %+v", notes)
	}
	if r := record(t, c); r.Outcome != ledger.Deleted {
		t.Errorf("outcome after resume = %s", r.Outcome)
	}
	// A warning left pending is resumed as a warning: nothing deleted.
	warn := dead
	warn.MessageID, warn.Action = "M10", ledger.ActionWarn
	if ok, _, err := c.Store.Claim(ctx, warn, "dead-replica", -time.Second); !ok || err != nil {
		t.Fatalf("claim: %v, %v", ok, err)
	}
	if n, err := c.Dispatcher(rec).Resume(ctx, "test"); err != nil || n != 1 {
		t.Fatalf("Resume(warning) = %d, %v; want 1", n, err)
	}
	if del := rec.done(bot.Delete); len(del) != 1 {
		t.Errorf("a resumed warning deleted a message: %+v", del)
	}
	if r, err := c.Store.Get(ctx, warn.Key); err != nil || r.Outcome != ledger.Warned {
		t.Errorf("resumed warning = %+v, %v; want warned", r, err)
	}
	// Resuming again finds nothing.
	if n, _ := c.Dispatcher(rec).Resume(ctx, "test"); n != 0 {
		t.Errorf("second resume took %d takedowns", n)
	}
}

// blockingDelete holds every Delete until released.
type blockingDelete struct {
	recorder
	started, release chan struct{}
}

func (b *blockingDelete) Execute(ctx context.Context, a bot.Action) error {
	if a.Kind == bot.Delete {
		close(b.started)
		<-b.release
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return b.recorder.Execute(ctx, a)
}

func TestShutdownFinishesTakedown(t *testing.T) {
	c := bottest.New(t, bottest.Options{})
	exec := &blockingDelete{started: make(chan struct{}), release: make(chan struct{})}
	d := c.Dispatcher(exec)
	ctx, stop := context.WithCancel(context.Background())
	go func() { _ = d.Dispatch(ctx, leakEvent(bottest.AnthropicKey(11))) }()
	<-exec.started
	stop() // the process is asked to stop mid-takedown
	waitCtx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	if err := d.Wait(waitCtx); err == nil {
		t.Fatal("Wait returned while a takedown was blocked")
	}
	cancel()
	close(exec.release)
	if err := d.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if r := record(t, c); r.Outcome != ledger.Deleted {
		t.Errorf("outcome after shutdown = %s, want deleted", r.Outcome)
	}
	if len(exec.done(bot.Delete)) != 1 || len(exec.done(bot.Notice)) != 1 {
		t.Errorf("takedown not carried out to its end")
	}
}

func TestLowConfidenceWarnsOnly(t *testing.T) {
	c := bottest.New(t, bottest.Options{})
	rec := &recorder{}
	secret := "TPdLCVUpJOXbLpz79KWqj83eej5sYRxR"
	ev := leakEvent("")
	ev.Text = "MISTRAL_API_KEY=" + secret
	for range 2 {
		if err := c.Dispatcher(rec).Dispatch(context.Background(), ev); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(rec.done(bot.Delete)); n != 0 {
		t.Errorf("%d deletes for a low-confidence finding, want none", n)
	}
	priv := rec.done(bot.PrivateReply)
	if len(priv) != 1 || !strings.Contains(priv[0].Text, "may contain a credential") || !strings.Contains(priv[0].Text, "Mistral") {
		t.Fatalf("private warnings = %+v, want one naming Mistral", priv)
	}
	if notes := rec.done(bot.Notice); len(notes) != 1 || !strings.Contains(notes[0].Text, "nothing deleted") {
		t.Errorf("security notices = %+v", notes)
	}
	if r := record(t, c); r.Outcome != ledger.Warned || r.Action != ledger.ActionWarn {
		t.Errorf("record = %+v, want a warned warning", r)
	}
	assertNoSecret(t, c, rec, secret)
}

// extendCounter counts lease renewals; lost makes them fail as when
// another replica took the takedown over.
type extendCounter struct {
	ledger.Store
	mu      sync.Mutex
	extends int
	lost    bool
}

func (e *extendCounter) Extend(ctx context.Context, key ledger.Key, owner string, lease time.Duration) error {
	e.mu.Lock()
	e.extends++
	lost := e.lost
	e.mu.Unlock()
	if lost {
		return ledger.ErrNotOwner
	}
	return e.Store.Extend(ctx, key, owner, lease)
}

// A takedown's lease is renewed before an action only once half of it has
// passed since it was taken: a fresh claim costs no renewal, a lease that
// was lost stops the attempt before it acts.
func TestLeaseRenewedWhenHalfGone(t *testing.T) {
	tests := []struct {
		name        string
		lease       time.Duration
		lost        bool
		wantExtends int // at least
		wantDeletes int
	}{
		{"fresh lease", time.Hour, false, 0, 1},
		{"lease half gone before every step", time.Nanosecond, false, 3, 1},
		{"lease lost", time.Nanosecond, true, 1, 0},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := bottest.New(t, bottest.Options{})
			store := &extendCounter{Store: c.Store, lost: tt.lost}
			rec := &recorder{}
			d := c.Dispatcher(rec)
			d.Ledger, d.Lease = store, tt.lease
			ev := leakEvent(bottest.AnthropicKey(uint64(320 + i)))
			if err := d.Dispatch(context.Background(), ev); err != nil {
				t.Fatal(err)
			}
			if n := len(rec.done(bot.Delete)); n != tt.wantDeletes {
				t.Errorf("%d deletes, want %d", n, tt.wantDeletes)
			}
			if tt.wantExtends == 0 && store.extends != 0 || store.extends < tt.wantExtends {
				t.Errorf("%d lease renewals, want %d or more (none when 0)", store.extends, tt.wantExtends)
			}
		})
	}
}

// A platform's error can quote the user's text or a URL with a credential
// in it: what the ledger, the security notice, the audit and the logs say
// of it has the key masked and the URL's token, query and user gone.
func TestExecutorErrorsRedacted(t *testing.T) {
	const webhookToken, ticket, password = "WhK9tokenPathSecret_x1y2z3", "t1ck3tQuerySecret", "hunter2pass"
	quoted, _ := bottest.KeyPair(41) // a key the platform's error quotes back
	platformErr := func(wrap error) error {
		return fmt.Errorf("POST https://discord.com/api/webhooks/1234567890/%s?wait=true&ticket=%s: text %q: via http://bot:%s@proxy.example:8080/: %w",
			webhookToken, ticket, "my key is "+quoted, password, wrap)
	}
	tests := []struct {
		name string
		fail func(kind bot.ActionKind, n int) error
		// late moves the clock past the deadline after the first attempt.
		late        bool
		outcome     ledger.Outcome
		detailWants string
		noticeSent  bool
	}{
		{"escalated", func(k bot.ActionKind, _ int) error {
			if k == bot.Delete {
				return platformErr(bot.ErrPermission)
			}
			return nil
		}, false, ledger.Escalated, "https://discord.com/api/webhooks/1234567890/…", true},
		{"given up at the deadline", func(k bot.ActionKind, _ int) error {
			if k == bot.Delete {
				return platformErr(errors.New("internal_error"))
			}
			return nil
		}, true, ledger.Failed, "gave up at the deadline: POST https://discord.com/api/webhooks/1234567890/…", true},
		{"security notice never sent", func(k bot.ActionKind, _ int) error {
			if k == bot.Notice {
				return platformErr(errors.New("internal_error"))
			}
			return nil
		}, true, ledger.Deleted, "security notice not sent: POST https://discord.com/api/webhooks/1234567890/…", false},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := bottest.AnthropicKey(uint64(200 + i))
			c, rec, r := takedownWith(t, key, tt.fail, tt.late)
			if r.Outcome != tt.outcome || !strings.Contains(r.Detail, tt.detailWants) {
				t.Errorf("outcome %s, detail %q; want %s with %q", r.Outcome, r.Detail, tt.outcome, tt.detailWants)
			}
			// The masked preview says which key the error quoted.
			if !strings.Contains(r.Detail, "sk-ant-api03-…") {
				t.Errorf("detail %q lost the quoted key's masked preview", r.Detail)
			}
			audit, err := json.Marshal(r.Audit())
			if err != nil {
				t.Fatal(err)
			}
			notes := rec.done(bot.Notice)
			if tt.noticeSent != (len(notes) == 1) {
				t.Fatalf("security notices = %+v, want sent: %v", notes, tt.noticeSent)
			}
			notice := ""
			if len(notes) == 1 {
				notice = notes[0].Text
				if !strings.Contains(notice, tt.detailWants) {
					t.Errorf("security notice lacks the detail %q:\n%s", tt.detailWants, notice)
				}
			}
			outputs := map[string]string{"security notice": notice, "audit": string(audit), "actions": rec.all()}
			c.AssertNoEcho(t, quoted, outputs)
			c.AssertNoEcho(t, key, outputs)
			outputs["logs"], outputs["ledger row"] = c.Logs(), fmt.Sprintf("%+v", r)
			for where, out := range outputs {
				for _, secret := range []string{webhookToken, ticket, password} {
					if strings.Contains(out, secret) {
						t.Errorf("the %s repeat the URL's credential %q", where, secret)
					}
				}
			}
		})
	}
}

// TestAnswerRetries checks the short retries of an answer (not a
// takedown) under the reply policy: a transient error or a short
// Retry-After is tried again after a wait, a long Retry-After or a final
// error is not, and the tries are bounded.
func TestAnswerRetries(t *testing.T) {
	limited := func(d time.Duration) error { return &bot.RateLimitError{RetryAfter: d} }
	tests := []struct {
		name      string
		errs      []error // of the answer's first calls; nil after them
		wantCalls int
		wantWaits []time.Duration
		wantErr   bool
	}{
		{"answered at once", nil, 1, nil, false},
		{"transient, then answered", []error{errors.New("internal_error")}, 2, []time.Duration{250 * time.Millisecond}, false},
		{"a short Retry-After is waited", []error{limited(time.Second)}, 2, []time.Duration{time.Second}, false},
		{"a long Retry-After gives up", []error{limited(time.Minute)}, 1, nil, true},
		{"permission is final", []error{fmt.Errorf("not_in_channel: %w", bot.ErrPermission)}, 1, nil, true},
		{"three tries at most", []error{errors.New("a"), errors.New("b"), errors.New("c"), errors.New("d")}, 3,
			[]time.Duration{250 * time.Millisecond, 750 * time.Millisecond}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := bottest.New(t, bottest.Options{})
			calls := 0
			rec := &recorder{fail: func(k bot.ActionKind, n int) error {
				calls = n
				if n <= len(tt.errs) {
					return tt.errs[n-1]
				}
				return nil
			}}
			d := c.Dispatcher(rec)
			var waits []time.Duration
			d.Rand = func() float64 { return 1 }
			d.Sleep = func(_ context.Context, w time.Duration) error { waits = append(waits, w); return nil }
			ev := bot.Event{Kind: bot.Command, Platform: "test", Channel: "C1", User: "U1", Text: "hello world"}
			err := d.Dispatch(context.Background(), ev)
			if (err != nil) != tt.wantErr {
				t.Errorf("Dispatch = %v, want error %v", err, tt.wantErr)
			}
			if calls != tt.wantCalls {
				t.Errorf("%d calls, want %d", calls, tt.wantCalls)
			}
			if !slices.Equal(waits, tt.wantWaits) {
				t.Errorf("waits %v, want %v", waits, tt.wantWaits)
			}
		})
	}
}

// The security channel's notices are in security_lang, whatever the
// poster wrote in, for a fresh takedown and for one resumed from the
// ledger.
func TestSecurityNoticeLanguage(t *testing.T) {
	tests := []struct {
		lang, want string
	}{
		{"", "Leaked credential taken down"},
		{"zh", "泄露的凭据已删除"},
	}
	for _, tt := range tests {
		t.Run("lang="+tt.lang, func(t *testing.T) {
			c := bottest.New(t, bottest.Options{})
			c.Router.SecurityLang = tt.lang
			rec := &recorder{}
			ctx := context.Background()
			if err := c.Dispatcher(rec).Dispatch(ctx, leakEvent(bottest.AnthropicKey(31))); err != nil {
				t.Fatal(err)
			}
			pending := ledger.Record{Key: ledger.Key{Platform: "test", Workspace: "W1", Channel: "C1", MessageID: "M9"},
				Time: time.Now(), Poster: "U1", Rule: "anthropic-api-key", Provider: "Anthropic",
				Masked: "sk-ant-api03-…x9AA", Fingerprint: "0123456789abcdef0123456789abcdef", Lang: "en"}
			if ok, _, err := c.Store.Claim(ctx, pending, "dead-replica", -time.Second); !ok || err != nil {
				t.Fatalf("claim: %v, %v", ok, err)
			}
			if n, err := c.Dispatcher(rec).Resume(ctx, "test"); err != nil || n != 1 {
				t.Fatalf("Resume = %d, %v; want 1", n, err)
			}
			notes := rec.done(bot.Notice)
			if len(notes) != 2 {
				t.Fatalf("notices = %d, want 2 (fresh, resumed)", len(notes))
			}
			for _, n := range notes {
				if !strings.Contains(n.Text, tt.want) {
					t.Errorf("security notice %q lacks %q", n.Text, tt.want)
				}
			}
		})
	}
}

package bot_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/tokenbot/tokenbot/bot"
	"github.com/tokenbot/tokenbot/bot/bottest"
	"github.com/tokenbot/tokenbot/bot/leaks"
)

// An event whose context is done is not scanned to its end: the router
// returns the context's error and decides nothing, the intake claims
// nothing and marks nothing seen, so that the platform delivers the event
// again.
func TestCancelledEventStopsScanning(t *testing.T) {
	c := bottest.New(t, bottest.Options{})
	key := bottest.AnthropicKey(310)
	ev := leakEvent(key)
	ev.Files = []bot.File{{Name: ".env", Text: "KEY=" + bottest.GitHubToken(311)}}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	acts, err := c.Router.Handle(ctx, ev)
	if !errors.Is(err, context.Canceled) || len(acts) != 0 {
		t.Fatalf("Handle on a cancelled context = %d actions, %v; want none and context.Canceled", len(acts), err)
	}
	exec := &recorder{}
	in := bot.NewIntake(c.Dispatcher(exec), c.Store, c.Log, 1, 4)
	if err := in.Submit(ctx, ev, "e-cancelled"); !errors.Is(err, context.Canceled) {
		t.Fatalf("Submit on a cancelled context: %v, want context.Canceled", err)
	}
	if err := in.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if first, err := c.Store.SeenEvent(context.Background(), "test", "e-cancelled"); err != nil || !first {
		t.Errorf("the cancelled event was marked seen: first=%v %v", first, err)
	}
	if n := len(exec.acts); n != 0 {
		t.Errorf("%d actions run for a cancelled event", n)
	}
	// The same event, delivered again in time, is taken down.
	if err := c.Dispatcher(exec).Dispatch(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	if n := len(exec.done(bot.Delete)); n != 1 {
		t.Errorf("%d deletes on redelivery, want 1", n)
	}
}

// A scan that outlasts the event's deadline (a delivery's time to be
// acknowledged) stops, and makes the text unsafe: a redelivery would run
// out of time the same way, so the message is taken down rather than
// never handled.
func TestTimedOutScanIsUnsafe(t *testing.T) {
	c := bottest.New(t, bottest.Options{})
	ctx, cancel := context.WithDeadline(context.Background(), time.Unix(0, 0))
	defer cancel()
	ev := leakEvent(bottest.AnthropicKey(312))
	acts, err := c.Router.Handle(ctx, ev)
	if err != nil || len(acts) != 1 || acts[0].Kind != bot.Takedown || acts[0].Plan.Leaks[0].Rule != leaks.UnscannedRuleID {
		t.Fatalf("Handle past the deadline = %+v, %v; want one takedown of an unscanned text", acts, err)
	}
	exec := &recorder{}
	in := bot.NewIntake(c.Dispatcher(exec), c.Store, c.Log, 1, 4)
	if err := in.Submit(ctx, ev, "e-late"); err != nil {
		t.Fatalf("Submit past the deadline: %v", err)
	}
	if err := in.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(exec.done(bot.Delete)); n != 1 {
		t.Errorf("%d deletes, want 1", n)
	}
}

// A scanner that cannot scan a text (too large, a rule failed) makes the
// text unsafe, not an error: it is taken down.
func TestUnscannableTextIsUnsafe(t *testing.T) {
	c := bottest.New(t, bottest.Options{})
	r := *c.Router
	r.Scanner = failingScanner{leaks.ErrScanFailed}
	acts, err := r.Handle(context.Background(), leakEvent("nothing to see"))
	if err != nil || len(acts) != 1 || acts[0].Kind != bot.Takedown || acts[0].Plan.Leaks[0].Rule != leaks.UnscannedRuleID {
		t.Fatalf("Handle = %+v, %v; want one takedown of an unscanned text", acts, err)
	}
}

type failingScanner struct{ err error }

func (f failingScanner) ScanContext(context.Context, string) ([]leaks.Finding, error) {
	return nil, f.err
}

// A slash command is accepted without being routed: its scan and count
// (the encoders' first load among them) run when the work is run, on a
// worker, after the platform has its acknowledgement; a redelivery is
// answered once.
func TestSlashCommandIsAcceptedBeforeItIsCounted(t *testing.T) {
	c := bottest.New(t, bottest.Options{})
	r, sc := c.CountingRouter()
	exec := &recorder{}
	d := c.Dispatcher(exec)
	d.Router = r
	cmd := bot.Event{Kind: bot.Command, Command: "tokens", Platform: "test", Workspace: "W1", Channel: "C1", User: "U1",
		Text: "hello world", Interaction: "https://hooks.example/1"}
	w, err := d.Accept(context.Background(), cmd)
	if err != nil || w == nil || w.Empty() {
		t.Fatalf("Accept = %v, %v; want work to run", w, err)
	}
	if n := sc.Scanned(); n != 0 {
		t.Fatalf("Accept scanned %d bytes of a slash command", n)
	}
	if err := d.Run(context.Background(), w); err != nil {
		t.Fatal(err)
	}
	if sc.Scanned() == 0 {
		t.Error("the command was never scanned")
	}
	in := bot.NewIntake(d, c.Store, c.Log, 1, 4)
	for range 2 {
		if err := in.Submit(context.Background(), cmd, "command:trig-1"); err != nil {
			t.Fatal(err)
		}
	}
	if err := in.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	replies := exec.done(bot.PrivateReply)
	if len(replies) != 2 || replies[0].Tokens == nil || replies[1].Interaction != cmd.Interaction {
		t.Fatalf("replies = %+v, want two token reports through the interaction (Run, then one delivery of two)", replies)
	}
}

package bot_test

import (
	"context"
	"errors"
	"testing"

	"github.com/tokenbot/tokenbot/bot"
	"github.com/tokenbot/tokenbot/bot/bottest"
)

// heldFirst holds the first action it is given until released.
type heldFirst struct {
	recorder
	held, release chan struct{}
	once          bool
}

func (h *heldFirst) Execute(ctx context.Context, a bot.Action) error {
	h.mu.Lock()
	first := !h.once
	h.once = true
	h.mu.Unlock()
	if first {
		close(h.held)
		<-h.release
	}
	return h.recorder.Execute(ctx, a)
}

func question(id string) bot.Event {
	return bot.Event{Kind: bot.Mention, Platform: "test", Workspace: "W1", Channel: "C1", User: "U2",
		MessageID: id, Text: "what is an API key?"}
}

func TestIntakeTakedownsGoFirst(t *testing.T) {
	c := bottest.New(t, bottest.Options{})
	exec := &heldFirst{held: make(chan struct{}), release: make(chan struct{})}
	in := bot.NewIntake(c.Dispatcher(exec), c.Store, c.Log, 1, 10)
	ctx := context.Background()
	if err := in.Submit(ctx, question("q0"), "e0"); err != nil {
		t.Fatal(err)
	}
	<-exec.held // the only worker is busy
	for _, id := range []string{"q1", "q2", "q3"} {
		if err := in.Submit(ctx, question(id), "e-"+id); err != nil {
			t.Fatal(err)
		}
	}
	if err := in.Submit(ctx, leakEvent(bottest.AnthropicKey(300)), "e-leak"); err != nil {
		t.Fatal(err)
	}
	close(exec.release)
	if err := in.Close(ctx); err != nil {
		t.Fatal(err)
	}
	var order []bot.ActionKind
	for _, a := range exec.acts {
		order = append(order, a.Kind)
	}
	// q0's reply, then the takedown (delete first), then q1–q3.
	if len(order) < 3 || order[0] != bot.Reply || order[1] != bot.Delete {
		t.Errorf("actions in order %v, want q0's reply then the takedown's delete", order)
	}
	if n := len(exec.done(bot.Reply)); n != 4 {
		t.Errorf("%d replies, want 4", n)
	}
}

func TestIntakeBoundAndDuplicates(t *testing.T) {
	c := bottest.New(t, bottest.Options{})
	exec := &heldFirst{held: make(chan struct{}), release: make(chan struct{})}
	in := bot.NewIntake(c.Dispatcher(exec), c.Store, c.Log, 1, 2)
	ctx := context.Background()
	if err := in.Submit(ctx, question("q0"), "e0"); err != nil {
		t.Fatal(err)
	}
	<-exec.held
	if err := in.Submit(ctx, question("q1"), "e1"); err != nil {
		t.Fatal(err)
	}
	if err := in.Submit(ctx, question("q2"), "e2"); !errors.Is(err, bot.ErrBusy) {
		t.Fatalf("submit over the bound: %v, want ErrBusy", err)
	}
	close(exec.release)
	if err := in.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := in.Submit(ctx, question("q3"), "e3"); !errors.Is(err, bot.ErrClosed) {
		t.Errorf("submit after close: %v, want ErrClosed", err)
	}
	// The refused event was not marked seen; the accepted ones were.
	if first, err := c.Store.SeenEvent(ctx, "test", "e2"); err != nil || !first {
		t.Errorf("refused event marked seen: first=%v %v", first, err)
	}
	if first, err := c.Store.SeenEvent(ctx, "test", "e1"); err != nil || first {
		t.Errorf("accepted event not marked seen: first=%v %v", first, err)
	}
	if n := len(exec.done(bot.Reply)); n != 2 {
		t.Errorf("%d replies, want 2", n)
	}
}

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

// failingDedup is a de-duplication store that cannot answer.
type failingDedup struct{ calls int }

func (f *failingDedup) SeenEvent(context.Context, string, string) (bool, error) {
	f.calls++
	return false, errors.New("ledger unreachable")
}

// When de-duplication fails the event is handled anyway, on every entry:
// its takedown was claimed first, and a question is answered.
func TestIntakeDedupFailureHandlesTheEvent(t *testing.T) {
	c := bottest.New(t, bottest.Options{})
	exec := &recorder{}
	dedup := &failingDedup{}
	in := bot.NewIntake(c.Dispatcher(exec), dedup, c.Log, 2, 10)
	ctx := context.Background()
	if err := in.Submit(ctx, question("q1"), "e1"); err != nil {
		t.Errorf("Submit: %v, want the event taken", err)
	}
	if err := in.SubmitWait(ctx, leakEvent(bottest.AnthropicKey(301)), "e2"); err != nil {
		t.Errorf("SubmitWait: %v, want the event taken", err)
	}
	cmd := bot.Event{Kind: bot.Command, Command: "tokens", Platform: "test", Channel: "C1", User: "U1", Text: "hello"}
	if err := in.Handle(ctx, cmd, "e3"); err != nil {
		t.Errorf("Handle: %v, want the command answered", err)
	}
	if err := in.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if dedup.calls != 3 {
		t.Errorf("%d de-duplication lookups, want 3", dedup.calls)
	}
	if n := len(exec.done(bot.Reply)); n != 1 {
		t.Errorf("%d replies, want the question's", n)
	}
	if n := len(exec.done(bot.Delete)); n != 1 {
		t.Errorf("%d deletes, want the leak's", n)
	}
	if n := len(exec.done(bot.PrivateReply)); n < 1 {
		t.Errorf("the command was not answered")
	}
}

// A command delivered twice is answered once; the second delivery says it
// is a duplicate, so that the adapter does not answer it either.
func TestIntakeHandleCommandOnce(t *testing.T) {
	c := bottest.New(t, bottest.Options{})
	exec := &recorder{}
	in := bot.NewIntake(c.Dispatcher(exec), c.Store, c.Log, 1, 10)
	ctx := context.Background()
	cmd := bot.Event{Command: "tokens", Platform: "test", Channel: "C1", User: "U1", Text: "hello"}
	if err := in.Handle(ctx, cmd, "interaction:1"); err != nil {
		t.Fatal(err)
	}
	if err := in.Handle(ctx, cmd, "interaction:1"); !errors.Is(err, bot.ErrDuplicate) {
		t.Errorf("second delivery: %v, want ErrDuplicate", err)
	}
	if n := len(exec.done(bot.PrivateReply)); n != 1 {
		t.Errorf("%d answers, want 1", n)
	}
	if err := in.Close(ctx); err != nil {
		t.Fatal(err)
	}
}

// Adapter handlers are bounded: with every slot taken, Try refuses at once
// and Go waits (here until its context ends); once one finishes, both
// run. After Close neither runs anything.
func TestIntakeBoundsHandlers(t *testing.T) {
	c := bottest.New(t, bottest.Options{})
	in := bot.NewIntake(c.Dispatcher(&recorder{}), c.Store, c.Log, 1, 10)
	ctx := context.Background()
	release := make(chan struct{})
	started := make(chan struct{}, bot.DefaultHandlers)
	for range bot.DefaultHandlers {
		if err := in.Go(ctx, func() { started <- struct{}{}; <-release }); err != nil {
			t.Fatal(err)
		}
	}
	for range bot.DefaultHandlers {
		<-started
	}
	ran := false
	if err := in.Try(ctx, func() error { ran = true; return nil }); !errors.Is(err, bot.ErrBusy) || ran {
		t.Errorf("Try with every slot taken: %v (ran %v), want ErrBusy", err, ran)
	}
	done, cancel := context.WithCancel(ctx)
	cancel()
	if err := in.Go(done, func() { ran = true }); !errors.Is(err, context.Canceled) || ran {
		t.Errorf("Go with every slot taken and no time: %v (ran %v), want the context's error", err, ran)
	}
	if n, idle := in.Progress(); n != 0 || idle {
		t.Errorf("progress = %d, idle %v; want 0 handled, busy", n, idle)
	}
	close(release)
	bottest.Eventually(t, "the handlers finished", func() bool { n, idle := in.Progress(); return n == bot.DefaultHandlers && idle })
	if err := in.Try(ctx, func() error { ran = true; return nil }); err != nil || !ran {
		t.Errorf("Try with a free slot: %v (ran %v)", err, ran)
	}
	if err := in.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := in.Go(ctx, func() {}); !errors.Is(err, bot.ErrClosed) {
		t.Errorf("Go after Close: %v, want ErrClosed", err)
	}
}

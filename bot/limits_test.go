package bot_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/tokenbot/tokenbot/bot"
	"github.com/tokenbot/tokenbot/bot/bottest"
	"github.com/tokenbot/tokenbot/bot/tokens"
)

// A /tokens text over the limit is refused before it is scanned, by the
// command and by Tokens; a cancelled request stops the count.
func TestTokensLimitsFirst(t *testing.T) {
	c := bottest.New(t, bottest.Options{})
	r, sc := c.CountingRouter()
	huge := strings.Repeat("z", r.Counter.MaxBytes()+1)
	acts, err := r.Handle(context.Background(), bot.Event{Kind: bot.Command, Command: "tokens", Platform: "test", Channel: "C1", User: "U1", Text: huge})
	if err != nil || len(acts) != 1 || !strings.Contains(acts[0].Text, "above the limit") {
		t.Fatalf("Handle = %+v, %v", acts, err)
	}
	if _, _, err := r.Tokens(context.Background(), huge, nil, ""); !errors.Is(err, tokens.ErrTooLarge) {
		t.Errorf("Tokens err = %v, want ErrTooLarge", err)
	}
	if n := sc.Scanned(); n != 0 {
		t.Errorf("scanned %d bytes of refused texts", n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := r.Tokens(ctx, "hello world", nil, ""); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled Tokens err = %v, want context.Canceled", err)
	}
}

package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/tokenbot/tokenbot/bot"
	"github.com/tokenbot/tokenbot/bot/bottest"
)

// Each text of a message is scanned once: a mentioned /tokens is not
// scanned again by the count, and a scan an adapter made of the event's
// text is used, not repeated. The answers are those of a fresh scan.
func TestTextScannedOnce(t *testing.T) {
	c := bottest.New(t, bottest.Options{})
	r, sc := c.CountingRouter()
	lowKey := "mistral_api_key = " + "Zq8mW3xT5vB7nK2pL9dR4sF6hJ1cG0aY" // found by its name: a warning, no takedown
	mention := func(text string) bot.Event {
		return bot.Event{Kind: bot.Mention, Platform: "test", Channel: "C1", User: "U1", MessageID: "1700000000.000200", Text: text}
	}
	scanned := func(t *testing.T, text string) bot.Event {
		ev := mention(text)
		s, err := r.Scan(context.Background(), text)
		if err != nil {
			t.Fatal(err)
		}
		ev.Scan = s
		return ev
	}
	tests := []struct {
		name  string
		ev    func(t *testing.T) bot.Event
		bytes int    // scanned in all
		want  string // in the last action's text
	}{
		{"mentioned /tokens", func(*testing.T) bot.Event { return mention("/tokens hello world") },
			len("hello world"), "chars/token"},
		{"mentioned /tokens with a model", func(*testing.T) bot.Event { return mention("/tokens model=gpt-4o hello world") },
			len("model=gpt-4o hello world") + len("gpt-4o"), "gpt-4o"},
		{"mentioned /tokens with a key", func(*testing.T) bot.Event { return mention("tokens: " + lowKey) },
			len(lowKey), "Your text contains a credential"},
		{"the adapter's scan of a message", func(t *testing.T) bot.Event {
			ev := scanned(t, "nothing to see here")
			ev.Kind = bot.Message
			return ev
		}, len("nothing to see here"), ""},
		{"the adapter's scan of a mention", func(t *testing.T) bot.Event { return scanned(t, "what is a context window?") },
			len("what is a context window?"), "context"},
		{"a scan of another text is not used", func(t *testing.T) bot.Event {
			ev := scanned(t, "hello")
			ev.Text = "/tokens " + lowKey
			return ev
		}, len("hello") + len(lowKey), "Your text contains a credential"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := tt.ev(t)
			acts, err := r.Handle(context.Background(), ev)
			if err != nil || (tt.want != "") != (len(acts) > 0) {
				t.Fatalf("Handle = %+v, %v", acts, err)
			}
			if tt.want != "" {
				if last := acts[len(acts)-1].Text; !strings.Contains(last, tt.want) {
					t.Errorf("answer lacks %q:\n%s", tt.want, last)
				}
			}
			if n := sc.Scanned(); n != int64(tt.bytes) {
				t.Errorf("scanned %d bytes, want %d (each text once)", n, tt.bytes)
			}
			sc.Reset()
		})
	}
}

// A key that begins in /tokens's options and ends in its text (wrapped at
// the line break that ends the options) is masked in the reply, and the
// reply warns to rotate it: the text's part is a finding although it would
// not look like a key alone.
func TestTokensKeyAcrossOptions(t *testing.T) {
	c := bottest.New(t, bottest.Options{})
	r, _ := c.CountingRouter()
	const key = "ghp_Qm7vT2xK9pL4wR8zN3bY6cF1hJ5dS0aGeU2i"
	for _, arg := range []string{
		"model=" + key[:24] + "\n" + key[24:] + " and some text",
		"encoding=" + key[:24] + "\n" + key[24:],
	} {
		t.Run(arg[:8], func(t *testing.T) {
			ev := bot.Event{Kind: bot.Command, Command: "tokens", Platform: "test", Channel: "C1", User: "U1", Text: arg}
			s, err := r.Scan(context.Background(), arg)
			if err != nil {
				t.Fatal(err)
			}
			if len(s.Findings()) == 0 {
				t.Fatalf("the wrapped key is not found in %q", arg)
			}
			ev.Scan = s
			acts, err := r.Handle(context.Background(), ev)
			if err != nil || len(acts) != 1 {
				t.Fatalf("Handle = %+v, %v", acts, err)
			}
			reply := acts[0].Text
			if !strings.Contains(reply, "Your text contains a credential") {
				t.Errorf("no rotate warning:\n%s", reply)
			}
			if strings.Contains(reply, key[24:]) || strings.Contains(reply, key[4:24]) {
				t.Errorf("reply repeats the key:\n%s", reply)
			}
		})
	}
}

package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/tokenbot/tokenbot/bot"
	"github.com/tokenbot/tokenbot/bot/bottest"
	"github.com/tokenbot/tokenbot/bot/ledger"
	say "github.com/tokenbot/tokenbot/bot/msg"
)

// Every string the core repeats from its user is redacted: a key planted
// in a command argument, a command name or a display name never comes back,
// not even its first characters, and a key in an argument earns the rotate
// warning.
func TestNoEcho(t *testing.T) {
	c := bottest.New(t, bottest.Options{})
	key, gh := bottest.AnthropicKey(21), bottest.GitHubToken(22)
	cmd := func(command, text string) bot.Event {
		return bot.Event{Kind: bot.Command, Command: command, Platform: "test", Channel: "C1", User: "U1", Text: text}
	}
	msg := func(kind bot.Kind, user, text string) bot.Event {
		return bot.Event{Kind: kind, Platform: "test", Channel: "C1", ChannelName: "general", User: "U1", UserName: user,
			MessageID: "M1", Text: text}
	}
	tests := []struct {
		name     string
		ev       bot.Event
		secret   string
		wantWarn bool
	}{
		{"encoding argument", cmd("tokens", "encoding="+key+" hello"), key, true},
		{"model argument", cmd("tokens", "model="+gh+" hello"), gh, true},
		{"model list argument", cmd("tokens", "--model gpt-4o,"+gh+" hello"), gh, true},
		{"encoding with a valid model", cmd("tokens", "model=gpt-4o encoding="+gh+" hello"), gh, true},
		{"unknown command name", cmd(gh, "hello"), gh, true},
		{"text of the command", cmd("tokens", "count "+key), key, true},
		{"display name in the notices", msg(bot.Message, "dev "+gh, "my key "+key), gh, false},
		{"display name of a mention", msg(bot.Mention, gh, "what is a token? "+key), gh, false},
		{"command in a visible message", msg(bot.Mention, "ann", "/tokens encoding="+key+" hi"), key, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acts, err := c.Router.Handle(context.Background(), tt.ev)
			if err != nil {
				t.Fatal(err)
			}
			if len(acts) == 0 {
				t.Fatal("no action")
			}
			var out strings.Builder
			for _, a := range acts {
				out.WriteString(a.Text + "\n")
				if a.Plan != nil {
					out.WriteString(say.Render(bot.SecurityNotice(a.Plan, ledger.Deleted, ""), say.Markdown) + "\n")
					out.WriteString(say.Render(bot.PosterNotice(a.Plan, ledger.Deleted), say.Markdown) + "\n")
					out.WriteString(say.Render(bot.PosterChannelNotice(a.Plan), say.Markdown) + "\n")
					out.WriteString(a.Plan.PosterName + a.Plan.ChannelName + "\n")
				}
			}
			if s := out.String(); bottest.Leaked(s, tt.secret) != "" {
				t.Errorf("output repeats the key:\n%s", s)
			}
			if tt.wantWarn && !strings.Contains(out.String(), "rotate") {
				t.Errorf("no rotate warning:\n%s", out.String())
			}
		})
	}
}

func TestRedactMasksBeforeClipping(t *testing.T) {
	c := bottest.New(t, bottest.Options{})
	gh := bottest.GitHubToken(23)
	out, found := bot.Redact(context.Background(), c.Router.Scanner, "name "+gh)
	if len(found) != 1 || bottest.Leaked(out, gh) != "" {
		t.Fatalf("Redact = %q, %d findings", out, len(found))
	}
	if clipped := bot.Clip(out, 24); bottest.Leaked(clipped, gh) != "" {
		t.Errorf("clipped = %q", clipped)
	}
	if out, found := bot.Redact(context.Background(), nil, gh); out != gh || found != nil {
		t.Errorf("nil scanner: %q %v", out, found)
	}
}

package bot_test

import (
	"context"
	"testing"

	"github.com/tokenbot/tokenbot/bot"
	"github.com/tokenbot/tokenbot/bot/bottest"
)

// The core decides from the facts an adapter reports whether the bot was
// addressed, the same way for every platform.
func TestClassify(t *testing.T) {
	msg := func(text string, f func(*bot.Event)) bot.Event {
		ev := bot.Event{Kind: bot.Message, Platform: "test", Channel: "C1", User: "U1", MessageID: "M1", Text: text}
		if f != nil {
			f(&ev)
		}
		return ev
	}
	tests := []struct {
		name      string
		ev        bot.Event
		kind      bot.Kind
		text, cmd string
	}{
		{"chatter that reads as a question", msg("what time is standup?", nil), bot.Message, "what time is standup?", ""},
		{"a mention", msg("what is a token?", func(e *bot.Event) { e.MentionsBot = true }), bot.Mention, "what is a token?", ""},
		{"a direct message", msg("午饭吃什么？", func(e *bot.Event) { e.Direct = true }), bot.Mention, "午饭吃什么？", ""},
		{"a reply to the bot", msg("and for gpt-4o?", func(e *bot.Event) { e.ReplyToBot = true }), bot.Mention, "and for gpt-4o?", ""},
		{"an addressed command", msg("tokens: hello world", func(e *bot.Event) { e.MentionsBot = true }), bot.Command, "hello world", "tokens"},
		{"a direct /tokens", msg("/tokens a\nb", func(e *bot.Event) { e.Direct = true }), bot.Command, "a\nb", "tokens"},
		{"a command word in chatter is chatter", msg("tokens: we ran out again", nil), bot.Message, "tokens: we ran out again", ""},
		{"a platform's slash command", bot.Event{Command: "tokens", Platform: "test", Text: "hi"}, bot.Command, "hi", "tokens"},
		{"an edit that mentions the bot is only scanned", msg("what is a token?", func(e *bot.Event) { e.Kind, e.MentionsBot = bot.Edit, true }), bot.Edit, "what is a token?", ""},
		{"no kind at all is a message", bot.Event{Text: "hello"}, bot.Message, "hello", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := bot.Classify(tt.ev)
			if got.Kind != tt.kind || got.Text != tt.text || got.Command != tt.cmd {
				t.Errorf("Classify = kind %q text %q command %q, want %q %q %q", got.Kind, got.Text, got.Command, tt.kind, tt.text, tt.cmd)
			}
			if bot.Addressed(tt.ev) != (tt.kind == bot.Mention || tt.kind == bot.Command) {
				t.Errorf("Addressed = %v for kind %q", bot.Addressed(tt.ev), tt.kind)
			}
		})
	}
}

// Chatter outside a passive channel gets nothing; the same line addressed
// to the bot by any of the facts gets an answer.
func TestChatterIsNotAnswered(t *testing.T) {
	c := bottest.New(t, bottest.Options{})
	ctx := context.Background()
	for _, text := range []string{"what time is standup?", "who has the key to the office?", "午饭吃什么？"} {
		ev := bot.Event{Kind: bot.Message, Platform: "test", Channel: "C1", User: "U1", MessageID: "M1", Text: text}
		if acts, err := c.Router.Handle(ctx, ev); err != nil || len(acts) != 0 {
			t.Errorf("%q: %d actions (%v), want none", text, len(acts), err)
		}
		for _, fact := range []func(*bot.Event){
			func(e *bot.Event) { e.MentionsBot = true },
			func(e *bot.Event) { e.Direct = true },
			func(e *bot.Event) { e.ReplyToBot = true },
		} {
			addressed := ev
			fact(&addressed)
			acts, err := c.Router.Handle(ctx, addressed)
			if err != nil || len(acts) != 1 || acts[0].Kind != bot.Reply {
				t.Errorf("%q addressed: %+v (%v), want one reply", text, acts, err)
			}
		}
	}
}

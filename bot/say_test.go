package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/tokenbot/tokenbot/bot"
	"github.com/tokenbot/tokenbot/bot/bottest"
	"github.com/tokenbot/tokenbot/bot/msg"
)

// TestRepliesSayData checks that the core hands adapters what to say as
// data (catalogue ids, fields, language), with no platform's markup.
func TestRepliesSayData(t *testing.T) {
	c := bottest.New(t, bottest.Options{})
	key := bottest.AnthropicKey(3)
	ev := func(kind bot.Kind, cmd, text string) bot.Event {
		e := bot.Event{Kind: kind, Command: cmd, Platform: "test", Channel: "general", ChannelName: "general",
			User: "U1", MessageID: "M1", Text: text}
		if kind == bot.Command {
			e.MessageID = "" // a command is no message in the channel
		}
		return e
	}
	tests := []struct {
		name   string
		ev     bot.Event
		lang   string
		first  msg.ID
		level  msg.Level
		anyIDs []msg.ID
	}{
		{"/tokens warns of a key, in English", ev(bot.Command, "tokens", "my key is "+key), "en", "secret.warning", msg.Warning, nil},
		{"/tokens warns of a key, in Chinese", ev(bot.Command, "tokens", "我的密钥是 "+key), "zh", "secret.warning", msg.Warning, nil},
		{"/tokens with no text explains itself", ev(bot.Command, "tokens", " "), "en", "tokens.usage", msg.Info, nil},
		{"an unknown command", ev(bot.Command, "tokenz", "hi"), "en", "tokens.unknown_command", msg.Info, []msg.ID{"tokens.usage"}},
		{"an FAQ answer frames related topics", ev(bot.Mention, "", "is an API key the same thing as a token?"), "en", "", msg.Info, []msg.ID{"answer.related"}},
		{"an FAQ answer in Chinese", ev(bot.Mention, "", "API key 和 token 是一回事吗？"), "zh", "", msg.Info, []msg.ID{"answer.related"}},
		{"not sure", ev(bot.Mention, "", "what time is standup?"), "en", "answer.not_sure_topics", msg.Info, []msg.ID{"answer.rephrase"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acts, err := c.Router.Handle(context.Background(), tt.ev)
			if err != nil {
				t.Fatal(err)
			}
			if len(acts) == 0 || acts[0].Say == nil {
				t.Fatalf("actions %+v: the first says nothing as data", acts)
			}
			d := *acts[0].Say
			if d.Lang != tt.lang || d.Level != tt.level {
				t.Errorf("language %q level %q, want %q %q", d.Lang, d.Level, tt.lang, tt.level)
			}
			ids := map[msg.ID]bool{}
			for _, p := range d.Parts {
				if p.Msg != nil {
					ids[p.Msg.ID] = true
				}
			}
			if tt.first != "" && (d.Parts[0].Msg == nil || d.Parts[0].Msg.ID != tt.first) {
				t.Errorf("first part %+v, want %s", d.Parts[0], tt.first)
			}
			for _, id := range tt.anyIDs {
				if !ids[id] {
					t.Errorf("parts %+v lack %s", d.Parts, id)
				}
			}
			if strings.Contains(acts[0].Text, ":warning:") || strings.Contains(acts[0].Text, key) {
				t.Errorf("text %q carries an emoji code or the key", acts[0].Text)
			}
		})
	}
}

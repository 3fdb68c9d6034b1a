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
		{"a computed price", ev(bot.Mention, "", "how much is 1M input tokens on gpt-5.4?"), "en", "estimate.price", msg.Info, []msg.ID{"estimate.cost_role", "estimate.source"}},
		{"a computed context window in Chinese", ev(bot.Mention, "", "gpt-5.5 的上下文多大？"), "zh", "estimate.context", msg.Info, []msg.ID{"estimate.source"}},
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

// TestTokensReportInTheAskersLanguage checks that the /tokens report's
// labels follow the language of the text asked about, numbers unchanged.
func TestTokensReportInTheAskersLanguage(t *testing.T) {
	c := bottest.New(t, bottest.Options{})
	for _, tt := range []struct {
		name, text string
		want, not  []string
	}{
		{"English", "hello world", []string{"11 characters, 11 bytes", "encoding", "chars/token", "model", "as output", "context", "Token boundaries ("}, []string{"编码"}},
		{"Chinese", "你好，世界", []string{"5 个字符，15 字节", "编码", "字符/token", "模型", "作为输出", "上下文", "token 边界（"}, []string{"characters", "encoding", "as output"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			acts, err := c.Router.Handle(context.Background(), bot.Event{Kind: bot.Command, Command: "tokens", Platform: "test",
				Channel: "general", User: "U1", Text: tt.text})
			if err != nil {
				t.Fatal(err)
			}
			if len(acts) != 1 || acts[0].Tokens == nil {
				t.Fatalf("actions %+v, want one report", acts)
			}
			for _, w := range tt.want {
				if !strings.Contains(acts[0].Text, w) {
					t.Errorf("report lacks %q:\n%s", w, acts[0].Text)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(acts[0].Text, n) {
					t.Errorf("report has %q:\n%s", n, acts[0].Text)
				}
			}
		})
	}
}

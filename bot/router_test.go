package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/tokenbot/tokenbot/bot"
	"github.com/tokenbot/tokenbot/bot/bottest"
	"github.com/tokenbot/tokenbot/bot/leaks"
)

func TestRouter(t *testing.T) {
	c := bottest.New(t, bottest.Options{PassiveChannels: []string{"ai-help"}})
	key := bottest.AnthropicKey(1)
	msg := func(kind bot.Kind, channel, text string) bot.Event {
		return bot.Event{Kind: kind, Platform: "test", Workspace: "W1", Channel: channel, ChannelName: channel,
			User: "U1", MessageID: "M1", Text: text}
	}
	cmd := func(text string) bot.Event {
		return bot.Event{Kind: bot.Command, Command: "tokens", Platform: "test", Channel: "general", User: "U1", Text: text}
	}
	tests := []struct {
		name  string
		ev    bot.Event
		kinds []bot.ActionKind
		check func(t *testing.T, acts []bot.Action)
	}{
		{"mention in English", msg(bot.Mention, "general", "is an API key the same thing as a token?"), []bot.ActionKind{bot.Reply},
			func(t *testing.T, acts []bot.Action) {
				a := acts[0]
				if a.Answer == nil || a.Answer.ID != "key-vs-token" || a.Answer.Lang != "en" {
					t.Errorf("answer = %+v, want key-vs-token in en", a.Answer)
				}
				if a.ThreadID != "M1" {
					t.Errorf("reply thread = %q, want the message M1", a.ThreadID)
				}
			}},
		{"mention in Chinese", msg(bot.Mention, "general", "API key 和 token 是一回事吗？"), []bot.ActionKind{bot.Reply},
			func(t *testing.T, acts []bot.Action) {
				if a := acts[0].Answer; a.ID != "key-vs-token" || a.Lang != "zh" {
					t.Errorf("answer = %s/%s, want key-vs-token in zh", a.ID, a.Lang)
				}
			}},
		{"unrelated mention gets an honest not-sure", msg(bot.Mention, "general", "can you book me a flight to Lisbon"), []bot.ActionKind{bot.Reply},
			func(t *testing.T, acts []bot.Action) {
				if acts[0].Answer.Answered {
					t.Errorf("answered %q, want not sure", acts[0].Answer.ID)
				}
			}},
		{"question outside passive channels is left alone", msg(bot.Message, "random", "what is a context window?"), nil, nil},
		{"question in a passive channel", msg(bot.Message, "ai-help", "what is a context window?"), []bot.ActionKind{bot.Reply},
			func(t *testing.T, acts []bot.Action) {
				if acts[0].Answer.ID != "context-window" {
					t.Errorf("answer = %s, want context-window", acts[0].Answer.ID)
				}
			}},
		{"passive: chatter", msg(bot.Message, "ai-help", "what time is standup?"), nil, nil},
		{"passive: chatter with numbers", msg(bot.Message, "ai-help", "the offsite budget is 5k"), nil, nil},
		{"mention: a price is computed, not looked up", msg(bot.Mention, "general", "how much is 1M input tokens on gpt-5.4?"), []bot.ActionKind{bot.Reply},
			func(t *testing.T, acts []bot.Action) {
				a := acts[0]
				if a.Answer != nil || !strings.Contains(a.Text, "$2.50 per 1M input tokens") || !strings.Contains(a.Text, "as of 2026-09-23") || a.ThreadID != "M1" {
					t.Errorf("reply = %+v, want the computed price in thread M1", a)
				}
			}},
		{"mention: a vs question in Chinese", msg(bot.Mention, "general", "claude-sonnet-4-6 vs gpt-5.4 价格"), []bot.ActionKind{bot.Reply},
			func(t *testing.T, acts []bot.Action) {
				if !strings.Contains(acts[0].Text, "*claude-sonnet-4-6* 的输入价格是 *gpt-5.4* 的 1.2 倍") {
					t.Errorf("reply = %q", acts[0].Text)
				}
			}},
		{"passive: a question naming a model and its context", msg(bot.Message, "ai-help", "gpt-5.5 的上下文多大？"), []bot.ActionKind{bot.Reply},
			func(t *testing.T, acts []bot.Action) {
				if !strings.Contains(acts[0].Text, "*gpt-5.5* 的上下文窗口为 1,000,000 个 token") {
					t.Errorf("reply = %q", acts[0].Text)
				}
			}},
		{"/tokens with a shut-down model says so", cmd("model=gpt-4 hello"), []bot.ActionKind{bot.PrivateReply},
			func(t *testing.T, acts []bot.Action) {
				if acts[0].Tokens == nil || !strings.Contains(acts[0].Text, "gpt-4 was shut down on 2026-10-23; current models: gpt-5.6-sol") {
					t.Errorf("reply = %q", acts[0].Text)
				}
			}},
		{"passive: token ring", msg(bot.Message, "ai-help", "the token ring diagram is on page 4"), nil, nil},
		{"passive: lunch in Chinese", msg(bot.Message, "ai-help", "午饭吃什么？"), nil, nil},
		{"edits are only scanned", msg(bot.Edit, "ai-help", "what is a context window?"), nil, nil},
		{"/tokens counts privately", cmd("hello world"), []bot.ActionKind{bot.PrivateReply},
			func(t *testing.T, acts []bot.Action) {
				r := acts[0].Tokens
				if r == nil || r.Encodings[0].Name != "o200k_base" || r.Encodings[0].Tokens != 2 {
					t.Fatalf("report = %+v, want o200k_base: 2 tokens", r)
				}
				if len(r.Pieces) != 2 || !strings.Contains(acts[0].Text, "│hello│·world│") {
					t.Errorf("boundaries missing: %q", acts[0].Text)
				}
			}},
		{"/tokens with a model", cmd("model=gpt-4o-mini hello"), []bot.ActionKind{bot.PrivateReply},
			func(t *testing.T, acts []bot.Action) {
				if ms := acts[0].Tokens.Models; len(ms) != 1 || ms[0].Model != "gpt-4o-mini" {
					t.Errorf("models = %+v, want gpt-4o-mini only", ms)
				}
			}},
		{"/tokens with an unknown model names close ones", cmd("model=gpt-4x hello"), []bot.ActionKind{bot.PrivateReply},
			func(t *testing.T, acts []bot.Action) {
				if acts[0].Tokens != nil || !strings.Contains(acts[0].Text, "gpt-4") {
					t.Errorf("text = %q, want an error naming close models", acts[0].Text)
				}
			}},
		{"/tokens with a key for a model name masks it", cmd("model=" + key + " hello"), []bot.ActionKind{bot.PrivateReply},
			func(t *testing.T, acts []bot.Action) {
				if acts[0].Tokens != nil || !strings.Contains(acts[0].Text, "sk-ant-api03-…") {
					t.Errorf("text = %q, want an unknown-model error naming the key masked", acts[0].Text)
				}
			}},
		{"/tokens with an unknown encoding says so", cmd("encoding=gpt2 hello"), []bot.ActionKind{bot.PrivateReply},
			func(t *testing.T, acts []bot.Action) {
				if acts[0].Tokens != nil || !strings.Contains(acts[0].Text, "encoding") {
					t.Errorf("text = %q, want an unknown-encoding error", acts[0].Text)
				}
			}},
		{"/tokens without text explains itself", cmd("  "), []bot.ActionKind{bot.PrivateReply},
			func(t *testing.T, acts []bot.Action) {
				if acts[0].Text != bot.TokensUsage {
					t.Errorf("text = %q, want usage", acts[0].Text)
				}
			}},
		{"/tokens on a key masks it and hides boundaries", cmd("my key " + key), []bot.ActionKind{bot.PrivateReply},
			func(t *testing.T, acts []bot.Action) {
				if len(acts[0].Tokens.Pieces) != 0 || !strings.Contains(acts[0].Text, "rotate") {
					t.Errorf("want a rotate warning and no pieces: %q", acts[0].Text)
				}
			}},
		{"a mention that starts with /tokens is a command", msg(bot.Mention, "general", "/tokens hi"), []bot.ActionKind{bot.PrivateReply}, nil},
		{"a /tokens mention posted in a channel with a key is taken down", msg(bot.Mention, "general", "/tokens "+key), []bot.ActionKind{bot.Takedown}, nil},
		{"a key in a message is taken down, not answered", msg(bot.Mention, "general", "why does this fail? "+key), []bot.ActionKind{bot.Takedown},
			func(t *testing.T, acts []bot.Action) {
				p := acts[0].Plan
				if p.Decision != leaks.Takedown || p.Leaks[0].Provider != "Anthropic" || p.Key.MessageID != "M1" {
					t.Errorf("plan = %+v", p)
				}
				if p.Advice == "" {
					t.Errorf("plan has no key-leaked advice")
				}
			}},
		{"an edit that adds a key is taken down under its revision", func() bot.Event {
			e := msg(bot.Edit, "general", "oops "+key)
			e.Revision = "r2"
			return e
		}(), []bot.ActionKind{bot.Takedown},
			func(t *testing.T, acts []bot.Action) {
				if acts[0].Plan.Key.Revision != "r2" {
					t.Errorf("revision = %q", acts[0].Plan.Key.Revision)
				}
			}},
		{"a key in an attached file is taken down", func() bot.Event {
			e := msg(bot.Message, "general", "here is my config")
			e.Files = []bot.File{{Name: ".env", Text: "GITHUB_TOKEN=" + bottest.GitHubToken(2) + "\n"}}
			return e
		}(), []bot.ActionKind{bot.Takedown}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acts, err := c.Router.Handle(context.Background(), tt.ev)
			if err != nil {
				t.Fatalf("Handle: %v", err)
			}
			var kinds []bot.ActionKind
			for _, a := range acts {
				kinds = append(kinds, a.Kind)
				if strings.Contains(a.Text, key) || (a.Answer != nil && strings.Contains(a.Answer.Question, key)) {
					t.Errorf("%s action echoes the secret", a.Kind)
				}
			}
			if !equalKinds(kinds, tt.kinds) {
				t.Fatalf("actions = %v, want %v", kinds, tt.kinds)
			}
			if tt.check != nil {
				tt.check(t, acts)
			}
		})
	}
}

func equalKinds(a, b []bot.ActionKind) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestParseTokens(t *testing.T) {
	tests := []struct {
		arg      string
		models   []string
		encoding string
		text     string
	}{
		{"hello", nil, "", "hello"},
		{"model=gpt-4o hello world", []string{"gpt-4o"}, "", "hello world"},
		{"model=gpt-4o,o3 model=gpt-5  two  spaces", []string{"gpt-4o", "o3", "gpt-5"}, "", "two  spaces"},
		{"--model gpt-4o encoding=cl100k_base x", []string{"gpt-4o"}, "cl100k_base", "x"},
		{"a=b is text", nil, "", "a=b is text"},
		{`model="claude 3.5 sonnet" say "hi"`, []string{"claude 3.5 sonnet"}, "", `say "hi"`},
		{`model=gpt4o-mini "quoted" text`, []string{"gpt4o-mini"}, "", `"quoted" text`},
		{"model=gpt-4o\nline one\nline two", []string{"gpt-4o"}, "", "line one\nline two"},
		{"", nil, "", ""},
	}
	for _, tt := range tests {
		got := bot.ParseTokens(tt.arg)
		if strings.Join(got.Models, ",") != strings.Join(tt.models, ",") || got.Encoding != tt.encoding || got.Text != tt.text {
			t.Errorf("ParseTokens(%q) = %+v, want models %v encoding %q text %q", tt.arg, got, tt.models, tt.encoding, tt.text)
		}
	}
}

func TestCommandText(t *testing.T) {
	for in, want := range map[string]string{"/tokens hi there": "hi there", "tokens: 你好": "你好", "/TOKENS x": "x", "/tokens": ""} {
		if got, ok := bot.CommandText(in); !ok || got != want {
			t.Errorf("CommandText(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"/tokensx", "what are tokens: a primer", "tokens"} {
		if _, ok := bot.CommandText(in); ok {
			t.Errorf("CommandText(%q) took it as a command", in)
		}
	}
}

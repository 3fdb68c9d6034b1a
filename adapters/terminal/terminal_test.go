package terminal

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/tokenbot/tokenbot/bot"
	"github.com/tokenbot/tokenbot/bot/bottest"
	"github.com/tokenbot/tokenbot/bot/msg"
)

func TestRun(t *testing.T) {
	var out bytes.Buffer
	c := &Chat{In: strings.NewReader("what is a token?\n\n/tokens a\\\nb\nboom\n"), Out: &out}
	var got []bot.Event
	err := c.Run(context.Background(), func(_ context.Context, ev bot.Event) error {
		got = append(got, ev)
		if ev.Text == "boom" {
			return errors.New("ledger unavailable")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("events = %+v, want 3 (blank lines skipped)", got)
	}
	// Facts only: every line is a direct message; the core decides.
	if ev := bot.Classify(got[0]); ev.Kind != bot.Mention || got[0].MessageID != "1" || got[0].Platform != Platform || !got[0].Direct {
		t.Errorf("first event = %+v, want a direct message with id 1, a question to the core", got[0])
	}
	if ev := bot.Classify(got[1]); ev.Kind != bot.Command || ev.Text != "a\nb" {
		t.Errorf("continued command = %+v, want the core to see /tokens of \"a\\nb\"", ev)
	}
	if !strings.Contains(out.String(), "something went wrong: ledger unavailable") {
		t.Errorf("a failed message is not reported: %q", out.String())
	}
}

func TestExecute(t *testing.T) {
	var out bytes.Buffer
	c := &Chat{Out: &out}
	ctx := context.Background()
	for _, a := range []bot.Action{
		{Kind: bot.Reply, Text: "hi"},
		{Kind: bot.PrivateReply, Text: "psst"},
		{Kind: bot.Delete, MessageID: "3"},
		{Kind: bot.DirectMessage, User: "you", Text: "rotate it"},
		{Kind: bot.Notice, Channel: "security", Text: "taken down"},
	} {
		if err := c.Execute(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	want := "tokenbot: hi\ntokenbot (only you can see this): psst\n[message 3 removed by tokenbot]\n" +
		"tokenbot → direct message to you: rotate it\ntokenbot → #security: taken down\n"
	if out.String() != want {
		t.Errorf("output =\n%s\nwant\n%s", out.String(), want)
	}
	if err := c.Execute(ctx, bot.Action{Kind: bot.Takedown}); !errors.Is(err, bot.ErrUnsupported) {
		t.Errorf("Execute(takedown) = %v, want ErrUnsupported", err)
	}
}

// The chat's own lines come from the catalogue: in the chat's language,
// or in the language of the action they frame.
func TestOwnLinesInTheirLanguage(t *testing.T) {
	tests := []struct {
		name string
		lang string
		act  *bot.Action // nil: the greeting and a failure
		want []string
	}{
		{"greeting in English", "", nil, []string{"tokenbot chat in #general", "try /tokens <text>,", "sorry, something went wrong: boom"}},
		{"greeting in Chinese", "zh", nil, []string{"tokenbot 终端聊天，频道 #general", "试试 /tokens <text>，", "抱歉，出错了：boom"}},
		{"removed, in the chat's language", "zh", &bot.Action{Kind: bot.Delete, MessageID: "7"}, []string{"[消息 7 已被 tokenbot 删除]"}},
		{"private reply in the action's language", "",
			&bot.Action{Kind: bot.PrivateReply, Say: &msg.Doc{Lang: "zh", Parts: []msg.Part{{Verbatim: "好"}}}}, []string{"tokenbot（仅你可见）：好"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			c := &Chat{In: strings.NewReader("x\n"), Out: &out, Lang: tt.lang}
			if tt.act == nil {
				_ = c.Run(context.Background(), func(context.Context, bot.Event) error { return errors.New("boom") })
			} else if err := c.Execute(context.Background(), *tt.act); err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output %q lacks %q", out.String(), w)
				}
			}
		})
	}
}

// A /tokens report in the terminal is plain text: the table on lines of
// its own, no Markdown fences.
func TestTokensReportIsPlain(t *testing.T) {
	var out bytes.Buffer
	c := &Chat{In: strings.NewReader("/tokens hello world\n"), Out: &out}
	d := bottest.New(t, bottest.Options{}).Dispatcher(c)
	if err := c.Run(context.Background(), d.Handle); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	if !strings.Contains(got, "tokenbot (only you can see this): \n11 characters, 11 bytes\n") {
		t.Errorf("the report does not start on a line of its own:\n%s", got)
	}
	if strings.Contains(got, "```") || !strings.Contains(got, "│hello│·world│") {
		t.Errorf("the report is not plain text with its boundaries:\n%s", got)
	}
}

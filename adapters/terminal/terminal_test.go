package terminal

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/tokenbot/tokenbot/bot"
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

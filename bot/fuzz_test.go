package bot_test

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tokenbot/tokenbot/bot"
	"github.com/tokenbot/tokenbot/bot/bottest"
)

// FuzzHandle: any bytes, in any kind of event, give actions or a clear
// error, never a panic, and no action repeats a key found in the input.
func FuzzHandle(f *testing.F) {
	for _, s := range []string{"", "is an API key a token?", "/tokens hi", "\xff\xfe", "午饭吃什么？",
		"key " + bottest.AnthropicKey(1), strings.Repeat("a", 5000), "<|endoftext|>", "model= x"} {
		f.Add(s, uint8(0))
	}
	c := bottest.New(f, bottest.Options{PassiveChannels: []string{"*"}})
	kinds := []bot.Kind{bot.Message, bot.Edit, bot.Mention, bot.Command}
	f.Fuzz(func(t *testing.T, text string, k uint8) {
		ev := bot.Event{Kind: kinds[int(k)%len(kinds)], Command: "tokens", Platform: "fuzz", Channel: "C", User: "U",
			MessageID: "M", Text: text}
		acts, err := c.Router.Handle(context.Background(), ev)
		if err != nil {
			return
		}
		found, _ := c.Router.Scanner.ScanContext(context.Background(), text)
		for _, a := range acts {
			if !utf8.ValidString(a.Text) && a.Kind != bot.Takedown {
				t.Errorf("%s action text is not valid UTF-8", a.Kind)
			}
			for _, fd := range found {
				if fd.End-fd.Start >= 16 && strings.Contains(a.Text, text[fd.Start:fd.End]) {
					t.Errorf("%s action repeats a found secret", a.Kind)
				}
			}
		}
	})
}

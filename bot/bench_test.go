package bot_test

import (
	"context"
	"testing"

	"github.com/tokenbot/tokenbot/bot"
	"github.com/tokenbot/tokenbot/bot/bottest"
	"github.com/tokenbot/tokenbot/bot/tokens"
	"github.com/tokenbot/tokenbot/knowledge"
)

// BenchmarkColdStartAnswer measures a fresh process's path to its first
// answer: load the embedded FAQ, build the bleve index, answer.
func BenchmarkColdStartAnswer(b *testing.B) {
	for b.Loop() {
		entries, err := knowledge.Load(knowledge.Embedded())
		if err != nil {
			b.Fatal(err)
		}
		ix, err := knowledge.NewIndex(entries, knowledge.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if a, err := ix.Ask(context.Background(), "is an API key the same as a token?", knowledge.Mention); err != nil || !a.Answered {
			b.Fatalf("answer: %v %v", a.ID, err)
		}
	}
}

// BenchmarkColdStartCount measures a fresh counter's first count with the
// default encoding, o200k_base, and with cl100k_base.
func BenchmarkColdStartCount(b *testing.B) {
	for _, enc := range []string{"o200k_base", "cl100k_base"} {
		b.Run(enc, func(b *testing.B) {
			for b.Loop() {
				c := tokens.NewCounter(tokens.Options{})
				if n, err := c.Count(enc, "hello world"); err != nil || n != 2 {
					b.Fatalf("count = %d, %v", n, err)
				}
			}
		})
	}
}

// BenchmarkHandle measures the router on chat traffic: a question, a
// clean message in a passive channel, a /tokens command.
func BenchmarkHandle(b *testing.B) {
	c := bottest.New(b, bottest.Options{PassiveChannels: []string{"general"}})
	events := []bot.Event{
		{Kind: bot.Mention, Platform: "bench", Channel: "general", User: "U", MessageID: "1", Text: "how are cached tokens billed?"},
		{Kind: bot.Message, Platform: "bench", Channel: "general", User: "U", MessageID: "2", Text: "deploy is done, standup in 5"},
		{Kind: bot.Command, Command: "tokens", Platform: "bench", Channel: "general", User: "U", Text: "Summarize this paragraph in three bullet points."},
	}
	ctx := context.Background()
	for i := 0; b.Loop(); i++ {
		if _, err := c.Router.Handle(ctx, events[i%len(events)]); err != nil {
			b.Fatal(err)
		}
	}
}

package estimate

import (
	"context"
	"strings"
	"testing"

	"github.com/tokenbot/tokenbot/bot/tokens"
)

// BenchmarkAnswer measures the computed-answer path every chat message
// takes: questions it answers, chatter it passes on, and a question as long
// as the FAQ accepts, full of words that look like model names.
func BenchmarkAnswer(b *testing.B) {
	cat, err := tokens.DefaultCatalog()
	if err != nil {
		b.Fatal(err)
	}
	a := &Answerer{Catalog: cat, Counter: tokens.NewCounter(tokens.Options{})}
	long := strings.Repeat("gemni claude sonnet opus 4.6 mistral grok ", 100)[:3980] + " how much?"
	for _, q := range []struct{ name, text string }{
		{"price", "how much is claude sonnet 4.6 vs gpt 5.4?"},
		{"fit", "does a 40-page PDF fit in gpt-5.4's context window?"},
		{"chatter", "deploy is done, standup in 5"},
		{"long", long},
	} {
		b.Run(q.name, func(b *testing.B) {
			if _, _, err := a.Answer(context.Background(), q.text, false); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, _, err := a.Answer(context.Background(), q.text, false); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

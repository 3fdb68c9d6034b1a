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
	// Traditional Chinese (converted before it is read) full of amounts
	// and versions: 3,972 bytes.
	longZH := strings.Repeat("萬字價格 gpt 5.4 一百萬輸入 ", 107) + " 多少錢？"
	for _, q := range []struct{ name, text string }{
		{"price", "how much is claude sonnet 4.6 vs gpt 5.4?"},
		{"fit", "does a 40-page PDF fit in gpt-5.4's context window?"},
		{"chatter", "deploy is done, standup in 5"},
		{"Chinese chatter", "这周加班 10 个小时，周五发版"},
		{"long", long},
		{"long Traditional Chinese", longZH},
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

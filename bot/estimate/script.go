package estimate

import (
	"strings"
	"sync"

	"github.com/tokenbot/tokenbot/bot/msg"
	"github.com/tokenbot/tokenbot/knowledge/hans"
)

// converter reads Traditional Chinese (Taiwan usage) as Simplified, the
// script of the question words in estimate.go: the router hands estimate
// the message as typed, so "價格", "萬字" and "頁" are converted here. Its
// own characters are those of this package's Chinese: answer texts (the
// catalogue's estimate.* texts) and question words.
var converter = sync.OnceValue(func() *hans.Converter {
	var b strings.Builder
	for _, id := range msg.Default.IDs("zh") {
		if strings.HasPrefix(string(id), "estimate.") {
			one, other, _ := msg.Default.Forms("zh", id)
			b.WriteString(one + other)
		}
	}
	for _, re := range []interface{ String() string }{priceWords, ctxWords, sizeWords, asks, after, before, oneRequest, oneThing, docWords} {
		b.WriteString(re.String())
	}
	return hans.New(b.String())
})

// simplified returns s in Simplified Chinese when it is Traditional, else s.
func simplified(s string) string { return converter().Simplified(s) }

// nameWords are the alphabetic words of the model names in a question, the
// words a version follows ("grok" in "grok 4.6").
func nameWords(names []string) map[string]bool {
	w := map[string]bool{}
	for _, n := range names {
		for _, f := range strings.FieldsFunc(strings.ToLower(n), func(r rune) bool { return r == ' ' || r == '-' }) {
			w[f] = true
		}
	}
	return w
}

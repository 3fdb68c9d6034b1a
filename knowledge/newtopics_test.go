package knowledge

import (
	"strings"
	"testing"
)

// The answers of the newer topics must keep naming the identifiers and
// figures a reader acts on; a rewrite that drops one gives a vaguer reply.
func TestNewTopicsKeepTheirKeyFacts(t *testing.T) {
	ix := testIndex(t)
	both := func(words ...string) map[string][]string {
		return map[string][]string{"en": words, "zh": words}
	}
	tests := []struct {
		id     string
		short  map[string][]string // must appear in the short answer
		answer map[string][]string // must appear in the full answer
	}{
		{
			id:    "max-tokens",
			short: both("max_completion_tokens", "max_tokens", "maxOutputTokens"),
			answer: both("max_completion_tokens", "max_output_tokens", "max_tokens", "maxOutputTokens",
				`finish_reason: "length"`, `stop_reason: "max_tokens"`, "MAX_TOKENS"),
		},
		{
			id:     "token-limits-vs-rate-limits",
			short:  both("400", "429"),
			answer: both("context_length_exceeded", "INVALID_ARGUMENT", "429", "RESOURCE_EXHAUSTED", "ITPM", "OTPM", "retry-after"),
		},
		{
			id:     "batch-discounts",
			short:  both("24"),
			answer: both("50%", "24", "JSONL"),
		},
		{
			id:     "image-audio-tokens",
			answer: both("count_tokens", "countTokens", "media_resolution", "/tokens"),
		},
		{
			id:     "tokenizer-differences",
			short:  both("o200k_base", "cl100k_base"),
			answer: both("o200k_base", "cl100k_base", "count_tokens", "countTokens", "/tokens"),
		},
		{
			id:     "key-expiry",
			short:  both("401"),
			answer: both("401", "authentication_error", "expires_in_seconds", "expires_at"),
		},
		{
			id:     "key-permissions",
			answer: both("Read Only", "Restricted", "sk-ant-admin", "403"),
		},
	}
	for _, tt := range tests {
		for _, lang := range Languages {
			tx, ok := ix.Entry(tt.id, lang)
			if !ok {
				t.Errorf("no %s entry in %s", tt.id, lang)
				continue
			}
			for _, w := range tt.short[lang] {
				if !strings.Contains(tx.Short, w) {
					t.Errorf("%s %s short answer lacks %q: %s", tt.id, lang, w, tx.Short)
				}
			}
			for _, w := range tt.answer[lang] {
				if !strings.Contains(tx.Answer, w) {
					t.Errorf("%s %s answer lacks %q", tt.id, lang, w)
				}
			}
		}
	}
}

// OpenAI deprecated max_tokens in favour of max_completion_tokens: the
// max-tokens entry must say so in both languages, or a reader keeps sending
// the parameter reasoning models reject.
func TestMaxTokensEntrySaysMaxTokensIsDeprecated(t *testing.T) {
	ix := testIndex(t)
	want := map[string]string{"en": "deprecated", "zh": "弃用"}
	for lang, word := range want {
		tx, _ := ix.Entry("max-tokens", lang)
		for _, text := range []string{tx.Short, tx.Answer} {
			if !strings.Contains(text, word) {
				t.Errorf("max-tokens %s does not say max_tokens is %q: %s", lang, word, text)
			}
		}
	}
}

// Package msgtest holds what the renderers' golden tests share: one
// action for every notice and frame the bot says, in both languages, and
// the golden-file check with its -update flag.
package msgtest

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tokenbot/tokenbot/bot"
	"github.com/tokenbot/tokenbot/bot/estimate"
	"github.com/tokenbot/tokenbot/bot/leaks"
	"github.com/tokenbot/tokenbot/bot/ledger"
	"github.com/tokenbot/tokenbot/bot/msg"
	"github.com/tokenbot/tokenbot/bot/tokens"
	"github.com/tokenbot/tokenbot/knowledge"
)

// Update rewrites golden files instead of comparing with them:
// go test ./adapters/slack -run Golden -update.
var Update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// Sample is one thing the bot says, as the core hands it to an adapter.
type Sample struct {
	Name   string // the golden file's base name
	Action bot.Action
}

// Languages are the languages every sample comes in.
var Languages = []string{"en", "zh"}

// Poster, Channel and the rest are the ids the samples use.
const (
	Poster      = "U0POSTER"
	PosterName  = "dana"
	Channel     = "C0GENERAL"
	ChannelName = "general"
	Security    = "C0SECURITY"
)

func plan(lang string, d leaks.Decision) *bot.Plan {
	return &bot.Plan{
		Key:      ledger.Key{Platform: "slack", Workspace: "T1", Channel: Channel, MessageID: "1712.0001"},
		Decision: d, Poster: Poster, PosterName: PosterName, ChannelName: ChannelName, Lang: lang,
		SecurityChannel: Security, Time: time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC),
		Leaks: []bot.Leak{
			{Rule: "anthropic-api-key", Provider: "Anthropic", Confidence: "high", Masked: "sk-ant-api03-…9f3e", Fingerprint: "fp-ab12cd34"},
			{Rule: "generic-api-key", Provider: "Acme", Confidence: "low", Masked: "acme_…77aa", Fingerprint: "fp-ee99ff00"},
		},
		Advice: map[string]string{
			"en": "A leaked key can be used by anyone who saw it. Rotating it makes the copy worthless.",
			"zh": "泄露的密钥谁看到都能用。轮换之后，泄露出去的那份就作废了。",
		}[lang],
	}
}

// Samples returns every notice and frame in every language: the poster
// notice (deleted, not deleted, warned), the poster's channel notice, the
// security notice (deleted, warned, not deleted), the /tokens secret
// warning, an FAQ answer with related topics and a source, the "not
// sure" reply and a computed answer (prices of two models compared).
func Samples() []Sample {
	var out []Sample
	for _, lang := range Languages {
		add := func(name string, a bot.Action) { out = append(out, Sample{Name: name + "-" + lang, Action: a}) }
		for _, c := range []struct {
			name     string
			decision leaks.Decision
			outcome  ledger.Outcome
		}{
			{"poster-deleted", leaks.Takedown, ledger.Deleted},
			{"poster-not-deleted", leaks.Takedown, ledger.Escalated},
			{"poster-warned", leaks.Warn, ledger.Warned},
		} {
			p := plan(lang, c.decision)
			add(c.name, bot.Action{Kind: bot.DirectMessage, User: Poster, Plan: p}.Saying(bot.PosterNotice(p, c.outcome)))
		}
		p := plan(lang, leaks.Takedown)
		add("poster-channel", bot.Action{Kind: bot.Reply, Channel: Channel, User: Poster, Plan: p}.Saying(bot.PosterChannelNotice(p)))
		for _, c := range []struct {
			name     string
			decision leaks.Decision
			outcome  ledger.Outcome
			detail   string
		}{
			{"security-deleted", leaks.Takedown, ledger.Deleted, ""},
			{"security-warned", leaks.Warn, ledger.Warned, ""},
			{"security-not-deleted", leaks.Takedown, ledger.Escalated, "missing permission: cant_delete_message"},
		} {
			p := plan(lang, c.decision)
			p.SecurityLang = lang // security_lang: both languages are pinned
			d := bot.SecurityNotice(p, c.outcome, c.detail)
			add(c.name, bot.Action{Kind: bot.Notice, Channel: Security, Plan: p}.Saying(d))
		}
		rep := tokens.Report{Chars: 52, Bytes: 52,
			Encodings: []tokens.EncodingCount{{Name: "o200k_base", Tokens: 21, CharsPerToken: 2.48}},
			Models: []tokens.ModelCost{{Model: "gpt-4o", Encoding: "o200k_base", Tokens: 21, Exact: true,
				InputCostUSD: 0.0000525, OutputCostUSD: 0.00021, ContextWindow: 128000, ContextShare: 21.0 / 128000}}}
		warn := bot.SecretWarningDoc(lang, []leaks.Finding{{Provider: "OpenAI", Masked: "sk-proj-…x9Qz"}})
		add("tokens-secret-warning", bot.Action{Kind: bot.PrivateReply, Channel: Channel, User: Poster, Tokens: &rep}.Saying(warn))
		ans := answer(lang)
		add("answer", bot.Action{Kind: bot.Reply, Channel: Channel, User: Poster, ThreadID: "1712.0002", Answer: &ans}.Saying(bot.AnswerDoc(ans)))
		unsure := knowledge.Answer{Question: "what time is standup?", Lang: lang, Answer: "-",
			Suggestions: []knowledge.Topic{{ID: "rate-limits", Title: answer(lang).Related[0].Title}, {ID: "key-leaked", Title: answer(lang).Related[1].Title}}}
		add("not-sure", bot.Action{Kind: bot.Reply, Channel: Channel, User: Poster, ThreadID: "1712.0003", Answer: &unsure}.Saying(bot.AnswerDoc(unsure)))
		add("estimate-price", bot.Action{Kind: bot.Reply, Channel: Channel, User: Poster, ThreadID: "1712.0004"}.Saying(computed(lang)))
	}
	return out
}

// sampleCatalog is a fixed model table for the computed answer, so that
// a refresh of the real one changes no golden file.
const sampleCatalog = `prices_as_of: "2026-11-01"
dataset: {name: sample-prices, version: "1.0"}
sources: [https://example.com/pricing]
models:
  - {id: gpt-4o, provider: openai, encoding: o200k_base, exact: true, input_per_mtok: 2.5, cached_input_per_mtok: 1.25, output_per_mtok: 10, context_window: 128000, max_output: 16384}
  - {id: claude-sonnet-4-6, provider: anthropic, encoding: o200k_base, exact: false, estimate: "o200k_base stands in for its tokenizer", input_per_mtok: 3, cached_input_per_mtok: 0.3, cache_write_per_mtok: 3.75, output_per_mtok: 15, context_window: 1000000, max_output: 64000}
`

// computed is a computed answer: two models' prices, the cost of the
// tokens asked about, the comparison and the source, with a model name
// as typed read as its id.
func computed(lang string) msg.Doc {
	cat, err := tokens.LoadCatalog([]byte(sampleCatalog))
	if err != nil {
		panic(fmt.Sprintf("msgtest: sample catalog: %v", err)) // a fixed constant; every golden test fails loudly
	}
	a := &estimate.Answerer{Catalog: cat, Counter: tokens.NewCounter(tokens.Options{}),
		Now: func() time.Time { return time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC) }}
	q := map[string]string{
		"en": "how much is 1M input tokens on gpt 4o vs claude-sonnet-4-6?",
		"zh": "100 万输入 token 在 gpt 4o 和 claude-sonnet-4-6 上各要多少钱？",
	}[lang]
	ans, ok, err := a.Answer(context.Background(), q, false)
	if err != nil || !ok {
		panic(fmt.Sprintf("msgtest: computed answer to %q: %v, %v", q, ok, err))
	}
	return ans.Doc
}

func answer(lang string) knowledge.Answer {
	if lang == "zh" {
		return knowledge.Answer{Question: "token 是什么？", Answered: true, ID: "what-is-a-token", Title: "token 是什么？", Lang: "zh",
			Answer:  "token 是模型读写文本的单位。英文里一个 token 大约是 *4 个字符*；用 `/tokens` 可以数一数。",
			Related: []knowledge.Topic{{ID: "rate-limits", Title: "什么是限流？"}, {ID: "key-leaked", Title: "密钥泄露了怎么办？"}},
			Sources: []string{"https://platform.openai.com/tokenizer"}}
	}
	return knowledge.Answer{Question: "what is a token?", Answered: true, ID: "what-is-a-token", Title: "What is a token?", Lang: "en",
		Answer:  "A token is the unit a model reads and writes. In English one token is about *4 characters*; count yours with `/tokens`.",
		Related: []knowledge.Topic{{ID: "rate-limits", Title: "What is a rate limit?"}, {ID: "key-leaked", Title: "I leaked a key: what now?"}},
		Sources: []string{"https://platform.openai.com/tokenizer"}}
}

// Check renders every sample with render and compares each rendering
// with testdata/say/<sample>.golden (see Golden).
func Check(t *testing.T, render func(t *testing.T, s Sample) string) {
	t.Helper()
	for _, s := range Samples() {
		t.Run(s.Name, func(t *testing.T) {
			Golden(t, "say", s.Name, render(t, s))
		})
	}
}

// Golden compares got with testdata/<dir>/<name>.golden, or writes it
// with -update.
func Golden(t *testing.T, dir, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", dir, name+".golden")
	if *Update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to write it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the rendering (run with -update after checking it):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// JSON is v as indented JSON with <, > and & left as they are, for golden
// files a reader can check.
func JSON(t *testing.T, v any) string {
	t.Helper()
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

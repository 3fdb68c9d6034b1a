package knowledge

import (
	"errors"
	"io/fs"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"
)

const validEntry = `id: %s
related: [%s]
sources: [https://platform.openai.com/docs/api-reference/authentication]
en:
  question: What is it?
  short: It is a thing.
  answer: A longer explanation of the thing.
  phrasings: [what is the thing]
zh:
  question: 这是什么？
  short: 这是一个东西。
  answer: 对这个东西更长的解释。
  phrasings: [这个东西是什么]
`

func entryYAML(id, related string) string {
	return strings.NewReplacer("%s", "").Replace(
		strings.Replace(strings.Replace(validEntry, "%s", id, 1), "%s", related, 1))
}

func TestLoadValidation(t *testing.T) {
	missingZH := entryYAML("alpha", "")
	missingZH = missingZH[:strings.Index(missingZH, "zh:")]
	emptyShort := strings.Replace(entryYAML("alpha", ""), "short: 这是一个东西。", "short: \"  \"", 1)
	noPhrasings := strings.Replace(entryYAML("alpha", ""), "phrasings: [what is the thing]", "phrasings: []", 1)
	tests := []struct {
		name      string
		files     map[string]string
		wantErr   error
		wantFile  string
		wantField string
	}{
		{name: "valid", files: map[string]string{"alpha.yaml": entryYAML("alpha", "beta"), "beta.yaml": entryYAML("beta", "alpha")}},
		{name: "missing zh", files: map[string]string{"alpha.yaml": missingZH}, wantErr: ErrMissingField, wantFile: "alpha.yaml", wantField: "zh"},
		{name: "empty zh short", files: map[string]string{"alpha.yaml": emptyShort}, wantErr: ErrMissingField, wantFile: "alpha.yaml", wantField: "zh.short"},
		{name: "no en phrasings", files: map[string]string{"alpha.yaml": noPhrasings}, wantErr: ErrMissingField, wantFile: "alpha.yaml", wantField: "en.phrasings"},
		{name: "duplicate id", files: map[string]string{"alpha.yaml": entryYAML("alpha", ""), "gamma.yaml": entryYAML("alpha", "")}, wantErr: ErrDuplicateID, wantFile: "gamma.yaml", wantField: "id"},
		{name: "unknown related id", files: map[string]string{"alpha.yaml": entryYAML("alpha", "beta, nope"), "beta.yaml": entryYAML("beta", "")}, wantErr: ErrUnknownRelated, wantFile: "alpha.yaml", wantField: "related[1]"},
		{name: "unknown field", files: map[string]string{"alpha.yaml": entryYAML("alpha", "") + "extra: 1\n"}, wantErr: ErrInvalid, wantFile: "alpha.yaml", wantField: "yaml"},
		{name: "reviewed not a month", files: map[string]string{"alpha.yaml": entryYAML("alpha", "") + "reviewed: December 2026\n"}, wantErr: ErrInvalid, wantFile: "alpha.yaml", wantField: "reviewed"},
		{name: "not yaml", files: map[string]string{"alpha.yaml": "id: [unclosed"}, wantErr: ErrInvalid, wantFile: "alpha.yaml", wantField: "yaml"},
		{name: "no sources", files: map[string]string{"alpha.yaml": strings.Replace(entryYAML("alpha", ""), "sources: [https://platform.openai.com/docs/api-reference/authentication]", "sources: []", 1)}, wantErr: ErrMissingField, wantFile: "alpha.yaml", wantField: "sources"},
		{name: "no files", files: map[string]string{"README.md": "nothing"}, wantErr: ErrNoEntries},
		{name: "keywords", files: map[string]string{"alpha.yaml": strings.Replace(entryYAML("alpha", ""), "en:", "keywords: [thing, 东西]\nen:", 1)}},
		{name: "empty keyword", files: map[string]string{"alpha.yaml": strings.Replace(entryYAML("alpha", ""), "en:", "keywords: [thing, \" \"]\nen:", 1)}, wantErr: ErrMissingField, wantFile: "alpha.yaml", wantField: "keywords[1]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for name, body := range tt.files {
				fsys[name] = &fstest.MapFile{Data: []byte(body)}
			}
			entries, err := Load(fsys)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("Load: %v", err)
				}
				if len(entries) != len(tt.files) {
					t.Fatalf("Load: %d entries, want %d", len(entries), len(tt.files))
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Load error = %v, want %v", err, tt.wantErr)
			}
			if tt.wantFile == "" {
				return
			}
			var verr *ValidationError
			if !errors.As(err, &verr) {
				t.Fatalf("Load error %T is not a *ValidationError: %v", err, err)
			}
			if verr.File != tt.wantFile || verr.Field != tt.wantField {
				t.Errorf("error names %s/%s, want %s/%s (%v)", verr.File, verr.Field, tt.wantFile, tt.wantField, err)
			}
			if !strings.Contains(err.Error(), tt.wantFile) || !strings.Contains(err.Error(), tt.wantField) {
				t.Errorf("error text %q does not name file and field", err)
			}
		})
	}
}

func TestNewIndexRejectsDuplicateID(t *testing.T) {
	fsys := fstest.MapFS{
		"alpha.yaml": {Data: []byte(entryYAML("alpha", ""))},
	}
	entries, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	entries = append(entries, entries[0])
	if _, err := NewIndex(entries, Options{}); !errors.Is(err, ErrDuplicateID) {
		t.Fatalf("NewIndex with a duplicate id: err = %v, want ErrDuplicateID", err)
	}
}

var requiredIDs = []string{
	"key-vs-token", "what-is-api-key", "what-is-ai-token", "api-token-vs-ai-token", "key-used-up",
	"token-billing", "input-output-tokens", "cached-tokens", "reasoning-tokens", "count-tokens",
	"token-word-ratio", "chinese-vs-english", "context-window", "long-conversations", "key-leaked",
	"key-storage", "key-per-environment", "key-rotation", "key-in-request", "request-flow",
	"usage-spike", "quota-and-credits", "rate-limits", "team-budgets", "why-confusing",
	"key-token-substitute", "bot-help", "max-tokens", "token-limits-vs-rate-limits", "batch-discounts",
	"image-audio-tokens", "tokenizer-differences", "key-expiry", "key-permissions",
}

func TestEmbeddedFAQ(t *testing.T) {
	entries, err := Load(Embedded())
	if err != nil {
		t.Fatalf("Load(Embedded()): %v", err)
	}
	byID := map[string]Entry{}
	for _, e := range entries {
		byID[e.ID] = e
	}
	for _, id := range requiredIDs {
		if _, ok := byID[id]; !ok {
			t.Errorf("embedded FAQ lacks entry %q", id)
		}
	}
	files, _ := fs.Glob(Embedded(), "*.yaml")
	for _, f := range files {
		if _, ok := byID[strings.TrimSuffix(f, ".yaml")]; !ok {
			t.Errorf("file %s does not hold entry %s", f, strings.TrimSuffix(f, ".yaml"))
		}
	}
	han := regexp.MustCompile(`\p{Han}`)
	for _, e := range entries {
		if len(e.Related) == 0 {
			t.Errorf("%s: no related entries", e.ID)
		}
		for _, lang := range Languages {
			tx := e.Text[lang]
			if n := len(tx.Phrasings); n < 4 {
				t.Errorf("%s.%s: %d phrasings, want >= 4", e.ID, lang, n)
			}
			if lang == "zh" && !han.MatchString(tx.Answer) {
				t.Errorf("%s.zh: answer has no Chinese text", e.ID)
			}
			if lang == "en" {
				if words := len(strings.Fields(tx.Answer)); words < 60 || words > 170 {
					t.Errorf("%s.en: answer has %d words, want roughly 60-150", e.ID, words)
				}
				if words := len(strings.Fields(tx.Short)); words > 45 {
					t.Errorf("%s.en: short answer has %d words, want 1-2 sentences", e.ID, words)
				}
			} else if n := utf8.RuneCountInString(tx.Short); n > 130 {
				t.Errorf("%s.zh: short answer has %d characters, want 1-2 sentences", e.ID, n)
			}
		}
	}
}

// The takedown DM quotes key-leaked: it must tell the poster to revoke or
// rotate the key now, check usage, and remove the key from history.
func TestKeyLeakedEntryGivesTheThreeSteps(t *testing.T) {
	ix := testIndex(t)
	want := map[string][]string{
		"en": {"revoke", "rotate", "usage", "history"},
		"zh": {"吊销", "轮换", "用量", "历史"},
	}
	for lang, words := range want {
		tx, ok := ix.Entry("key-leaked", lang)
		if !ok {
			t.Fatalf("no key-leaked entry in %s", lang)
		}
		for _, w := range words {
			if !strings.Contains(strings.ToLower(tx.Short), w) {
				t.Errorf("key-leaked %s short answer lacks %q: %s", lang, w, tx.Short)
			}
			if !strings.Contains(strings.ToLower(tx.Answer), w) {
				t.Errorf("key-leaked %s answer lacks %q", lang, w)
			}
		}
	}
}

func TestKeyInRequestNamesTheHeaders(t *testing.T) {
	ix := testIndex(t)
	for _, lang := range Languages {
		tx, _ := ix.Entry("key-in-request", lang)
		for _, h := range []string{"Authorization: Bearer", "x-api-key", "anthropic-version", "x-goog-api-key"} {
			if !strings.Contains(tx.Short, h) {
				t.Errorf("key-in-request %s short answer lacks %q", lang, h)
			}
		}
	}
}

// Facts of the key entries that changed with the providers (reviewed
// 2026-12): each row names what the answer must say and the stale claim it
// must no longer make.
func TestKeyEntriesStateCurrentProviderFacts(t *testing.T) {
	ix := testIndex(t)
	tests := []struct {
		id, lang string
		want     []string
		notWant  []string
	}{
		// An invalid key is 401 at OpenAI and Anthropic but 400 API_KEY_INVALID at Gemini.
		{"key-in-request", "en", []string{"401", "authentication_error", "400", "API_KEY_INVALID"}, []string{"403 for Google"}},
		{"key-in-request", "zh", []string{"401", "authentication_error", "400", "API_KEY_INVALID"}, []string{"Google 可能是 403"}},
		// The Anthropic console moved to platform.claude.com.
		{"key-leaked", "en", []string{"platform.openai.com/api-keys", "platform.claude.com/settings/keys", "Google AI Studio"}, []string{"console.anthropic.com", "Anthropic Console"}},
		{"key-leaked", "zh", []string{"platform.openai.com/api-keys", "platform.claude.com/settings/keys", "Google AI Studio"}, []string{"console.anthropic.com", "Anthropic Console"}},
		// Keys can now expire: an expired key is a 401, not a key that ran out.
		{"key-rotation", "en", []string{"expiry", "401"}, []string{"don't expire by themselves"}},
		{"key-rotation", "zh", []string{"过期", "401"}, []string{"默认不会过期"}},
		{"key-used-up", "en", []string{"insufficient_quota", "402", "billing_error", "RESOURCE_EXHAUSTED", "expiry"}, nil},
		{"key-used-up", "zh", []string{"insufficient_quota", "402", "billing_error", "RESOURCE_EXHAUSTED", "过期"}, nil},
		// Gemini keys are auth keys bound to a service account now.
		{"what-is-api-key", "en", []string{"auth keys", "platform.claude.com"}, []string{"Anthropic Console"}},
		{"what-is-api-key", "zh", []string{"auth key", "platform.claude.com"}, []string{"Anthropic Console"}},
		// Chinese names the AI token 词元, never 令牌.
		{"key-vs-token", "zh", []string{"token（词元）"}, []string{"令牌"}},
		{"what-is-ai-token", "zh", []string{"token（词元）"}, []string{"令牌"}},
		// The bot describes what it does today: FAQ answers, /tokens, takedowns.
		{"bot-help", "en", []string{"/tokens <text>", "model=<id>", "English or Chinese", "revoke", "masked"}, []string{"gpt-4o"}},
		{"bot-help", "zh", []string{"/tokens <文本>", "model=<id>", "中文或英文", "吊销", "打码"}, []string{"gpt-4o"}},
	}
	for _, tt := range tests {
		checkAnswerFacts(t, ix, tt.id, tt.lang, tt.want, tt.notWant)
	}
}

// checkAnswerFacts fails when the entry's full answer lacks a wanted fact or
// still makes a stale claim.
func checkAnswerFacts(t *testing.T, ix *Index, id, lang string, want, stale []string) {
	t.Helper()
	tx, ok := ix.Entry(id, lang)
	if !ok {
		t.Fatalf("no %s entry in %s", id, lang)
	}
	for _, w := range want {
		if !strings.Contains(tx.Answer, w) {
			t.Errorf("%s %s answer lacks %q", id, lang, w)
		}
	}
	for _, w := range stale {
		if strings.Contains(tx.Answer, w) {
			t.Errorf("%s %s answer still says %q", id, lang, w)
		}
	}
}

// Every built-in entry lists keywords: they carry the topic's distinctive
// terms for questions whose wording matches no phrasing.
func TestEmbeddedEntriesHaveKeywords(t *testing.T) {
	entries, err := Load(Embedded())
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		var han, latin int
		for _, k := range e.Keywords {
			if DetectLang(k) == "zh" {
				han++
			} else {
				latin++
			}
		}
		if han < 3 || latin < 3 {
			t.Errorf("%s: %d Chinese and %d English keywords, want >= 3 of each", e.ID, han, latin)
		}
	}
}

// The token, billing and limits entries state facts that changed in 2026.
// Each row names what the current answer must say and what the stale one
// said, in both languages.
func TestTokenEntriesStateCurrentFacts(t *testing.T) {
	ix := testIndex(t)
	tests := []struct {
		id     string
		lang   string
		want   []string
		forbid []string
	}{
		{"input-output-tokens", "en", []string{"4–8×", "max_completion_tokens", "/tokens model="}, nil},
		{"input-output-tokens", "zh", []string{"4–8 倍", "max_completion_tokens", "/tokens model="}, nil},
		{"token-billing", "en", []string{"4–8×", "write the cache"}, []string{"3–5"}},
		{"token-billing", "zh", []string{"4–8 倍", "写入缓存"}, []string{"3 到 5 倍"}},
		{"cached-tokens", "en", []string{"GPT-5.6", "cache_write_tokens", "1.25×", "2×", "0.1×", "cache_read_input_tokens", "implicit"}, nil},
		{"cached-tokens", "zh", []string{"GPT-5.6", "cache_write_tokens", "1.25 倍", "2 倍", "0.1 倍", "cache_read_input_tokens", "隐式"}, nil},
		{"reasoning-tokens", "en", []string{"adaptive", "effort", "thinkingLevel", "thinkingBudget", "max_completion_tokens", "max_output_tokens"}, []string{"set a thinking budget (Claude budget_tokens"}},
		{"reasoning-tokens", "zh", []string{"adaptive", "effort", "thinkingLevel", "thinkingBudget", "max_completion_tokens", "max_output_tokens"}, []string{"设置思考预算（Claude 的 budget_tokens"}},
		{"context-window", "en", []string{"1M-token", "200K", "context_length_exceeded"}, []string{"200K for Claude models", "128K tokens for GPT-4o"}},
		{"context-window", "zh", []string{"100 万", "20 万", "context_length_exceeded"}, []string{"Claude 系列是 200K", "GPT-4o 是 128K"}},
		{"chinese-vs-english", "en", []string{"o200k_base", "cl100k_base", "838", "1,193", "733"}, []string{"Chinese characters are often one token each"}},
		{"chinese-vs-english", "zh", []string{"o200k_base", "cl100k_base", "838", "1,193", "733"}, []string{"汉字常常一个字一个 token"}},
		{"count-tokens", "en", []string{"tiktoken", "/v1/messages/count_tokens", "countTokens", "/tokens"}, nil},
		{"count-tokens", "zh", []string{"tiktoken", "/v1/messages/count_tokens", "countTokens", "/tokens"}, nil},
		{"rate-limits", "en", []string{"ITPM", "OTPM", "retry-after", "anthropic-ratelimit-", "x-ratelimit-", "RESOURCE_EXHAUSTED", "insufficient_quota"}, nil},
		{"rate-limits", "zh", []string{"ITPM", "OTPM", "retry-after", "anthropic-ratelimit-", "x-ratelimit-", "RESOURCE_EXHAUSTED", "insufficient_quota"}, nil},
		{"quota-and-credits", "en", []string{"insufficient_quota", "credit_balance_exhausted", "project_spend_limit_exceeded", "workspace", "expire"}, nil},
		{"quota-and-credits", "zh", []string{"insufficient_quota", "credit_balance_exhausted", "额度", "配额", "限额"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.id+"/"+tt.lang, func(t *testing.T) {
			checkAnswerFacts(t, ix, tt.id, tt.lang, tt.want, tt.forbid)
		})
	}
}

// The reviewed token entries cite current pages (not the renamed
// docs.anthropic.com and console.anthropic.com hosts) and introduce token
// as 词元 in Chinese.
func TestReviewedTokenEntriesCiteCurrentPages(t *testing.T) {
	entries, err := Load(Embedded())
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]Entry{}
	for _, e := range entries {
		byID[e.ID] = e
	}
	ids := []string{
		"input-output-tokens", "cached-tokens", "reasoning-tokens", "context-window", "long-conversations",
		"token-word-ratio", "chinese-vs-english", "count-tokens", "token-billing", "quota-and-credits",
		"rate-limits", "usage-spike", "team-budgets",
	}
	for _, id := range ids {
		e, ok := byID[id]
		if !ok {
			t.Errorf("no entry %q", id)
			continue
		}
		if e.Reviewed != "2026-12" {
			t.Errorf("%s: reviewed %q, want 2026-12", id, e.Reviewed)
		}
		for _, s := range e.Sources {
			if strings.Contains(s, "docs.anthropic.com") || strings.Contains(s, "console.anthropic.com") {
				t.Errorf("%s: source %s uses a renamed Anthropic host", id, s)
			}
		}
		if zh := e.Text["zh"].Answer; !strings.Contains(zh, "token（词元）") {
			t.Errorf("%s.zh: answer does not introduce token as 词元", id)
		}
	}
}

func TestEmbeddedEntriesAreReviewed(t *testing.T) {
	entries, err := Load(Embedded())
	if err != nil {
		t.Fatalf("load embedded FAQ: %v", err)
	}
	for _, e := range entries {
		if e.Reviewed == "" {
			t.Errorf("%s has no reviewed month: every entry states when it was last checked against its sources", e.ID)
		}
	}
}

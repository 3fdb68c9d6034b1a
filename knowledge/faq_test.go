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
		for _, h := range []string{"Authorization: Bearer", "x-api-key", "x-goog-api-key"} {
			if !strings.Contains(tx.Short, h) {
				t.Errorf("key-in-request %s short answer lacks %q", lang, h)
			}
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

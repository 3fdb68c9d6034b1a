package tokens

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/tokenbot/tokenbot/configs"
)

func TestResolve(t *testing.T) {
	cat, err := DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name  string
		id    string   // the model it resolves to; "" when ambiguous
		exact bool     // typed as an id or alias
		cands []string // when ambiguous: the first candidates, in order
	}{
		{"claude-sonnet-4-6", "claude-sonnet-4-6", true, nil},
		{"Claude-Sonnet-4.6", "claude-sonnet-4-6", true, nil},
		{"claude sonnet 4.6", "claude-sonnet-4-6", false, nil},
		{"sonnet 4.6", "claude-sonnet-4-6", false, nil},
		{"claude 3.5 sonnet", "claude-3-5-sonnet", false, nil},
		{"Claude 3.5 Sonnet", "claude-3-5-sonnet", false, nil},
		{"gpt4o-mini", "gpt-4o-mini", false, nil},
		{"gpt 4o mini", "gpt-4o-mini", false, nil},
		{"gpt 4o", "gpt-4o", false, nil},
		{"gpt 5.4", "gpt-5.4", false, nil},
		{"GPT5.4 mini", "gpt-5.4-mini", false, nil},
		{"gpt5.5", "gpt-5.5", false, nil},
		{"o3 mini", "o3-mini", false, nil},
		{"gemni 2.5 pro", "gemini-2.5-pro", false, nil},          // typo in the family word
		{"gemini 3.1 pro", "gemini-3.1-pro-preview", false, nil}, // "-preview" left out
		{"gemini 2.5 flash", "gemini-2.5-flash", false, nil},     // not the -preview row
		{"claude-sonet-4-6", "claude-sonnet-4-6", false, nil},
		{"calude opus 4.7", "claude-opus-4-7", false, nil}, // swapped letters
		{"deepsek-chat", "deepseek-chat", false, nil},
		{"mistral large", "mistral-large", false, nil}, // a served id with spaces, not also mistral-large-2512
		{"Mistral  Large", "mistral-large", false, nil},
		// A line without a version: its current models, newest first.
		{"opus", "", false, []string{"claude-opus-5-5", "claude-opus-5"}},
		{"claude sonnet", "", false, []string{"claude-sonnet-5-5", "claude-sonnet-5"}},
		{"claude 3.5 sonnet context", "", false, nil}, // "context" is no model word: unknown
		{"claude 4.5", "", false, []string{"claude-opus-4-5", "claude-haiku-4-5"}},
		{"gemini pro", "", false, []string{"gemini-3.1-pro-preview"}}, // not the retired gemini-pro (1.0)
		// An alias of the provider's own model, retired or not, before a
		// longer id of another provider that holds its words.
		{"deepseek r1", "deepseek-reasoner", false, nil}, // not groq's deepseek-r1-distill-llama-70b
		{"DeepSeek R1", "deepseek-reasoner", false, nil},
		{"deepseek-r1", "deepseek-reasoner", true, nil},
		{"llama 3.1 70b", "llama-3.1-70b-versatile", false, nil},
		{"mistral medium", "mistral-medium-3-1", false, nil}, // the alias mistral-medium
		{"mistral medium 3.5", "mistral-medium-3-5", false, nil},
	} {
		r, err := cat.Resolve(tt.name)
		if tt.id != "" {
			if err != nil || r.Model.ID != tt.id || r.Exact != tt.exact {
				t.Errorf("Resolve(%q) = %s (exact %v), %v; want %s (exact %v)", tt.name, r.Model.ID, r.Exact, err, tt.id, tt.exact)
			}
			continue
		}
		if !errors.Is(err, ErrUnknownModel) || r.Model.ID != "" || len(r.Candidates) < len(tt.cands) || !slices.Equal(r.Candidates[:len(tt.cands)], tt.cands) {
			t.Errorf("Resolve(%q) = %s, candidates %v, %v; want candidates starting %v", tt.name, r.Model.ID, r.Candidates, err, tt.cands)
			continue
		}
		for _, c := range tt.cands {
			if !strings.Contains(err.Error(), c) {
				t.Errorf("Resolve(%q): error %q does not name %s", tt.name, err, c)
			}
		}
	}
}

func TestMentions(t *testing.T) {
	cat, err := DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	for text, want := range map[string][]string{
		"how much is claude 3.5 sonnet vs gpt 5.4?":       {"claude 3.5 sonnet", "gpt 5.4"},
		"does 300 pages fit in gemini-3.1-pro's context?": {"gemini-3.1-pro"},
		"gemni 2.5 pro 的上下文多大":                            {"gemni 2.5 pro"},
		"what's opus's price?":                            {"opus"},
		"claude-sonnet-4-6 vs gpt-5.4 价格":                 {"claude-sonnet-4-6", "gpt-5.4"},
		"how much is 2,000 tokens on gpt-5.4?":            {"gpt-5.4"},
		"gemini pro context window?":                      {"gemini pro"},
		"is gpt4o-mini cheaper than claude haiku 4.5?":    {"gpt4o-mini", "claude haiku 4.5"},
		"how much is chatgpt plus?":                       nil, // a brand alone is not a model
		"the gemni thing is slow":                         nil, // a typo counts only with a version
		"I asked claude about it":                         nil,
		"price of gpt-9000-ultra":                         {"gpt-9000-ultra"},
		"o3 输出一百万 token 要多少钱":                             {"o3"}, // a whole id alone
		"is o1 cheaper than o3?":                          {"o1", "o3"},
		"is 'gpt-5.4' cheaper than -gpt-5.5-?":            {"gpt-5.4", "gpt-5.5"},
	} {
		if got := cat.Mentions(text, 4); !slices.Equal(got, want) {
			t.Errorf("Mentions(%q) = %q; want %q", text, got, want)
		}
	}
	if got := cat.Mentions(strings.Repeat("gpt-5.4 vs ", 100), 4); len(got) != 1 {
		t.Errorf("Mentions of one model repeated = %q; want it once", got)
	}
}

func TestSplitName(t *testing.T) {
	for in, want := range map[string]string{
		"gpt4o-mini":                 "4o gpt mini|[]",
		"claude-3.5-sonnet-20241022": "claude sonnet|[3 5]",
		"o3":                         "o3|[]",
		"gemini-2.0-flash":           "flash gemini|[2]",
		"llama3.1-8b":                "8b llama|[3 1]",
		"gemini 2.5pro":              "gemini pro|[2 5]",
	} {
		p := splitName(in)
		if got := fmt.Sprintf("%s|%v", strings.Join(p.words, " "), p.nums); got != want {
			t.Errorf("splitName(%q) = %q; want %q", in, got, want)
		}
	}
}

// BenchmarkResolve measures resolving names as users type them: warm (the
// name index built), and cold (a freshly loaded catalog builds its index on
// the first name that is not an id).
func BenchmarkResolve(b *testing.B) {
	data, err := configs.FS.ReadFile(DefaultFile)
	if err != nil {
		b.Fatal(err)
	}
	cat, err := LoadCatalog(data)
	if err != nil {
		b.Fatal(err)
	}
	names := []string{"claude sonnet 4.6", "gemni 2.5 pro", "opus", "gpt-5.4", "gpt-9000-ultra"}
	b.Run("warm", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			cat.Resolve(names[i%len(names)])
		}
	})
	b.Run("cold", func(b *testing.B) {
		for b.Loop() {
			c, err := LoadCatalog(data)
			if err != nil {
				b.Fatal(err)
			}
			if r, err := c.Resolve("claude sonnet 4.6"); err != nil || r.Model.ID != "claude-sonnet-4-6" {
				b.Fatal(r, err)
			}
		}
	})
}

func FuzzResolve(f *testing.F) {
	for _, s := range []string{"claude 3.5 sonnet", "gemni 2.5 pro", "opus", "gpt4o-mini", "o3", "how much is gpt 5.4 vs claude-sonnet-4-6's?", "\xff-", "4.6 4.6 gemini", strings.Repeat("claude ", 300)} {
		f.Add(s)
	}
	cat, err := DefaultCatalog()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := cat.Resolve(s)
		switch {
		case err == nil && r.Model.ID == "":
			t.Fatalf("Resolve(%q): no error and no model", s)
		case err != nil && !errors.Is(err, ErrUnknownModel):
			t.Fatalf("Resolve(%q): %v", s, err)
		case err == nil:
			if _, err := cat.Lookup(r.Model.ID); err != nil {
				t.Fatalf("Resolve(%q) = %s, which Lookup does not know", s, r.Model.ID)
			}
		}
		ms := cat.Mentions(s, 4)
		if len(ms) > 4 {
			t.Fatalf("Mentions(%q) = %d names, want at most 4", s, len(ms))
		}
		for _, m := range ms {
			if len(strings.Fields(m)) > maxMentionTokens {
				t.Fatalf("Mentions(%q): %q has more than %d words", s, m, maxMentionTokens)
			}
		}
	})
}

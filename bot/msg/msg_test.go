package msg

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"unicode"
)

func TestEveryTextInEveryLanguageWithTheSameFields(t *testing.T) {
	langs := Default.Languages()
	if !slices.Equal(langs, []string{"en", "zh"}) {
		t.Fatalf("languages %v, want [en zh]", langs)
	}
	ids := Default.IDs(FallbackLang)
	if len(ids) < 30 {
		t.Fatalf("only %d texts in %s: the catalogue did not load", len(ids), FallbackLang)
	}
	for _, lang := range langs {
		if got := Default.IDs(lang); !slices.Equal(got, ids) {
			t.Errorf("%s has ids %v, want the same as %s: %v", lang, got, FallbackLang, ids)
		}
	}
	for _, id := range ids {
		want := fields(t, FallbackLang, id)
		for _, lang := range langs {
			if got := fields(t, lang, id); !slices.Equal(got, want) {
				t.Errorf("%s %s has fields %v, %s has %v", lang, id, got, FallbackLang, want)
			}
		}
	}
}

func fields(t *testing.T, lang string, id ID) []string {
	t.Helper()
	one, other, ok := Default.Forms(lang, id)
	if !ok {
		return nil
	}
	names := append(FieldNames(one), FieldNames(other)...)
	slices.Sort(names)
	return slices.Compact(names)
}

// markup is what no catalogue text may hold: emoji codes, Markdown marks,
// Slack's <…> controls and HTML.
var markup = regexp.MustCompile("(:[a-z0-9_+-]+:)|[`*_~<>]|&[a-z]+;")

func TestNoTextHasEmojiOrMarkup(t *testing.T) {
	for _, lang := range Default.Languages() {
		for _, id := range Default.IDs(lang) {
			one, other, _ := Default.Forms(lang, id)
			for _, text := range []string{one, other} {
				if m := markup.FindString(text); m != "" {
					t.Errorf("%s %s holds markup %q: %q", lang, id, m, text)
				}
				for _, r := range text {
					if unicode.Is(unicode.So, r) || (r >= 0x1F000 && r <= 0x1FAFF) || (r >= 0x2600 && r <= 0x27BF) {
						t.Errorf("%s %s holds an emoji %q: %q", lang, id, r, text)
					}
				}
			}
		}
	}
}

func TestPluralsAndArticles(t *testing.T) {
	c, err := Load(fstest.MapFS{
		"en.toml": {Data: []byte("[done]\none = \"{n} takedown\"\nother = \"{n} takedowns\"\n[leak]\nkind = \"{provider|a} credential\"\n")},
		"zh.toml": {Data: []byte("[done]\nother = \"{n} 次删除\"\n[leak]\nkind = \"一个 {provider} 凭据\"\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		lang   string
		id     ID
		fields Fields
		want   string
	}{
		{"en", "done", Fields{"n": 0}, "0 takedowns"},
		{"en", "done", Fields{"n": 1}, "1 takedown"},
		{"en", "done", Fields{"n": 2}, "2 takedowns"},
		{"zh", "done", Fields{"n": 1}, "1 次删除"},
		{"zh", "done", Fields{"n": 3}, "3 次删除"},
		{"en", "leak.kind", Fields{"provider": "OpenAI"}, "an OpenAI credential"},
		{"en", "leak.kind", Fields{"provider": "Anthropic"}, "an Anthropic credential"},
		{"en", "leak.kind", Fields{"provider": "GitHub"}, "a GitHub credential"},
		{"en", "leak.kind", Fields{"provider": "AWS"}, "an AWS credential"},
		{"en", "leak.kind", Fields{"provider": "Hugging Face"}, "a Hugging Face credential"},
		{"en", "leak.kind", Fields{"provider": "SSH"}, "an SSH credential"},
		{"en", "leak.kind", Fields{"provider": "Stripe"}, "a Stripe credential"},
		{"en", "leak.kind", Fields{"provider": "Unknown"}, "an Unknown credential"},
		{"zh", "leak.kind", Fields{"provider": "OpenAI"}, "一个 OpenAI 凭据"},
		{"fr", "leak.kind", Fields{"provider": "OpenAI"}, "an OpenAI credential"},
		{"en", "missing", nil, "missing"},
		{"en", "leak.kind", nil, "{provider|a} credential"},
	}
	for _, tt := range tests {
		if got := c.Text(tt.lang, Message{ID: tt.id, Fields: tt.fields}, Plain); got != tt.want {
			t.Errorf("%s %s %v = %q, want %q", tt.lang, tt.id, tt.fields, got, tt.want)
		}
	}
}

// rendering is a rendering in one style and what it should be.
type rendering struct {
	name  string
	style Style
	want  string
}

// slackLike is light Markdown with Slack's escaping and mark.
func slackLike() Style {
	s := Markdown
	s.Escape = strings.NewReplacer("<", "&lt;", ">", "&gt;", "&", "&amp;").Replace
	s.Verbatim = s.Escape
	s.Mark = func(Level, string) string { return ":warning: " }
	return s
}

func TestRenderStyles(t *testing.T) {
	d := Doc{Lang: "en", Level: Warning}
	d.Add(false, M(Para, "secret.warning", Fields{"n": 2, "leaks": List{
		Message{ID: "leak.named", Fields: Fields{"provider": "OpenAI", "key": Code("sk-…abcd")}},
		Message{ID: "leak.named", Fields: Fields{"provider": "Anthropic", "key": Code("sk-ant-…1234")}},
	}}))
	d.Add(true, V(Para, "a <b> & c"))
	slack := slackLike()
	tests := []rendering{
		{"plain", Plain, "Warning: Your text contains 2 credentials (OpenAI sk-…abcd, Anthropic sk-ant-…1234). Treat them as exposed: revoke and rotate them at the provider now.\n\na <b> & c"},
		{"markdown", Markdown, "Your text contains 2 credentials (OpenAI `sk-…abcd`, Anthropic `sk-ant-…1234`). Treat them as exposed: revoke and rotate them at the provider now.\n\na <b> & c"},
		{"slack", slack, ":warning: Your text contains 2 credentials (OpenAI `sk-…abcd`, Anthropic `sk-ant-…1234`). Treat them as exposed: revoke and rotate them at the provider now.\n\na &lt;b&gt; &amp; c"},
	}
	for _, tt := range tests {
		if got := Render(d, tt.style); got != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
	}
	d.Lang = "zh"
	if got := Render(d, Plain); !strings.HasPrefix(got, "警告：你的文本里有 2 个凭据（OpenAI sk-…abcd、Anthropic sk-ant-…1234）") {
		t.Errorf("zh plain = %q", got)
	}
}

func TestStripMarkdown(t *testing.T) {
	tests := []struct{ in, want string }{
		{"about *4 characters*; count with `/tokens`.", "about 4 characters; count with /tokens."},
		{"_Related: a, b_", "Related: a, b"},
		{"sk_live_…3 and 2 * 3 = 6", "sk_live_…3 and 2 * 3 = 6"},
		{"a lone ` mark", "a lone ` mark"},
	}
	for _, tt := range tests {
		if got := StripMarkdown(tt.in); got != tt.want {
			t.Errorf("StripMarkdown(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestBadCatalogueIsAnError(t *testing.T) {
	for name, data := range map[string]string{
		"syntax":   "[a\nb = 1",
		"a number": "x = 3\n",
	} {
		if _, err := Load(fstest.MapFS{"en.toml": {Data: []byte(data)}}); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestNameIsEmphasisedByTheStyle(t *testing.T) {
	c, err := Load(fstest.MapFS{"en.toml": {Data: []byte("read = \"Taking {name} as {model}.\"\n")}})
	if err != nil {
		t.Fatal(err)
	}
	m := Message{ID: "read", Fields: Fields{"name": Code("gpt 4o"), "model": Name("a<b>")}}
	slack := slackLike()
	for _, tt := range []rendering{
		{"plain", Plain, "Taking gpt 4o as a<b>."},
		{"markdown", Markdown, "Taking `gpt 4o` as *a<b>*."},
		{"escaped inside the emphasis", slack, "Taking `gpt 4o` as *a&lt;b&gt;*."},
	} {
		if got := c.Text("en", m, tt.style); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

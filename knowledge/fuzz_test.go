package knowledge

import (
	"context"
	"testing"
	"unicode/utf8"
)

func FuzzAsk(f *testing.F) {
	for _, s := range []string{
		"", "what is a token?", "API key 和 token 一样吗", "\xff\xfe", "？？？", "key\x00token",
		"AND OR NOT +foo -bar \"quoted\" field:value *wild* ~fuzzy^2", "/tokens model=gpt-4o hi",
		"密钥密钥密钥密钥密钥密钥", "😀 token 😀",
	} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	ix := testIndex(f)
	f.Fuzz(func(t *testing.T, data []byte, passive bool) {
		mode := Mention
		if passive {
			mode = Passive
		}
		a, err := ix.Ask(context.Background(), string(data), mode)
		if err != nil {
			t.Fatalf("Ask(%q): %v", data, err)
		}
		if a.Lang != "en" && a.Lang != "zh" {
			t.Fatalf("Ask(%q): lang %q", data, a.Lang)
		}
		if !utf8.ValidString(a.Question) || !utf8.ValidString(a.Answer) {
			t.Fatalf("Ask(%q): invalid UTF-8 in the answer", data)
		}
		if mode == Mention && a.Answer == "" {
			t.Fatalf("Ask(%q, mention): empty answer", data)
		}
		if a.Answered != (a.ID != "") {
			t.Fatalf("Ask(%q): answered=%v with id %q", data, a.Answered, a.ID)
		}
	})
}

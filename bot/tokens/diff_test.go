package tokens

import (
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	tiktoken "github.com/pkoukk/tiktoken-go"
	tiktoken_loader "github.com/pkoukk/tiktoken-go-loader"
)

var (
	refOnce sync.Once
	refEncs map[string]*tiktoken.Tiktoken
	refErr  error
)

// reference returns tiktoken-go's encoder for name, built once per test binary.
func reference(t testing.TB, name string) *tiktoken.Tiktoken {
	t.Helper()
	refOnce.Do(func() {
		tiktoken.SetBpeLoader(tiktoken_loader.NewOfflineLoader())
		refEncs = map[string]*tiktoken.Tiktoken{}
		for _, n := range Encodings() {
			e, err := tiktoken.GetEncoding(n)
			if err != nil {
				refErr = err
				return
			}
			refEncs[n] = e
		}
	})
	if refErr != nil {
		t.Fatal(refErr)
	}
	return refEncs[name]
}

// comparableWithReference reports whether tiktoken-go is a valid reference
// for text. tiktoken-go matches case-insensitive contractions with .NET
// rules, so it does not fold ſ (U+017F) to s as OpenAI's tiktoken (Rust
// regex) does; texts with an apostrophe before ſ are left to the fixtures.
func comparableWithReference(text string) bool {
	return utf8.ValidString(text) && !strings.Contains(text, "'ſ")
}

// genAlphabet mixes every character class the split patterns distinguish.
var genAlphabet = []string{
	"a", "b", "z", "A", "Q", "Z", " ", " ", " ", "  ", "\t", "\n", "\n\n", "\r", "\r\n", "\v", "\f",
	"'", "'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "'LL", "'Re", "0", "7", "42", "1234",
	".", ",", "!", "?", "/", "//", "-", "_", "(", ")", "{", "}", "\"", "<|endoftext|>", "<|im_start|>",
	"中", "文", "的", "。", "，", "日本語", "カタ", "ひら", "한", "é", "e\u0301", "\u0301", "\u0903", "ß", "ẞ",
	"Ω", "ω", "Ǆ", "ǅ", "ǆ", "ʰ", "ˇ", "ﬁ", "Ⅻ", "½", "٣", "𝟙", "😀", "👩\u200d💻", "🇺🇸", "🏽",
	"\u00a0", "\u3000", "\u2003", "\u0085", "\u2028", "\u200b", "\ufeff", "\ufffd", "𝔘", "𠀀", "ℌ", "नम", "स्ते",
	"hello", "World", "HTTP", "iPhone", "don't", "I'LL", "func", "return", "    ", "\n    ",
}

func genText(r *rand.Rand, n int) string {
	var sb strings.Builder
	for range n {
		sb.WriteString(genAlphabet[r.IntN(len(genAlphabet))])
	}
	return sb.String()
}

// TestDifferentialTiktokenGo compares ids with tiktoken-go's EncodeOrdinary
// on generated texts and on runs of single characters.
func TestDifferentialTiktokenGo(t *testing.T) {
	c := testCounter()
	r := rand.New(rand.NewPCG(1, 2))
	var texts []string
	for i := range 300 {
		texts = append(texts, genText(r, 1+i%60))
	}
	for _, s := range []string{"a", "A", " ", "\n", "\t", "中", "1", "!", "'", "é", "😀", "\u0301", " a", "ab", "\r\n"} {
		texts = append(texts, strings.Repeat(s, 1+r.IntN(300)))
	}
	for _, enc := range Encodings() {
		ref := reference(t, enc)
		for _, text := range texts {
			if !comparableWithReference(text) {
				continue
			}
			got, err := c.Encode(enc, text)
			if err != nil {
				t.Fatal(err)
			}
			if want := ref.EncodeOrdinary(text); !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
				t.Fatalf("%s: ids differ from tiktoken-go for %q\n got %v\nwant %v", enc, text, got, want)
			}
		}
	}
}

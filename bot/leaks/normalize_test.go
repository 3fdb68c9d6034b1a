package leaks

import (
	"math/rand/v2"
	"testing"
	"unicode/utf8"
)

// normalizeReference is normalize written rune by rune, as the rules
// define it: every non-ASCII rune (and invalid byte) becomes ASCII of the
// same length, every ASCII control byte a space.
func normalizeReference(text string) string {
	b := []byte(text)
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			if isControl(b[i]) {
				b[i] = ' '
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		rep := byte(' ')
		switch r {
		case '：':
			rep = ':'
		case '＝':
			rep = '='
		case '“', '”', '＂', '「', '」', '『', '』':
			rep = '"'
		case '‘', '’', '＇':
			rep = '\''
		case '\u2028', '\u2029', '\u0085':
			rep = '\n'
		}
		b[i] = rep
		for j := 1; j < size; j++ {
			b[i+j] = ' '
		}
		i += size
	}
	return string(b)
}

// normalizeSamples are texts of every kind normalize meets: the corpus,
// the look-alikes, the adversarial inputs, and random mixes of ASCII,
// control bytes, invisible and CJK runes and invalid bytes.
func normalizeSamples(t *testing.T) []string {
	var out []string
	for _, p := range loadJSON[positive](t, "positives.json") {
		out = append(out, p.Text)
	}
	for _, l := range loadJSON[lookalike](t, "lookalikes.json") {
		out = append(out, l.Text)
	}
	for _, a := range adversarialInputs(scanner(t), 1<<10) {
		out = append(out, a.text)
	}
	pieces := []string{"a", "key=", "\x00", "\x7f", "\t", "\n", "\u200b", "\u00ad", "\ufeff", "：", "＝", "“", "’", "「", "\u2028", "\u0085", "密钥", "é", "😀", "\xff", "\xe2\x80", "\xc3", "\xf0\x9f"}
	r := rand.New(rand.NewPCG(11, 12))
	for range 2000 {
		var s []byte
		for range r.IntN(40) {
			s = append(s, pieces[r.IntN(len(pieces))]...)
		}
		out = append(out, string(s))
	}
	return out
}

// TestNormalizeAgreesWithReference: normalize gives what the rune-by-rune
// reference gives, on every sample and on each sample's prefixes cut
// inside a rune.
func TestNormalizeAgreesWithReference(t *testing.T) {
	for _, s := range normalizeSamples(t) {
		for _, cut := range []int{len(s), len(s) - 1, len(s) - 2} {
			if cut < 0 {
				continue
			}
			if got, want := normalize(s[:cut]), normalizeReference(s[:cut]); got != want {
				t.Fatalf("normalize(%q) = %q, want %q", s[:cut], got, want)
			}
		}
	}
}

// FuzzNormalize: normalize equals the reference on any text.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"key=\u200bAIza", "密钥：“sk-”，", "\xff\x00\u2028"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := normalize(s), normalizeReference(s); got != want {
			t.Fatalf("normalize(%q) = %q, want %q", s, got, want)
		}
	})
}

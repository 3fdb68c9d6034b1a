package tokens

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// splitAll returns the pre-tokenized pieces of text.
func splitAll(enc, text string) []string {
	sp, _ := splitterFor(enc)
	k := newClasses()
	var out []string
	for i := 0; i < len(text); {
		j := sp(k, text, i)
		out = append(out, text[i:j])
		i = j
	}
	return out
}

// replaceInvalid replaces each byte that is not part of valid UTF-8 with
// U+FFFD, the way tiktoken-go (and Go's []rune conversion) reads it.
func replaceInvalid(s string) string {
	var sb strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			sb.WriteString("\uFFFD")
		} else {
			sb.WriteString(s[i : i+n])
		}
		i += n
	}
	return sb.String()
}

func decode(t *testing.T, c *Counter, enc string, ids []int) string {
	t.Helper()
	_, v, err := c.encoder(enc)
	if err != nil {
		t.Fatal(err)
	}
	s, err := v.Decode(ids)
	if err != nil {
		t.Fatalf("%s: %v", enc, err)
	}
	return s
}

// FuzzCount checks, for any bytes and every encoding, that counting never
// panics, that the ids decode back to the input, and that the ids equal the
// reference:
//
//   - valid UTF-8: tiktoken-go's EncodeOrdinary (which matches OpenAI's
//     tiktoken, see TestFixtures), except around "'ſ" (see
//     comparableWithReference);
//   - invalid UTF-8 (which OpenAI's tiktoken cannot receive as text): the
//     split must be the one of the same text with each invalid byte read as
//     U+FFFD — the reading of tiktoken-go — piece by piece, while the bytes
//     are encoded as given.
func FuzzCount(f *testing.F) {
	for _, s := range []string{"", "hello world", "中文 text", "don't I'LL", "  \n\n\t x", "<|endoftext|>", "a\xffb", "\xe4\xbd", "e\u0301", "👩\u200d💻", strings.Repeat("a", 300)} {
		f.Add([]byte(s))
	}
	c := NewCounter(Options{MaxBytes: 1 << 16})
	f.Fuzz(func(t *testing.T, data []byte) {
		text := string(data)
		for _, enc := range Encodings() {
			ids, err := c.Encode(enc, text)
			if err != nil {
				if len(text) > c.MaxBytes() {
					return
				}
				t.Fatal(err)
			}
			if n, err := c.Count(enc, text); err != nil || n != len(ids) {
				t.Fatalf("%s: Count = %d, %v; Encode gave %d ids", enc, n, err, len(ids))
			}
			if got := decode(t, c, enc, ids); got != text {
				t.Fatalf("%s: ids decode to %q, not the input %q", enc, got, text)
			}
			if utf8.ValidString(text) {
				if !comparableWithReference(text) {
					continue
				}
				if want := reference(t, enc).EncodeOrdinary(text); !slices.Equal(ids, want) && len(want)+len(ids) > 0 {
					t.Fatalf("%s: %q\n got %v\nwant %v (tiktoken-go)", enc, text, ids, want)
				}
				continue
			}
			got, want := splitAll(enc, text), splitAll(enc, replaceInvalid(text))
			for i := range got {
				got[i] = replaceInvalid(got[i])
			}
			if !slices.Equal(got, want) {
				t.Fatalf("%s: split of %q\n got %q\nwant %q", enc, text, got, want)
			}
			if r := replaceInvalid(text); comparableWithReference(r) {
				ref := reference(t, enc).EncodeOrdinary(r)
				if mine, _ := c.Encode(enc, r); !slices.Equal(mine, ref) {
					t.Fatalf("%s: %q\n got %v\nwant %v (tiktoken-go)", enc, r, mine, ref)
				}
			}
		}
	})
}

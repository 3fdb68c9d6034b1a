package leaks

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	ahocorasick "github.com/BobuSumisu/aho-corasick"
)

// TestKwMatcherFindsWhatAhoCorasickFinds: the keyword automaton reports
// every occurrence (start, keyword) that gitleaks' Aho–Corasick library
// reports, and no other, for the loaded rules' keywords and for small
// sets of overlapping keywords, on the corpus, the adversarial units and
// random texts over the keywords' bytes.
func TestKwMatcherFindsWhatAhoCorasickFinds(t *testing.T) {
	s := scanner(t)
	r := rand.New(rand.NewPCG(13, 14))
	sets := [][]string{s.kwNames, {"a", "ab", "bab", "b", "abab"}, {"he", "she", "his", "hers"}, {"aaa", "aa", "a"}, {}}
	texts := corpusTexts(t)
	for _, a := range adversarialInputs(s, 1<<10) {
		texts = append(texts, a.text)
	}
	for range 200 {
		texts = append(texts, randomString(r, "abhers.-_"+alnum[:10], r.IntN(300)))
	}
	for _, kws := range sets {
		trie := ahocorasick.NewTrieBuilder().AddStrings(kws).Build()
		m := newKwMatcher(kws)
		for _, text := range texts {
			lower := []byte(strings.ToLower(text))
			var want, got []string
			trie.Walk(lower, func(end, n, pattern int64) bool {
				want = append(want, fmt.Sprint(end-n+1, pattern))
				return true
			})
			m.walk(lower, func(pos, kw int) { got = append(got, fmt.Sprint(pos, kw)) })
			slices.Sort(want)
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Fatalf("keywords %q on %q: got %v, want %v", kws, text, got, want)
			}
		}
	}
}

// TestRelaxBoundaries: sentence ends before a non-word byte, closing
// brackets and markup delimiters become spaces; a file extension, a host
// name and an opening parenthesis stay, and a text with nothing to relax
// is returned as is.
func TestRelaxBoundaries(t *testing.T) {
	cases := []struct{ in, want string }{
		{"my key is AIzaSyA.", "my key is AIzaSyA "},
		{"(sk-abc), ok!", "(sk-abc   ok "},
		{"<https://x?key=AIza|x>", " https://x?key=AIza x "},
		{"video_box.ico-1.png", "video_box.ico-1.png"},
		{"**ghp_x** & y]", "  ghp_x     y "},
		{"", ""},
		{"nothing to relax", "nothing to relax"},
	}
	for _, c := range cases {
		if got := relaxBoundaries(c.in); got != c.want {
			t.Errorf("relaxBoundaries(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

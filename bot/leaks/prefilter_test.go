package leaks

import (
	"regexp/syntax"
	"slices"
	"testing"
)

// TestPrefilterFindsEveryMatchEnd: for every rule and text of the corpus,
// the prefilter started everywhere reports the end of every match the
// rule's regex finds (it may report more), also with a cache so small
// that it is emptied again and again.
func TestPrefilterFindsEveryMatchEnd(t *testing.T) {
	s := scanner(t)
	texts := corpusTexts(t)
	for i, a := range adversarialInputs(s, 256) {
		if i%10 == 0 {
			texts = append(texts, normalize(a.text))
		}
	}
	for _, r := range s.rules {
		tree, err := syntax.Parse(r.re.String(), syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		for _, maxWords := range []int{maxDFAWords, 64} {
			p := newPrefilter(tree)
			if p == nil {
				t.Fatalf("%s: no prefilter", r.id)
			}
			p.maxWords = maxWords
			p.shared.words = maxWords // the shared cache is emptied at once too
			for i, text := range texts {
				if maxWords < maxDFAWords && i%8 != 0 {
					continue // a tiny cache rebuilds states at every byte: a sample
				}
				n := 0
				ends := p.ends(text, []int{len(text)}, true, len(text), len(text), false, &n)
				for _, m := range r.re.FindAllStringIndex(text, -1) {
					if !slices.ContainsFunc(ends, func(e endRun) bool { return e.first <= m[1] && m[1] <= e.last }) {
						t.Fatalf("%s (cache %d words): match %v of %q not among the ends %v", r.id, maxWords, m, text, ends)
					}
				}
				if n > len(text) {
					t.Fatalf("%s: %d steps over %d bytes", r.id, n, len(text))
				}
			}
		}
	}
}

package leaks

import (
	"bytes"
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
			for _, o := range occurrences(m, lower) {
				got = append(got, fmt.Sprint(o[0], o[1]))
			}
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

// occurrences returns every (start, keyword) that m.collect finds in lower.
func occurrences(m *kwMatcher, lower []byte) [][2]int {
	var h kwHits
	h.reset(len(m.lens), 0)
	m.collect(lower, &h)
	var out [][2]int
	for _, k := range h.touched {
		for _, pos := range h.lists[k] {
			out = append(out, [2]int{pos, k})
		}
	}
	return out
}

// TestKwHitsAgreeWithPerRuleLists: the per-keyword lists scanView reads
// give each rule the sorted, distinct positions of all its keywords'
// occurrences (gathered per rule, sorted, repeats dropped), for rules whose keywords overlap (`hvs.`
// holds `s.`) and rules sharing one keyword, on the corpus, the
// adversarial inputs and random texts of keyword pieces; and a list
// emptied by reset is empty on the next text.
func TestKwHitsAgreeWithPerRuleLists(t *testing.T) {
	s := scanner(t)
	r := rand.New(rand.NewPCG(15, 16))
	texts := corpusTexts(t)
	for _, a := range adversarialInputs(s, 1<<10) {
		texts = append(texts, a.text)
	}
	for range 300 {
		var b strings.Builder
		for b.Len() < 200 {
			kw := s.kwNames[r.IntN(len(s.kwNames))]
			b.WriteString(kw[:1+r.IntN(len(kw))])
			if r.IntN(3) == 0 {
				b.WriteString(randomString(r, alnum+"._-", r.IntN(5)))
			}
		}
		texts = append(texts, b.String())
	}
	var h kwHits
	merged := 0
	for _, text := range texts {
		want := keywordPositions(s, text)
		h.reset(len(s.kwNames), len(s.rules))
		s.kw.collect([]byte(strings.ToLower(text)), &h)
		for ri := range s.rules {
			got := h.of(s.ruleKws[ri])
			w, ok := want[ri]
			if len(s.ruleKws[ri]) == 0 || !ok {
				if got != nil {
					t.Fatalf("rule %s on %q: hits %v, none expected", s.rules[ri].id, text, got)
				}
				continue
			}
			if !slices.Equal(got, w) {
				t.Fatalf("rule %s on %q: hits %v, want %v", s.rules[ri].id, text, got, w)
			}
			n := 0
			for _, k := range s.ruleKws[ri] {
				if len(h.lists[k]) > 0 {
					n++
				}
			}
			if n > 1 {
				merged++
			}
		}
	}
	if merged == 0 {
		t.Fatal("no text gave a rule hits of several keywords")
	}
}

// TestMergeSorted: the union of two sorted, distinct lists, sorted and
// distinct, as sorting their concatenation and dropping repeats gives.
func TestMergeSorted(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	for range 500 {
		var a, b []int
		for i := range 40 {
			if r.IntN(3) == 0 {
				a = append(a, i)
			}
			if r.IntN(3) == 0 {
				b = append(b, i)
			}
		}
		want := slices.Compact(slices.Sorted(slices.Values(slices.Concat(a, b))))
		if got := mergeSorted(nil, a, b); !slices.Equal(got, want) {
			t.Fatalf("mergeSorted(%v, %v) = %v, want %v", a, b, got, want)
		}
	}
}

// TestRelaxedNearChangesEqualsEverywhere: running the relaxed pass only
// at hits near a byte it changed finds what running it at every hit
// finds, on the corpus, the gitleaks samples (each followed by chat
// punctuation too), and the adversarial inputs.
func TestRelaxedNearChangesEqualsEverywhere(t *testing.T) {
	s := scanner(t)
	var texts []string
	clean, keyword, leaky := chatCorpus(t)
	texts = append(append(append(texts, clean...), keyword...), leaky...)
	for _, l := range loadJSON[lookalike](t, "lookalikes.json") {
		texts = append(texts, l.Text)
	}
	for _, r := range loadGitleaksSamples(t).Rules {
		for _, x := range slices.Concat(r.TruePositives, r.FalsePositives) {
			texts = append(texts, x, "my key is "+x+". ok", "("+x+"), "+x+"!", x+"|"+x+">")
		}
	}
	for _, size := range []int{1 << 10, 8 << 10} {
		for _, a := range adversarialInputs(s, size) {
			texts = append(texts, a.text, strings.ReplaceAll(a.text, " ", ". "))
		}
	}
	all, err := NewScanner(nil)
	if err != nil {
		t.Fatalf("NewScanner: %v", err)
	}
	all.relaxEverywhere = true
	for _, text := range texts {
		near := s.Scan(text)
		every := all.Scan(text)
		if fmt.Sprint(near) != fmt.Sprint(every) {
			t.Errorf("on %q: near changes %v, everywhere %v", text[:min(len(text), 200)], near, every)
		}
	}
}

// TestASCIILower: asciiLower lowers exactly A–Z, every byte value at
// every position of an eight-byte word and of the tail.
func TestASCIILower(t *testing.T) {
	for c := 0; c < 256; c++ {
		for at := 0; at < 17; at++ {
			src := make([]byte, 17)
			for i := range src {
				src[i] = byte(c*7 + i*31)
			}
			src[at] = byte(c)
			want := make([]byte, len(src))
			for i, x := range src {
				if 'A' <= x && x <= 'Z' {
					x += 'a' - 'A'
				}
				want[i] = x
			}
			got := make([]byte, len(src))
			asciiLower(got, string(src))
			if !bytes.Equal(got, want) {
				t.Fatalf("byte %#x at %d: %q, want %q", c, at, got, want)
			}
		}
	}
}

// TestNearAnyAgreesWithEveryPair: nearAny keeps exactly the hits within d
// of a change, in order, on random sorted hits and changes (none, few,
// dense, all near), and returns the hits themselves when it keeps all.
func TestNearAnyAgreesWithEveryPair(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	sorted := func(n, max int) []int {
		m := map[int]bool{}
		for range n {
			m[r.IntN(max)] = true
		}
		var l []int
		for v := range m {
			l = append(l, v)
		}
		slices.Sort(l)
		return l
	}
	for range 3000 {
		qs := append([]int{}, sorted(1+r.IntN(60), 1+r.IntN(2000))...)
		at := sorted(r.IntN(20), 1+r.IntN(2000))
		d := r.IntN(200)
		var want []int
		for _, q := range qs {
			if slices.ContainsFunc(at, func(c int) bool { return c-d <= q && q <= c+d }) {
				want = append(want, q)
			}
		}
		got := nearAny(qs, at, d)
		if !slices.Equal(got, want) || got == nil {
			t.Fatalf("nearAny(%v, %v, %d) = %v, want %v", qs, at, d, got, want)
		}
		if len(want) == len(qs) && &got[0] != &qs[0] {
			t.Fatalf("nearAny(%v, %v, %d) kept every hit in a new slice", qs, at, d)
		}
	}
}

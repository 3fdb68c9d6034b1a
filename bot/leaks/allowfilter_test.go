package leaks

import (
	"math/rand/v2"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"testing"

	"github.com/zricethezav/gitleaks/v8/config"
)

// sampleMatch appends to b a random ASCII string re's tree matches
// (ignoring its zero-width assertions), repeats cut at 3 extra.
func sampleMatch(r *rand.Rand, b *strings.Builder, re *syntax.Regexp) {
	switch re.Op {
	case syntax.OpLiteral:
		for _, c := range re.Rune {
			if re.Flags&syntax.FoldCase != 0 && r.IntN(2) == 0 {
				c = []rune(strings.ToUpper(string(c)))[0]
			}
			b.WriteRune(c)
		}
	case syntax.OpCharClass:
		var ascii []rune
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for c := re.Rune[i]; c <= re.Rune[i+1] && c < 0x80; c++ {
				ascii = append(ascii, c)
			}
		}
		if len(ascii) > 0 {
			b.WriteRune(ascii[r.IntN(len(ascii))])
		}
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		b.WriteByte(alnum[r.IntN(len(alnum))])
	case syntax.OpCapture:
		sampleMatch(r, b, re.Sub[0])
	case syntax.OpConcat:
		for _, s := range re.Sub {
			sampleMatch(r, b, s)
		}
	case syntax.OpAlternate:
		sampleMatch(r, b, re.Sub[r.IntN(len(re.Sub))])
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		lo, hi := 0, 3
		switch re.Op {
		case syntax.OpPlus:
			lo, hi = 1, 4
		case syntax.OpQuest:
			hi = 1
		case syntax.OpRepeat:
			lo = re.Min
			hi = lo + 3
			if re.Max >= 0 {
				hi = re.Max
			}
		}
		for range lo + r.IntN(hi-lo+1) {
			sampleMatch(r, b, re.Sub[0])
		}
	}
}

// allowlistsOf returns the global allowlists of s and its rules'.
func allowlistsOf(s *Scanner) []*config.Allowlist {
	lists := append([]*config.Allowlist(nil), s.globals...)
	for _, ru := range s.rules {
		lists = append(lists, ru.allowlists...)
	}
	return lists
}

// TestAllowMatchAgreesWithRegex: for every allowlist regex of the loaded
// rules and global allowlists, allowMatch gives what the regex itself
// gives, on strings the regex matches (alone, inside random text, cut
// short), random key-shaped strings and the adversarial units.
func TestAllowMatchAgreesWithRegex(t *testing.T) {
	s := scanner(t)
	lists := allowlistsOf(s)
	r := rand.New(rand.NewPCG(5, 6))
	var units []string
	for _, a := range adversarialInputs(s, 96) {
		units = append(units, normalize(a.text))
	}
	n := 0
	for _, a := range lists {
		var all []string // every target of the allowlist's regexes
		for _, re := range a.Regexes {
			tree, err := syntax.Parse(re.String(), syntax.Perl)
			if err != nil {
				t.Fatal(err)
			}
			targets := append([]string{""}, units...)
			for range 40 {
				var b strings.Builder
				sampleMatch(r, &b, tree.Simplify())
				m := b.String()
				targets = append(targets, m, m[:len(m)/2], randomString(r, alnum, 8)+m+randomString(r, alnum+`"'=: `, 8), randomString(r, alnum+"-_./", 40))
			}
			all = append(all, targets...)
			for _, target := range targets {
				for _, whole := range []bool{false, true} {
					loc := re.FindStringIndex(target)
					want := loc != nil && loc[1] > loc[0] && (!whole || loc[1]-loc[0] == len(target))
					if got := allowMatch(re, s.filters[re], target, whole, &work{}); got != want {
						t.Fatalf("%s on %q (whole %v): allowMatch %v, regex %v", re, target, whole, got, want)
					}
					if want {
						n++
					}
				}
			}
		}
		// The allowlist's filter, for all its regexes at once.
		for _, target := range all {
			for _, whole := range []bool{false, true} {
				want := slices.ContainsFunc(a.Regexes, func(re *regexp.Regexp) bool {
					loc := re.FindStringIndex(target)
					return loc != nil && loc[1] > loc[0] && (!whole || loc[1]-loc[0] == len(target))
				})
				if got, known := s.listFilters[a].decide(target, whole, &work{}); known && got != want {
					t.Fatalf("allowlist %v on %q (whole %v): decided %v, its regexes %v", a.Regexes, target, whole, got, want)
				}
			}
		}
	}
	t.Logf("%d targets allowed", n)
	if n == 0 {
		t.Fatal("no target matched an allowlist regex: the samples test nothing")
	}
	// A regex that may match the empty string leftmost: the filter defers
	// to the regex.
	re := regexp.MustCompile(`x*|abc`)
	if allowMatch(re, &allowFilter{}, "zabc", false, &work{}) {
		t.Fatal("x*|abc on zabc: the leftmost match is empty")
	}
}

// TestContainsStopWordAgreesWithGitleaks: containsStopWord gives what
// gitleaks' Allowlist.ContainsStopWord gives, for every allowlist with
// stop words, on each stop word inside random text (upper-cased too),
// random strings and non-ASCII text.
func TestContainsStopWordAgreesWithGitleaks(t *testing.T) {
	s := scanner(t)
	lists := allowlistsOf(s)
	r := rand.New(rand.NewPCG(9, 10))
	small, found := 0, 0
	for _, a := range lists {
		if a == nil || len(a.StopWords) == 0 {
			continue
		}
		if len(a.StopWords) <= maxDirectStopWords {
			small++
		}
		targets := []string{randomString(r, alnum, 32), "ключ" + randomString(r, alnum, 8)}
		for _, w := range a.StopWords {
			targets = append(targets, randomString(r, alnum, 6)+w+randomString(r, alnum, 6), strings.ToUpper(w)+randomString(r, alnum, 3), w[:len(w)/2])
		}
		for _, target := range targets {
			want, _ := a.ContainsStopWord(target)
			if got := containsStopWord(a, target); got != want {
				t.Fatalf("stop words %v on %q: %v, gitleaks %v", a.StopWords, target, got, want)
			}
			if want {
				found++
			}
		}
	}
	if small == 0 || found == 0 {
		t.Fatalf("%d small stop-word lists, %d targets with a stop word: nothing tested", small, found)
	}
}

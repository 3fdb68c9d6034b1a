package leaks

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// keywordHits returns every position where one of kws (lower-cased)
// begins in t's lower-cased bytes, sorted: what the keyword prefilter
// gives a rule.
func keywordHits(t string, kws []string) []int {
	lower := strings.ToLower(t)
	var qs []int
	for i := range lower {
		for _, k := range kws {
			if strings.HasPrefix(lower[i:], k) {
				qs = append(qs, i)
				break
			}
		}
	}
	return qs
}

// TestLiteralMatchesAgreeWithRegex: for every rule that is a literal,
// alone or followed by a repeat of one class, the matches found at the
// keyword hits by comparison are the regex's own (FindAllStringIndex), on
// random texts of the literal, its pieces, its keyword in other cases,
// runs of class bytes of every length around the repeat's bounds, and
// other bytes.
func TestLiteralMatchesAgreeWithRegex(t *testing.T) {
	s := scanner(t)
	r := rand.New(rand.NewPCG(21, 22))
	rules := 0
	for _, ru := range s.rules {
		f := ru.fastPath()
		if f.literal == "" {
			continue
		}
		rules++
		var class []byte
		for c := range 128 {
			if f.runClass != nil && f.runClass[c] {
				class = append(class, byte(c))
			}
		}
		lit := f.literal
		pieces := []string{lit, lit, strings.ToUpper(lit), strings.ToLower(lit), lit[:len(lit)/2], " ", "\n", "=", ".", "\"", "-"}
		run := func() string {
			if len(class) == 0 {
				return ""
			}
			n := max(f.runMin, 1) + r.IntN(5) - 2
			if r.IntN(4) == 0 {
				n = r.IntN(max(f.runMax, f.runMin) + 8)
			}
			b := make([]byte, max(n, 0))
			for i := range b {
				b[i] = class[r.IntN(len(class))]
			}
			return string(b)
		}
		for range 300 {
			var b strings.Builder
			for range 1 + r.IntN(12) {
				b.WriteString(pieces[r.IntN(len(pieces))])
				if r.IntN(2) == 0 {
					b.WriteString(run())
				}
			}
			text := b.String()
			var got [][]int
			literalMatches(text, f, keywordHits(text, ru.keywords), &work{}, nil, func(m []int) bool {
				got = append(got, m)
				return true
			})
			want := ru.re.FindAllStringIndex(text, -1)
			if !slices.EqualFunc(got, want, slices.Equal) {
				t.Fatalf("%s on %q: %v, the regex gives %v", ru.id, text, got, want)
			}
		}
	}
	if rules < 20 {
		t.Fatalf("%d rules are literals with a run, want the 28 of gitleaks' defaults", rules)
	}
}

package leaks

import (
	"fmt"
	"math/rand/v2"
	"regexp/syntax"
	"slices"
	"strings"
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
		for _, maxWords := range []int{0, 64} {
			p := newPrefilter(tree)
			if p == nil {
				t.Fatalf("%s: no prefilter", r.id)
			}
			if maxWords > 0 {
				p.maxWords = maxWords
				p.shared.words = maxWords // the shared cache is emptied at once too
			}
			for i, text := range texts {
				if maxWords == 64 && i%8 != 0 {
					continue // a tiny cache rebuilds states at every byte: a sample
				}
				ends, n := p.ends(text, everywhere(text, false), nil)
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

// TestLongRepeatsKeepTheirStates: for the rules whose counted repeats make
// programs too large for the default cache (pypi-upload-token's
// `[\w-]{50,1000}`), a 64 KiB run of the rule's prefix, plain and split by
// invisible characters, is scanned a second time without emptying the
// rule's cache: its states, one per repeat count, fit.
func TestLongRepeatsKeepTheirStates(t *testing.T) {
	s := scanner(t)
	large := map[string]*prefilter{}
	for _, r := range s.rules {
		for _, p := range r.prefixes {
			if f := r.fastPath().filter; f != nil && f.maxWords > maxDFAWords {
				large[p] = f
			}
		}
	}
	if len(large) == 0 {
		t.Fatal("no rule has a program larger than the default cache")
	}
	for _, a := range adversarialInputs(s, 64<<10) {
		f := large[a.name]
		if f == nil || (a.family != "prefix-run" && a.family != "prefix-invisible") {
			continue
		}
		s.Scan(a.text)
		before := f.shared.resets
		s.Scan(a.text)
		if n := f.shared.resets - before; n > 0 {
			t.Errorf("%s/%s: the rule's cache was emptied %d times on the second scan", a.family, a.name, n)
		}
	}
}

// TestSoloLimitAgreesWithLimit: for every keyed rule and each hit whose
// run in keep's pass was its own alone, the limit taken from keep's ends
// is the limit a run from the hit alone gives, on the corpus, the
// adversarial units and assignments of distinct random values.
func TestSoloLimitAgreesWithLimit(t *testing.T) {
	s := scanner(t)
	solos := 0
	eachKeepPass(t, s, 11, func(ri int, f *ruleShape, text string, qs []int, span int, runs []endRun, solo []soloRun) {
		for _, q := range qs {
			lim, only, ok := soloLimit(runs, solo, q, span)
			if !ok {
				continue
			}
			solos++
			wantLim, wantOnly, _ := f.filter.limit(text, q, span)
			if lim != wantLim || only != wantOnly {
				t.Fatalf("rule %s, hit %d of %q: soloLimit %d %v, limit %d %v", s.rules[ri].id, q, text, lim, only, wantLim, wantOnly)
			}
		}
	})
	if solos == 0 {
		t.Fatal("no hit ran alone: the inputs do not exercise soloLimit")
	}
	t.Logf("%d hits ran alone", solos)
}

// TestFirstByteSkipKeepsTheEnds: a run started at every position that
// skips the bytes no match begins with reports the same ends as one that
// steps every byte, for every rule, on the corpus, adversarial units and
// random text.
func TestFirstByteSkipKeepsTheEnds(t *testing.T) {
	s := scanner(t)
	r := rand.New(rand.NewPCG(15, 16))
	texts := corpusTexts(t)
	for i, a := range adversarialInputs(s, 512) {
		if i%5 == 0 {
			texts = append(texts, normalize(a.text))
		}
	}
	for range 30 {
		texts = append(texts, randomString(r, alnum+" .-_=:\"'\n/+", 400))
	}
	skipping := 0
	for _, ru := range s.rules {
		p := newPrefilter(parseTree(t, ru.re.String()))
		if !p.skip {
			continue
		}
		skipping++
		for _, text := range texts {
			with, _ := p.ends(text, everywhere(text, false), nil)
			p.skip = false
			without, _ := p.ends(text, everywhere(text, false), nil)
			p.skip = true
			if fmt.Sprint(with) != fmt.Sprint(without) {
				t.Fatalf("%s on %q: ends %v skipping, %v stepping every byte", ru.id, text, with, without)
			}
		}
	}
	if skipping == 0 {
		t.Fatal("no rule's filter skips bytes")
	}
}

// TestLeadKeepsEveryHitTheRuleKeeps: for every rule with a shared lead
// (the keyword, name and assignment before its first group), the hits its
// lead filter keeps include every hit where a match of the rule's regex
// after its context prefix begins, on the
// corpus, the adversarial units and assignments of each keyword, so
// dropping hits by the lead loses no match; and rules do share leads.
func TestLeadKeepsEveryHitTheRuleKeeps(t *testing.T) {
	s := scanner(t)
	r := rand.New(rand.NewPCG(17, 18))
	texts := assignmentTexts(t, s, func(b *strings.Builder) {
		fmt.Fprintf(b, "%s%s%s%s ", s.kwNames[r.IntN(len(s.kwNames))], []string{"", "_key", " secret", "-token"}[r.IntN(4)], []string{"=", ": ", " = '", "=>\""}[r.IntN(4)], randomString(r, alnum+"-_", 10+r.IntN(50)))
	})
	keys := map[string]int{}
	dropped := 0
	for _, text := range texts {
		for ri, qs := range keywordPositions(s, text) {
			f := s.rules[ri].fastPath()
			if f.leadFilter == nil || qs == nil {
				continue
			}
			keys[f.leadKey]++
			byLead := leadHits{}.keep(f, text, qs, &work{})
			for _, q := range qs {
				// A match of the regex after the prefix begins at q.
				if lim, _, _ := f.filter.limit(text, q, max(f.span, 1)); lim > q && !slices.Contains(byLead, q) {
					t.Fatalf("rule %s: a match begins at hit %d, dropped by its lead %q, on %q", s.rules[ri].id, q, f.leadKey, text)
				}
			}
			dropped += len(qs) - len(byLead)
		}
	}
	leads := 0
	for _, ru := range s.rules {
		if ru.fastPath().leadFilter != nil {
			leads++
		}
	}
	if dropped == 0 || leads == 0 || len(keys) >= leads {
		t.Fatalf("%d rules with leads, %d distinct leads seen, %d hits dropped: the inputs do not exercise shared leads", leads, len(keys), dropped)
	}
}

// assignmentTexts returns the corpus, the adversarial units (1 KiB) and 20
// texts of 2 KiB of assignments that unit writes, normalized.
func assignmentTexts(t *testing.T, s *Scanner, unit func(b *strings.Builder)) []string {
	texts := corpusTexts(t)
	for _, a := range adversarialInputs(s, 1<<10) {
		texts = append(texts, normalize(a.text))
	}
	for range 20 {
		var b strings.Builder
		for b.Len() < 2<<10 {
			unit(&b)
		}
		texts = append(texts, normalize(b.String()))
	}
	return texts
}

// TestGroupEndAgreesWithLimit: when keep's pass gives the one end of the
// matches begun at all the hits of a run (groupEnd), a run from each hit
// alone ends there or nowhere, and from one of them there; on the
// corpus, the adversarial units and assignments of distinct random values.
func TestGroupEndAgreesWithLimit(t *testing.T) {
	s := scanner(t)
	groups := 0
	eachKeepPass(t, s, 13, func(ri int, f *ruleShape, text string, qs []int, span int, runs []endRun, solo []soloRun) {
		for _, run := range solo {
			if run.n < 2 || run.dies < 0 {
				continue
			}
			var members []int
			for _, q := range qs {
				if q >= run.start && q < run.dies && f.filter.first[text[q]] {
					members = append(members, q)
				}
			}
			e, ok := groupEnd(runs, solo, members[0], members[len(members)-1], len(members), span)
			if !ok {
				continue
			}
			groups++
			found := false
			for _, q := range members {
				lim, only, _ := f.filter.limit(text, q, span)
				switch {
				case lim == e+1 && only:
					found = true
				case lim != q:
					t.Fatalf("rule %s, hit %d of %q: groupEnd %d, limit %d %v", s.rules[ri].id, q, text, e, lim, only)
				}
			}
			if !found {
				t.Fatalf("rule %s, run %v of %q: groupEnd %d, no hit ends there", s.rules[ri].id, run, text, e)
			}
		}
	})
	if groups == 0 {
		t.Fatal("no group's end was known: the inputs do not exercise groupEnd")
	}
	t.Logf("%d groups' ends known", groups)
}

// eachKeepPass calls fn with keep's pass of every keyed rule with a
// filter over each of the corpus, the adversarial units and assignments
// of distinct random values (seeded by seed).
func eachKeepPass(t *testing.T, s *Scanner, seed uint64, fn func(ri int, f *ruleShape, text string, qs []int, span int, runs []endRun, solo []soloRun)) {
	r := rand.New(rand.NewPCG(seed, seed+1))
	texts := assignmentTexts(t, s, func(b *strings.Builder) {
		fmt.Fprintf(b, "%s=%q%s", s.kwNames[r.IntN(len(s.kwNames))], randomString(r, alnum+"-_", 4+r.IntN(60)), []string{" ", "\n", "", ";"}[r.IntN(4)])
	})
	for _, text := range texts {
		for ri, qs := range keywordPositions(s, text) {
			f := s.rules[ri].fastPath()
			if f.filter == nil || f.filterEvery || qs == nil {
				continue
			}
			span := max(f.span, 1)
			_, runs, solo := f.filter.keep(text, qs, false, span, &work{}, nil)
			fn(ri, f, text, qs, span, runs, solo)
		}
	}
}

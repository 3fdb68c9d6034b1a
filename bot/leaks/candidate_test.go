package leaks

import (
	"encoding/base64"
	"fmt"
	"math"
	"math/rand/v2"
	"regexp/syntax"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"
)

// keywordPositions returns, per rule to run on text, its keyword
// positions (sorted, nil for a rule without keywords), as scanView finds
// them.
func keywordPositions(s *Scanner, text string) map[int][]int {
	qs := map[int][]int{}
	for _, o := range occurrences(s.kw, []byte(strings.ToLower(text))) {
		for _, ri := range s.kwRules[o[1]] {
			qs[ri] = append(qs[ri], o[0])
		}
	}
	for _, ri := range s.always {
		qs[ri] = nil
	}
	for ri, pos := range qs {
		sort.Ints(pos)
		qs[ri] = slices.Compact(pos)
	}
	return qs
}

// TestMatchAllowedSkipsOnlyDroppedMatches: for the rules whose allowlists
// allow a candidate by its match or line alone, the matches eachMatch
// skips without their groups are exactly matches of the rule's regex that
// those allowlists allow, and every other match is yielded as the regex
// gives it. Inputs: assignments of allowlisted names (rapidapi, keyboard,
// …) and of keywords to distinct random values, strings the allowlists'
// regexes match in front of assignments, the corpus and the adversarial
// units.
func TestMatchAllowedSkipsOnlyDroppedMatches(t *testing.T) {
	s := scanner(t)
	r := rand.New(rand.NewPCG(3, 4))
	var texts []string
	names := []string{"rapidapi", "keyboard", "capital_key", "author_token", "primary_key", "csrf_token", "api_version", "api", "key", "token", "secret", "password", "auth"}
	for range 40 {
		var b strings.Builder
		for b.Len() < 2<<10 {
			fmt.Fprintf(&b, "%s=%q ", names[r.IntN(len(names))], randomString(r, alnum+"+/=-_.", 8+r.IntN(40)))
			if r.IntN(4) == 0 {
				b.WriteString("\n")
			}
		}
		texts = append(texts, normalize(b.String()))
	}
	for _, ru := range s.rules {
		for _, a := range ru.matchLists {
			for _, re := range a.Regexes {
				tree := parseTree(t, re.String())
				for range 20 {
					var b strings.Builder
					sampleMatch(r, &b, tree)
					b.WriteString(names[r.IntN(len(names))] + `="` + randomString(r, alnum, 24) + `"` + "\n")
					texts = append(texts, normalize(b.String()+"api_key: "+b.String()))
				}
			}
		}
	}
	texts = append(texts, corpusTexts(t)...)
	for _, a := range adversarialInputs(s, 1<<10) {
		texts = append(texts, normalize(a.text))
	}
	skipped := 0
	for _, text := range texts {
		for ri, qs := range keywordPositions(s, text) {
			ru := s.rules[ri]
			if len(ru.matchLists) == 0 {
				continue
			}
			full := ru.re.FindAllStringSubmatchIndex(text, -1)
			var got [][]int
			ru.eachMatch(text, qs, &work{}, func(ms, me int) bool { return s.matchAllowed(ru, text, ms, me, &work{}) }, func(m []int) bool {
				got = append(got, m)
				return true
			})
			k := 0
			for _, m := range full {
				if k < len(got) && slices.Equal(got[k], m) {
					k++
					continue
				}
				if !s.matchAllowed(ru, text, m[0], m[1], &work{}) {
					t.Fatalf("rule %s: match %v of %q neither yielded nor allowed by its match allowlists (yielded %v)", ru.id, m, text, got)
				}
				skipped++
			}
			if k != len(got) {
				t.Fatalf("rule %s: yielded %v, not matches of the regex %v, on %q", ru.id, got[k:], full, text)
			}
		}
	}
	if skipped == 0 {
		t.Fatal("no match was skipped: the inputs do not exercise matchAllowed")
	}
	t.Logf("%d matches skipped without their groups", skipped)
}

// TestDecodeTextAgreesWithBase64: decodeText gives what encoding/base64's
// unpadded standard or URL-safe decoding gives, when that is text, on
// random runs of base64 bytes of every length (both alphabets, mixed),
// and on the base64 of random text.
func TestDecodeTextAgreesWithBase64(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	reference := func(run string) ([]byte, bool) {
		for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
			if b, err := enc.DecodeString(run); err == nil {
				for _, c := range b {
					if c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f {
						return nil, false
					}
				}
				return b, utf8.Valid(b)
			}
		}
		return nil, false
	}
	var runs []string
	for n := 0; n < 200; n++ {
		for _, alphabet := range []string{alnum + "+/", alnum + "-_", alnum + "+/-_", "ABCDEFGHabcd"} {
			runs = append(runs, randomString(r, alphabet, n))
		}
		text := randomString(r, alnum+" \t\n.,:;=\"'{}", n) + "密钥"
		runs = append(runs, base64.RawStdEncoding.EncodeToString([]byte(text)), base64.RawURLEncoding.EncodeToString([]byte(text[:n])))
		// Multi-byte runes across the decoder's UTF-8 checkpoints, valid
		// and with one byte broken.
		var b strings.Builder
		for range 2 * n {
			b.WriteRune([]rune("a密é😀 ")[r.IntN(5)])
		}
		multi := []byte(b.String())
		runs = append(runs, base64.RawStdEncoding.EncodeToString(multi))
		if len(multi) > 0 {
			multi[r.IntN(len(multi))] = byte(0x80 + r.IntN(0x40))
			runs = append(runs, base64.RawURLEncoding.EncodeToString(multi))
		}
	}
	texts := 0
	var buf []byte
	for _, run := range runs {
		want, wok := reference(run)
		got, ok := decodeText(run, buf)
		if ok != wok || ok && string(got) != string(want) {
			t.Fatalf("decodeText(%q) = %q, %v; encoding/base64: %q, %v", run, got, ok, want, wok)
		}
		if ok {
			texts++
			buf = got[:0]
		}
	}
	if texts < 400 {
		t.Fatalf("only %d runs decoded to text: the inputs do not exercise decoding", texts)
	}
}

func parseTree(t *testing.T, pattern string) *syntax.Regexp {
	t.Helper()
	tree, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

// TestEntropyAtMostAgreesWithShannonEntropy: entropyAtMost(s, limit) is
// shannonEntropy(s) <= limit for random secrets of many alphabets and
// lengths (also non-ASCII and longer than the table), at the rules'
// thresholds and at the secret's own entropy and its neighbours.
func TestEntropyAtMostAgreesWithShannonEntropy(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	alphabets := []string{"ab", "abcd", "0123456789abcdef", alnum, alnum + "+/=-_", "aaaaaaab", "é密a"}
	for range 5000 {
		a := alphabets[r.IntN(len(alphabets))]
		n := 1 + r.IntN(64)
		if r.IntN(50) == 0 {
			n = 900 + r.IntN(300)
		}
		var b strings.Builder
		for b.Len() < n {
			runes := []rune(a)
			b.WriteRune(runes[r.IntN(len(runes))])
		}
		secret := b.String()
		e := shannonEntropy(secret)
		limits := []float64{2, 3, 3.5, 4, 4.5}
		if ascii(secret) {
			// Beyond ASCII shannonEntropy sums in map order, so its last
			// bit varies from call to call.
			limits = append(limits, e, math.Nextafter(e, 0), math.Nextafter(e, 10))
		}
		for _, limit := range limits {
			if got, want := entropyAtMost(secret, limit), e <= limit; got != want {
				t.Fatalf("entropyAtMost(%q, %v) = %v, shannonEntropy %v", secret, limit, got, e)
			}
		}
	}
}

// TestDecodedViewsFindEveryRun: decodedViews, which skips text a stride
// at a time, decodes the same runs as a byte-by-byte search for the
// maximal runs of base64 bytes of minBase64 to maxBase64 bytes, on texts
// of base64 text, short and long runs, padding and other bytes.
func TestDecodedViewsFindEveryRun(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	reference := func(text string) (starts []int, raws []string) {
		budget := maxDecoded
		for i := 0; i < len(text) && budget > 0; {
			if !base64Byte(text[i]) {
				i++
				continue
			}
			j := i
			for j < len(text) && base64Byte(text[j]) {
				j++
			}
			run, start := text[i:j], i
			i = j
			if len(run) < minBase64 || len(run) > maxBase64 {
				continue
			}
			if dec, ok := decodeText(run, nil); ok {
				dec = dec[:min(len(dec), budget)]
				budget -= len(dec)
				starts, raws = append(starts, start), append(raws, string(dec))
			}
		}
		return starts, raws
	}
	pieces := func() string {
		switch r.IntN(6) {
		case 0:
			return base64.RawStdEncoding.EncodeToString([]byte(randomString(r, alnum+" =:", r.IntN(40))))
		case 1:
			return randomString(r, alnum+"+/-_", r.IntN(2*minBase64))
		case 2:
			return strings.Repeat("=", r.IntN(3))
		case 3:
			return randomString(r, " .\n\"'{}:密", 1+r.IntN(3))
		case 4:
			return base64.StdEncoding.EncodeToString([]byte("api_key=" + randomString(r, alnum, r.IntN(30))))
		}
		return "s."
	}
	runs := 0
	for n := range 2000 {
		var b strings.Builder
		for b.Len() < n%300 {
			b.WriteString(pieces())
		}
		text := b.String()
		wantStarts, wantRaws := reference(text)
		vs := decodedViews(&view{raw: text, text: normalize(text)})
		var starts []int
		var raws []string
		for _, v := range vs {
			starts, raws = append(starts, int(v.lo[0])), append(raws, v.raw)
		}
		release(vs)
		if !slices.Equal(starts, wantStarts) || !slices.Equal(raws, wantRaws) {
			t.Fatalf("decodedViews(%q): runs at %v %q, want %v %q", text, starts, raws, wantStarts, wantRaws)
		}
		runs += len(starts)
	}
	if runs < 100 {
		t.Fatalf("only %d runs decoded: the texts do not exercise decodedViews", runs)
	}
	t.Logf("%d runs decoded", runs)
}

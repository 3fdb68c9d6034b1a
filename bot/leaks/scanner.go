package leaks

import (
	"fmt"
	"math"
	"regexp"
	"regexp/syntax"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	ahocorasick "github.com/BobuSumisu/aho-corasick"
	"github.com/zricethezav/gitleaks/v8/config"
)

// Scanner finds credentials in chat messages. It is immutable once built
// and safe for concurrent use.
type Scanner struct {
	rules   []*rule
	byID    map[string]int
	trie    *ahocorasick.Trie
	kwRules [][]int // rule indexes per keyword (trie pattern index)
	kwNames []string
	always  []int // rules without keywords: run on every message
	globals []*config.Allowlist
}

type rule struct {
	id          string
	re          *regexp.Regexp
	secretGroup int
	entropy     float64
	allowlists  []*config.Allowlist
	provider    string
	conf        Confidence
	generic     bool
	keywords    []string // lower-cased
	prefixes    []string
	relax       bool
	skipReport  bool
	required    []*config.Required

	// fast holds the gate and anchored matching of analyzeRule, built on
	// first use.
	fastOnce sync.Once
	fast     ruleShape
}

// fastPath returns the rule's gate and anchored matching, building them
// the first time.
func (r *rule) fastPath() *ruleShape {
	r.fastOnce.Do(func() { r.fast = analyzeRule(r.re, r.secretGroup, r.keywords, true) })
	return &r.fast
}

// gitleaksBoundary is the class gitleaks' rules use to end a secret.
const gitleaksBoundary = `[\x60'"\s;]`

// lowConfidenceRules are gitleaks default rules that match any credential
// shape rather than one provider's format.
var lowConfidenceRules = map[string]bool{
	"generic-api-key":  true,
	"curl-auth-header": true,
	"curl-auth-user":   true,
	"jwt":              true,
	"jwt-base64":       true,
}

// NewScanner builds a scanner from gitleaks' default rules, configs/leaks.toml
// and userTOML, a gitleaks config (nil or empty: defaults and ours only).
// A userTOML with `[extend] useDefault = true` adds to (and can override or
// disable) the built-in rules; without it, it replaces them, as in gitleaks.
func NewScanner(userTOML []byte) (*Scanner, error) {
	cfg, err := loadConfig(userTOML)
	if err != nil {
		return nil, fmt.Errorf("leaks: %w", err)
	}
	s := &Scanner{byID: map[string]int{}, globals: cfg.Allowlists}
	kwIndex := map[string]int{}
	var kws []string
	for _, id := range cfg.OrderedRules {
		cr := cfg.Rules[id]
		// Path rules look at file names, which chat messages do not have.
		if cr.Regex == nil || cr.Path != nil {
			continue
		}
		var lower []string
		for _, k := range cr.Keywords {
			k = strings.ToLower(k)
			if k != "" && !slices.Contains(lower, k) {
				lower = append(lower, k)
			}
		}
		shape := analyzeRule(cr.Regex, cr.SecretGroup, lower, false)
		r := &rule{
			id:          id,
			re:          cr.Regex,
			secretGroup: cr.SecretGroup,
			entropy:     cr.Entropy,
			allowlists:  cr.Allowlists,
			provider:    providerForRule(id, cr.Tags),
			generic:     strings.Contains(strings.ToLower(id), "generic"),
			keywords:    lower,
			prefixes:    shape.secretPrefixes,
			skipReport:  cr.SkipReport,
			required:    cr.RequiredRules,
		}
		r.conf = confidenceFor(id, cr.Tags, shape, r.generic)
		// The second pass helps rules that end with gitleaks' ASCII boundary
		// class; rules ending in \b already stop at punctuation.
		r.relax = r.conf == High && strings.Contains(cr.Regex.String(), gitleaksBoundary)
		idx := len(s.rules)
		s.rules = append(s.rules, r)
		s.byID[id] = idx
		if len(lower) == 0 {
			s.always = append(s.always, idx)
			continue
		}
		for _, k := range lower {
			ki, ok := kwIndex[k]
			if !ok {
				ki = len(kws)
				kwIndex[k] = ki
				kws = append(kws, k)
				s.kwRules = append(s.kwRules, nil)
			}
			s.kwRules[ki] = append(s.kwRules[ki], idx)
		}
	}
	if len(s.rules) == 0 {
		return nil, fmt.Errorf("leaks: the rule set has no content rules")
	}
	s.kwNames = kws
	s.trie = ahocorasick.NewTrieBuilder().AddStrings(kws).Build()
	return s, nil
}

var defaultScanner = sync.OnceValues(func() (*Scanner, error) { return NewScanner(nil) })

// DefaultScanner returns the scanner for gitleaks' default rules plus the
// embedded configs/leaks.toml. It is built once and shared.
func DefaultScanner() (*Scanner, error) { return defaultScanner() }

// Rules returns the ids of the content rules in use, sorted.
func (s *Scanner) Rules() []string {
	ids := make([]string, 0, len(s.rules))
	for _, r := range s.rules {
		ids = append(ids, r.id)
	}
	sort.Strings(ids)
	return ids
}

func confidenceFor(id string, tags []string, shape ruleShape, generic bool) Confidence {
	for _, t := range tags {
		switch strings.ToLower(strings.TrimSpace(t)) {
		case "confidence:high":
			return High
		case "confidence:low":
			return Low
		}
	}
	if generic || lowConfidenceRules[id] || shape.context {
		return Low
	}
	return High
}

type rawFinding struct {
	f     Finding
	rule  int
	aux   bool // found only because another rule required it
	match [2]int
}

// Scan returns the credentials found in text, sorted by Start, overlapping
// findings reduced to the most specific one. It never panics.
func (s *Scanner) Scan(text string) (out []Finding) {
	if s == nil || len(text) == 0 {
		return nil
	}
	defer func() {
		if recover() != nil {
			// A rule misbehaved; report what was found so far.
			out = finish(out)
		}
	}()

	norm := normalize(text)
	lower := make([]byte, len(norm))
	for i := 0; i < len(norm); i++ {
		c := norm[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		lower[i] = c
	}

	// Keyword prefilter: positions of every keyword, per rule.
	type hit struct{ rule, pos int }
	var hits []hit
	s.trie.Walk(lower, func(end, n, pattern int64) bool {
		pos := int(end - n + 1)
		for _, ri := range s.kwRules[pattern] {
			hits = append(hits, hit{ri, pos})
		}
		return true
	})
	for _, ri := range s.always {
		hits = append(hits, hit{ri, -1})
	}
	if len(hits) == 0 {
		return nil
	}
	// High-confidence rules run first: a low-confidence match overlapping
	// one of their findings would lose in dedupe, so it is skipped before
	// its (costly) allowlist checks.
	sort.Slice(hits, func(i, j int) bool {
		hi, hj := s.rules[hits[i].rule].conf == High, s.rules[hits[j].rule].conf == High
		if hi != hj {
			return hi
		}
		if hits[i].rule != hits[j].rule {
			return hits[i].rule < hits[j].rule
		}
		return hits[i].pos < hits[j].pos
	})

	var (
		raw     []rawFinding
		relaxed string
		ran     = map[int]bool{}
	)
	for i := 0; i < len(hits); {
		ri := hits[i].rule
		j := i
		for j < len(hits) && hits[j].rule == ri {
			j++
		}
		positions := hits[i:j]
		i = j
		r := s.rules[ri]
		if r.skipReport {
			continue
		}
		var qs []int
		for _, h := range positions {
			if h.pos >= 0 && (len(qs) == 0 || qs[len(qs)-1] != h.pos) {
				qs = append(qs, h.pos)
			}
		}
		ran[ri] = true
		raw = s.detect(ri, norm, text, raw, false, qs)
		if r.relax {
			if relaxed == "" {
				relaxed = relaxBoundaries(norm)
			}
			if relaxed != norm {
				raw = s.detect(ri, relaxed, text, raw, false, qs)
			}
		}
	}
	raw = s.applyRequired(raw, norm, text, ran)
	fs := make([]Finding, 0, len(raw))
	for _, rf := range raw {
		if !rf.aux {
			fs = append(fs, rf.f)
		}
	}
	return finish(s.dedupe(fs))
}

func finish(fs []Finding) []Finding {
	if len(fs) == 0 {
		return nil
	}
	sort.SliceStable(fs, func(i, j int) bool {
		if fs[i].Start != fs[j].Start {
			return fs[i].Start < fs[j].Start
		}
		return fs[i].End < fs[j].End
	})
	return fs
}

// matches returns the rule's matches in t (as FindAllStringSubmatchIndex).
// With a gate, only keyword positions qs where the gate matches can start a
// match; with anchored matching, the regex runs only from those starts.
func (r *rule) matches(t string, qs []int) [][]int {
	if qs == nil {
		return r.re.FindAllStringSubmatchIndex(t, -1)
	}
	f := r.fastPath()
	if f.gate == nil {
		return r.re.FindAllStringSubmatchIndex(t, -1)
	}
	var pass []int
	for _, q := range qs {
		if q < len(t) && f.gate.MatchString(t[q:]) && (f.anchored == nil || leadHolds(f.lead, t, q)) {
			pass = append(pass, q)
		}
	}
	if len(pass) == 0 {
		return nil
	}
	if f.anchored == nil {
		return r.re.FindAllStringSubmatchIndex(t, -1)
	}
	if ms, ok := r.anchoredMatches(t, f, pass); ok {
		return ms
	}
	return r.re.FindAllStringSubmatchIndex(t, -1)
}

// anchoredMatches emulates FindAllStringSubmatchIndex from the candidate
// starts: the leftmost start reachable from a passing keyword position
// through at most prefixMax bytes of the prefix class. ok is false if the
// emulation cannot vouch for its result (the caller then runs the regex).
func (r *rule) anchoredMatches(t string, f *ruleShape, pass []int) (out [][]int, ok bool) {
	pos := 0
	for {
		best := -1
		for _, q := range pass {
			if q < pos {
				continue
			}
			st := q
			if f.prefixMax > 0 && f.prefixClass != nil {
				lim := max(pos, q-f.prefixMax)
				for st > lim && f.prefixClass[t[st-1]] {
					st--
				}
			}
			if best < 0 || st < best {
				best = st
			}
			if q-f.prefixMax > best {
				break
			}
		}
		if best < 0 {
			return out, true
		}
		m := f.anchored.FindStringSubmatchIndex(t[best:])
		if m == nil {
			return nil, false
		}
		for i := range m {
			if m[i] >= 0 {
				m[i] += best
			}
		}
		out = append(out, m)
		pos = m[1]
		if m[1] == m[0] {
			pos++
		}
	}
}

// seen reports whether out already holds this rule's finding at [a,b) (the
// relaxed pass finds most keys again), or, for a low-confidence rule, a
// high-confidence finding overlapping it.
func seen(out []rawFinding, ri int, conf Confidence, a, b int) bool {
	for _, o := range out {
		if o.rule == ri && o.f.Start == a && o.f.End == b {
			return true
		}
		if conf == Low && o.f.Confidence == High && a < o.f.End && o.f.Start < b {
			return true
		}
	}
	return false
}

func isWordByte(c byte) bool {
	return c == '_' || ('0' <= c && c <= '9') || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

// leadHolds evaluates the regex's leading zero-width assertions at q.
func leadHolds(ops []syntax.Op, t string, q int) bool {
	for _, op := range ops {
		before := q > 0 && isWordByte(t[q-1])
		after := q < len(t) && isWordByte(t[q])
		switch op {
		case syntax.OpWordBoundary:
			if before == after {
				return false
			}
		case syntax.OpNoWordBoundary:
			if before != after {
				return false
			}
		case syntax.OpBeginLine:
			if q != 0 && t[q-1] != '\n' {
				return false
			}
		case syntax.OpBeginText:
			if q != 0 {
				return false
			}
		}
	}
	return true
}

// detect runs rule ri over t (text normalized for matching; offsets equal
// text's) with gitleaks' secret-group, entropy and allowlist semantics. qs
// are the rule's keyword positions (nil: run the regex unconditionally).
func (s *Scanner) detect(ri int, t, text string, out []rawFinding, aux bool, qs []int) []rawFinding {
	r := s.rules[ri]
	for _, m := range r.matches(t, qs) {
		ms, me := m[0], m[1]
		for me > ms && t[me-1] == '\n' {
			me--
		}
		for ms < me && t[ms] == '\n' {
			ms++
		}
		a, b := ms, me
		if groups := len(m)/2 - 1; groups >= 1 {
			if r.secretGroup > 0 {
				if r.secretGroup > groups {
					continue
				}
				a, b = m[2*r.secretGroup], m[2*r.secretGroup+1]
			} else {
				for g := 1; g <= groups; g++ {
					if m[2*g] >= 0 && m[2*g+1] > m[2*g] {
						a, b = m[2*g], m[2*g+1]
						break
					}
				}
			}
		}
		if a < 0 || b <= a {
			continue
		}
		if seen(out, ri, r.conf, a, b) {
			continue
		}
		secret := t[a:b]
		if r.entropy != 0 && shannonEntropy(secret) <= r.entropy {
			continue
		}
		line := lineAround(t, ms, me)
		if allowed(s.globals, secret, t[ms:me], line) || allowed(r.allowlists, secret, t[ms:me], line) {
			continue
		}
		if r.conf == Low && chatNoise(secret) {
			continue
		}
		a, b = snapRunes(text, a, b)
		orig := text[a:b]
		out = append(out, rawFinding{
			f: Finding{
				RuleID:     r.id,
				Provider:   r.provider,
				Confidence: r.conf,
				Masked:     mask(orig, r.prefixes),
				Start:      a,
				End:        b,
				secret:     orig,
			},
			rule:  ri,
			aux:   aux,
			match: [2]int{ms, me},
		})
	}
	return out
}

// applyRequired implements gitleaks' composite rules: a finding of a rule
// with [[rules.required]] stays only if every required rule also matched
// (within the given lines/columns when set).
func (s *Scanner) applyRequired(raw []rawFinding, t, text string, ran map[int]bool) []rawFinding {
	need := false
	for _, rf := range raw {
		if len(s.rules[rf.rule].required) > 0 {
			need = true
			break
		}
	}
	if !need {
		return raw
	}
	for _, rf := range raw {
		for _, req := range s.rules[rf.rule].required {
			ri, ok := s.byID[req.RuleID]
			if ok && !ran[ri] {
				ran[ri] = true
				raw = s.detect(ri, t, text, raw, true, nil)
			}
		}
	}
	kept := raw[:0:0]
	for _, rf := range raw {
		reqs := s.rules[rf.rule].required
		ok := true
		for _, req := range reqs {
			found := false
			for _, other := range raw {
				if other.f.RuleID == req.RuleID && near(t, rf.match[0], other.match[0], req) {
					found = true
					break
				}
			}
			if !found {
				ok = false
				break
			}
		}
		if ok {
			kept = append(kept, rf)
		}
	}
	return kept
}

func near(t string, a, b int, req *config.Required) bool {
	la, ca := lineCol(t, a)
	lb, cb := lineCol(t, b)
	if req.WithinLines != nil && abs(la-lb) > *req.WithinLines {
		return false
	}
	if req.WithinColumns != nil && abs(ca-cb) > *req.WithinColumns {
		return false
	}
	return true
}

func lineCol(t string, pos int) (int, int) {
	line := strings.Count(t[:pos], "\n")
	col := pos - (strings.LastIndexByte(t[:pos], '\n') + 1)
	return line, col
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// dedupe keeps, among overlapping findings, the high-confidence, non-generic,
// longest one.
func (s *Scanner) dedupe(fs []Finding) []Finding {
	if len(fs) < 2 {
		return fs
	}
	rank := func(f Finding) int {
		n := 0
		if f.Confidence == High {
			n += 4
		}
		if !strings.Contains(strings.ToLower(f.RuleID), "generic") {
			n += 2
		}
		return n
	}
	order := make([]int, len(fs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool {
		a, b := fs[order[i]], fs[order[j]]
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra > rb
		}
		if la, lb := a.End-a.Start, b.End-b.Start; la != lb {
			return la > lb
		}
		return s.byID[a.RuleID] < s.byID[b.RuleID]
	})
	var kept []Finding
	for _, i := range order {
		f := fs[i]
		clash := false
		for _, k := range kept {
			if f.Start < k.End && k.Start < f.End {
				clash = true
				break
			}
		}
		if !clash {
			kept = append(kept, f)
		}
	}
	return kept
}

// normalize returns text with every non-ASCII rune (and every invalid byte)
// replaced by ASCII of the same byte length (and every ASCII control byte
// by a space), so offsets are unchanged and
// gitleaks' ASCII boundary classes see CJK punctuation as a boundary:
// full-width colon/equals/quotes become their ASCII forms, line and
// paragraph separators a newline, everything else spaces.
func normalize(text string) string {
	clean := true
	for i := 0; i < len(text); i++ {
		if c := text[i]; c >= utf8.RuneSelf || isControl(c) {
			clean = false
			break
		}
	}
	if clean {
		return text
	}
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

// isControl reports ASCII control bytes other than tab, newline and
// carriage return; chat clients never put them inside a key.
func isControl(c byte) bool {
	return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f
}

// relaxBoundaries turns ASCII punctuation that often follows a key in chat
// (sentence ends, closing brackets, URL and Slack markup delimiters,
// markdown emphasis) into spaces. It is used in a second pass for
// well-formed provider rules only, whose gitleaks boundary classes would
// otherwise miss "my key is AIza….", "(sk-…)" or "<https://x?key=AIza…|x>".
func relaxBoundaries(t string) string {
	b := []byte(t)
	for i, c := range b {
		switch c {
		case '.', ',', '!', '?', ')', ']', '}', '>', '<', '(', '|', '&', '*':
			b[i] = ' '
		}
	}
	return string(b)
}

// snapRunes widens [a,b) to whole runes of text.
func snapRunes(text string, a, b int) (int, int) {
	for a > 0 && !utf8.RuneStart(text[a]) {
		a--
	}
	for b < len(text) && !utf8.RuneStart(text[b]) {
		b++
	}
	return a, b
}

func lineAround(t string, ms, me int) string {
	start := strings.LastIndexByte(t[:ms], '\n') + 1
	end := strings.IndexByte(t[me:], '\n')
	if end < 0 {
		end = len(t)
	} else {
		end += me
	}
	return t[start:end]
}

// allowed applies gitleaks allowlists to a finding (commit and path
// conditions never hold: chat messages have neither).
func allowed(lists []*config.Allowlist, secret, match, line string) bool {
	for _, a := range lists {
		if a == nil {
			continue
		}
		target := secret
		switch a.RegexTarget {
		case "match":
			target = match
		case "line":
			target = line
		}
		// The individual regexes, not gitleaks' joined alternation: most are
		// anchored or literal and fail fast on a long secret.
		regexOK := false
		for _, re := range a.Regexes {
			if loc := re.FindStringIndex(target); loc != nil && loc[1] > loc[0] {
				regexOK = true
				break
			}
		}
		stopOK, _ := a.ContainsStopWord(secret)
		if a.MatchCondition == config.AllowlistMatchAnd {
			if len(a.Commits) > 0 || len(a.Paths) > 0 {
				continue
			}
			all := true
			if len(a.Regexes) > 0 && !regexOK {
				all = false
			}
			if len(a.StopWords) > 0 && !stopOK {
				all = false
			}
			if all && (len(a.Regexes) > 0 || len(a.StopWords) > 0) {
				return true
			}
			continue
		}
		if regexOK || stopOK {
			return true
		}
	}
	return false
}

var (
	uuidRe  = regexp.MustCompile(`^(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	hexRe   = regexp.MustCompile(`^(?i)[0-9a-f]+$`)
	digitRe = regexp.MustCompile(`^[0-9]+$`)
)

// chatNoise recognises values that low-confidence rules pick up in chat but
// that are not credentials: UUIDs, git SHAs and sha256/sha512 digests,
// numeric ids (Discord/Slack snowflakes, timestamps).
func chatNoise(secret string) bool {
	if uuidRe.MatchString(secret) || digitRe.MatchString(secret) {
		return true
	}
	if hexRe.MatchString(secret) {
		switch len(secret) {
		case 40, 64, 128:
			return true
		}
	}
	for _, p := range []string{"sha1:", "sha256:", "sha512:", "sha384:"} {
		if strings.HasPrefix(strings.ToLower(secret), p) {
			return true
		}
	}
	return false
}

// shannonEntropy is gitleaks' entropy measure (bits per byte over runes).
func shannonEntropy(data string) float64 {
	if data == "" {
		return 0
	}
	counts := make(map[rune]int, 64)
	for _, c := range data {
		counts[c]++
	}
	inv := 1.0 / float64(len(data))
	e := 0.0
	for _, n := range counts {
		f := float64(n) * inv
		e -= f * math.Log2(f)
	}
	return e
}

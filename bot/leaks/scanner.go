package leaks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/zricethezav/gitleaks/v8/config"
)

// Scanner finds credentials in chat messages. It is immutable once built
// and safe for concurrent use.
type Scanner struct {
	rules   []*rule
	byID    map[string]int
	kw      *kwMatcher
	kwRules [][]int // rule indexes per keyword (kw's keyword index)
	ruleKws [][]int // keyword indexes per rule
	kwNames []string
	always  []int // rules without keywords: run on every message
	globals []*config.Allowlist
	// filters per allowlist regex, and per allowlist of several regexes
	filters     map[*regexp.Regexp]*allowFilter
	listFilters map[*config.Allowlist]*allowFilter
	// relaxEverywhere runs the relaxed pass at every hit, not only at
	// those near a change (what that shortcut is checked against).
	relaxEverywhere bool

	failures atomic.Int64
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
	// literal is a lower-cased literal every match contains (nil: none
	// known), looked for in a view's lower-cased bytes.
	literal []byte
	needed  bool // another rule requires this one ([[rules.required]])
	// sharedLead: another rule has the same lead (ruleShape.leadKey), so
	// the hits that lead drops are found once for both.
	sharedLead bool
	// matchLists are the allowlists (global and the rule's) that allow a
	// candidate by a regex on its match or line alone, whatever its secret
	// group (see Scanner.matchAllowed).
	matchLists []*config.Allowlist

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
	leads := map[string][]*rule{} // rules by their lead
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
			literal:     []byte(shape.required),
		}
		r.conf = confidenceFor(id, cr.Tags, shape, r.generic)
		if shape.leadKey != "" {
			leads[shape.leadKey] = append(leads[shape.leadKey], r)
		}
		// The second pass helps rules that end with gitleaks' ASCII boundary
		// class; rules ending in \b already stop at punctuation.
		r.relax = r.conf == High && strings.Contains(cr.Regex.String(), gitleaksBoundary)
		idx := len(s.rules)
		s.rules = append(s.rules, r)
		s.ruleKws = append(s.ruleKws, nil)
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
			s.ruleKws[idx] = append(s.ruleKws[idx], ki)
		}
	}
	if len(s.rules) == 0 {
		return nil, fmt.Errorf("leaks: the rule set has no content rules")
	}
	for _, rs := range leads {
		for _, r := range rs {
			r.sharedLead = len(rs) > 1
		}
	}
	for _, r := range s.rules {
		for _, req := range r.required {
			if ri, ok := s.byID[req.RuleID]; ok {
				s.rules[ri].needed = true
			}
		}
	}
	s.kwNames = kws
	lists := [][]*config.Allowlist{s.globals}
	for _, r := range s.rules {
		lists = append(lists, r.allowlists)
		for _, a := range slices.Concat(s.globals, r.allowlists) {
			if bySpan(a) {
				r.matchLists = append(r.matchLists, a)
			}
		}
	}
	s.filters, s.listFilters = allowFilters(lists...)
	s.kw = newKwMatcher(kws)
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

// ScanLimit is the largest text, in bytes, that the scanner examines.
// Callers cut messages and attachments well below it; a longer text is not
// scanned at all (ScanContext returns ErrTooLarge, Scan reports it unsafe).
const ScanLimit = 1 << 20

var (
	// ErrTooLarge: the text is longer than ScanLimit.
	ErrTooLarge = errors.New("leaks: text is over the scan limit")
	// ErrScanFailed: the scanner failed on this text (a rule panicked); the
	// text may hold a key that was not found.
	ErrScanFailed = errors.New("leaks: scanner failed")
)

// UnscannedRuleID is the RuleID of the finding Scan returns for a text it
// could not scan (too large, or the scanner failed): such a message is to
// be treated as unsafe — taken down and escalated — since a key in it
// would otherwise pass unseen. The finding has no secret and empty offsets.
const UnscannedRuleID = "tokenbot-unscanned"

// Scan returns the credentials found in text, sorted by Start, overlapping
// findings reduced to the most specific one. A text that cannot be scanned
// yields one high-confidence finding with RuleID UnscannedRuleID.
func (s *Scanner) Scan(text string) []Finding {
	fs, err := s.ScanContext(context.Background(), text)
	if err != nil {
		return []Finding{unscanned()}
	}
	return fs
}

func unscanned() Finding {
	return Finding{RuleID: UnscannedRuleID, Provider: "Unknown", Confidence: High, Masked: "…"}
}

// ScanContext is Scan that stops when ctx is done (it returns ctx's error)
// and reports a text it cannot scan with ErrTooLarge or ErrScanFailed.
func (s *Scanner) ScanContext(ctx context.Context, text string) ([]Finding, error) {
	var w work
	return s.scan(ctx, text, &w)
}

// work counts what a scan costs: bytes handed to regular expressions (rule
// regexes, gates, allowlists) or stepped by a rule's prefilter, and bytes
// of views built for matching. The scanner's cost is proportional to it.
type work struct {
	regexBytes int
	viewBytes  int
}

func (w *work) add(n int) { w.regexBytes += n }

func (s *Scanner) scan(ctx context.Context, text string, w *work) (out []Finding, err error) {
	if s == nil || len(text) == 0 {
		return nil, nil
	}
	if len(text) > ScanLimit {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(text), ScanLimit)
	}
	defer func() {
		if r := recover(); r != nil {
			// Never the panic value or the text: either may hold the key.
			s.failures.Add(1)
			slog.Error("leaks: scanner failed; message reported unsafe", "bytes", len(text))
			out, err = nil, ErrScanFailed
		}
	}()
	var fs []Finding
	vs := views(text, w)
	defer release(vs)
	for _, v := range vs {
		raw, err := s.scanView(ctx, v, w)
		if err != nil {
			return nil, err
		}
		var plain map[string][]Finding // by rule, sorted by Start
		if v.crossing {
			plain = map[string][]Finding{}
			for _, f := range fs {
				plain[f.RuleID] = append(plain[f.RuleID], f)
			}
			for _, l := range plain {
				sort.Slice(l, func(i, j int) bool { return l[i].Start < l[j].Start })
			}
		}
		for _, rf := range raw {
			if rf.aux {
				continue
			}
			f, ok := v.finding(text, rf, s.rules[rf.rule].prefixes)
			// A key the text gives whole on its own line beats the same
			// rule's match joined with the next line.
			if ok && v.crossing && overlapsAny(plain[f.RuleID], f) {
				ok = false
			}
			if ok {
				fs = append(fs, f)
			}
		}
	}
	return finish(s.dedupe(fs)), nil
}

// overlapsAny reports whether f overlaps one of l (sorted by Start, spans
// of one rule: a span overlaps at most its neighbours).
func overlapsAny(l []Finding, f Finding) bool {
	i := sort.Search(len(l), func(i int) bool { return l[i].Start >= f.End })
	for k := i - 1; k >= 0 && k >= i-2; k-- {
		if l[k].End > f.Start {
			return true
		}
	}
	return false
}

// Failures returns how many texts the scanner failed on since it was built.
func (s *Scanner) Failures() int64 { return s.failures.Load() }

// scanView runs the rules whose keywords occur in v over v.
func (s *Scanner) scanView(ctx context.Context, v *view, w *work) ([]rawFinding, error) {
	norm := v.text
	sx := scratchPool.Get().(*scanScratch)
	defer scratchPool.Put(sx)
	lower := slices.Grow(sx.lower[:0], len(norm))[:len(norm)]
	sx.lower = lower
	asciiLower(lower, norm)

	// Keyword prefilter: positions of every keyword, per keyword (a
	// rule's hits are its keywords' lists, merged only when several of
	// them occur). order lists the rules to run; a rule without keywords
	// has no positions (nil): its regex runs over the whole view.
	hits := &sx.hits
	hits.reset(len(s.kwNames), len(s.rules))
	s.kw.collect(lower, hits)
	order := slices.Clone(s.always)
	for _, kw := range hits.touched {
		for _, ri := range s.kwRules[kw] {
			if !hits.queued[ri] {
				hits.queued[ri] = true
				order = append(order, ri)
			}
		}
	}
	for _, ri := range order {
		hits.queued[ri] = false
	}
	if len(order) == 0 {
		return nil, nil
	}
	// High-confidence rules run first: a low-confidence match overlapping
	// one of their findings would lose in dedupe, so it is skipped before
	// its (costly) allowlist checks.
	slices.SortFunc(order, func(a, b int) int {
		if ha, hb := s.rules[a].conf == High, s.rules[b].conf == High; ha != hb {
			if ha {
				return -1
			}
			return 1
		}
		return a - b
	})

	sc := &viewScan{seen: map[[3]int]bool{}}
	leads, relaxedLeads := leadHits{}, leadHits{}
	var relaxed string
	var changed []int // where relaxed differs from norm
	ran := map[int]bool{}
	for _, ri := range order {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		r := s.rules[ri]
		if r.skipReport || (len(r.literal) > 0 && !bytes.Contains(lower, r.literal)) {
			continue
		}
		if r.conf == Low && !sc.lowPhase {
			sc.startLow()
		}
		qs := hits.of(s.ruleKws[ri])
		ran[ri] = true
		s.detect(ri, norm, sc, false, qs, leads, w)
		if r.relax {
			if relaxed == "" {
				relaxed, changed = relaxedText(norm)
				w.viewBytes += len(norm)
			}
			if relaxed != norm {
				// The relaxed text differs only at changed: a match the
				// plain pass has not found has a hit near a change.
				if qs != nil && !s.relaxEverywhere {
					qs = nearAny(qs, changed, relaxReach(r.fastPath().span))
				}
				if qs == nil || len(qs) > 0 {
					s.detect(ri, relaxed, sc, false, qs, relaxedLeads, w)
				}
			}
		}
	}
	return s.applyRequired(sc, norm, ran, w), nil
}

// viewScan is the state of one view's scan: its raw findings, which
// (rule, start, end) are already found, and once low-confidence rules run,
// the union of the high-confidence findings' spans.
type viewScan struct {
	raw      []rawFinding
	seen     map[[3]int]bool
	found    map[int]int         // findings per rule
	verdicts map[verdictKey]bool // whether a candidate that reached the allowlists is dropped
	lowPhase bool
	high     [][2]int // sorted, disjoint
}

// verdictKey identifies a candidate's verdict: rule, the secret's offsets
// in the match, the match and its line.
type verdictKey struct {
	rule, a, b  int
	match, line string
}

func (sc *viewScan) startLow() {
	sc.lowPhase = true
	var iv [][2]int
	for _, rf := range sc.raw {
		if rf.f.Confidence == High {
			iv = append(iv, [2]int{rf.f.Start, rf.f.End})
		}
	}
	sort.Slice(iv, func(i, j int) bool { return iv[i][0] < iv[j][0] })
	for _, x := range iv {
		if n := len(sc.high); n > 0 && x[0] <= sc.high[n-1][1] {
			sc.high[n-1][1] = max(sc.high[n-1][1], x[1])
			continue
		}
		sc.high = append(sc.high, x)
	}
}

// overlapsHigh reports whether [a,b) overlaps a high-confidence finding.
func (sc *viewScan) overlapsHigh(a, b int) bool {
	i := sort.Search(len(sc.high), func(i int) bool { return sc.high[i][1] > a })
	return i < len(sc.high) && sc.high[i][0] < b
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

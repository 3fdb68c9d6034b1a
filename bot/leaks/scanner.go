package leaks

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"regexp"
	"regexp/syntax"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

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

// asciiLower writes t to dst (as long as t) with ASCII upper case letters
// lowered, eight bytes at a time: random alphanumerics make a branch per
// byte mispredict half the time.
func asciiLower(dst []byte, t string) {
	copy(dst, t)
	const ones = 0x0101010101010101
	i := 0
	for ; i+8 <= len(dst); i += 8 {
		x := binary.LittleEndian.Uint64(dst[i:])
		b := x &^ (0x80 * ones) // each byte's low seven bits: no carry out
		geA := b + (0x80-'A')*ones
		gtZ := b + (0x80-'Z'-1)*ones
		upper := (geA &^ gtZ) &^ x & (0x80 * ones)
		binary.LittleEndian.PutUint64(dst[i:], x|upper>>2)
	}
	for ; i < len(dst); i++ {
		if c := dst[i]; 'A' <= c && c <= 'Z' {
			dst[i] = c + 'a' - 'A'
		}
	}
}

// scanScratch holds the buffers of a view's scan, kept for the next scan:
// a message of many keyword hits would otherwise allocate their lists
// anew each time.
type scanScratch struct {
	lower []byte
	hits  kwHits
}

var scratchPool = sync.Pool{New: func() any { return new(scanScratch) }}

// kwHits holds keyword positions per keyword, each list sorted (a
// keyword's occurrences are reported by their ends), kept with their
// memory for the next scan.
type kwHits struct {
	lists   [][]int // per keyword
	touched []int   // the keywords with a list, in order of first hit
	queued  []bool  // per rule, scratch for scanView's order
}

// reset empties h for a scanner of kws keywords and rules rules,
// keeping its memory.
func (h *kwHits) reset(kws, rules int) {
	for _, k := range h.touched {
		h.lists[k] = h.lists[k][:0]
	}
	h.touched = h.touched[:0]
	if len(h.lists) != kws {
		h.lists = make([][]int, kws)
	}
	if len(h.queued) != rules {
		h.queued = make([]bool, rules)
	}
}

// add records an occurrence of keyword kw starting at pos.
func (h *kwHits) add(kw, pos int) {
	if len(h.lists[kw]) == 0 {
		h.touched = append(h.touched, kw)
	}
	h.lists[kw] = append(h.lists[kw], pos)
}

// of returns the sorted, distinct positions of the keywords kws (nil:
// none). A single keyword's list is returned as it is, shared: callers
// only read it. Several are merged into a new slice.
func (h *kwHits) of(kws []int) []int {
	var one []int
	n := 0
	for _, k := range kws {
		if l := h.lists[k]; len(l) > 0 {
			one = l
			n++
		}
	}
	if n <= 1 {
		if len(one) == 0 {
			return nil
		}
		return one
	}
	total := 0
	for _, k := range kws {
		total += len(h.lists[k])
	}
	// The first list is merged from where it is (read only); the merges
	// alternate between two slices of the total's capacity.
	var qs, spare []int
	owned := false
	for _, k := range kws {
		l := h.lists[k]
		switch {
		case len(l) == 0:
			continue
		case qs == nil:
			qs = l
			continue
		}
		dst := spare[:0]
		if dst == nil {
			dst = make([]int, 0, total)
		}
		if owned {
			spare = qs
		}
		qs, owned = mergeSorted(dst, qs, l), true
	}
	return qs
}

// mergeSorted appends to dst the union of a and b (sorted, distinct),
// sorted and distinct.
func mergeSorted(dst, a, b []int) []int {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			dst = append(dst, a[i])
			i++
		case b[j] < a[i]:
			dst = append(dst, b[j])
			j++
		default:
			dst = append(dst, a[i])
			i++
			j++
		}
	}
	dst = append(dst, a[i:]...)
	return append(dst, b[j:]...)
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

// eachMatch calls yield with the rule's matches in t, in order, as
// FindAllStringSubmatchIndex would find them, from the keyword positions
// qs (nil: the rule has no keyword positions to go by), until yield
// returns false.
//
// First the rule's prefilter drops the hits no match can hold (for a rule
// without keyword positions, it finds where matches end, and those ends
// stand for the hits when a match's length is bounded; with no end, no
// regex runs at all). The regex runs only in windows around hits: a match of a
// windowed rule contains a keyword and is at most span bytes long, so it lies within
// span bytes of a hit; matches cut at a window's edge (which the full text
// would not give) are dropped. Overlapping windows are merged, up to
// maxWindowSpread bytes between a window's first and last hit; beyond
// that a new window starts, overlapping the previous one by its margin, so
// a scan that stops early (yield returns false) stops within a bounded
// distance. Every byte is handed to the rule's regex a bounded number of
// times (windows overlap by at most their margins) and the gate's and the
// anchored regex's attempts see at most attemptFactor times a window,
// whatever the number of hits. A match
// starting before the end of the previous one (found again in the overlap)
// is skipped.
//
// A match of an anchored attempt whose end the filter knows (the only end
// of a match begun at its hit) is found by its bounds; the regex runs for
// its groups only when it is yielded, not for matches after the rule
// stopped. known, when not nil, reports that a match [ms, me) is dropped
// whatever its groups are (an allowlist on the match or the line allows
// it): such a match is skipped without running the regex at all.
func (r *rule) eachMatch(t string, qs []int, w *work, known func(ms, me int) bool, yield func(m []int) bool) {
	f := r.fastPath()
	span := max(f.span, 1)
	filtered := f.filter != nil && !f.filterEvery
	b := keepPool.Get().(*keepBufs)
	defer keepPool.Put(b)
	var kept []endRun  // the filter's ends from the hits (filtered)
	var solo []soloRun // and the hits' runs begun and ended alone
	switch {
	case qs == nil || !f.windowed:
		// No keyword bounds where a match lies: the filter, started at
		// every position, finds where matches end, if anywhere; windows
		// around those ends take the place of keyword hits when a match's
		// length is bounded.
		var ends []endRun
		if f.filter != nil {
			var n int
			ends, n = f.filter.ends(t, everywhere(t, false), nil)
			w.add(n)
			if len(ends) == 0 {
				return
			}
		}
		if f.filter == nil || !f.bounded || ends[0].first == 0 {
			w.add(len(t))
			for _, m := range r.re.FindAllStringSubmatchIndex(t, -1) {
				if !yield(m) {
					return
				}
			}
			return
		}
		qs = positions(ends, span)
	case f.filter != nil:
		if qs, kept, solo = f.filter.keep(t, qs, f.filterEvery, span, w, b); len(qs) == 0 {
			return
		}
	}
	// limit returns where an anchored attempt from q may stop and what
	// finding that cost: one byte past the last end of a match the filter
	// lets begin at q (for the assertion after it), or span bytes on. With
	// matches of one width w after the context prefix, an end of keep's pass
	// at q+w can only be of the match begun at q: no run of the filter is
	// needed; nor for a hit whose run in keep's pass was its own alone.
	limit := func(q int) (lim int, only bool, cost int) {
		switch {
		case !filtered:
			return min(len(t), q+span+1), false, 0
		case f.restWidth >= 0:
			if e := q + f.restWidth; hasEnd(kept, e) {
				return e + 1, true, 0
			}
			return q, false, 0
		}
		if lim, only, ok := soloLimit(kept, solo, q, span); ok {
			return lim, only, 0
		}
		return f.filter.limit(t, q, span)
	}
	// groupEnd: the one end of the matches begun at the hits first..last
	// (n of them), when keep's pass tells.
	var endOf func(first, last, n int) (int, bool)
	if filtered {
		endOf = func(first, last, n int) (int, bool) { return groupEnd(kept, solo, first, last, n, span) }
	}
	last := 0
	emit := func(m []int) bool {
		if m[0] < last {
			return true
		}
		last = m[1]
		return yield(m)
	}
	emitAnchored := func(a anchoredMatch) bool {
		if a.re == nil || a.loc[0] < last {
			return emit(a.loc)
		}
		if known != nil && known(a.loc[0], a.loc[1]) {
			last = a.loc[1]
			return true
		}
		w.add(a.to - a.from)
		m := a.re.FindStringSubmatchIndex(t[a.from:a.to])
		if m == nil {
			return true // not reached: the filter's end is a match's
		}
		for k := range m {
			if m[k] >= 0 {
				m[k] += a.from
			}
		}
		m[0] = a.loc[0]
		return emit(m)
	}
	forWindows(qs, span, len(t), func(ws, we int, hs []int) bool {
		pass, every := hs, true
		switch {
		case f.gate == nil:
		case filtered:
			// The filter has run the regex after the context prefix at
			// each hit: only the leading assertions are left to check.
			pass = b.pass[:0]
			for _, q := range hs {
				if f.anchored == nil || leadHolds(f.lead, t, q) {
					pass = append(pass, q)
				}
			}
			b.pass = pass
		case len(hs)*min(f.gateSpan+1, we-ws) <= attemptFactor*(we-ws):
			pass = nil
			for _, q := range hs {
				lim := min(len(t), q+f.gateSpan+1)
				w.add(lim - q)
				if f.gate.MatchString(t[q:lim]) && (f.anchored == nil || leadHolds(f.lead, t, q)) {
					pass = append(pass, q)
				}
			}
		case f.gateSpan <= maxGateSpan:
			// Too many hits to try the gate at each: one unanchored pass
			// finds where it matches. A hit inside another's gate match is
			// not reported, but lies within maxGateSpan of it, which the
			// windows' margin covers; the windows then run the full regex,
			// not anchored attempts.
			pass, every = nil, false
			w.add(we - ws)
			for _, m := range f.gateAll.FindAllStringIndex(t[ws:we], -1) {
				pass = append(pass, ws+m[0])
			}
		}
		return forWindows(pass, span, len(t), func(ws, we int, ps []int) bool {
			if every && f.gate != nil && f.anchored != nil && (filtered || len(ps)*min(span+1, we-ws) <= attemptFactor*(we-ws)) {
				if ms, ok := r.anchoredMatches(t[:we], f, ps, limit, endOf, filtered, attemptFactor*(we-ws), w, b); ok {
					for _, m := range ms {
						if !emitAnchored(m) {
							return false
						}
					}
					return true
				}
			}
			w.add(we - ws)
			for _, m := range r.re.FindAllStringSubmatchIndex(t[ws:we], -1) {
				if (m[0] == 0 && ws > 0) || (m[1] == we-ws && we < len(t)) {
					continue
				}
				for k := range m {
					if m[k] >= 0 {
						m[k] += ws
					}
				}
				if !emit(m) {
					return false
				}
			}
			return true
		})
	})
}

// attemptFactor bounds the input of the gate's and the anchored regex's
// attempts at the hits of a window, as a multiple of the window's length;
// above it one unanchored pass runs instead. Anchored attempts are cheaper
// per byte than the full regex (no leading context repeat to slide), so
// they are preferred while hits are up to a few per span.
const attemptFactor = 8

// maxWindowSpread bounds the distance between the first and the last hit
// of the first merged window cut short (see eachMatch), at least four times
// the window's margin; each further cut window may spread four times as far as
// the previous one, so a dense run of hits is cut into a logarithmic
// number of windows.
const maxWindowSpread = 4096

// forWindows calls fn for each merged window around the sorted positions
// qs, with the positions inside it, until fn returns false; it reports
// whether every call returned true.
func forWindows(qs []int, span, n int, fn func(ws, we int, hs []int) bool) bool {
	reach := span + 64
	spread := max(maxWindowSpread, 4*reach)
	for i := 0; i < len(qs); {
		ws, we := max(0, qs[i]-reach), min(n, qs[i]+reach)
		j := i + 1
		for j < len(qs) && qs[j]-reach <= we && qs[j]-qs[i] <= spread {
			we = min(n, qs[j]+reach)
			j++
		}
		if j < len(qs) && qs[j]-reach <= we {
			spread *= 4 // cut: the next window overlaps this one
		}
		if !fn(ws, we, qs[i:j]) {
			return false
		}
		i = j
	}
	return true
}

// anchoredMatches emulates FindAllStringSubmatchIndex from the candidate
// starts: the leftmost start reachable from a passing keyword position
// through at most prefixMax bytes of the prefix class. Each attempt sees at
// most the bytes up to the largest limit of its positions; with exact
// limits (the prefilter's), a position whose limit is itself begins no
// match, and a plain rule's match is known without a regex. When the
// anchored regex fails at a start, no match
// starts between it and the keyword positions it was reached from (the
// regex's own prefix could have taken those bytes), so those positions are
// dropped: there is at most one attempt per position. ok is false if the
// emulation cannot vouch for its result (the caller then runs the regex).
// With exact limits, a match begun at a position with one possible end is
// known by its bounds: it is returned with the regex that gives its groups
// (see anchoredMatch).
func (r *rule) anchoredMatches(t string, f *ruleShape, pass []int, limit func(q int) (lim int, only bool, cost int), groupEnd func(first, last, n int) (int, bool), exact bool, budget int, w *work, b *keepBufs) (out []anchoredMatch, ok bool) {
	pos, i := 0, 0
	dead := slices.Grow(b.dead[:0], len(pass))[:len(pass)]
	clear(dead)
	out = b.found[:0]
	defer func() { b.dead, b.found = dead, out[:0] }()
	var group []int
	for {
		for i < len(pass) && pass[i] < pos {
			i++
		}
		best := -1
		group = group[:0]
		for k := i; k < len(pass); k++ {
			if dead[k] {
				continue
			}
			q := pass[k]
			st := q
			if f.prefixMax > 0 && f.prefixClass != nil {
				lim := max(pos, q-f.prefixMax)
				for st > lim && f.prefixClass[t[st-1]] {
					st--
				}
			}
			switch {
			case best < 0 || st < best:
				best = st
				group = append(group[:0], k)
			case st == best:
				group = append(group, k)
			}
			if q-f.prefixMax > best {
				break
			}
		}
		if best < 0 {
			return out, true
		}
		var m []int
		var later anchoredMatch // groups found when the match is used
		if e, ok := 0, false; f.anchoredRest != nil && exact && groupEnd != nil && len(group) > 1 {
			// Several hits reach one start and keep's pass knows the one
			// end of their matches: the match from the start ends there
			// (the regex finds its groups when it is used).
			if e, ok = groupEnd(pass[group[0]], pass[group[len(group)-1]], len(group)); ok {
				lim := min(len(t), e+1)
				if budget -= lim - best; budget < 0 {
					return nil, false
				}
				m = []int{best, e}
				if !f.plain {
					later = anchoredMatch{re: f.anchored, from: best, to: lim}
				}
			}
		}
		if m == nil && f.anchoredRest != nil {
			// The lazy context prefix takes the first hit of the group
			// where the rest matches: try the rest there, without the
			// prefix (a smaller program, cheaper per byte).
			for _, k := range group {
				q := pass[k]
				lim, only, c := limit(q)
				w.add(c)
				budget -= c
				if exact && lim <= q {
					continue // no match begins at q
				}
				if exact && f.plain {
					// The longest match begun at q is the regex's.
					m = []int{best, lim - 1}
					break
				}
				lim = min(len(t), lim)
				if budget -= lim - q; budget < 0 {
					return nil, false
				}
				if exact && only {
					m = []int{best, lim - 1}
					later = anchoredMatch{re: f.anchoredRest, from: q, to: lim}
					break
				}
				w.add(lim - q)
				if m = f.anchoredRest.FindStringSubmatchIndex(t[q:lim]); m == nil {
					continue
				}
				if q+m[1] == lim && lim < len(t) {
					return nil, false
				}
				for k := range m {
					if m[k] >= 0 {
						m[k] += q
					}
				}
				m[0] = best
				break
			}
		} else if f.anchoredRest == nil {
			lim, only := 0, len(group) == 1
			for _, k := range group {
				l, o, c := limit(pass[k])
				lim = max(lim, l)
				only = only && o
				w.add(c)
				budget -= c
			}
			if exact && len(group) == 1 && (f.plain || only) {
				// The longest match begun at the one hit is the regex's,
				// if one begins there; with one end, its bounds are known.
				if q := pass[group[0]]; lim <= q {
					dead[group[0]] = true
					continue
				}
				a := anchoredMatch{loc: []int{best, lim - 1}}
				if !f.plain {
					if budget -= min(len(t), lim) - best; budget < 0 {
						return nil, false
					}
					a.re, a.from, a.to = f.anchored, best, min(len(t), lim)
				}
				out = append(out, a)
				pos = max(lim-1, best+1)
				continue
			}
			lim = min(len(t), lim)
			if budget -= lim - best; budget < 0 {
				return nil, false
			}
			w.add(lim - best)
			if m = f.anchored.FindStringSubmatchIndex(t[best:lim]); m != nil {
				if best+m[1] == lim && lim < len(t) {
					return nil, false
				}
				for k := range m {
					if m[k] >= 0 {
						m[k] += best
					}
				}
			}
		}
		if m == nil {
			for _, k := range group {
				dead[k] = true
			}
			continue
		}
		later.loc = m
		out = append(out, later)
		pos = m[1]
		if m[1] == m[0] {
			pos++
		}
	}
}

// An anchoredMatch is a match's submatch indexes (as
// FindStringSubmatchIndex gives them) or, with re set, only its bounds:
// its groups are those of re's match of t[from:to], found when the match
// is used.
type anchoredMatch struct {
	loc      []int
	re       *regexp.Regexp
	from, to int
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

// detect runs rule ri over t (a view's text) with gitleaks' secret-group,
// entropy and allowlist semantics, adding to sc.raw. qs are the rule's
// keyword positions (nil: run the regex unconditionally); leads (nil:
// none) holds the shared leads' kept hits for t. Offsets are t's.
func (s *Scanner) detect(ri int, t string, sc *viewScan, aux bool, qs []int, leads leadHits, w *work) {
	r := s.rules[ri]
	if f := r.fastPath(); r.sharedLead && qs != nil && f.leadFilter != nil && leads != nil {
		if qs = leads.keep(f, t, qs, w); len(qs) == 0 {
			return
		}
	}
	var known func(ms, me int) bool
	if len(r.matchLists) > 0 {
		known = func(ms, me int) bool { return s.matchAllowed(r, t, ms, me, w) }
	}
	r.eachMatch(t, qs, w, known, func(m []int) bool {
		s.candidate(ri, t, sc, aux, m, w)
		return r.needed || sc.found[ri] < maxRuleFindings
	})
}

// leadHits remembers, for one text, the keyword hits each lead filter
// (ruleShape.lead) kept, so that the rules sharing a lead run it once.
type leadHits map[string]struct{ qs, kept []int }

// keep returns the hits of qs where f's lead can match in t.
func (l leadHits) keep(f *ruleShape, t string, qs []int, w *work) []int {
	if e, ok := l[f.leadKey]; ok && slices.Equal(e.qs, qs) {
		return e.kept
	}
	kept, _, _ := f.leadFilter.keep(t, qs, false, max(f.leadSpan, 1), w, nil)
	l[f.leadKey] = struct{ qs, kept []int }{qs, kept}
	return kept
}

// maxRuleFindings is how many findings one rule reports in one view of a
// message; the rule stops there (not a rule another rule requires: a
// composite finding needs its required rule's match nearby). One high-confidence finding
// already takes the message down, so more only cost time: a message of
// 1,500 key-shaped assignments would otherwise run each through the
// rule's regex and gitleaks' allowlists.
const maxRuleFindings = 16

// candidate applies gitleaks' secret-group, entropy and allowlist semantics
// and the chat filters to the match m of rule ri, adding a finding to sc.
func (s *Scanner) candidate(ri int, t string, sc *viewScan, aux bool, m []int, w *work) {
	r := s.rules[ri]
	ms, me := trimNewlines(t, m[0], m[1])
	a, b := ms, me
	if groups := len(m)/2 - 1; groups >= 1 {
		if r.secretGroup > 0 {
			if r.secretGroup > groups {
				return
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
		return
	}
	key := [3]int{ri, a, b}
	if sc.seen[key] || (r.conf == Low && sc.lowPhase && sc.overlapsHigh(a, b)) {
		return
	}
	// The checks of the secret alone first: they cost less than finding
	// the line and looking up a verdict (a run of "glrt-glrt-…" is
	// thousands of low-entropy matches).
	if cheapDrop(r, t[a:b]) {
		return
	}
	line := lineAround(t, ms, me)
	// The allowlists' verdict depends on the match, the secret's place in
	// it and the line only: a repeated candidate is checked once per view.
	vk := verdictKey{ri, a - ms, b - ms, t[ms:me], line}
	drop, ok := sc.verdicts[vk]
	if !ok {
		drop = s.allowedCandidate(r, t[a:b], t[ms:me], line, w)
		if sc.verdicts == nil {
			sc.verdicts = map[verdictKey]bool{}
		}
		sc.verdicts[vk] = drop
	}
	if drop {
		return
	}
	sc.seen[key] = true
	if sc.found == nil {
		sc.found = map[int]int{}
	}
	sc.found[ri]++
	sc.raw = append(sc.raw, rawFinding{
		f: Finding{
			RuleID:     r.id,
			Provider:   r.provider,
			Confidence: r.conf,
			Start:      a,
			End:        b,
		},
		rule:  ri,
		aux:   aux,
		match: [2]int{ms, me},
	})
}

// trimNewlines returns [ms, me) without the line breaks at its ends: a
// candidate's match as its checks see it.
func trimNewlines(t string, ms, me int) (int, int) {
	for me > ms && t[me-1] == '\n' {
		me--
	}
	for ms < me && t[ms] == '\n' {
		ms++
	}
	return ms, me
}

// matchAllowed reports whether one of rule r's matchLists allows its match
// [ms, me) of t, which then is dropped whatever its secret group is (the
// checks of dropped only add reasons to drop).
func (s *Scanner) matchAllowed(r *rule, t string, ms, me int, w *work) bool {
	ms, me = trimNewlines(t, ms, me)
	if ms >= me {
		return false
	}
	for _, a := range r.matchLists {
		target := t[ms:me]
		if a.RegexTarget == "line" {
			target = lineAround(t, ms, me)
		}
		if s.regexesMatch(a, target, false, w) {
			return true
		}
	}
	return false
}

// bySpan reports whether allowlist a allows a candidate by its regexes on
// the match or the line alone: when one matches, a allows it whatever the
// secret (no stop word or other condition left to hold).
func bySpan(a *config.Allowlist) bool {
	if a == nil || len(a.Regexes) == 0 || (a.RegexTarget != "match" && a.RegexTarget != "line") {
		return false
	}
	if a.MatchCondition == config.AllowlistMatchAnd {
		return len(a.Commits) == 0 && len(a.Paths) == 0 && len(a.StopWords) == 0
	}
	return true
}

// cheapDrop reports whether rule r's candidate secret is not a finding by
// the secret alone: too little entropy, chat noise or a placeholder.
func cheapDrop(r *rule, secret string) bool {
	if r.entropy != 0 && entropyAtMost(secret, r.entropy) {
		return true
	}
	// The chat filters before the allowlists: they cost less.
	if r.generic && chatNoise(secret) {
		return true
	}
	return placeholder(secret, r.prefixes)
}

// allowedCandidate reports whether an allowlist (global or rule r's)
// allows r's candidate secret, in match, on line: the verdict worth
// remembering once cheapDrop has let the candidate through.
func (s *Scanner) allowedCandidate(r *rule, secret, match, line string, w *work) bool {
	return s.allowed(s.globals, true, secret, match, line, w) || s.allowed(r.allowlists, false, secret, match, line, w)
}

// applyRequired implements gitleaks' composite rules: a finding of a rule
// with [[rules.required]] stays only if every required rule also matched
// (within the given lines/columns when set).
func (s *Scanner) applyRequired(sc *viewScan, t string, ran map[int]bool, w *work) []rawFinding {
	need := false
	for _, rf := range sc.raw {
		if len(s.rules[rf.rule].required) > 0 {
			need = true
			break
		}
	}
	if !need {
		return sc.raw
	}
	for i := 0; i < len(sc.raw); i++ {
		for _, req := range s.rules[sc.raw[i].rule].required {
			ri, ok := s.byID[req.RuleID]
			if ok && !ran[ri] {
				ran[ri] = true
				s.detect(ri, t, sc, true, nil, nil, w)
			}
		}
	}
	starts := map[string][]int{}
	for _, rf := range sc.raw {
		starts[rf.f.RuleID] = append(starts[rf.f.RuleID], rf.match[0])
	}
	for _, l := range starts {
		slices.Sort(l)
	}
	nl := newlines(t)
	kept := sc.raw[:0:0]
	for _, rf := range sc.raw {
		ok := true
		for _, req := range s.rules[rf.rule].required {
			if !slices.ContainsFunc(nearLines(t, nl, starts[req.RuleID], rf.match[0], req), func(b int) bool { return near(t, nl, rf.match[0], b, req) }) {
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

// newlines returns the offsets of t's newlines.
func newlines(t string) []int {
	var nl []int
	for i := 0; i < len(t); i++ {
		if t[i] == '\n' {
			nl = append(nl, i)
		}
	}
	return nl
}

// nearLines returns the part of starts (sorted) on the lines req allows
// around a: only those can be near it, and a message of many matches would
// otherwise check every one for each finding.
func nearLines(t string, nl, starts []int, a int, req *config.Required) []int {
	if req.WithinLines == nil {
		return starts
	}
	w := *req.WithinLines
	if w < 0 {
		return nil // no line is that near
	}
	la, _ := lineCol(nl, a)
	lo, hi := 0, len(t)
	if first := la - w; first > 0 {
		lo = nl[first-1] + 1
	}
	if w < len(nl) && la+w < len(nl) {
		hi = nl[la+w]
	}
	i, _ := slices.BinarySearch(starts, lo)
	j, _ := slices.BinarySearch(starts, hi+1)
	return starts[i:max(i, j)]
}

func near(t string, nl []int, a, b int, req *config.Required) bool {
	la, ca := lineCol(nl, a)
	lb, cb := lineCol(nl, b)
	if req.WithinLines != nil && abs(la-lb) > *req.WithinLines {
		return false
	}
	if req.WithinColumns != nil && abs(ca-cb) > *req.WithinColumns {
		return false
	}
	return true
}

func lineCol(nl []int, pos int) (int, int) {
	line := sort.SearchInts(nl, pos)
	start := 0
	if line > 0 {
		start = nl[line-1] + 1
	}
	return line, pos - start
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
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra > rb
		}
		if la, lb := a.End-a.Start, b.End-b.Start; la != lb {
			return la > lb
		}
		return s.byID[a.RuleID] < s.byID[b.RuleID]
	})
	// The kept spans are disjoint: f overlaps one of them if and only if
	// it overlaps the one starting last before f.End. Kept spans are found
	// by their start's rank among all starts, so each finding costs a
	// logarithmic time however many are kept (inserting into a sorted
	// slice would cost its length).
	starts := make([]int, len(fs))
	for i, f := range fs {
		starts[i] = f.Start
	}
	slices.Sort(starts)
	starts = slices.Compact(starts)
	set := newRankSet(len(starts))
	keptEnd := make([]int, len(starts)) // by start rank: the furthest kept end
	var kept []Finding
	for _, f := range fs {
		if r, ok := set.last(sort.SearchInts(starts, f.End)); ok && keptEnd[r] > f.Start {
			continue
		}
		r := sort.SearchInts(starts, f.Start)
		set.add(r)
		keptEnd[r] = max(keptEnd[r], f.End)
		kept = append(kept, f)
	}
	slices.SortStableFunc(kept, func(a, b Finding) int { return a.Start - b.Start })
	return kept
}

// rankSet is a set of ranks 0..n-1 (a Fenwick tree of counts) that finds
// the largest member below a bound in logarithmic time.
type rankSet struct {
	tree []int
	top  int // largest power of two <= n
}

func newRankSet(n int) *rankSet {
	top := 1
	for top*2 <= n {
		top *= 2
	}
	return &rankSet{tree: make([]int, n+1), top: top}
}

// add adds rank r (not yet a member).
func (s *rankSet) add(r int) {
	for i := r + 1; i < len(s.tree); i += i & -i {
		s.tree[i]++
	}
}

// last returns the largest member below bound, if any.
func (s *rankSet) last(bound int) (int, bool) {
	c := 0 // members below bound
	for i := bound; i > 0; i -= i & -i {
		c += s.tree[i]
	}
	if c == 0 {
		return 0, false
	}
	// The c-th member (1-based): descend to the largest prefix holding
	// fewer than c members; the member is the next rank.
	pos := 0
	for step := s.top; step > 0; step /= 2 {
		if next := pos + step; next < len(s.tree) && s.tree[next] < c {
			pos = next
			c -= s.tree[next]
		}
	}
	return pos, true
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
		if c := b[i]; c >= 0xc3 && c <= 0xdf && i+1 < len(b) && b[i+1]&0xc0 == 0x80 {
			// A two-byte rune from U+00C0 (none is replaced by more than
			// spaces; U+0085, a line break, is below): two spaces.
			b[i], b[i+1] = ' ', ' '
			i += 2
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
// markdown emphasis) into spaces; an opening parenthesis stays (a key is
// not followed by one, a C identifier is: GLC_CreateLightmap…(void)). It is used in a second pass for
// well-formed provider rules only, whose gitleaks boundary classes would
// otherwise miss "my key is AIza….", "(sk-…)" or "<https://x?key=AIza…|x>".
func relaxBoundaries(t string) string {
	r, _ := relaxedText(t)
	return r
}

// relaxedText is relaxBoundaries(t) and the offsets it changed.
func relaxedText(t string) (string, []int) {
	var b []byte // a copy, made at the first change
	var changed []int
	for i := 0; i < len(t); i++ {
		switch relaxClass[t[i]] {
		case relaxNever:
			continue
		case relaxBeforeNonWord:
			// A sentence's end, not a file extension or a host name
			// (video_box.ico-….png).
			if i+1 < len(t) && isWordByte(t[i+1]) {
				continue
			}
		}
		if b == nil {
			b = []byte(t)
		}
		b[i] = ' '
		changed = append(changed, i)
	}
	if b == nil {
		return t, nil
	}
	return string(b), changed
}

// relaxReach is how far from a changed byte a hit of a rule whose matches
// are at most span long may be and still begin (or end) a match the
// relaxed pass finds and the plain pass does not: the changed byte is in
// the match, in the bytes the regex looks at after its start (at most
// span), in the assertion bytes around it, or in the line an allowlist
// sees (maxLineContext on each side); or it changed a match of the plain
// pass that overlapped this one (another span).
func relaxReach(span int) int { return 2*max(span, 1) + maxLineContext + 2 }

// nearAny returns the positions of qs (sorted) at most d from one of at
// (sorted): qs itself when that is all of them. The positions near a
// change are found by binary search, so a long text with a few changes
// (a run of keywords ending in a full stop) costs no pass over its hits.
func nearAny(qs, at []int, d int) []int {
	var out []int
	upto := 0 // with out nil: qs[:upto] are all near
	lo, i := 0, 0
	for lo < len(qs) && i < len(at) {
		// The first change that can reach qs[lo], then the hits it
		// reaches.
		if i += sort.SearchInts(at[i:], qs[lo]-d); i == len(at) {
			break
		}
		c := at[i]
		a := lo + sort.SearchInts(qs[lo:], c-d)
		b := a + sort.Search(len(qs)-a, func(k int) bool { return qs[a+k] > c+d })
		switch {
		case out != nil:
			out = append(out, qs[a:b]...)
		case a == upto:
			upto = b
		default:
			out = append(append(make([]int, 0, len(qs)-a+upto), qs[:upto]...), qs[a:b]...)
		}
		lo = max(lo, b)
		i++
	}
	switch {
	case out != nil:
		return out
	case upto == len(qs):
		return qs
	}
	return qs[:upto:upto]
}

// What relaxBoundaries does with a byte.
const (
	relaxNever = iota
	relaxAlways
	relaxBeforeNonWord
)

var relaxClass = [256]uint8{
	'.': relaxBeforeNonWord, ',': relaxBeforeNonWord, '!': relaxBeforeNonWord, '?': relaxBeforeNonWord,
	')': relaxAlways, ']': relaxAlways, '}': relaxAlways, '>': relaxAlways, '<': relaxAlways, '|': relaxAlways, '&': relaxAlways, '*': relaxAlways,
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

// maxLineContext bounds the line an allowlist with regexTarget = "line"
// sees: at most this many bytes on each side of the match (gitleaks sees
// the whole line; a chat message can be one line of a megabyte).
const maxLineContext = 64

func lineAround(t string, ms, me int) string {
	lo := max(0, ms-maxLineContext)
	start := strings.LastIndexByte(t[lo:ms], '\n') + 1 + lo
	hi := min(len(t), me+maxLineContext)
	end := strings.IndexByte(t[me:hi], '\n')
	if end < 0 {
		end = hi
	} else {
		end += me
	}
	return t[start:end]
}

// allowed applies gitleaks allowlists to a finding (commit and path
// conditions never hold: chat messages have neither).
//
// For the global allowlist (global set), a regex only allows a secret it
// matches whole: gitleaks' `(?i)^true|false|null$` would otherwise allow
// every random key that happens to contain "false".
func (s *Scanner) allowed(lists []*config.Allowlist, global bool, secret, match, line string, w *work) bool {
	for _, a := range lists {
		if a == nil {
			continue
		}
		if a.MatchCondition == config.AllowlistMatchAnd && (len(a.Commits) > 0 || len(a.Paths) > 0) {
			continue // chat messages have no commit or path
		}
		target := secret
		switch a.RegexTarget {
		case "match":
			target = match
		case "line":
			target = line
		}
		// One DFA pass for all the regexes when it can tell; else the
		// individual regexes (not gitleaks' joined alternation: most are
		// anchored or literal and fail fast on a long secret).
		regexOK := s.regexesMatch(a, target, global && a.RegexTarget == "", w)
		// The stop words last, and only when they decide.
		if a.MatchCondition == config.AllowlistMatchAnd {
			if len(a.Regexes) == 0 && len(a.StopWords) == 0 || len(a.Regexes) > 0 && !regexOK {
				continue
			}
			if len(a.StopWords) == 0 {
				return true
			}
		} else if regexOK {
			return true
		}
		if containsStopWord(a, secret) {
			return true
		}
	}
	return false
}

// regexesMatch reports whether one of a's regexes allows target (with
// whole, matching all of it).
func (s *Scanner) regexesMatch(a *config.Allowlist, target string, whole bool, w *work) bool {
	ok, known := s.listFilters[a].decide(target, whole, w)
	if !known {
		ok = slices.ContainsFunc(a.Regexes, func(re *regexp.Regexp) bool {
			return allowMatch(re, s.filters[re], target, whole, w)
		})
	}
	return ok
}

// maxDirectStopWords is the most stop words an allowlist may have to be
// looked for one by one; above it, gitleaks' trie (which copies and
// lower-cases the secret on each call) finds them.
const maxDirectStopWords = 32

// containsStopWord is gitleaks' Allowlist.ContainsStopWord: whether the
// lower-cased secret contains one of a's stop words.
func containsStopWord(a *config.Allowlist, secret string) bool {
	if len(a.StopWords) == 0 {
		return false
	}
	if len(a.StopWords) > maxDirectStopWords || !ascii(secret) || slices.Contains(a.StopWords, "") {
		ok, _ := a.ContainsStopWord(secret)
		return ok
	}
	lower := strings.ToLower(secret) // ASCII: no copy when already lower
	for _, w := range a.StopWords {
		if strings.Contains(lower, w) {
			return true
		}
	}
	return false
}

// chatNoise recognises values that low-confidence rules pick up in chat but
// that are not credentials: UUIDs, git SHAs and sha256/sha512 digests,
// numeric ids (Discord/Slack snowflakes, timestamps).
// It applies to generic rules only: Snyk and Heroku keys are UUIDs, Asana
// and Discord client ids numbers, Sentry and Meraki tokens hex.
func chatNoise(secret string) bool {
	if isUUID(secret) || allBytes(secret, isDigit) {
		return true
	}
	if allBytes(secret, isHexDigit) {
		switch len(secret) {
		case 40, 64, 128:
			return true
		}
	}
	for _, p := range []string{"sha1:", "sha256:", "sha512:", "sha384:"} {
		if len(secret) >= len(p) && strings.EqualFold(secret[:len(p)], p) {
			return true
		}
	}
	return false
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isHexDigit(c byte) bool {
	return isDigit(c) || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
}

// allBytes reports whether s is non-empty and every byte satisfies ok.
func allBytes(s string, ok func(byte) bool) bool {
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			return false
		}
	}
	return s != ""
}

// isUUID reports whether s is 8-4-4-4-12 hex digits.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch i {
		case 8, 13, 18, 23:
			if s[i] != '-' {
				return false
			}
		default:
			if !isHexDigit(s[i]) {
				return false
			}
		}
	}
	return true
}

// entropyAtMost reports whether shannonEntropy(secret) <= limit. For an
// ASCII secret it sums n·log2(n) from a table, log2(N) − Σ n·log2(n)/N,
// which differs from shannonEntropy by rounding only: within
// entropySlack of the limit, shannonEntropy decides.
func entropyAtMost(secret string, limit float64) bool {
	n := len(secret)
	if n == 0 || n > maxTableEntropy {
		return shannonEntropy(secret) <= limit
	}
	var counts [utf8.RuneSelf]uint16
	for i := 0; i < n; i++ {
		c := secret[i]
		if c >= utf8.RuneSelf {
			return shannonEntropy(secret) <= limit
		}
		counts[c]++
	}
	sum := 0.0
	for i := 0; i < n; i++ {
		if k := counts[secret[i]]; k > 0 {
			sum += nLog2n[k]
			counts[secret[i]] = 0
		}
	}
	e := nLog2n[n]/float64(n) - sum/float64(n)
	if math.Abs(e-limit) < entropySlack {
		return shannonEntropy(secret) <= limit
	}
	return e <= limit
}

// maxTableEntropy is the longest secret whose entropy is summed from
// nLog2n; entropySlack is far above the rounding error of either sum
// (about 1e-15 per term) and far below any meaningful entropy difference.
const (
	maxTableEntropy = 1024
	entropySlack    = 1e-9
)

// nLog2n[k] is k·log2(k).
var nLog2n = func() (t [maxTableEntropy + 1]float64) {
	for k := 1; k <= maxTableEntropy; k++ {
		t[k] = float64(k) * math.Log2(float64(k))
	}
	return t
}()

// shannonEntropy is gitleaks' entropy measure (bits per byte over runes).
func shannonEntropy(data string) float64 {
	if data == "" {
		return 0
	}
	var ascii [utf8.RuneSelf]int
	var counts map[rune]int // runes beyond ASCII
	for _, c := range data {
		if c < utf8.RuneSelf {
			ascii[c]++
			continue
		}
		if counts == nil {
			counts = map[rune]int{}
		}
		counts[c]++
	}
	inv := 1.0 / float64(len(data))
	e := 0.0
	add := func(n int) {
		f := float64(n) * inv
		e -= f * math.Log2(f)
	}
	for _, n := range ascii {
		if n > 0 {
			add(n)
		}
	}
	for _, n := range counts {
		add(n)
	}
	return e
}

package leaks

import (
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
)

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
	if f.literal != "" && qs != nil {
		literalMatches(t, f, qs, w, known, yield)
		return
	}
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

// literalMatches yields the matches of a rule that is a literal, alone or
// followed by a greedy repeat of a class (ruleShape.literal), from the
// hits qs (sorted), as the leftmost-first regex finds them: a match begins
// at a hit where the literal is, takes as many class bytes after it as the
// repeat allows, and one that would begin inside the previous match is
// skipped. A run of class bytes is measured once, however many hits lie
// in it. known drops a match as in eachMatch.
func literalMatches(t string, f *ruleShape, qs []int, w *work, known func(ms, me int) bool, yield func(m []int) bool) {
	lit := f.literal
	prev := 0
	runStart, runEnd := -1, -1 // the last run of class bytes measured
	for _, q := range qs {
		if q < prev || !strings.HasPrefix(t[q:], lit) {
			continue
		}
		w.add(len(lit))
		e := q + len(lit)
		if f.runClass != nil {
			s := e
			if s < runStart || s > runEnd {
				runStart, runEnd = s, s
				for runEnd < len(t) && f.runClass[t[runEnd]] {
					runEnd++
				}
				w.add(runEnd - s)
			}
			e = runEnd
			if f.runMax >= 0 {
				e = min(e, s+f.runMax)
			}
			if e-s < f.runMin {
				continue
			}
		}
		prev = e
		if known != nil && known(q, e) {
			continue
		}
		if !yield([]int{q, e}) {
			return
		}
	}
}

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

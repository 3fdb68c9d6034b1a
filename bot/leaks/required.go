package leaks

import (
	"slices"
	"sort"

	"github.com/zricethezav/gitleaks/v8/config"
)

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

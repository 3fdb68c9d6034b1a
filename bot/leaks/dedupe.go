package leaks

import (
	"slices"
	"sort"
)

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
		if !s.rules[s.byID[f.RuleID]].generic {
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

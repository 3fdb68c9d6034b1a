package leaks

import (
	"regexp"
	"regexp/syntax"
	"sync"

	"github.com/zricethezav/gitleaks/v8/config"
)

// An allowFilter decides, for most targets, whether an allowlist regex
// matches without running it: its prefilter DFA finds in one pass over
// the target whether a match exists at all (or, for a whole-target
// check, one spanning the target). A candidate's allowlists are checked
// per candidate, and a gitleaks allowlist regex can be a long
// alternation that Go's regexp runs as an NFA, many times the DFA's cost
// per byte; a message of many random key-shaped assignments would
// otherwise pay that for each.
type allowFilter struct {
	once sync.Once
	pf   *prefilter // nil: the regex always runs
	// empty: the regex may match the empty string, so its leftmost match
	// (what allowed checks) may be empty while a longer one exists.
	empty bool
}

// build compiles the filter of re on first use.
func (f *allowFilter) build(re *regexp.Regexp) {
	f.once.Do(func() {
		tree, err := syntax.Parse(re.String(), syntax.Perl)
		if err != nil {
			return
		}
		f.pf = newPrefilter(tree)
		f.empty = f.pf != nil && f.pf.nullable()
	})
}

// allowFilters returns an allowFilter (not yet built) per regex of lists.
func allowFilters(lists ...[]*config.Allowlist) map[*regexp.Regexp]*allowFilter {
	m := map[*regexp.Regexp]*allowFilter{}
	for _, l := range lists {
		for _, a := range l {
			if a == nil {
				continue
			}
			for _, re := range a.Regexes {
				if m[re] == nil {
					m[re] = &allowFilter{}
				}
			}
		}
	}
	return m
}

// allowMatch reports whether re's leftmost match in target is non-empty
// and, with whole, spans the target: what allowed checks. The filter
// answers when no such match can exist; otherwise the regex runs.
// A nil f always runs the regex.
func allowMatch(re *regexp.Regexp, f *allowFilter, target string, whole bool, w *work) bool {
	if f != nil {
		f.build(re)
	}
	if f != nil && f.pf != nil && ascii(target) {
		n := 0
		if whole {
			// A match spanning the target begins at 0 and ends at its end.
			runs := f.pf.ends(target, []int{0}, false, 0, len(target), &n)
			w.add(n)
			if len(runs) == 0 || runs[len(runs)-1].last != len(target) {
				return false
			}
		} else {
			runs := f.pf.ends(target, []int{len(target)}, true, len(target), len(target), &n)
			w.add(n)
			if len(runs) == 0 {
				return false
			}
			if !f.empty {
				// Some match exists, and none is empty: the leftmost is not.
				return true
			}
		}
	}
	w.add(len(target))
	loc := re.FindStringIndex(target)
	return loc != nil && loc[1] > loc[0] && (!whole || loc[1]-loc[0] == len(target))
}

// ascii reports whether s is ASCII: the prefilter's classes are exact
// on ASCII bytes only.
func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

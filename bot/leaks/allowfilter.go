package leaks

import (
	"regexp"
	"regexp/syntax"
	"strings"
	"sync"

	"github.com/zricethezav/gitleaks/v8/config"
)

// An allowFilter decides, for most targets, whether an allowlist regex
// (or any of an allowlist's regexes) matches without running it: its
// prefilter DFA finds in one pass over the target whether a match exists
// at all (or, for a whole-target check, one spanning the target). A
// candidate's allowlists are checked per candidate, and a gitleaks
// allowlist regex can be a long alternation that Go's regexp runs as an
// NFA, many times the DFA's cost per byte; a message of many random
// key-shaped assignments would otherwise pay that for each.
type allowFilter struct {
	pattern string
	once    sync.Once
	pf      *prefilter // nil: the regexes always run
	// empty: a regex may match the empty string, so its leftmost match
	// (what allowed checks) may be empty while a longer one exists.
	empty bool
}

// allowFilters returns a filter (built on first use) per allowlist
// regex of lists, and one per allowlist of several regexes, for them all.
func allowFilters(lists ...[]*config.Allowlist) (map[*regexp.Regexp]*allowFilter, map[*config.Allowlist]*allowFilter) {
	byRegex := map[*regexp.Regexp]*allowFilter{}
	byList := map[*config.Allowlist]*allowFilter{}
	for _, l := range lists {
		for _, a := range l {
			if a == nil {
				continue
			}
			var alts []string
			for _, re := range a.Regexes {
				if byRegex[re] == nil {
					byRegex[re] = &allowFilter{pattern: re.String()}
				}
				alts = append(alts, "(?:"+re.String()+")")
			}
			if len(alts) > 1 {
				byList[a] = &allowFilter{pattern: strings.Join(alts, "|")}
			}
		}
	}
	return byRegex, byList
}

// decide reports, when it can tell (known) without running the regexes,
// whether one of them has a non-empty leftmost match in target (with
// whole, one spanning target): what allowed checks. A nil f cannot tell.
func (f *allowFilter) decide(target string, whole bool, w *work) (ok, known bool) {
	if f == nil || !ascii(target) {
		return false, false
	}
	f.once.Do(func() {
		tree, err := syntax.Parse(f.pattern, syntax.Perl)
		if err != nil {
			return
		}
		f.pf = newPrefilter(tree)
		f.empty = f.pf != nil && f.pf.nullable()
	})
	if f.pf == nil {
		return false, false
	}
	if whole {
		// A match spanning the target begins at 0 and ends at its end.
		runs, n := f.pf.ends(target, endsQuery{starts: []int{0}, stop: len(target)}, nil)
		w.add(n)
		if len(runs) == 0 || runs[len(runs)-1].last != len(target) {
			return false, true
		}
		return false, false
	}
	// Whether some match ends is enough: the first end found stops the pass.
	runs, n := f.pf.ends(target, everywhere(target, true), nil)
	w.add(n)
	if len(runs) == 0 {
		return false, true
	}
	// Some match exists; when none can be empty, the leftmost is not.
	return !f.empty, !f.empty
}

// allowMatch reports whether re's leftmost match in target is non-empty
// and, with whole, spans the target; f (re's filter, or nil) answers
// when it can, otherwise the regex runs.
func allowMatch(re *regexp.Regexp, f *allowFilter, target string, whole bool, w *work) bool {
	if ok, known := f.decide(target, whole, w); known {
		return ok
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

package leaks

import (
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxLiteralSet bounds the literal-prefix sets computed from a rule's regex;
// maxClassRunes is the largest character class expanded into literals.
const (
	maxLiteralSet = 64
	maxClassRunes = 8
)

// ruleShape is what the scanner learns from a rule's regex syntax tree.
type ruleShape struct {
	// gate is the rule's regex anchored with ^ and stripped of its leading
	// assertions and optional (possibly empty) context prefix. Every match of
	// the full regex contains a match of gate starting at an occurrence of
	// one of the rule's keywords, so running gate at keyword hits first
	// rejects most messages at a fraction of the cost of the full regex.
	// nil when that property cannot be shown from the syntax tree.
	gate     *regexp.Regexp
	gateSpan int // bound of a gate match's length
	// gateAll is the gate unanchored: one pass over a window finds the
	// hits where it matches when there are too many hits to try each.
	gateAll *regexp.Regexp
	// context reports that the regex matches text before the secret (a
	// leading `[\w.-]{0,50}?` context prefix followed by a name that is not
	// part of the secret): such rules find keys by context only.
	context bool
	// secretPrefixes are literal prefixes that every secret of the rule
	// starts with ("sk-proj-", "AIza"); used for the masked preview.
	secretPrefixes []string
	// windowed reports that every match of the regex contains an
	// occurrence of one of the rule's keywords somewhere (always so for a
	// keyed rule, whose matches start with a keyword right after the
	// optional context prefix), so the regex only needs to run within span
	// bytes of keyword hits, without a gate.
	windowed bool
	// span bounds the length in bytes of a match (see maxSpan); bounded:
	// the bound is exact (no unbounded repeat, under maxSpan), so windows
	// around a match's end hold the whole match.
	span    int
	bounded bool
	// required is a lower-cased literal every match contains: a text
	// without it cannot match ("" when none is known).
	required string
	// literal is set when the regex, without capture groups, is one
	// case-sensitive literal that starts with a keyword, alone or followed
	// by a greedy repeat of one class (runClass, runMin to runMax times,
	// runMax -1: unbounded): its matches begin at the keyword hits where
	// the literal is, and are found there by comparison and a count of
	// class bytes, without any DFA or regex (literalMatches).
	literal        string
	runClass       *[256]bool
	runMin, runMax int

	// Anchored matching (set only with gate): every match of the rule
	// starts at most prefixMax bytes of prefixClass before a keyword
	// position where gate matches, after the zero-width assertions in lead
	// hold there. anchored is the rule's regex without lead, anchored with
	// ^, so the scanner can run it at those few starts instead of sliding
	// the full regex over the whole message.
	anchored  *regexp.Regexp
	lead      []syntax.Op
	prefixMax int
	// anchoredRest is anchored without the context prefix: the match at a
	// start is the prefix up to the first of its keyword positions where
	// anchoredRest matches.
	anchoredRest *regexp.Regexp
	// plain: the regex has no capture groups, so a match is known by its
	// start and end alone, and its match from a start is the longest one
	// (see longestFirst).
	plain       bool
	prefixClass *[256]bool

	// filter (set with compile) finds where matches can be before any
	// regex runs: for a keyed rule it is the regex after its context
	// prefix, started at the keyword hits; otherwise the whole regex,
	// started anywhere within span bytes before a hit, or anywhere at all
	// for a rule without keyword windows (filterEvery).
	filter      *prefilter
	filterEvery bool
	// restWidth is the one length of the matches of the regex after its
	// context prefix (the keyed filter's program), -1 when they vary.
	restWidth int
	// The lead is the part of a keyed rule's regex after its context
	// prefix and before its first group (keyword, name, assignment), when
	// that is not the whole: rules built from one template
	// (twitter-api-key, twitter-access-token, …) share it. leadKey is its
	// text, leadSpan the bound of its matches and leadFilter (set with
	// compile) its DFA. Every match's keyword position starts a match of
	// it, so the lead filter's keep, run once per view for all the rules
	// sharing it, drops hits for all of them.
	leadFilter *prefilter
	leadKey    string
	leadSpan   int
}

// analyzeRule inspects re (compiled by gitleaks' config package with Go's
// regexp) and the rule's lower-cased keywords. Without compile it stops
// before building gate and anchored: printing and compiling those regexes
// is most of the cost of building a scanner, so the scanner does it for a
// rule only when one of its keywords first occurs.
func analyzeRule(re *regexp.Regexp, secretGroup int, keywords []string, compile bool) ruleShape {
	shape := ruleShape{restWidth: -1}
	if re == nil {
		return shape
	}
	tree, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil {
		return shape
	}
	shape.secretPrefixes = secretPrefixes(tree, secretGroup)
	shape.span = min(matchSpan(tree), maxSpan)
	shape.required = requiredLiteral(tree)
	shape.windowed = len(keywords) > 0 && containsKeyword(tree, keywords)
	shape.bounded = !unbounded(tree) && shape.span < maxSpan
	literalRun(&shape, tree, keywords)

	subs := []*syntax.Regexp{tree}
	if tree.Op == syntax.OpConcat {
		subs = tree.Sub
	}
	// Drop leading zero-width assertions (dropping one only widens the
	// gate) and optional elements (they may match the empty string).
	stripped := 0
	var lead []syntax.Op
	var prefix []*syntax.Regexp
	assertAfterStrip := false
	for len(subs) > 0 {
		s := subs[0]
		if isAssertion(s) {
			if stripped > 0 {
				assertAfterStrip = true
			} else {
				lead = append(lead, s.Op)
			}
			subs = subs[1:]
			continue
		}
		if nullable(s) && !hasCapture(s) {
			prefix = append(prefix, s)
			subs = subs[1:]
			stripped++
			continue
		}
		break
	}
	if len(subs) == 0 {
		return shape
	}
	if stripped > 0 && tree.MaxCap() > 0 && subs[0].Op != syntax.OpCapture {
		shape.context = true
	}
	rest := &syntax.Regexp{Op: syntax.OpConcat, Sub: subs, Flags: tree.Flags}
	if len(subs) == 1 {
		rest = subs[0]
	}
	lits, ok := literalPrefixes(rest, true)
	keyed := ok && len(lits) > 0 && len(keywords) > 0
	for _, l := range lits {
		keyed = keyed && startsWithKeyword(l, keywords)
	}
	if !keyed {
		if compile {
			shape.filter, shape.filterEvery = newPrefilter(tree), true
		}
		return shape
	}
	shape.windowed = true
	var leadTree *syntax.Regexp
	if rest.Op == syntax.OpConcat {
		if k := slices.IndexFunc(rest.Sub, hasCapture); k > 0 {
			leadTree = &syntax.Regexp{Op: syntax.OpConcat, Sub: rest.Sub[:k], Flags: rest.Flags}
			shape.leadKey, shape.leadSpan = leadTree.String(), min(matchSpan(leadTree), maxSpan)
		}
	}
	if !compile {
		return shape
	}
	shape.filter = newPrefilter(rest)
	shape.restWidth = width(rest, true)
	// The gate is the longest leading part of rest whose matches are at
	// most maxGateSpan bytes long (a keyword, its name and the assignment
	// before the secret): still a necessary condition, and cheap to try
	// at every hit.
	gateTree := rest
	elems := []*syntax.Regexp{rest}
	if rest.Op == syntax.OpConcat {
		elems = rest.Sub
	}
	// A leading capture (the secret itself: `\b(ghp_[0-9a-zA-Z]{36})`)
	// is opened: the gate needs no captures.
	if c := elems[0]; c.Op == syntax.OpCapture && c.Sub[0].Op == syntax.OpConcat {
		elems = append(append([]*syntax.Regexp(nil), c.Sub[0].Sub...), elems[1:]...)
	}
	n, w := 0, 0
	for n < len(elems) && w+matchSpan(elems[n]) <= maxGateSpan {
		w += matchSpan(elems[n])
		n++
	}
	if n > 0 && n < len(elems) {
		gateTree = &syntax.Regexp{Op: syntax.OpConcat, Sub: elems[:n], Flags: rest.Flags}
	}
	if leadTree != nil {
		shape.leadFilter = newPrefilter(leadTree)
	}
	gate, err := regexp.Compile(`^(?:` + gateTree.String() + `)`)
	if err != nil {
		return shape
	}
	gateAll, err := regexp.Compile(gateTree.String())
	if err != nil {
		return shape
	}
	shape.gate, shape.gateAll = gate, gateAll
	shape.gateSpan = min(matchSpan(gateTree), maxSpan)

	// Anchored matching needs a prefix of one character class with a
	// bounded width, and no assertion that would need the left context of
	// a start other than the keyword position itself.
	if assertAfterStrip || (len(lead) > 0 && len(prefix) > 0) {
		return shape
	}
	var class *syntax.Regexp
	width := 0
	for _, p := range prefix {
		c, max := repeatClass(p)
		if c == nil || max < 0 || (class != nil && !slices.Equal(class.Rune, c.Rune)) {
			return shape
		}
		class = c
		width += max
	}
	body := &syntax.Regexp{Op: syntax.OpConcat, Sub: append(append([]*syntax.Regexp(nil), prefix...), subs...), Flags: tree.Flags}
	anchored, err := regexp.Compile(`^(?:` + body.String() + `)`)
	if err != nil || anchored.NumSubexp() != re.NumSubexp() {
		return shape
	}
	shape.anchored = anchored
	shape.plain = anchored.NumSubexp() == 0 && longestFirst(rest)
	shape.lead = lead
	shape.prefixMax = width
	if width > 0 {
		if ar, err := regexp.Compile(`^(?:` + rest.String() + `)`); err == nil && ar.NumSubexp() == re.NumSubexp() {
			shape.anchoredRest = ar
		}
	}
	if class != nil {
		var tab [256]bool
		for i := 0; i+1 < len(class.Rune); i += 2 {
			for r := class.Rune[i]; r <= class.Rune[i+1] && r < 256; r++ {
				tab[r] = true
			}
		}
		shape.prefixClass = &tab
	}
	return shape
}

// requiredLiteral returns the longest literal, lower-cased, that every
// match of re contains ("" when none is known).
func requiredLiteral(re *syntax.Regexp) string {
	switch re.Op {
	case syntax.OpLiteral:
		return strings.ToLower(string(re.Rune))
	case syntax.OpCapture, syntax.OpPlus:
		return requiredLiteral(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return requiredLiteral(re.Sub[0])
		}
	case syntax.OpConcat:
		best := ""
		for _, s := range re.Sub {
			if l := requiredLiteral(s); len(l) > len(best) {
				best = l
			}
		}
		return best
	}
	return ""
}

// Spans: an unbounded repeat (x*, x+, x{n,}) counts as unboundedSpan bytes
// and no match is assumed longer than maxSpan. A longer match (a JWT of
// several kilobytes) is cut at the window's edge and may be missed.
const (
	unboundedSpan = 1024
	maxSpan       = 4096
	maxGateSpan   = 64
)

// matchSpan returns an upper bound of the byte length of re's matches in
// normalized text, which is ASCII: every rune or class matches one byte
// (unbounded repeats counted as unboundedSpan bytes).
func matchSpan(re *syntax.Regexp) int {
	switch re.Op {
	case syntax.OpLiteral:
		return len(re.Rune)
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return 1
	case syntax.OpCapture:
		return matchSpan(re.Sub[0])
	case syntax.OpStar, syntax.OpPlus:
		return unboundedSpan
	case syntax.OpQuest:
		return matchSpan(re.Sub[0])
	case syntax.OpRepeat:
		if re.Max < 0 {
			return unboundedSpan
		}
		return min(re.Max*matchSpan(re.Sub[0]), maxSpan)
	case syntax.OpConcat:
		n := 0
		for _, s := range re.Sub {
			n = min(n+matchSpan(s), maxSpan)
		}
		return n
	case syntax.OpAlternate:
		n := 0
		for _, s := range re.Sub {
			n = max(n, matchSpan(s))
		}
		return n
	}
	return 0
}

// longestFirst reports whether the leftmost-first match of re at a start
// is its longest match there: fixed-width pieces (literals, classes, fixed
// repeats, alternations of one width), then at most one greedy repeat of
// one character, then zero-width assertions only. Nothing before the
// repeat has a choice that changes where it starts, and the repeat takes
// the most it can that lets the assertions after it hold.
func longestFirst(re *syntax.Regexp) bool {
	subs := []*syntax.Regexp{re}
	if re.Op == syntax.OpConcat {
		subs = re.Sub
	}
	i := 0
	for i < len(subs) && fixedWidth(subs[i]) >= 0 {
		i++
	}
	if i < len(subs) {
		switch c := subs[i]; c.Op {
		case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
			if c.Flags&syntax.NonGreedy == 0 && fixedWidth(c.Sub[0]) == 1 {
				i++
			}
		}
	}
	for i < len(subs) && fixedWidth(subs[i]) == 0 {
		i++
	}
	return i == len(subs)
}

// fixedWidth returns the one length of re's matches, -1 when they vary
// (or re holds a capture).
func fixedWidth(re *syntax.Regexp) int { return width(re, false) }

// width returns the one length of re's matches, -1 when they vary (or,
// without captures set, re holds a capture).
func width(re *syntax.Regexp, captures bool) int {
	switch re.Op {
	case syntax.OpCapture:
		if captures {
			return width(re.Sub[0], true)
		}
	case syntax.OpLiteral:
		return len(re.Rune)
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return 1
	case syntax.OpWordBoundary, syntax.OpNoWordBoundary, syntax.OpBeginLine, syntax.OpEndLine,
		syntax.OpBeginText, syntax.OpEndText, syntax.OpEmptyMatch:
		return 0
	case syntax.OpRepeat:
		if n := width(re.Sub[0], captures); n >= 0 && re.Min == re.Max {
			return n * re.Min
		}
	case syntax.OpConcat:
		w := 0
		for _, s := range re.Sub {
			n := width(s, captures)
			if n < 0 {
				return -1
			}
			w += n
		}
		return w
	case syntax.OpAlternate:
		w := width(re.Sub[0], captures)
		for _, s := range re.Sub[1:] {
			if width(s, captures) != w {
				return -1
			}
		}
		return w
	}
	return -1
}

// unbounded reports whether re has a repeat without a maximum.
func unbounded(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpStar, syntax.OpPlus:
		return true
	case syntax.OpRepeat:
		if re.Max < 0 {
			return true
		}
	}
	return slices.ContainsFunc(re.Sub, unbounded)
}

// repeatClass returns the character class repeated by re and the maximum
// repeat count (-1: unbounded), or nil when re is not such a repeat.
func repeatClass(re *syntax.Regexp) (*syntax.Regexp, int) {
	if len(re.Sub) != 1 {
		return nil, 0
	}
	c := re.Sub[0]
	if c.Op != syntax.OpCharClass {
		return nil, 0
	}
	switch re.Op {
	case syntax.OpQuest:
		return c, 1
	case syntax.OpRepeat:
		return c, re.Max
	}
	return nil, 0
}

// containsKeyword reports that every match of re contains one of keywords
// (lower-cased): a literal holding one, every branch of an alternation, or
// a part of a concatenation whose matches all start with a literal holding
// one.
func containsKeyword(re *syntax.Regexp, keywords []string) bool {
	switch re.Op {
	case syntax.OpCapture, syntax.OpPlus:
		return containsKeyword(re.Sub[0], keywords)
	case syntax.OpRepeat:
		return re.Min >= 1 && containsKeyword(re.Sub[0], keywords)
	case syntax.OpAlternate:
		for _, s := range re.Sub {
			if !containsKeyword(s, keywords) {
				return false
			}
		}
		return true
	case syntax.OpConcat:
		for i, s := range re.Sub {
			if containsKeyword(s, keywords) {
				return true
			}
			rest := &syntax.Regexp{Op: syntax.OpConcat, Sub: re.Sub[i:], Flags: re.Flags}
			if lits, ok := literalPrefixes(rest, true); ok && len(lits) > 0 && allHoldKeyword(lits, keywords) {
				return true
			}
		}
		return false
	}
	lits, ok := literalPrefixes(re, true)
	return ok && len(lits) > 0 && allHoldKeyword(lits, keywords)
}

func allHoldKeyword(lits, keywords []string) bool {
	for _, l := range lits {
		if !slices.ContainsFunc(keywords, func(k string) bool { return k != "" && strings.Contains(l, k) }) {
			return false
		}
	}
	return true
}

func startsWithKeyword(lit string, keywords []string) bool {
	for _, k := range keywords {
		if k != "" && strings.HasPrefix(lit, k) {
			return true
		}
	}
	return false
}

func isAssertion(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpWordBoundary, syntax.OpNoWordBoundary, syntax.OpBeginLine, syntax.OpBeginText:
		return true
	}
	return false
}

// nullable reports whether re can match the empty string without any
// assertion (only optional repeats and empty matches qualify).
func nullable(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpEmptyMatch:
		return true
	case syntax.OpStar, syntax.OpQuest:
		return !hasAssertion(re)
	case syntax.OpRepeat:
		return re.Min == 0 && !hasAssertion(re)
	}
	return false
}

func hasAssertion(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpWordBoundary, syntax.OpNoWordBoundary, syntax.OpBeginLine, syntax.OpEndLine,
		syntax.OpBeginText, syntax.OpEndText:
		return true
	}
	for _, s := range re.Sub {
		if hasAssertion(s) {
			return true
		}
	}
	return false
}

func hasCapture(re *syntax.Regexp) bool {
	if re.Op == syntax.OpCapture {
		return true
	}
	for _, s := range re.Sub {
		if hasCapture(s) {
			return true
		}
	}
	return false
}

// literalPrefixes returns a set of strings such that every match of re
// starts with one of them. With lower set, strings are lower-cased. ok is
// false when no such set could be derived; a set holding "" means "no
// known prefix".
func literalPrefixes(re *syntax.Regexp, lower bool) ([]string, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		s := string(re.Rune)
		if lower || re.Flags&syntax.FoldCase != 0 {
			s = strings.ToLower(s)
		}
		return []string{s}, true
	case syntax.OpCharClass:
		var out []string
		seen := map[string]bool{}
		for i := 0; i+1 < len(re.Rune); i += 2 {
			if re.Rune[i+1]-re.Rune[i] >= maxClassRunes {
				return []string{""}, true
			}
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				s := string(r)
				if lower {
					s = string(unicode.ToLower(r))
				}
				if !seen[s] {
					seen[s] = true
					out = append(out, s)
				}
				if len(out) > maxClassRunes {
					return []string{""}, true
				}
			}
		}
		return out, true
	case syntax.OpCapture:
		return literalPrefixes(re.Sub[0], lower)
	case syntax.OpPlus:
		return literalPrefixes(re.Sub[0], lower)
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return literalPrefixes(re.Sub[0], lower)
		}
		return []string{""}, true
	case syntax.OpAlternate:
		var out []string
		for _, s := range re.Sub {
			l, ok := literalPrefixes(s, lower)
			if !ok {
				return nil, false
			}
			out = append(out, l...)
			if len(out) > maxLiteralSet {
				return []string{""}, true
			}
		}
		return out, true
	case syntax.OpConcat:
		acc := []string{""}
		for _, s := range re.Sub {
			if isAssertion(s) || s.Op == syntax.OpEndLine || s.Op == syntax.OpEndText {
				// Zero-width: consumes nothing, keep going.
				continue
			}
			var l []string
			ok := true
			single := fixedSingle(s)
			if s.Op == syntax.OpQuest && fixedSingle(s.Sub[0]) {
				// An optional fixed piece: both branches continue.
				l, ok = literalPrefixes(s.Sub[0], lower)
				l = append(l, "")
				single = true
			} else {
				l, ok = literalPrefixes(s, lower)
				if ok && allEmpty(l) {
					return acc, true
				}
			}
			if !ok {
				return acc, true
			}
			next := make([]string, 0, len(acc)*len(l))
			for _, a := range acc {
				for _, b := range l {
					next = append(next, a+b)
				}
			}
			if len(next) > maxLiteralSet {
				return acc, true
			}
			acc = next
			if !single {
				// Past a repeat or alternation of varying length the
				// literal run may end; stop here.
				return acc, true
			}
		}
		return acc, true
	}
	return []string{""}, true
}

// fixedSingle reports whether re always matches exactly the strings that
// literalPrefixes returned for it (a literal, a small class, or a capture of
// one), so the concatenation can continue past it.
func fixedSingle(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpLiteral, syntax.OpCharClass:
		return true
	case syntax.OpCapture:
		return fixedSingle(re.Sub[0])
	case syntax.OpAlternate:
		for _, s := range re.Sub {
			if !fixedSingle(s) {
				return false
			}
		}
		return true
	case syntax.OpConcat:
		for _, s := range re.Sub {
			if !fixedSingle(s) {
				return false
			}
		}
		return true
	}
	return false
}

func allEmpty(l []string) bool {
	for _, s := range l {
		if s != "" {
			return false
		}
	}
	return true
}

// secretPrefixes finds the capture group holding the secret and returns its
// literal prefixes (case preserved), or nil when it has none.
func secretPrefixes(tree *syntax.Regexp, secretGroup int) []string {
	node := tree
	if tree.MaxCap() > 0 {
		want := secretGroup
		if want == 0 {
			want = 1
		}
		node = findCapture(tree, want)
		if node == nil {
			return nil
		}
	}
	l, ok := literalPrefixes(node, false)
	if !ok || allEmpty(l) {
		return nil
	}
	for _, s := range l {
		// A one- or two-character "prefix" ([MNO] of a Discord token) says
		// nothing about the provider; show none.
		if len(s) < 3 {
			return nil
		}
	}
	return l
}

func findCapture(re *syntax.Regexp, idx int) *syntax.Regexp {
	if re.Op == syntax.OpCapture && re.Cap == idx {
		return re
	}
	for _, s := range re.Sub {
		if c := findCapture(s, idx); c != nil {
			return c
		}
	}
	return nil
}

// literalRun sets shape's literal, runClass, runMin and runMax when tree is
// a case-sensitive literal that starts with a keyword, alone or followed
// by a greedy repeat of a character class, without capture groups.
func literalRun(shape *ruleShape, tree *syntax.Regexp, keywords []string) {
	lit, run := tree, (*syntax.Regexp)(nil)
	if tree.Op == syntax.OpConcat && len(tree.Sub) == 2 {
		lit, run = tree.Sub[0], tree.Sub[1]
	}
	if lit.Op != syntax.OpLiteral || lit.Flags&syntax.FoldCase != 0 || !startsWithKeyword(strings.ToLower(string(lit.Rune)), keywords) {
		return
	}
	if run == nil {
		shape.literal = string(lit.Rune)
		return
	}
	lo, hi := 0, -1
	switch run.Op {
	case syntax.OpRepeat:
		lo, hi = run.Min, run.Max
	case syntax.OpPlus:
		lo = 1
	case syntax.OpStar:
	default:
		return
	}
	if run.Flags&syntax.NonGreedy != 0 || len(run.Sub) != 1 {
		return
	}
	class, ok := byteClass(run.Sub[0])
	if !ok {
		return
	}
	shape.literal, shape.runClass, shape.runMin, shape.runMax = string(lit.Rune), class, lo, hi
}

// byteClass returns the ASCII bytes re, one character class (or a single
// character), matches.
func byteClass(re *syntax.Regexp) (*[256]bool, bool) {
	var ranges []rune
	switch re.Op {
	case syntax.OpCharClass:
		ranges = re.Rune
	case syntax.OpLiteral:
		if len(re.Rune) != 1 || re.Flags&syntax.FoldCase != 0 {
			return nil, false
		}
		ranges = []rune{re.Rune[0], re.Rune[0]}
	default:
		return nil, false
	}
	var class [256]bool
	for i := 0; i+1 < len(ranges); i += 2 {
		for c := ranges[i]; c <= ranges[i+1] && c < utf8.RuneSelf; c++ {
			class[c] = true
		}
	}
	return &class, true
}

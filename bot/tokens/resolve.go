package tokens

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Resolution is what a model name, as a user typed it, resolved to.
type Resolution struct {
	// Model is the catalog model, when the name names one.
	Model Model
	// Exact is true when the name is the model's id or alias (ignoring case,
	// a provider prefix, a snapshot date and a missing "-preview").
	Exact bool
	// Candidates are the ids the name could mean when it names several
	// models ("opus", "claude 4.5"), best first; Model is zero then.
	Candidates []string
	// Closest are the ids of served models nearest to a name that fits
	// none.
	Closest []string
}

// Resolve finds the model a user means by name. An id or alias is found as
// by Lookup; otherwise the name is compared by its words and version
// numbers: separators, spaces, case and order of the words do not matter
// ("claude 3.5 sonnet", "claude sonnet 4.6", "gpt4o-mini", "gpt 5.4"),
// words the catalog does not know are read as the catalog word within a
// small edit distance ("gemni 2.5 pro"), and a name without a version
// ("opus", "gemini pro") means the current models of that line. A name
// that fits several models equally well returns them as Candidates, with
// an error; a name that fits none returns ErrUnknownModel naming the
// closest ids.
func (c *Catalog) Resolve(name string) (Resolution, error) {
	t := c.t()
	key := strings.ToLower(strings.TrimSpace(name))
	if i, ok := t.find(key); ok {
		return Resolution{Model: t.model(i), Exact: true}, nil
	}
	// A served model's id typed with spaces for its hyphens ("mistral
	// large") is that model, not every model its words fit; a retired one
	// ("gemini pro") is not what a name without a version means.
	if strings.Contains(key, " ") {
		if i, ok := t.find(strings.Join(strings.Fields(key), "-")); ok && t.models[i].StatusAt(time.Now()) != ShutDown {
			return Resolution{Model: t.model(i)}, nil
		}
	}
	if len(key) <= maxNameBytes {
		ranked := t.index().rank(key, time.Now())
		switch {
		case len(ranked) == 1 || (len(ranked) > 1 && ranked[0].score != ranked[1].score):
			return Resolution{Model: t.model(ranked[0].model)}, nil
		case len(ranked) > 1:
			var ids []string
			for _, r := range ranked {
				if r.score == ranked[0].score && len(ids) < 3 {
					ids = append(ids, t.models[r.model].ID)
				}
			}
			return Resolution{Candidates: ids}, fmt.Errorf("%w %q: it could be %s; say which", ErrUnknownModel, truncate(name, 64), strings.Join(ids, ", "))
		}
	}
	closest := t.closest(key, 3)
	return Resolution{Closest: closest}, fmt.Errorf("%w %q; did you mean %s?", ErrUnknownModel, truncate(name, 64), strings.Join(closest, ", "))
}

// maxNameBytes bounds the names Resolve compares word by word.
const maxNameBytes = 200

func (c *table) model(i int) Model {
	m := c.models[i]
	m.Aliases = slices.Clone(m.Aliases)
	return m
}

// parts is a model name split into words and version numbers.
type parts struct {
	words []string // sorted, without noise words
	nums  []int    // in order; a trailing 0 dropped ("4.0" is "4")
	noise int      // words and snapshot dates dropped
	dated bool     // a snapshot date was dropped
}

// noiseWords say nothing about which model a name means.
var noiseWords = map[string]bool{"preview": true, "latest": true, "models": true}

// splitName breaks a lower-case name into words and numbers: "gpt4o-mini"
// → gpt, 4o, mini; "claude-3.5-sonnet-20241022" → claude, sonnet, 3, 5.
// Letters and digits are split apart only where the letter run is two
// letters or longer, so "4o", "o3", "v1" and "27b" stay words.
func splitName(s string) parts {
	var p parts
	if d := snapshot.FindStringIndex(s); d != nil {
		s, p.noise, p.dated = s[:d[0]], 1, true
	}
	if _, rest, ok := strings.Cut(s, "/"); ok {
		s = rest
	}
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		for _, w := range splitRuns(f) {
			switch n, err := strconv.Atoi(w); {
			case err == nil:
				p.nums = append(p.nums, n)
			case noiseWords[w]:
				p.noise++
			default:
				p.words = append(p.words, w)
			}
		}
	}
	if l := len(p.nums); l > 1 && p.nums[l-1] == 0 {
		p.nums = p.nums[:l-1]
	}
	slices.Sort(p.words)
	p.words = slices.Compact(p.words)
	return p
}

// splitRuns splits a run of letters and digits where a letter run of two
// or more letters meets digits.
func splitRuns(f string) []string {
	r := []rune(f)
	var out []string
	start := 0
	letters := func(i, j int) int { // letters in r[i:j] from i on
		n := 0
		for k := i; k < j && unicode.IsLetter(r[k]); k++ {
			n++
		}
		return n
	}
	for i := 1; i < len(r); i++ {
		a, b := unicode.IsDigit(r[i-1]), unicode.IsDigit(r[i])
		if a == b {
			continue
		}
		// Letter→digit: the letters before must be ≥2; digit→letter: the
		// letters after must be ≥2.
		cut := false
		if !a && b {
			k := i
			for k > start && unicode.IsLetter(r[k-1]) {
				k--
			}
			cut = i-k >= 2
		} else {
			cut = letters(i, len(r)) >= 2
		}
		if cut {
			out = append(out, string(r[start:i]))
			start = i
		}
	}
	return append(out, string(r[start:]))
}

// nameIndex holds every catalog name split into parts, and the words they
// use, for Resolve and Mentions.
type nameIndex struct {
	t       *table
	names   []indexedName
	byWord  map[string][]int    // word → the names (indexes in names) using it
	byFirst map[string][]string // first word → the lower-case names starting with it
	vocab   map[string]bool
	// byInitial is vocab by first byte: the words a typo may stand for.
	byInitial map[byte][]string
	anchors   map[string]bool // words a model mention can start from
}

type indexedName struct {
	model int
	p     parts
	alias bool
}

// lineWords name a model line without its brand ("opus" for Claude Opus).
var lineWords = []string{"opus", "sonnet", "haiku"}

// notAnchors are first words of model ids that are ordinary words.
var notAnchors = map[string]bool{"text": true}

// index returns the table's name index, built on first use.
func (c *table) index() *nameIndex {
	c.idxOnce.Do(func() { c.idx = newNameIndex(c) })
	return c.idx
}

func newNameIndex(c *table) *nameIndex {
	x := &nameIndex{t: c, byWord: map[string][]int{}, byFirst: map[string][]string{}, vocab: map[string]bool{}, byInitial: map[byte][]string{}, anchors: map[string]bool{}}
	for name := range c.byName {
		f := firstWord(name)
		x.byFirst[f] = append(x.byFirst[f], name)
	}
	for _, w := range lineWords {
		x.anchors[w] = true
	}
	for i, m := range c.models {
		for j, n := range append([]string{m.ID}, m.Aliases...) {
			p := splitName(strings.ToLower(n))
			for _, w := range p.words {
				if !x.vocab[w] {
					x.byInitial[w[0]] = append(x.byInitial[w[0]], w)
				}
				x.vocab[w] = true
				x.byWord[w] = append(x.byWord[w], len(x.names))
			}
			x.names = append(x.names, indexedName{model: i, p: p, alias: j > 0})
		}
		_, bare, ok := strings.Cut(strings.ToLower(m.ID), "/")
		if !ok {
			bare = strings.ToLower(m.ID)
		}
		if f := strings.FieldsFunc(bare, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }); len(f) > 0 {
			if w := splitRuns(f[0])[0]; !notAnchors[w] {
				if _, err := strconv.Atoi(w); err != nil {
					x.anchors[w] = true
				}
			}
		}
	}
	return x
}

// word maps a word of a user's name to a catalog word: itself when the
// catalog uses it, else the one catalog word with the same first letter
// within editBound edits of it.
func (x *nameIndex) word(w string) (string, bool) {
	if x.vocab[w] {
		return w, true
	}
	bound := editBound(w)
	if bound == 0 {
		return w, false
	}
	best, bestD, n := "", bound+1, 0
	for _, v := range x.byInitial[w[0]] {
		if abs(len(v)-len(w)) > bound {
			continue
		}
		switch d := osaDistance(w, v); {
		case d < bestD:
			best, bestD, n = v, d, 1
		case d == bestD:
			n++
		}
	}
	if n != 1 {
		return w, false
	}
	return best, true
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// editBound is how many edits a typo in a word of n letters may hold:
// none below five letters ("gpt", "opus" are too short to guess), one up
// to seven ("gemni", "sonet"), two from eight.
func editBound(w string) int {
	switch n := len([]rune(w)); {
	case n >= 8:
		return 2
	case n >= 5:
		return 1
	}
	return 0
}

// score orders candidate models: fewer words and numbers the user did not
// type, then fewer noise words.
type score struct{ extra, noise int }

type ranked struct {
	model int
	score score
	name  indexedName
}

// rank returns the models key fits, best first. A key without a version
// number names a line: its models still served on day now, newest first.
func (x *nameIndex) rank(key string, now time.Time) []ranked {
	q := splitName(key)
	if len(q.words) == 0 {
		return nil
	}
	for i, w := range q.words {
		q.words[i], _ = x.word(w)
	}
	slices.Sort(q.words)
	q.words = slices.Compact(q.words)
	// Only names with the query's rarest word can hold all its words.
	rare := x.byWord[q.words[0]]
	for _, w := range q.words[1:] {
		if l := x.byWord[w]; len(l) < len(rare) {
			rare = l
		}
	}
	best := map[int]ranked{}
	for _, k := range rare {
		n := x.names[k]
		if !subset(q.words, n.p.words) || len(q.nums) > len(n.p.nums) || !slices.Equal(q.nums, n.p.nums[:len(q.nums)]) {
			continue
		}
		// A line ("gemini pro") is compared by its words alone: its newest
		// model comes first whatever its version and "-preview", though
		// after the undated one of the same name (gpt-4o, not
		// gpt-4o-2024-05-13).
		s := score{extra: len(n.p.words) - len(q.words)}
		switch {
		case len(q.nums) > 0:
			s.extra += len(n.p.nums) - len(q.nums)
			s.noise = n.p.noise
		case n.p.dated:
			s.noise = 1
		}
		if b, ok := best[n.model]; !ok || less(s, b.score) || (s == b.score && b.name.alias && !n.alias) {
			best[n.model] = ranked{model: n.model, score: s, name: n}
		}
	}
	out := make([]ranked, 0, len(best))
	for _, r := range best {
		out = append(out, r)
	}
	// A line named without a version means its served models: a retired
	// one is dropped when a served model fits as well ("gemini pro" is not
	// the retired gemini-pro). One the name fits better than every served
	// model stays: "deepseek r1" is the alias of DeepSeek's own retired
	// deepseek-reasoner, not a longer id of another provider that merely
	// holds its words (deepseek-r1-distill-llama-70b).
	if len(q.nums) == 0 {
		served := slices.DeleteFunc(slices.Clone(out), func(r ranked) bool { return x.t.models[r.model].StatusAt(now) == ShutDown })
		if len(served) > 0 {
			bestServed := served[0].score
			for _, r := range served[1:] {
				if less(r.score, bestServed) {
					bestServed = r.score
				}
			}
			out = slices.DeleteFunc(out, func(r ranked) bool {
				return x.t.models[r.model].StatusAt(now) == ShutDown && !less(r.score, bestServed)
			})
		}
	}
	slices.SortFunc(out, func(a, b ranked) int {
		if c := cmp.Compare(a.score.extra, b.score.extra); c != 0 {
			return c
		}
		if c := cmp.Compare(a.score.noise, b.score.noise); c != 0 {
			return c
		}
		ma, mb := x.t.models[a.model], x.t.models[b.model]
		if c := cmp.Compare(ma.StatusAt(now), mb.StatusAt(now)); c != 0 {
			return c
		}
		if c := slices.Compare(b.name.p.nums, a.name.p.nums); c != 0 {
			return c // newer version first
		}
		return cmp.Or(cmp.Compare(len(ma.ID), len(mb.ID)), strings.Compare(ma.ID, mb.ID))
	})
	return out
}

func less(a, b score) bool { return a.extra < b.extra || (a.extra == b.extra && a.noise < b.noise) }

// subset reports whether every word of a (sorted) is in b (sorted).
func subset(a, b []string) bool {
	for _, w := range a {
		if _, ok := slices.BinarySearch(b, w); !ok {
			return false
		}
	}
	return true
}

// osaDistance is the optimal-string-alignment edit distance of a and b:
// Levenshtein plus swaps of adjacent letters ("opsu" → "opus" is one). It
// keeps three rows of the table, the most a swap looks back.
func osaDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 64 || len(rb) > 64 {
		return max(len(ra), len(rb))
	}
	var buf [3 * 65]int
	n := len(rb) + 1
	pp, prev, cur := buf[:n], buf[n:2*n], buf[2*n:3*n]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], pp[j-2]+1)
			}
		}
		pp, prev, cur = prev, cur, pp
	}
	return prev[len(rb)]
}

// Mentions returns the model names in free text, as written: ids
// ("gpt-5.4", "claude-sonnet-4-6's" → "claude-sonnet-4-6") and names
// spelt out in words ("claude 3.5 sonnet", "gemni 2.5 pro", "opus"). A
// mention starts at a word that begins a model id in the catalog (or a
// line name such as "opus") and runs over the words and version numbers
// that follow it; a misspelt first word counts only when a version number
// follows. At most max mentions are returned.
func (c *Catalog) Mentions(text string, max int) []string {
	tab := c.t()
	x := tab.index()
	var out []string
	toks := scanTokens(text)
	for i := 0; i < len(toks) && len(out) < max; i++ {
		first, _ := x.word(firstWord(toks[i].s))
		if !x.anchors[first] {
			continue
		}
		p := splitName(strings.ToLower(toks[i].s))
		if len(p.words) == 0 {
			continue
		}
		exact := x.anchors[firstWord(toks[i].s)]
		hasNum := len(p.nums) > 0
		j := i + 1
		for ; j < len(toks) && toks[j].joined && j-i < maxMentionTokens; j++ {
			if IsVersion(toks[j].s) && !hasNum {
				hasNum = true
				continue
			}
			q := splitName(strings.ToLower(toks[j].s))
			if len(q.words) == 0 || !x.known(q.words) || (len(q.nums) > 0 && hasNum) {
				break
			}
			hasNum = hasNum || len(q.nums) > 0
		}
		// Without a version: a line name ("opus"), two words ("gemini
		// pro") or a whole model id ("o3"), never a lone brand ("claude",
		// "chatgpt plus").
		lone := j-i == 1 && len(p.words) == 1 && !slices.Contains(lineWords, first)
		if lone {
			_, whole := tab.find(strings.ToLower(toks[i].s))
			lone = !whole
		}
		if !hasNum && (!exact || lone) {
			continue
		}
		var words []string
		for _, t := range toks[i:j] {
			words = append(words, t.s)
		}
		m := strings.Join(words, " ")
		if !slices.Contains(out, m) {
			out = append(out, m)
		}
		i = j - 1
	}
	return out
}

// maxMentionTokens bounds a mention: model names run to four or five
// words ("claude 3.5 sonnet latest").
const maxMentionTokens = 5

// known reports whether every word is a catalog word or a typo of one.
func (x *nameIndex) known(words []string) bool {
	for _, w := range words {
		if _, ok := x.word(w); !ok {
			return false
		}
	}
	return true
}

// firstWord is the first word of a token, lower-cased: "gemini-3.1" → gemini.
func firstWord(s string) string {
	f := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(f) == 0 {
		return ""
	}
	return splitRuns(f[0])[0]
}

// IsVersion reports whether s is shaped like a model's version number:
// "4", "4.6", "3-5", not "300", "2M" or "2,000". Name resolution and the
// estimates' amounts ("claude haiku 4.5" names no amount) both use it.
func IsVersion(s string) bool {
	n := 0
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == '.' || r == '-' }) {
		if len(f) > 2 || strings.Trim(f, "0123456789") != "" {
			return false
		}
		n++
	}
	return n > 0
}

type token struct {
	s      string
	joined bool // only spaces separate it from the token before
}

// scanTokens splits text into runs of ASCII letters, digits and the
// characters model ids use (- . _ / : @), without trailing punctuation or
// a possessive 's.
func scanTokens(text string) []token {
	var out []token
	inID := func(r rune) bool {
		return r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("-._/:@'", r)) || r == '’'
	}
	start, spaces := -1, false
	flush := func(end int) {
		s := strings.Trim(text[start:end], "-._/:@'’")
		for _, suf := range []string{"'s", "’s"} {
			s = strings.TrimRight(strings.TrimSuffix(s, suf), "-._/:@'’")
		}
		if s != "" {
			out = append(out, token{s: s, joined: spaces && len(out) > 0})
		}
		start, spaces = -1, true
	}
	for i, r := range text {
		switch {
		case inID(r):
			if start < 0 {
				start = i
			}
		case start >= 0:
			flush(i)
			spaces = r == ' '
		case r != ' ':
			spaces = false
		}
	}
	if start >= 0 {
		flush(len(text))
	}
	return out
}

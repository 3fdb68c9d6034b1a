package leaks

import (
	"fmt"
	"math/bits"
	"regexp/syntax"
	"slices"
	"sort"
	"sync"
)

// A prefilter is a lazily built DFA for the match ends of a regex:
// captures and match priorities are ignored, so wherever the regex
// matches, the prefilter reports the same end (and maybe more). It runs
// over normalized (ASCII) text one table lookup per byte and never
// restarts at a position it has already passed, so it rejects a keyword
// hit that cannot begin a match (`twitter` repeated, no assignment after
// it) without handing anything to Go's regexp.
//
// A state is a set of the program's instructions not yet followed
// through empty-width ones, with the kind of the byte before it (text
// start, newline, word byte, other): zero-width assertions (\b, ^, $) are
// evaluated when the next byte is known, as Go's regexp does. States are
// built as the text needs them and cached, up to maxDFAWords per cache;
// a full cache is emptied and rebuilt (as RE2 does), so a text that visits
// many states costs at most the program's size per byte.
type prefilter struct {
	insts []syntax.Inst
	bytes [][4]uint64 // per instruction: the bytes a rune instruction matches
	class [256]uint8  // byte -> equivalence class
	rep   []byte      // a representative byte per class
	// shift: a state's transitions are a row of 1<<shift entries (the
	// classes rounded up to a power of two), so a step costs a shift and
	// a load, not a multiply.
	shift uint
	start uint32
	// maxWords is cacheWords' bound (lowered by tests to exercise a full
	// cache).
	maxWords int
	// first holds the bytes a match can begin with; skip: the regex cannot
	// match the empty string, so a start at a byte outside first dies
	// there without an end, and a run that takes the start in at every
	// position skips such bytes while no started match is alive.
	first [256]bool
	skip  bool
	// shared is the cache scans use, one at a time (a pool's caches would
	// be dropped at every garbage collection, and their states rebuilt);
	// a scan that finds it in use takes one from caches.
	mu     sync.Mutex
	shared *dfaCache
	caches sync.Pool // *dfaCache
}

// cache returns a cache for one run; release gives it back.
func (p *prefilter) cache() *dfaCache {
	if p.mu.TryLock() {
		return p.shared
	}
	return p.caches.Get().(*dfaCache)
}

func (p *prefilter) release(c *dfaCache) {
	if c == p.shared {
		p.mu.Unlock()
		return
	}
	p.caches.Put(c)
}

// maxDFAWords bounds the memory of one cache (its states' instruction sets
// and transitions, in 4-byte words: 128 KiB) before it is emptied; each
// rule keeps one cache for the life of the scanner.
const maxDFAWords = 1 << 15

// cacheWords is the cache bound of a program of insts instructions and
// classes byte classes: maxDFAWords, or room for two states per
// instruction when that is more. A run begun at one position visits
// about one state per instruction of a counted repeat (`[\w-]{50,1000}`
// is a thousand), and keep's pass mixing the hits' runs visits more; a
// smaller cache would be emptied on every such text, its states rebuilt
// at nearly every byte.
func cacheWords(insts, classes int) int {
	return max(maxDFAWords, 2*insts*(2*classes+8))
}

// Kinds of the byte before a position, for zero-width assertions.
const (
	kindBegin = iota
	kindNewline
	kindWord
	kindOther
	numKinds
)

func byteKind(b byte) uint8 {
	switch {
	case b == '\n':
		return kindNewline
	case isWordByte(b):
		return kindWord
	}
	return kindOther
}

// kindRune is a rune of the kind, for syntax.EmptyOpContext.
var kindRune = [numKinds]rune{kindBegin: -1, kindNewline: '\n', kindWord: 'a', kindOther: ' '}

// newPrefilter compiles re's DFA; nil when re cannot be compiled.
func newPrefilter(re *syntax.Regexp) *prefilter {
	tree, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil {
		return nil
	}
	prog, err := syntax.Compile(tree.Simplify())
	if err != nil {
		return nil
	}
	p := &prefilter{insts: prog.Inst, bytes: make([][4]uint64, len(prog.Inst)), start: uint32(prog.Start)}
	// Repeats expand into many instructions of one class: each distinct
	// class is expanded into bytes once.
	var sets [][4]uint64
	byKey := map[string]int{}
	for pc := range prog.Inst {
		in := &prog.Inst[pc]
		switch in.Op {
		case syntax.InstRune, syntax.InstRune1, syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
			key := fmt.Sprint(in.Op, in.Arg, in.Rune)
			i, ok := byKey[key]
			if !ok {
				var set [4]uint64
				for b := 0; b < 256; b++ {
					// Bytes of the normalized text are ASCII; a byte
					// above (never given) is let through by every rune
					// instruction.
					if b >= 0x80 || in.MatchRune(rune(b)) {
						set[b>>6] |= 1 << (b & 63)
					}
				}
				i = len(sets)
				byKey[key] = i
				sets = append(sets, set)
			}
			p.bytes[pc] = sets[i]
		}
	}
	// Bytes of one kind that every class treats alike share a class.
	sig := map[string]uint8{}
	key := make([]byte, 0, len(sets)+1)
	for b := 0; b < 256; b++ {
		key = append(key[:0], byteKind(byte(b)))
		for _, set := range sets {
			key = append(key, byte(set[b>>6]>>(b&63)&1))
		}
		c, ok := sig[string(key)]
		if !ok {
			c = uint8(len(p.rep))
			sig[string(key)] = c
			p.rep = append(p.rep, byte(b))
		}
		p.class[b] = c
	}
	p.shift = uint(bits.Len(uint(len(p.rep) - 1)))
	p.maxWords = cacheWords(len(p.insts), 1<<p.shift)
	p.first, p.skip = p.firstBytes()
	p.caches.New = func() any { return p.newCache() }
	p.shared = p.newCache()
	return p
}

// firstBytes returns the bytes the rune instructions reached from the
// start consume (taking every zero-width assertion to hold), and false
// when the match itself is reached that way (the regex may match empty).
func (p *prefilter) firstBytes() (first [256]bool, ok bool) {
	seen := make([]bool, len(p.insts))
	stack := []uint32{p.start}
	for len(stack) > 0 {
		pc := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[pc] {
			continue
		}
		seen[pc] = true
		switch in := &p.insts[pc]; in.Op {
		case syntax.InstMatch:
			return first, false
		case syntax.InstAlt, syntax.InstAltMatch:
			stack = append(stack, in.Arg, in.Out)
		case syntax.InstCapture, syntax.InstNop, syntax.InstEmptyWidth:
			stack = append(stack, in.Out)
		case syntax.InstRune, syntax.InstRune1, syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
			for b := 0; b < 256; b++ {
				if p.bytes[pc][b>>6]&(1<<(b&63)) != 0 {
					first[b] = true
				}
			}
		}
	}
	return first, true
}

// nullable reports whether the regex may match the empty string: its
// match is reached from the start without a rune instruction (taking
// every zero-width assertion to hold), as firstBytes found when p was
// built.
func (p *prefilter) nullable() bool { return !p.skip }

// dfaCache holds the DFA states built so far. State 0 is the dead state.
type dfaCache struct {
	sets [][]uint32 // per state: instructions, sorted
	kind []uint8    // per state: the kind of the byte before
	// trans[state<<shift|class]: the next state's row (state<<shift)
	// <<1, |1 when a match ends before the byte; -1 not built.
	trans []int32
	// itrans is trans for the state with the start added (inj's), for
	// runs that add it at every position; nil until such a run.
	itrans []int32
	eot    []uint8         // per state: 1 a match ends at the text's end, 2 not, 0 not built
	inj    []int32         // state -> state with the start added, -1 not built
	starts [numKinds]int32 // the start alone after a byte of each kind, 0 not built
	index  map[string]int32
	words  int // memory held, in 4-byte words (see maxDFAWords)
	resets int // how many times the cache was full and emptied
	mark   []bool
	stack  []uint32
	buf    []uint32
	key    []byte
}

func (p *prefilter) newCache() *dfaCache {
	c := &dfaCache{index: map[string]int32{}, mark: make([]bool, len(p.insts))}
	c.add(p, nil, kindBegin)
	return c
}

func (c *dfaCache) reset(p *prefilter) {
	c.sets, c.kind, c.trans, c.eot, c.inj = c.sets[:0], c.kind[:0], c.trans[:0], c.eot[:0], c.inj[:0]
	if c.itrans != nil {
		c.itrans = c.itrans[:0]
	}
	clear(c.index)
	c.words = 0
	c.resets++
	c.starts = [numKinds]int32{}
	c.add(p, nil, kindBegin)
}

// add returns the state of set (sorted, without duplicates) after a byte
// of kind, creating it if needed. Every empty set is the dead state 0.
func (c *dfaCache) add(p *prefilter, set []uint32, kind uint8) int32 {
	if len(set) == 0 && len(c.sets) > 0 {
		return 0
	}
	c.key = append(c.key[:0], kind)
	for _, pc := range set {
		c.key = append(c.key, byte(pc), byte(pc>>8), byte(pc>>16), byte(pc>>24))
	}
	if id, ok := c.index[string(c.key)]; ok {
		return id
	}
	id := int32(len(c.sets))
	c.sets = append(c.sets, slices.Clone(set))
	c.kind = append(c.kind, kind)
	for range 1 << p.shift {
		c.trans = append(c.trans, -1)
	}
	if c.itrans != nil {
		for range 1 << p.shift {
			c.itrans = append(c.itrans, -1)
		}
		c.words += 1 << p.shift
	}
	c.eot = append(c.eot, 0)
	c.inj = append(c.inj, -1)
	c.index[string(c.key)] = id
	c.words += 2*len(set) + 1<<p.shift + 4
	return id
}

// closure follows the instructions of set through the empty-width ones
// that hold between a byte of kind before and the rune after (-1: the
// text's end), and returns the rune instructions reached (in c.buf) and
// whether a match is.
func (c *dfaCache) closure(p *prefilter, set []uint32, before uint8, after rune) ([]uint32, bool) {
	out := c.buf[:0]
	match := false
	c.stack = append(c.stack[:0], set...)
	var touched []uint32
	for len(c.stack) > 0 {
		pc := c.stack[len(c.stack)-1]
		c.stack = c.stack[:len(c.stack)-1]
		if c.mark[pc] {
			continue
		}
		c.mark[pc] = true
		touched = append(touched, pc)
		in := &p.insts[pc]
		switch in.Op {
		case syntax.InstMatch:
			match = true
		case syntax.InstAlt, syntax.InstAltMatch:
			c.stack = append(c.stack, in.Arg, in.Out)
		case syntax.InstCapture, syntax.InstNop:
			c.stack = append(c.stack, in.Out)
		case syntax.InstEmptyWidth:
			if in.MatchEmptyWidth(kindRune[before], after) {
				c.stack = append(c.stack, in.Out)
			}
		case syntax.InstRune, syntax.InstRune1, syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
			out = append(out, pc)
		}
	}
	for _, pc := range touched {
		c.mark[pc] = false
	}
	c.buf = out
	return out, match
}

// step builds the transition of state s on a byte of class cls: whether
// a match ends before the byte, and the state after it.
func (c *dfaCache) step(p *prefilter, s int32, cls uint8) (bool, int32) {
	b := p.rep[cls]
	runes, match := c.closure(p, c.sets[s], c.kind[s], rune(b))
	var outs []uint32
	for _, pc := range runes {
		if p.bytes[pc][b>>6]&(1<<(b&63)) != 0 {
			outs = append(outs, p.insts[pc].Out)
		}
	}
	slices.Sort(outs)
	return match, c.add(p, slices.Compact(outs), byteKind(b))
}

// inject returns the state of s with the start added.
func (c *dfaCache) inject(p *prefilter, s int32) int32 {
	set := append(c.buf[:0], c.sets[s]...)
	if !slices.Contains(set, p.start) {
		set = append(set, p.start)
		slices.Sort(set)
	}
	c.buf = set
	return c.add(p, set, c.kind[s])
}

// An endRun is a run of consecutive positions where matches end.
type endRun struct{ first, last int }

// addEnd adds the end i (after every end in runs) to runs.
func addEnd(runs []endRun, i int) []endRun {
	if n := len(runs); n > 0 && runs[n-1].last == i-1 {
		runs[n-1].last = i
		return runs
	}
	return append(runs, endRun{i, i})
}

// An endsQuery says where ends' matches begin and how far it steps.
type endsQuery struct {
	starts []int // sorted
	// every: a match may also begin at any position at most reach bytes
	// before one of starts.
	every bool
	reach int
	stop  int  // the last position stepped
	one   bool // stop at the first end
	// solo, without every, records the runs begun at a start where no
	// other was alive (see soloRun).
	solo *[]soloRun
}

// everywhere is the query of matches begun anywhere in t.
func everywhere(t string, one bool) endsQuery {
	return endsQuery{starts: []int{len(t)}, every: true, reach: len(t), stop: len(t), one: one}
}

// ends returns, as runs, the positions of t where a match ends that began
// where q says, up to q.stop, and the bytes stepped. The DFA skips text
// where no started match is alive. The runs are appended to out[:0] (nil:
// a new slice).
func (p *prefilter) ends(t string, q endsQuery, out []endRun) ([]endRun, int) {
	c := p.cache()
	defer p.release(c)
	shift := p.shift
	starts, every, reach, stop, one, solo := q.starts, q.every, q.reach, q.stop, q.one, q.solo
	out = out[:0]
	s := int32(0)
	next := 0 // index into starts
	injectUntil := -1
	steps := 0
	open := false // the last of *solo is alive and alone so far
	cur := false  // the last of *solo is alive
	shared := func(k int) {
		// k more starts join the run: it is no longer one start's own.
		if open {
			(*solo)[len(*solo)-1].death = -1
			open = false
		}
		if cur {
			(*solo)[len(*solo)-1].n += k
		}
	}
	died := func(i int) {
		if cur {
			(*solo)[len(*solo)-1].dies = i
			cur = false
		}
	}
	i := 0
	for {
		for next < len(starts) && (every && starts[next]-reach <= i || !every && starts[next] <= i) {
			if every {
				injectUntil = max(injectUntil, starts[next])
			} else if starts[next] == i {
				injectUntil = i
			}
			next++
		}
		if open && s == 0 {
			(*solo)[len(*solo)-1].death = i
			open = false
		}
		if s == 0 {
			died(i)
		}
		if c.words >= p.maxWords {
			keep, k := slices.Clone(c.sets[s]), c.kind[s]
			c.reset(p)
			s = c.add(p, keep, k)
		}
		if every && i <= injectUntil {
			// Every position up to injectUntil takes the start in: while
			// the states and transitions are built, inject and step in a
			// tight loop (the general path below builds what is missing).
			var k int
			i, s, k, out = c.injectRun(p, t, &q, &next, &injectUntil, i, s, out)
			steps += k
			if i > stop {
				break
			}
		}
		if i <= injectUntil {
			switch {
			case s != 0:
				shared(1)
			case solo != nil && !every:
				*solo = append(*solo, soloRun{start: i, death: len(t), dies: -1, n: 1})
				open, cur = true, true
			}
			s = c.takeStart(p, t, i, s, true)
		}
		if s == 0 {
			if next == len(starts) {
				break
			}
			j := starts[next]
			if every {
				j = max(j-reach, 0)
			}
			i = max(i, j)
			continue
		}
		if i == len(t) {
			if c.eot[s] == 0 {
				_, m := c.closure(p, c.sets[s], c.kind[s], -1)
				c.eot[s] = 2
				if m {
					c.eot[s] = 1
				}
			}
			if c.eot[s] == 1 {
				out = addEnd(out, i)
			}
			break
		}
		// The next injection, the stop or the text's end bounds a run of
		// plain steps.
		end := len(t)
		if stop < end {
			end = stop
		}
		if next < len(starts) {
			j := starts[next]
			if every {
				j = max(j-reach, 0)
			}
			end = min(end, j)
		}
		if every && injectUntil >= i {
			end = i
		}
		// One step at least (end may be i), then plain steps to end:
		// first the steps before the last on built transitions to a live
		// state, without an end or with one that extends the last run,
		// from row to row (a transition holds the next state's row, so a
		// step is two loads and an or); the general step below takes the
		// rest.
		trans, class := c.trans, &p.class
		done := false
		for {
			if hot := min(end-1, stop); i < hot && s != 0 {
				row, i0 := int(s)<<shift, i
				for i < hot {
					x := trans[row|int(class[t[i]])]
					if x <= 1 { // not built (-1), or death
						break
					}
					if x&1 != 0 {
						if n := len(out); one || n == 0 || out[n-1].last != i-1 {
							break
						}
						out[len(out)-1].last = i
					}
					row = int(x >> 1)
					i++
				}
				steps += i - i0
				s = int32(row >> shift)
			}
			k := int(s)<<shift | int(class[t[i]])
			x := trans[k]
			if x < 0 {
				m, nx := c.step(p, s, class[t[i]])
				x = nx << shift << 1
				if m {
					x |= 1
				}
				c.trans[k] = x
				trans = c.trans
				end = i // a state was built: back to the checks above
			}
			if x&1 != 0 {
				out = addEnd(out, i)
				if one {
					done = true
					break
				}
			}
			if i == stop {
				done = true
				break
			}
			s = x >> 1 >> shift
			i++
			steps++
			if i < end && s != 0 {
				continue
			}
			// The state at the next hit takes it in here, when that state
			// is built (a dead one: the start after the byte's kind, at
			// the next hit however far); anything else goes back to the
			// checks above.
			if every || i == len(t) || next == len(starts) {
				break
			}
			if j := starts[next]; j != i {
				if s != 0 || j > stop || j >= len(t) {
					break
				}
				if open {
					(*solo)[len(*solo)-1].death = i
					open = false
				}
				died(i)
				i = j
			}
			if s == 0 {
				in := c.starts[byteKind(t[i-1])]
				if in == 0 {
					break
				}
				if open {
					(*solo)[len(*solo)-1].death = i
				}
				died(i)
				if open = solo != nil; open {
					*solo = append(*solo, soloRun{start: i, death: len(t), dies: -1, n: 1})
					cur = true
				}
				s = in
			} else {
				if j, s1, k, o := c.denseRun(p, t, starts[next:], i, s, min(stop, len(t)), one, out); k > 0 {
					// Hits close together on a live run: taken in
					// without the checks above, back to them where
					// the run ends, dies or needs a state.
					shared(k)
					steps += j - i
					next += k
					i, s, out = j, s1, o
					if i == len(t) || next < len(starts) && starts[next] == i {
						break // the checks above take it in
					}
					// On to the step at i, as after a hit taken in.
					end = min(len(t), stop)
					if next < len(starts) {
						end = min(end, starts[next])
					}
					continue
				}
				if c.inj[s] < 0 {
					break
				}
				s = c.inj[s]
				shared(1)
			}
			for next < len(starts) && starts[next] <= i {
				next++
			}
			end = min(len(t), stop)
			if next < len(starts) {
				end = min(end, starts[next])
			}
			if end == i {
				break
			}
		}
		if done {
			break
		}
	}
	if open && i < len(t) {
		shared(0) // stopped before the run's end
	}
	return out, steps
}

// A soloRun is the run of a match begun at start while no other started
// match was alive, up to death, where it died with no other start taken
// in (-1: another was, so its ends are not start's own alone). Its ends
// in [start, death] are exactly those of the matches begun at start.
// Whether alone or not, the run took in n starts (start the first) and
// died at dies (-1: not seen to die): its ends in [start, dies] are those
// of the matches begun at its n starts.
type soloRun struct{ start, death, dies, n int }

// injectRun steps from i in state s while every position takes the start
// in (up to injectUntil, extended by q's starts it passes: q.every), as
// long as the states and transitions it needs are built. It returns where
// it stopped, before the injection at i (i > q.stop: the stop's byte was
// stepped, or with q.one, an end was found), and the bytes stepped.
func (c *dfaCache) injectRun(p *prefilter, t string, q *endsQuery, next, injectUntil *int, i int, s int32, out []endRun) (int, int32, int, []endRun) {
	shift := p.shift
	starts, reach, stop, one := q.starts, q.reach, q.stop, q.one
	if c.itrans == nil {
		c.itrans = slices.Repeat([]int32{-1}, len(c.trans))
		c.words += len(c.trans)
	}
	steps := 0
	for i < len(t) && i <= *injectUntil {
		for *next < len(starts) && starts[*next]-reach <= i {
			*injectUntil = max(*injectUntil, starts[*next])
			*next++
		}
		if s != 0 {
			// While no start is due, the stop is ahead and a live state
			// follows without an end: one load a step, on itrans.
			lim := min(*injectUntil+1, stop, len(t))
			if *next < len(starts) {
				lim = min(lim, starts[*next]-reach)
			}
			row, i0, itrans, class := int(s)<<shift, i, c.itrans, &p.class
			for i < lim {
				x := itrans[row|int(class[t[i]])]
				if x <= 1 || x&1 != 0 {
					break
				}
				row = int(x >> 1)
				i++
			}
			if i > i0 {
				// Back to the checks at the position reached.
				steps += i - i0
				s = int32(row >> shift)
				continue
			}
		}
		if s == 0 && p.skip && !p.first[t[i]] {
			// No started match is alive and none begins here: skip to
			// the next byte a match can begin with.
			j, lim := i+1, min(*injectUntil, stop, len(t)-1)
			for j <= lim && !p.first[t[j]] {
				j++
			}
			steps += j - i
			if j > stop {
				return stop + 1, s, steps, out
			}
			i = j
			continue
		}
		in := c.takeStart(p, t, i, s, false)
		if in < 0 {
			break
		}
		x := c.trans[int(in)<<shift|int(p.class[t[i]])]
		if x < 0 {
			break
		}
		if s != 0 {
			c.itrans[int(s)<<shift|int(p.class[t[i]])] = x
		}
		if x&1 != 0 {
			out = addEnd(out, i)
			if one {
				return stop + 1, s, steps, out
			}
		}
		if i == stop {
			return i + 1, s, steps, out
		}
		s = x >> 1 >> shift
		i++
		steps++
	}
	return i, s, steps, out
}

// takeStart returns state s with the start taken in at position i of t
// (the start alone when s is dead), built if need be with build, else -1
// when it is not built yet.
func (c *dfaCache) takeStart(p *prefilter, t string, i int, s int32, build bool) int32 {
	if s != 0 {
		in := c.inj[s]
		if in < 0 && build {
			in = c.inject(p, s)
			c.inj[s] = in
		}
		return in
	}
	kind := uint8(kindBegin)
	if i > 0 {
		kind = byteKind(t[i-1])
	}
	switch in := c.starts[kind]; {
	case in != 0:
		return in
	case !build:
		return -1
	}
	c.starts[kind] = c.add(p, []uint32{p.start}, kind)
	return c.starts[kind]
}

// denseRun steps from i in the live state s, taking the start in at each
// of hits (hits[0] == i) as it comes and, without one, adding the ends to
// out, while the transitions it needs are built and lead to a live state:
// the run of a keep pass over hits closer together than the rule's
// matches (`s.` or `glpat-` repeated), without a return to ends' checks
// at each hit. It returns where it stopped (that position not stepped, a
// hit there not taken in), the state there, how many hits it took in
// and out.
func (c *dfaCache) denseRun(p *prefilter, t string, hits []int, i int, s int32, lim int, one bool, out []endRun) (int, int32, int, []endRun) {
	shift := p.shift
	trans, inj, class := c.trans, c.inj, &p.class
	row, k, h := int(s)<<shift, 0, hits[0]
	for i < lim {
		from := row
		if i == h {
			in := inj[row>>shift]
			if in < 0 {
				break
			}
			from = int(in) << shift
		}
		x := trans[from|int(class[t[i]])]
		if x <= 1 {
			break
		}
		if x&1 != 0 {
			// An end: it extends the last run, or starts one in out's
			// room (no call in the loop); else back to ends.
			n := len(out)
			switch {
			case one:
				return i, int32(row >> shift), k, out
			case n > 0 && out[n-1].last == i-1:
				out[n-1].last = i
			case n < cap(out):
				out = out[:n+1]
				out[n] = endRun{i, i}
			default:
				return i, int32(row >> shift), k, out
			}
		}
		if i == h {
			if k++; k < len(hits) {
				h = hits[k]
			} else {
				h = -1
			}
		}
		row = int(x >> 1)
		i++
	}
	return i, int32(row >> shift), k, out
}

// keepBufs holds the slices of one rule's matching (keep's, and
// eachMatch's per window), for the next rule's: a message of many hits
// would otherwise allocate them anew for each rule.
type keepBufs struct {
	live, kept, pass []int
	runs             []endRun
	solo             []soloRun
	dead             []bool
	found            []anchoredMatch
}

var keepPool = sync.Pool{New: func() any { return new(keepBufs) }}

// keep returns the positions of qs (sorted) where a match may begin (or,
// with every, that a match within span bytes may hold): those with a match
// end after them, at most span bytes on; the ends found, and (without
// every) the runs of hits begun and ended alone. With b, the slices
// returned are b's (valid until b is used again); nil: new ones.
func (p *prefilter) keep(t string, qs []int, every bool, span int, w *work, b *keepBufs) ([]int, []endRun, []soloRun) {
	if b == nil {
		b = new(keepBufs)
	}
	if !every && p.skip {
		// A match begun at a hit starts with one of first's bytes: a hit
		// at any other byte (a case-sensitive rule's keyword in the other
		// case: twilio's SK in "sk-sk-…") begins none, and is dropped
		// without a step of the DFA.
		i := 0
		for i < len(qs) && qs[i] < len(t) && p.first[t[qs[i]]] {
			i++
		}
		if i < len(qs) {
			live := append(b.live[:0], qs[:i]...)
			for _, q := range qs[i:] {
				if q < len(t) && p.first[t[q]] {
					live = append(live, q)
				}
			}
			b.live = live
			if qs = live; len(qs) == 0 {
				return nil, nil, nil
			}
		}
	}
	solo := b.solo[:0]
	q := endsQuery{starts: qs, every: every, reach: span, stop: len(t), solo: &solo}
	runs, n := p.ends(t, q, b.runs)
	b.runs, b.solo = runs, solo
	w.add(n)
	kept := slices.Grow(b.kept[:0], len(qs))
	k := 0
	for _, q := range qs {
		for k < len(runs) && runs[k].last <= q {
			k++
		}
		if k < len(runs) && max(runs[k].first, q+1)-q <= span {
			kept = append(kept, q)
		}
	}
	b.kept = kept
	return kept, runs, solo
}

// soloLimit is limit(t, q, span) for a q of keep's pass whose run was
// alone (ok false when it was not): from keep's ends, without a run.
func soloLimit(runs []endRun, solo []soloRun, q, span int) (lim int, only, ok bool) {
	i := sort.Search(len(solo), func(i int) bool { return solo[i].start >= q })
	if i == len(solo) || solo[i].start != q || solo[i].death < 0 {
		return 0, false, false
	}
	hi := min(solo[i].death, q+span)
	lim, n := q, 0
	for k := sort.Search(len(runs), func(k int) bool { return runs[k].last >= q }); k < len(runs) && runs[k].first <= hi; k++ {
		a, b := max(runs[k].first, q), min(runs[k].last, hi)
		n += b - a + 1
		lim = b + 1
	}
	return lim, n == 1, true
}

// groupEnd is, for the hits first..last (n of them, sorted) of keep's
// pass, the one end of every match begun at them, when keep's ends tell
// (ok): the hits are all the starts one run took in, the run has exactly
// one end e before it died, and e is at most span bytes after first. Each
// hit's ends are the run's ends after it: e or none, and some hit's is e.
func groupEnd(runs []endRun, solo []soloRun, first, last, n, span int) (e int, ok bool) {
	i := sort.Search(len(solo), func(i int) bool { return solo[i].start > first }) - 1
	if i < 0 {
		return 0, false
	}
	r := solo[i]
	if r.start != first || r.n != n || r.dies < 0 || last >= r.dies {
		return 0, false
	}
	k := sort.Search(len(runs), func(k int) bool { return runs[k].last >= first })
	if k == len(runs) || runs[k].first != runs[k].last || runs[k].first > r.dies {
		return 0, false
	}
	if e = max(runs[k].first, first); e > first+span || k+1 < len(runs) && runs[k+1].first <= r.dies {
		return 0, false
	}
	return e, true
}

// hasEnd reports whether e is one of the ends in runs.
func hasEnd(runs []endRun, e int) bool {
	i := sort.Search(len(runs), func(i int) bool { return runs[i].last >= e })
	return i < len(runs) && runs[i].first <= e
}

// limit returns one byte past the last end of a match begun at q at most
// span bytes on (q itself when none ends), where an anchored attempt at q
// may stop (the byte after is for an assertion; the caller caps it at the
// text's end), whether that end is the only one (every match begun at q
// ends there), and the bytes stepped to find it. keep's pass mixes the
// matches begun at every position; this run is q's own.
func (p *prefilter) limit(t string, q, span int) (lim int, only bool, cost int) {
	var buf [4]endRun
	runs, cost := p.ends(t, endsQuery{starts: []int{q}, stop: min(len(t), q+span)}, buf[:0])
	if len(runs) == 0 {
		return q, false, cost
	}
	return runs[len(runs)-1].last + 1, len(runs) == 1 && runs[0].first == runs[0].last, cost
}

// positions returns a position inside each match ending in runs whose
// length is at most span, such that every such match holds one or ends
// at most span bytes after one: one byte before each run's first and last
// end, and every span bytes between.
func positions(runs []endRun, span int) []int {
	var ps []int
	for _, r := range runs {
		for e := r.first; e < r.last; e += span {
			ps = append(ps, e-1)
		}
		ps = append(ps, r.last-1)
	}
	return ps
}

package leaks

import (
	"regexp/syntax"
	"slices"
	"sync"
	"unsafe"
)

// A prefilter is a lazily built DFA for a superset of a regex's matches:
// zero-width assertions are taken to hold everywhere and captures are
// ignored, so wherever the regex matches, the prefilter matches too, with
// the same end. It runs over normalized (ASCII) text one table lookup per
// byte, never restarts at a position it has already passed, and so
// rejects a keyword hit that cannot begin a match (`twitter` repeated, no
// assignment after it) without handing anything to Go's regexp.
//
// The DFA's states are sets of the program's instructions, built as the
// text needs them and cached (up to maxDFAStates per cache; a full cache
// is emptied and rebuilt, as RE2 does, so a text that visits many states
// costs at most the program's size per byte, never more).
type prefilter struct {
	insts  []syntax.Inst
	bytes  [][4]uint64 // per instruction: the bytes a rune instruction matches
	start  []uint32    // the start's closure: consuming instructions
	startM bool        // the start's closure holds a match
	class  [256]uint8  // byte -> equivalence class
	rep    []byte      // a representative byte per class
	caches sync.Pool   // *dfaCache
}

// maxDFAStates bounds the states one cache holds before it is emptied.
const maxDFAStates = 4096

// newPrefilter compiles re's superset DFA; nil when re cannot be compiled.
func newPrefilter(re *syntax.Regexp) *prefilter {
	tree, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil {
		return nil
	}
	prog, err := syntax.Compile(tree.Simplify())
	if err != nil {
		return nil
	}
	p := &prefilter{insts: prog.Inst, bytes: make([][4]uint64, len(prog.Inst))}
	for pc := range prog.Inst {
		in := &prog.Inst[pc]
		switch in.Op {
		case syntax.InstRune, syntax.InstRune1, syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
			for b := 0; b < 256; b++ {
				// Bytes of the normalized text are ASCII; a byte above
				// (never given) is let through by every rune instruction.
				if b >= 0x80 || in.MatchRune(rune(b)) {
					p.bytes[pc][b>>6] |= 1 << (b & 63)
				}
			}
		}
	}
	// Bytes every rune instruction treats alike share a class.
	sig := map[string]uint8{}
	key := make([]byte, 0, len(prog.Inst))
	for b := 0; b < 256; b++ {
		key = key[:0]
		for pc := range prog.Inst {
			if p.bytes[pc][b>>6]&(1<<(b&63)) != 0 {
				key = append(key, 1)
			} else {
				key = append(key, 0)
			}
		}
		c, ok := sig[string(key)]
		if !ok {
			c = uint8(len(p.rep))
			if len(p.rep) == 256 {
				return nil
			}
			sig[string(key)] = c
			p.rep = append(p.rep, byte(b))
		}
		p.class[b] = c
	}
	var seen []bool
	p.start, p.startM = p.closure(nil, []uint32{uint32(prog.Start)}, &seen)
	p.caches.New = func() any { return p.newCache() }
	return p
}

// closure adds to set the consuming instructions reachable from pcs
// without consuming a byte, and reports whether a match is reachable.
func (p *prefilter) closure(set []uint32, pcs []uint32, seen *[]bool) ([]uint32, bool) {
	if len(*seen) < len(p.insts) {
		*seen = make([]bool, len(p.insts))
	}
	mark := *seen
	for _, pc := range set {
		mark[pc] = true
	}
	match := false
	stack := append([]uint32(nil), pcs...)
	for len(stack) > 0 {
		pc := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if mark[pc] {
			continue
		}
		mark[pc] = true
		in := &p.insts[pc]
		switch in.Op {
		case syntax.InstMatch:
			match = true
		case syntax.InstAlt, syntax.InstAltMatch:
			stack = append(stack, in.Out, in.Arg)
		case syntax.InstCapture, syntax.InstNop, syntax.InstEmptyWidth:
			stack = append(stack, in.Out)
		case syntax.InstRune, syntax.InstRune1, syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
			set = append(set, pc)
		}
	}
	for i := range mark {
		mark[i] = false
	}
	return set, match
}

// dfaCache holds the DFA states built so far. State 0 is the empty set.
type dfaCache struct {
	sets  [][]uint32
	match []bool
	trans []int32 // state*classes + class -> state, -1 not built
	inj   []int32 // state -> state with the start added, -1 not built
	index map[string]int32
	seen  []bool
	buf   []uint32
}

func (p *prefilter) newCache() *dfaCache {
	c := &dfaCache{index: map[string]int32{}}
	c.add(p, nil, false)
	return c
}

func (c *dfaCache) reset(p *prefilter) {
	c.sets, c.match, c.trans, c.inj = c.sets[:0], c.match[:0], c.trans[:0], c.inj[:0]
	clear(c.index)
	c.add(p, nil, false)
}

// add returns the state of set (sorted in place), creating it if needed.
func (c *dfaCache) add(p *prefilter, set []uint32, match bool) int32 {
	slices.Sort(set)
	key := unsafe.String((*byte)(unsafe.Pointer(unsafe.SliceData(set))), len(set)*4)
	if match {
		key += "m"
	}
	if id, ok := c.index[key]; ok {
		return id
	}
	id := int32(len(c.sets))
	c.sets = append(c.sets, slices.Clone(set))
	c.match = append(c.match, match)
	for range p.rep {
		c.trans = append(c.trans, -1)
	}
	c.inj = append(c.inj, -1)
	c.index[string([]byte(key))] = id
	return id
}

// step builds the transition of state s on byte b.
func (c *dfaCache) step(p *prefilter, s int32, b byte) int32 {
	var outs []uint32
	for _, pc := range c.sets[s] {
		if p.bytes[pc][b>>6]&(1<<(b&63)) != 0 {
			outs = append(outs, p.insts[pc].Out)
		}
	}
	set, match := p.closure(c.buf[:0], outs, &c.seen)
	c.buf = set
	return c.add(p, set, match)
}

// inject builds the state of s with the start added.
func (c *dfaCache) inject(p *prefilter, s int32) int32 {
	set := append(append(c.buf[:0], c.sets[s]...), p.start...)
	set = slices.Compact(func() []uint32 { slices.Sort(set); return set }())
	c.buf = set
	return c.add(p, set, c.match[s] || p.startM)
}

// ends returns the positions of t where a match of the superset ends that
// started at a position of starts (sorted) or, with every set, at any
// position within reach bytes before one of starts (a match holding the
// hit at its start's right). The DFA skips over text where no started
// match is alive. work counts the bytes stepped.
func (p *prefilter) ends(t string, starts []int, every bool, reach int, work *int) []int {
	c := p.caches.Get().(*dfaCache)
	defer p.caches.Put(c)
	ncls := len(p.rep)
	var out []int
	s := int32(0)
	next := 0 // index into starts
	injectUntil := -1
	for i := 0; ; {
		for next < len(starts) && (every && starts[next]-reach <= i || !every && starts[next] <= i) {
			if every {
				injectUntil = max(injectUntil, starts[next])
			} else if starts[next] == i {
				injectUntil = i
			}
			next++
		}
		if i <= injectUntil {
			if len(c.sets) >= maxDFAStates {
				keep := slices.Clone(c.sets[s])
				m := c.match[s]
				c.reset(p)
				s = c.add(p, keep, m)
			}
			n := c.inj[s]
			if n < 0 {
				n = c.inject(p, s)
				c.inj[s] = n
			}
			s = n
		}
		if c.match[s] {
			out = append(out, i)
		}
		if s == 0 && i > injectUntil {
			if next == len(starts) {
				break
			}
			i = starts[next]
			if every {
				i = max(i-reach, 0)
			}
			if i >= len(t) {
				i = len(t)
			}
			continue
		}
		if i >= len(t) {
			break
		}
		if len(c.sets) >= maxDFAStates {
			keep := slices.Clone(c.sets[s])
			m := c.match[s]
			c.reset(p)
			s = c.add(p, keep, m)
		}
		b := t[i]
		k := int(s)*ncls + int(p.class[b])
		n := c.trans[k]
		if n < 0 {
			n = c.step(p, s, p.rep[p.class[b]])
			c.trans[k] = n
		}
		s = n
		i++
		*work++
	}
	return out
}

// keep returns the positions of qs (sorted) where a match may begin (or,
// with every, that a match within span bytes may hold): those with a
// superset match ending after them, at most span bytes on.
func (p *prefilter) keep(t string, qs []int, every bool, span int, w *work) []int {
	n := 0
	ends := p.ends(t, qs, every, span, &n)
	w.add(n)
	var out []int
	k := 0
	for _, q := range qs {
		for k < len(ends) && ends[k] <= q {
			k++
		}
		if k < len(ends) && ends[k]-q <= span {
			out = append(out, q)
		}
	}
	return out
}

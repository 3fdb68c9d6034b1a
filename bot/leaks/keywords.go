package leaks

import "math/bits"

// A kwMatcher finds every occurrence of a set of lower-cased keywords in
// lower-cased text: an Aho–Corasick automaton whose transitions, failure
// links followed in advance, are a table per byte class, so a byte costs
// one lookup whatever the text (a run of key characters keeps a linked
// automaton following failure links at nearly every byte).
type kwMatcher struct {
	class  [256]uint8
	nclass int
	// shift: a state's row is 1<<shift entries, the classes rounded up to
	// a power of two, so a row is turned back into its state by a shift.
	shift uint
	// delta[state<<shift|class] is the next state's row, next<<shift,
	// shifted left by one, |1 when keywords end there.
	delta []uint32
	out   [][]int32 // per state: the keywords ending there, suffixes included
	lens  []int     // per keyword: its length
}

// newKwMatcher builds the automaton of kws (lower-cased, distinct).
func newKwMatcher(kws []string) *kwMatcher {
	m := &kwMatcher{lens: make([]int, len(kws))}
	// Bytes of no keyword share class 0.
	for _, k := range kws {
		for i := 0; i < len(k); i++ {
			if m.class[k[i]] == 0 {
				m.nclass++
				m.class[k[i]] = uint8(m.nclass)
			}
		}
	}
	m.nclass++
	m.shift = uint(bits.Len(uint(m.nclass - 1)))
	m.nclass = 1 << m.shift
	// The trie: goto[state*nclass+class], -1 none.
	var gotoT []int32
	newState := func() int32 {
		for range m.nclass {
			gotoT = append(gotoT, -1)
		}
		m.out = append(m.out, nil)
		return int32(len(m.out) - 1)
	}
	newState()
	for ki, k := range kws {
		m.lens[ki] = len(k)
		s := int32(0)
		for i := 0; i < len(k); i++ {
			c := int32(m.class[k[i]])
			next := gotoT[s*int32(m.nclass)+c]
			if next < 0 {
				next = newState()
				gotoT[s*int32(m.nclass)+c] = next
			}
			s = next
		}
		m.out[s] = append(m.out[s], int32(ki))
	}
	// Breadth first: a state's failure link is shallower, so its
	// transitions and outputs are complete when the state's are made.
	next := make([]int32, len(gotoT)) // the transitions, by state
	m.delta = make([]uint32, len(gotoT))
	fail := make([]int32, len(m.out))
	queue := []int32{0}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for c := 0; c < m.nclass; c++ {
			i := int(s)*m.nclass + c
			to := gotoT[i]
			if to < 0 {
				if s != 0 {
					next[i] = next[int(fail[s])*m.nclass+c]
				}
				continue
			}
			next[i] = to
			if s != 0 {
				fail[to] = next[int(fail[s])*m.nclass+c]
			}
			m.out[to] = append(m.out[to], m.out[fail[to]]...)
			queue = append(queue, to)
		}
	}
	for i, to := range next {
		m.delta[i] = uint32(int(to)<<m.shift) << 1
		if len(m.out[to]) > 0 {
			m.delta[i] |= 1
		}
	}
	return m
}

// collect adds the start of every occurrence in text to h, by keyword
// (each keyword's occurrences come by their ends, so in order).
func (m *kwMatcher) collect(text []byte, h *kwHits) {
	row := uint32(0)
	delta, class := m.delta, &m.class
	for i, b := range text {
		x := delta[row+uint32(class[b])]
		row = x >> 1
		if x&1 != 0 {
			for _, k := range m.out[row>>m.shift] {
				h.add(int(k), i+1-m.lens[k])
			}
		}
	}
}

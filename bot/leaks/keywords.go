package leaks

import (
	"encoding/binary"
	"math/bits"
	"sync"
)

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

// asciiLower writes t to dst (as long as t) with ASCII upper case letters
// lowered, eight bytes at a time: random alphanumerics make a branch per
// byte mispredict half the time.
func asciiLower(dst []byte, t string) {
	copy(dst, t)
	const ones = 0x0101010101010101
	i := 0
	for ; i+8 <= len(dst); i += 8 {
		x := binary.LittleEndian.Uint64(dst[i:])
		b := x &^ (0x80 * ones) // each byte's low seven bits: no carry out
		geA := b + (0x80-'A')*ones
		gtZ := b + (0x80-'Z'-1)*ones
		upper := (geA &^ gtZ) &^ x & (0x80 * ones)
		binary.LittleEndian.PutUint64(dst[i:], x|upper>>2)
	}
	for ; i < len(dst); i++ {
		if c := dst[i]; 'A' <= c && c <= 'Z' {
			dst[i] = c + 'a' - 'A'
		}
	}
}

// scanScratch holds the buffers of a view's scan, kept for the next scan:
// a message of many keyword hits would otherwise allocate their lists
// anew each time.
type scanScratch struct {
	lower []byte
	hits  kwHits
}

var scratchPool = sync.Pool{New: func() any { return new(scanScratch) }}

// kwHits holds keyword positions per keyword, each list sorted (a
// keyword's occurrences are reported by their ends), kept with their
// memory for the next scan.
type kwHits struct {
	lists   [][]int // per keyword
	touched []int   // the keywords with a list, in order of first hit
	queued  []bool  // per rule, scratch for scanView's order
}

// reset empties h for a scanner of kws keywords and rules rules,
// keeping its memory.
func (h *kwHits) reset(kws, rules int) {
	for _, k := range h.touched {
		h.lists[k] = h.lists[k][:0]
	}
	h.touched = h.touched[:0]
	if len(h.lists) != kws {
		h.lists = make([][]int, kws)
	}
	if len(h.queued) != rules {
		h.queued = make([]bool, rules)
	}
}

// add records an occurrence of keyword kw starting at pos.
func (h *kwHits) add(kw, pos int) {
	if len(h.lists[kw]) == 0 {
		h.touched = append(h.touched, kw)
	}
	h.lists[kw] = append(h.lists[kw], pos)
}

// of returns the sorted, distinct positions of the keywords kws (nil:
// none). A single keyword's list is returned as it is, shared: callers
// only read it. Several are merged into a new slice.
func (h *kwHits) of(kws []int) []int {
	var one []int
	n := 0
	for _, k := range kws {
		if l := h.lists[k]; len(l) > 0 {
			one = l
			n++
		}
	}
	if n <= 1 {
		if len(one) == 0 {
			return nil
		}
		return one
	}
	total := 0
	for _, k := range kws {
		total += len(h.lists[k])
	}
	// The first list is merged from where it is (read only); the merges
	// alternate between two slices of the total's capacity.
	var qs, spare []int
	owned := false
	for _, k := range kws {
		l := h.lists[k]
		switch {
		case len(l) == 0:
			continue
		case qs == nil:
			qs = l
			continue
		}
		dst := spare[:0]
		if dst == nil {
			dst = make([]int, 0, total)
		}
		if owned {
			spare = qs
		}
		qs, owned = mergeSorted(dst, qs, l), true
	}
	return qs
}

// mergeSorted appends to dst the union of a and b (sorted, distinct),
// sorted and distinct.
func mergeSorted(dst, a, b []int) []int {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			dst = append(dst, a[i])
			i++
		case b[j] < a[i]:
			dst = append(dst, b[j])
			j++
		default:
			dst = append(dst, a[i])
			i++
			j++
		}
	}
	dst = append(dst, a[i:]...)
	return append(dst, b[j:]...)
}

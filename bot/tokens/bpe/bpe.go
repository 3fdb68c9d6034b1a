// Package bpe is the byte-pair encoder behind the token counter: it loads
// one of OpenAI's rank files ("<base64 token> <rank>" per line, as shipped
// by tiktoken-go-loader), verifies it against the SHA-256 that OpenAI's
// tiktoken pins for it, and merges pre-tokenized pieces into token ids the
// way tiktoken's byte-pair merge does. Splitting text into pieces is the
// caller's job (bot/tokens). docs/decisions/bpe.md records why this is not
// tiktoken-go's encoder.
package bpe

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"math/bits"
	"strconv"
	"strings"

	"github.com/pkoukk/tiktoken-go-loader/assets"
)

// checksums pins the SHA-256 of each encoding's rank file: the
// expected_hash values of OpenAI's tiktoken (tiktoken_ext/openai_public.py),
// which tiktoken-go-loader's copies equal.
var checksums = map[string]string{
	"o200k_base":  "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
	"cl100k_base": "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
	"p50k_base":   "94b5ca7dff4d00767bc256fdd1b27e5b17361d7b8a5f968547f9f23eb70d2069",
	"r50k_base":   "306cd27f03c1a714eca7108e03d66b7dc042abe8c258b44c199a7ed9838dd930",
}

var (
	// ErrUnknownEncoding: no checksum is pinned for the encoding's name.
	ErrUnknownEncoding = errors.New("bpe: unknown encoding")
	// ErrChecksum: the rank file is not the one pinned for its encoding.
	ErrChecksum = errors.New("bpe: rank file checksum mismatch")
)

// Encoder holds one encoding's mergeable ranks. In OpenAI's encodings a
// token's rank is also its id. It is immutable and safe for concurrent use.
type Encoder struct {
	ranks  map[string]int // token bytes → rank
	tokens []string       // rank → token bytes
	byte1  [256]int       // rank of every single byte
	pair   []int32        // rank of every two-byte token, -1 if none; index b0<<8|b1
	// short is an open-addressing table of every token of 3 to 7 bytes,
	// keyed by the bytes packed into a uint64 with the length in the top
	// byte (so a key is the token itself): lookups made while merging are
	// mostly of such strings, and mostly miss.
	shortKeys  []uint64 // 0 = empty slot
	shortRanks []int32
	shortShift uint
}

// Load returns the encoder of the named encoding (o200k_base, cl100k_base,
// p50k_base, r50k_base) from the rank files embedded by
// tiktoken-go-loader, verified against its pinned checksum. No network.
func Load(name string) (*Encoder, error) {
	if _, ok := checksums[name]; !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownEncoding, name)
	}
	data, err := assets.Assets.ReadFile(name + ".tiktoken")
	if err != nil {
		return nil, fmt.Errorf("read rank file of %s: %w", name, err)
	}
	return New(name, data)
}

// New returns the encoder for a rank file of the named encoding. The file
// must have the SHA-256 pinned for that name: a truncated, corrupted or
// substituted file is refused with ErrChecksum.
func New(name string, ranks []byte) (*Encoder, error) {
	want, ok := checksums[name]
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownEncoding, name)
	}
	sum := sha256.Sum256(ranks)
	if got := hex.EncodeToString(sum[:]); got != want {
		return nil, fmt.Errorf("%w: %s rank file (%d bytes) has sha256 %s, want %s", ErrChecksum, name, len(ranks), got, want)
	}
	return parse(name, ranks)
}

// Len returns one more than the highest rank. Ids below it name a token,
// except where a file leaves a rank out (p50k_base's 50256, its
// <|endoftext|>, is a special token, not a mergeable one).
func (e *Encoder) Len() int { return len(e.tokens) }

// Token returns the bytes of token id, and false for an id that names no
// token. No token is empty.
func (e *Encoder) Token(id int) (string, bool) {
	if id < 0 || id >= len(e.tokens) || e.tokens[id] == "" {
		return "", false
	}
	return e.tokens[id], true
}

// Decode returns the bytes of ids, one token after the other. An id that
// names no token is an error.
func (e *Encoder) Decode(ids []int) (string, error) {
	var sb strings.Builder
	for _, id := range ids {
		t, ok := e.Token(id)
		if !ok {
			return "", fmt.Errorf("bpe: no token has id %d", id)
		}
		sb.WriteString(t)
	}
	return sb.String(), nil
}

func packShort(s string) uint64 {
	k := uint64(len(s)) << 56
	for i := 0; i < len(s); i++ {
		k |= uint64(s[i]) << (8 * i)
	}
	return k
}

func (e *Encoder) slot(k uint64) int {
	return int((k * 0x9E3779B97F4A7C15) >> e.shortShift)
}

func (e *Encoder) shortRank(s string) int {
	k := packShort(s)
	mask := len(e.shortKeys) - 1
	for i := e.slot(k); ; i = (i + 1) & mask {
		switch e.shortKeys[i] {
		case k:
			return int(e.shortRanks[i])
		case 0:
			return noRank
		}
	}
}

// parse reads a rank file ("<base64 token> <rank>" per line). All token
// bytes share one backing string, so loading costs one allocation per map
// bucket, not per token.
func parse(name string, data []byte) (*Encoder, error) {
	n := bytes.Count(data, []byte{'\n'}) + 1
	arena := make([]byte, 0, len(data)*3/4)
	type span struct{ off, end, rank int }
	spans := make([]span, 0, n)
	maxRank := -1
	var buf [512]byte
	for line, rest := []byte(nil), data; len(rest) > 0; {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			line, rest = rest, nil
		} else {
			line, rest = rest[:i], rest[i+1:]
		}
		if len(line) == 0 {
			continue
		}
		sp := bytes.IndexByte(line, ' ')
		if sp <= 0 {
			return nil, fmt.Errorf("bpe: rank file %s: malformed line %q", name, line)
		}
		if base64.StdEncoding.DecodedLen(sp) > len(buf) {
			return nil, fmt.Errorf("bpe: rank file %s: token too long", name)
		}
		m, err := base64.StdEncoding.Decode(buf[:], line[:sp])
		if err != nil {
			return nil, fmt.Errorf("bpe: rank file %s: %w", name, err)
		}
		rank, err := strconv.Atoi(string(line[sp+1:]))
		if err != nil || rank < 0 {
			return nil, fmt.Errorf("bpe: rank file %s: bad rank in %q", name, line)
		}
		off := len(arena)
		arena = append(arena, buf[:m]...)
		spans = append(spans, span{off, len(arena), rank})
		maxRank = max(maxRank, rank)
	}
	all := string(arena)
	e := &Encoder{
		ranks:  make(map[string]int, len(spans)),
		tokens: make([]string, maxRank+1),
	}
	for _, s := range spans {
		tok := all[s.off:s.end]
		e.ranks[tok] = s.rank
		e.tokens[s.rank] = tok
	}
	nShort := 0
	for tok := range e.ranks {
		if len(tok) >= 3 && len(tok) <= 7 {
			nShort++
		}
	}
	logSize := bits.Len(uint(nShort*2)) + 1 // load factor <= 1/4 .. 1/2
	e.shortKeys = make([]uint64, 1<<logSize)
	e.shortRanks = make([]int32, 1<<logSize)
	e.shortShift = uint(64 - logSize)
	mask := len(e.shortKeys) - 1
	for tok, r := range e.ranks {
		if len(tok) < 3 || len(tok) > 7 {
			continue
		}
		k := packShort(tok)
		i := e.slot(k)
		for e.shortKeys[i] != 0 {
			i = (i + 1) & mask
		}
		e.shortKeys[i], e.shortRanks[i] = k, int32(r)
	}
	e.pair = make([]int32, 1<<16)
	for i := range e.pair {
		e.pair[i] = -1
	}
	for tok, r := range e.ranks {
		if len(tok) == 2 {
			e.pair[int(tok[0])<<8|int(tok[1])] = int32(r)
		}
	}
	for b := range 256 {
		r, ok := e.ranks[string([]byte{byte(b)})]
		if !ok {
			return nil, fmt.Errorf("bpe: rank file %s: byte %#x has no rank", name, b)
		}
		e.byte1[b] = r
	}
	return e, nil
}

// heapThreshold is the piece length (bytes) above which merging uses a heap
// instead of the quadratic scan; both give the same result.
const heapThreshold = 48

// Scratch holds reusable buffers for AppendPiece. A Scratch is used by one
// goroutine at a time; the zero value is ready.
type Scratch struct {
	starts []int
	ranks  []int
	prev   []int32
	next   []int32
	heap   []uint64
}

// AppendPiece appends the token ids of one pre-tokenized piece to out, as
// tiktoken's byte-pair merge gives them; sc may be nil.
func (e *Encoder) AppendPiece(out []int, p string, sc *Scratch) []int {
	if len(p) == 1 {
		return append(out, e.byte1[p[0]])
	}
	if r := e.rankOf(p); r != noRank {
		return append(out, r)
	}
	if sc == nil {
		sc = new(Scratch)
	}
	if len(p) > heapThreshold {
		return e.mergeHeap(out, p, sc)
	}
	return e.mergeScan(out, p, sc)
}

const noRank = int(^uint(0) >> 1)

func (e *Encoder) rankOf(b string) int {
	if len(b) == 1 {
		return e.byte1[b[0]]
	}
	if len(b) == 2 {
		if r := e.pair[int(b[0])<<8|int(b[1])]; r >= 0 {
			return int(r)
		}
		return noRank
	}
	if len(b) >= 3 && len(b) <= 7 {
		return e.shortRank(b)
	}
	if r, ok := e.ranks[b]; ok {
		return r
	}
	return noRank
}

// mergeScan is tiktoken's byte-pair merge: repeatedly merge the adjacent
// pair with the lowest rank, the leftmost one on ties.
func (e *Encoder) mergeScan(out []int, p string, sc *Scratch) []int {
	n := len(p)
	starts := sc.starts[:0]
	ranks := sc.ranks[:0]
	minRank, minIdx := noRank, -1
	for i := 0; i < n-1; i++ {
		r := e.rankOf(p[i : i+2])
		if r < minRank {
			minRank, minIdx = r, i
		}
		starts = append(starts, i)
		ranks = append(ranks, r)
	}
	starts = append(starts, n-1, n)
	ranks = append(ranks, noRank, noRank)
	rankAt := func(i int) int {
		if i+3 < len(starts) {
			return e.rankOf(p[starts[i]:starts[i+3]])
		}
		return noRank
	}
	for minRank != noRank {
		i := minIdx
		if i > 0 {
			ranks[i-1] = rankAt(i - 1)
		}
		ranks[i] = rankAt(i)
		starts = append(starts[:i+1], starts[i+2:]...)
		ranks = append(ranks[:i+1], ranks[i+2:]...)
		minRank, minIdx = noRank, -1
		for j, r := range ranks[:len(ranks)-1] {
			if r < minRank {
				minRank, minIdx = r, j
			}
		}
	}
	for i := 0; i+1 < len(starts); i++ {
		out = append(out, e.rankOf(p[starts[i]:starts[i+1]]))
	}
	sc.starts, sc.ranks = starts, ranks
	return out
}

// mergeHeap gives the same result as mergeScan in O(n log n): parts form a
// linked list, and a min-heap keyed by (rank, position) yields the leftmost
// lowest-rank pair; stale entries are skipped when popped.
func (e *Encoder) mergeHeap(out []int, p string, sc *Scratch) []int {
	n := len(p)
	ranks := grow(sc.ranks, n+1)
	prev := grow(sc.prev, n+1)
	next := grow(sc.next, n+1)
	h := sc.heap[:0]
	for i := 0; i <= n; i++ {
		prev[i] = int32(i - 1)
		next[i] = int32(i + 1)
		ranks[i] = noRank
	}
	// Parts are named by their start offset; ranks[i] is the rank of
	// merging part i with the part after it.
	pairRank := func(i int) int {
		j := next[i]
		if int(j) >= n {
			return noRank
		}
		k := next[j]
		return e.rankOf(p[i:k])
	}
	for i := 0; i < n-1; i++ {
		ranks[i] = e.rankOf(p[i : i+2])
		if ranks[i] != noRank {
			h = heapPush(h, uint64(ranks[i])<<32|uint64(i))
		}
	}
	for len(h) > 0 {
		var top uint64
		top, h = heapPop(h)
		i := int(top & 0xffffffff)
		r := int(top >> 32)
		if ranks[i] != r {
			continue // stale: removed part or changed rank
		}
		// merge part i with its successor j
		j := next[i]
		ranks[j] = -1 // mark removed (never equals a popped rank)
		next[i] = next[j]
		prev[next[j]] = int32(i)
		ranks[i] = pairRank(i)
		if ranks[i] != noRank {
			h = heapPush(h, uint64(ranks[i])<<32|uint64(i))
		}
		if pi := prev[i]; pi >= 0 {
			ranks[pi] = pairRank(int(pi))
			if ranks[pi] != noRank {
				h = heapPush(h, uint64(ranks[pi])<<32|uint64(pi))
			}
		}
	}
	for i := 0; i < n; i = int(next[i]) {
		out = append(out, e.rankOf(p[i:next[i]]))
	}
	sc.ranks, sc.prev, sc.next, sc.heap = ranks, prev, next, h
	return out
}

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

func heapPush(h []uint64, x uint64) []uint64 {
	h = append(h, x)
	i := len(h) - 1
	for i > 0 {
		parent := (i - 1) / 2
		if h[parent] <= x {
			break
		}
		h[i] = h[parent]
		i = parent
	}
	h[i] = x
	return h
}

func heapPop(h []uint64) (uint64, []uint64) {
	top := h[0]
	last := h[len(h)-1]
	h = h[:len(h)-1]
	n := len(h)
	if n == 0 {
		return top, h
	}
	i := 0
	for {
		c := 2*i + 1
		if c >= n {
			break
		}
		if c+1 < n && h[c+1] < h[c] {
			c++
		}
		if last <= h[c] {
			break
		}
		h[i] = h[c]
		i = c
	}
	h[i] = last
	return top, h
}

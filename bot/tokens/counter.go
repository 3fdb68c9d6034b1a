// Package tokens counts tokens with OpenAI's encodings (o200k_base,
// cl100k_base, p50k_base, r50k_base) and estimates per-model cost from a
// model table.
//
// Counts equal OpenAI tiktoken's encode_ordinary: special-token strings such
// as <|endoftext|> are ordinary text. Text is split into pieces here
// (split.go, tiktoken's split patterns) and each piece is merged into ids by
// the byte-pair encoder of package bpe, which reads tiktoken-go-loader's
// offline rank files (no network), pinned by checksum. Both are checked
// against reference fixtures generated with OpenAI's tiktoken and against
// tiktoken-go.
//
// Text is tokenized as bytes, like tiktoken. Input that is not valid UTF-8 is
// accepted: for splitting, each invalid byte counts as the character U+FFFD;
// the invalid bytes themselves are encoded as given (every byte has a token),
// so decoding the ids always gives back the input.
//
// Character classes come from Go's unicode tables (Unicode 15.0); characters
// assigned in later Unicode versions may split differently from tiktoken's
// tables. Such characters are rare and encode as raw bytes either way.
package tokens

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/tokenbot/tokenbot/bot/tokens/bpe"
)

// Encoding names.
const (
	O200KBase  = "o200k_base"
	CL100KBase = "cl100k_base"
	P50KBase   = "p50k_base"
	R50KBase   = "r50k_base"
)

// DefaultMaxBytes is the default size limit of a text to count: 1 MiB.
const DefaultMaxBytes = 1 << 20

var (
	// ErrTooLarge is returned for a text above the counter's size limit.
	ErrTooLarge = errors.New("text too large")
	// ErrUnknownEncoding is returned for an encoding name not in Encodings.
	ErrUnknownEncoding = errors.New("unknown encoding")
)

// Encodings lists the supported encodings, most recent first.
func Encodings() []string {
	return []string{O200KBase, CL100KBase, P50KBase, R50KBase}
}

func splitterFor(name string) (splitter, bool) {
	switch name {
	case O200KBase:
		return splitO200K, true
	case CL100KBase:
		return splitCL100K, true
	case P50KBase, R50KBase:
		return splitGPT2, true
	}
	return nil, false
}

// Options configure a Counter.
type Options struct {
	// MaxBytes is the largest text accepted, in bytes; 0 means 1 MiB.
	MaxBytes int
}

// Counter tokenizes text. It is safe for concurrent use; each encoding's
// vocabulary is loaded once, on first use or by Warm.
type Counter struct {
	maxBytes int
	encs     map[string]*lazyEncoder
	pool     sync.Pool // *bpe.Scratch
}

type lazyEncoder struct {
	name  string
	split splitter
	once  sync.Once
	done  chan struct{}
	v     *bpe.Encoder
	err   error
}

func (l *lazyEncoder) load() (*bpe.Encoder, error) {
	l.once.Do(func() {
		l.v, l.err = bpe.Load(l.name)
		close(l.done)
	})
	return l.v, l.err
}

func (l *lazyEncoder) loaded() bool {
	select {
	case <-l.done:
		return l.err == nil
	default:
		return false
	}
}

// NewCounter returns a Counter. Nothing is loaded until first use or Warm.
func NewCounter(opts Options) *Counter {
	c := &Counter{maxBytes: opts.MaxBytes, encs: map[string]*lazyEncoder{}}
	if c.maxBytes <= 0 {
		c.maxBytes = DefaultMaxBytes
	}
	for _, name := range Encodings() {
		sp, _ := splitterFor(name)
		c.encs[name] = &lazyEncoder{name: name, split: sp, done: make(chan struct{})}
	}
	c.pool.New = func() any { return new(bpe.Scratch) }
	return c
}

// MaxBytes returns the size limit in bytes.
func (c *Counter) MaxBytes() int { return c.maxBytes }

// Warm loads every encoding that is not loaded yet, stopping early when ctx
// is done. It is meant to run in its own goroutine at start-up.
func (c *Counter) Warm(ctx context.Context) {
	bmpTable()
	for _, name := range Encodings() {
		if ctx.Err() != nil {
			return
		}
		_, _ = c.encs[name].load()
	}
}

// Ready reports whether every encoding is loaded.
func (c *Counter) Ready() bool {
	for _, l := range c.encs {
		if !l.loaded() {
			return false
		}
	}
	return true
}

func (c *Counter) check(text string) error {
	if len(text) > c.maxBytes {
		return fmt.Errorf("%w: %s is above the limit of %s", ErrTooLarge, sizeString(len(text)), sizeString(c.maxBytes))
	}
	return nil
}

func sizeString(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.Itoa(n>>20) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.Itoa(n>>10) + " KiB"
	}
	return strconv.Itoa(n) + " bytes"
}

func (c *Counter) encoder(name string) (*lazyEncoder, *bpe.Encoder, error) {
	l, ok := c.encs[name]
	if !ok {
		return nil, nil, fmt.Errorf("%w %q (known: %s)", ErrUnknownEncoding, name, strings.Join(Encodings(), ", "))
	}
	v, err := l.load()
	if err != nil {
		return nil, nil, fmt.Errorf("load %s: %w", name, err)
	}
	return l, v, nil
}

// encode appends the token ids of text to out.
func (c *Counter) encode(out []int, l *lazyEncoder, v *bpe.Encoder, text string) []int {
	sc := c.pool.Get().(*bpe.Scratch)
	k := newClasses()
	for i := 0; i < len(text); {
		j := l.split(k, text, i)
		out = v.AppendPiece(out, text[i:j], sc)
		i = j
	}
	c.pool.Put(sc)
	return out
}

// Encode returns the token ids of text, as tiktoken's encode_ordinary.
func (c *Counter) Encode(encoding, text string) ([]int, error) {
	if err := c.check(text); err != nil {
		return nil, err
	}
	l, v, err := c.encoder(encoding)
	if err != nil {
		return nil, err
	}
	return c.encode(make([]int, 0, len(text)/3+1), l, v, text), nil
}

// Count returns the number of tokens of text.
func (c *Counter) Count(encoding, text string) (int, error) {
	if err := c.check(text); err != nil {
		return 0, err
	}
	l, v, err := c.encoder(encoding)
	if err != nil {
		return 0, err
	}
	return c.count(l, v, text), nil
}

var idsPool = sync.Pool{New: func() any { s := make([]int, 0, 1024); return &s }}

func (c *Counter) count(l *lazyEncoder, v *bpe.Encoder, text string) int {
	p := idsPool.Get().(*[]int)
	ids := c.encode((*p)[:0], l, v, text)
	n := len(ids)
	if cap(ids) <= 1<<16 {
		*p = ids[:0]
		idsPool.Put(p)
	}
	return n
}

// Piece is one token with its bytes shown as text.
type Piece struct {
	ID int `json:"id"`
	// Text is the token's bytes: as is when they are valid UTF-8, otherwise
	// with each byte that is not part of a whole character written as \xNN.
	Text string `json:"text"`
	// Partial is true when the token holds part of a UTF-8 character.
	Partial bool `json:"partial"`
}

// Pieces returns the first max tokens of text with their bytes (all of them
// when max <= 0), and whether the list was truncated.
func (c *Counter) Pieces(encoding, text string, max int) ([]Piece, bool, error) {
	ids, err := c.Encode(encoding, text)
	if err != nil {
		return nil, false, err
	}
	_, v, _ := c.encoder(encoding)
	p, trunc := pieces(v, ids, max)
	return p, trunc, nil
}

func pieces(v *bpe.Encoder, ids []int, max int) ([]Piece, bool) {
	trunc := false
	if max > 0 && len(ids) > max {
		ids, trunc = ids[:max], true
	}
	out := make([]Piece, len(ids))
	for i, id := range ids {
		b, _ := v.Token(id)
		if utf8.ValidString(b) {
			out[i] = Piece{ID: id, Text: b}
		} else {
			out[i] = Piece{ID: id, Text: escapeInvalid(b), Partial: true}
		}
	}
	return out, trunc
}

// escapeInvalid keeps whole UTF-8 characters and writes every other byte as
// \xNN.
func escapeInvalid(b string) string {
	var sb strings.Builder
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRuneInString(b[i:])
		if r == utf8.RuneError && n <= 1 {
			fmt.Fprintf(&sb, `\x%02x`, b[i])
			i++
			continue
		}
		sb.WriteString(b[i : i+n])
		i += n
	}
	return sb.String()
}

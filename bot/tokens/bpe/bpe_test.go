package bpe

import (
	"crypto/sha256"
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pkoukk/tiktoken-go-loader/assets"
)

var names = []string{"o200k_base", "cl100k_base", "p50k_base", "r50k_base"}

// loadAll loads every pinned encoding once per test binary.
var loadAll = sync.OnceValues(func() (map[string]*Encoder, error) {
	out := map[string]*Encoder{}
	for _, n := range names {
		e, err := Load(n)
		if err != nil {
			return nil, err
		}
		out[n] = e
	}
	return out, nil
})

func encoders(t *testing.T) map[string]*Encoder {
	t.Helper()
	encs, err := loadAll()
	if err != nil {
		t.Fatal(err)
	}
	return encs
}

func rankFile(t *testing.T, name string) []byte {
	t.Helper()
	data, err := assets.Assets.ReadFile(name + ".tiktoken")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestEveryEncodingIsPinned: each encoding the counter offers has a
// checksum, its embedded rank file matches it, and the file gives the
// vocabulary size OpenAI publishes.
func TestEveryEncodingIsPinned(t *testing.T) {
	want := map[string]int{"o200k_base": 199998, "cl100k_base": 100256, "p50k_base": 50281, "r50k_base": 50256}
	if len(checksums) != len(names) {
		t.Fatalf("%d checksums pinned, want %d", len(checksums), len(names))
	}
	for n, e := range encoders(t) {
		if e.Len() != want[n] {
			t.Errorf("%s: %d ranks, want %d", n, e.Len(), want[n])
		}
	}
}

// TestCorruptedRankFileIsRefused: a rank file that is not byte for byte
// the pinned one (one byte changed, truncated, another encoding's file, a
// name with no checksum) is refused with an error that says which file and
// why, never parsed.
func TestCorruptedRankFileIsRefused(t *testing.T) {
	good := rankFile(t, "cl100k_base")
	flipped := slices.Clone(good)
	flipped[len(flipped)/2] ^= 0x01
	for _, tc := range []struct {
		name, enc string
		data      []byte
		err       error
		says      string
	}{
		{"one byte changed", "cl100k_base", flipped, ErrChecksum, "cl100k_base rank file"},
		{"truncated", "cl100k_base", good[:len(good)-10], ErrChecksum, "want 223921b7"},
		{"empty", "cl100k_base", nil, ErrChecksum, "(0 bytes)"},
		{"another encoding's file", "o200k_base", good, ErrChecksum, "o200k_base rank file"},
		{"unknown encoding", "gpt5_base", good, ErrUnknownEncoding, `"gpt5_base"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := New(tc.enc, tc.data)
			if e != nil || !errors.Is(err, tc.err) || !strings.Contains(err.Error(), tc.says) {
				t.Fatalf("New = %v, %v; want %v saying %q", e, err, tc.err, tc.says)
			}
		})
	}
	if _, err := Load("gpt5_base"); !errors.Is(err, ErrUnknownEncoding) {
		t.Errorf("Load of an unknown encoding: %v, want ErrUnknownEncoding", err)
	}
}

// TestParseRejectsMalformedFiles: the parser behind the checksum gives a
// clear error, never a panic, on lines that are not "<base64> <rank>".
func TestParseRejectsMalformedFiles(t *testing.T) {
	for _, tc := range []struct{ name, data, says string }{
		{"no rank", "YQ==\n", "malformed line"},
		{"bad base64", "!!! 0\n", "illegal base64"},
		{"bad rank", "YQ== x\n", "bad rank"},
		{"negative rank", "YQ== -1\n", "bad rank"},
		{"token too long", strings.Repeat("QUFB", 200) + " 0\n", "token too long"},
		{"byte without rank", "YQ== 0\n", "has no rank"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := parse("test", []byte(tc.data)); err == nil || !strings.Contains(err.Error(), tc.says) {
				t.Fatalf("parse(%q) = %v, want an error saying %q", tc.data, err, tc.says)
			}
		})
	}
}

// TestKnownPieces pins a few merges: a word that is one token, and one
// that is merged from several.
func TestKnownPieces(t *testing.T) {
	e := encoders(t)["cl100k_base"]
	for _, tc := range []struct {
		piece string
		ids   []int
	}{
		{"hello", []int{15339}},
		{" world", []int{1917}},
		{"a", []int{64}},
		{"tokenbot", []int{5963, 6465}},
	} {
		if got := e.AppendPiece(nil, tc.piece, nil); !slices.Equal(got, tc.ids) {
			t.Errorf("AppendPiece(%q) = %v, want %v", tc.piece, got, tc.ids)
		}
	}
}

// TestDecodeGivesBackThePiece: the ids of any bytes decode to those bytes,
// and an id outside the vocabulary is an error.
func TestDecodeGivesBackThePiece(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for n, e := range encoders(t) {
		var sc Scratch
		for range 200 {
			p := randomPiece(r)
			got, err := e.Decode(e.AppendPiece(nil, p, &sc))
			if err != nil || got != p {
				t.Fatalf("%s: %q decodes to %q, %v", n, p, got, err)
			}
		}
		if _, err := e.Decode([]int{0, e.Len()}); err == nil {
			t.Errorf("%s: Decode of id %d: no error", n, e.Len())
		}
		if _, ok := e.Token(-1); ok {
			t.Errorf("%s: Token(-1) names a token", n)
		}
	}
	// p50k_base has no mergeable token 50256 (<|endoftext|> is special).
	p50k := encoders(t)["p50k_base"]
	if tok, ok := p50k.Token(50256); ok {
		t.Errorf("p50k_base: Token(50256) = %q, a token", tok)
	}
	if _, err := p50k.Decode([]int{50256}); err == nil {
		t.Errorf("p50k_base: Decode of 50256: no error")
	}
}

var alphabet = []string{"a", "b", "e", "z", "Q", " ", "\n", "0", "7", "'", ".", "-", "中", "文", "é", "😀", "ab", "the", "ing"}

func randomPiece(r *rand.Rand) string {
	switch r.IntN(3) {
	case 0:
		return strings.Repeat(alphabet[r.IntN(len(alphabet))], 2+r.IntN(200))
	case 1:
		var sb strings.Builder
		for range 2 + r.IntN(80) {
			sb.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		return sb.String()
	}
	b := make([]byte, 2+r.IntN(300))
	for j := range b {
		b[j] = byte(r.IntN(256))
	}
	return string(b)
}

// TestMergeHeapEqualsScan checks the two merge strategies on long pieces.
func TestMergeHeapEqualsScan(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for n, e := range encoders(t) {
		for range 200 {
			p := randomPiece(r)
			scan := e.mergeScan(nil, p, new(Scratch))
			heap := e.mergeHeap(nil, p, new(Scratch))
			if !slices.Equal(scan, heap) {
				t.Fatalf("%s: merges differ on %q\nscan %v\nheap %v", n, p, scan, heap)
			}
		}
	}
}

// BenchmarkLoad measures what loading an encoding costs, split into the
// checksum and the parse.
func BenchmarkLoad(b *testing.B) {
	for _, n := range names {
		data, err := assets.Assets.ReadFile(n + ".tiktoken")
		if err != nil {
			b.Fatal(err)
		}
		b.Run(n+"/checksum", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				_ = sha256.Sum256(data)
			}
		})
		b.Run(n+"/parse", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := parse(n, data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

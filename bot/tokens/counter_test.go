package tokens

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

func TestPieces(t *testing.T) {
	c := testCounter()
	text := "Hi 世界 <|endoftext|>\n"
	for _, enc := range Encodings() {
		ps, trunc, err := c.Pieces(enc, text, 0)
		if err != nil || trunc {
			t.Fatalf("%s: %v, truncated %v", enc, err, trunc)
		}
		ids, _ := c.Encode(enc, text)
		var sb strings.Builder
		for i, p := range ps {
			if p.ID != ids[i] {
				t.Errorf("%s: piece %d id %d; want %d", enc, i, p.ID, ids[i])
			}
			if p.Partial {
				// undo the \xNN escapes to check the bytes
				s := p.Text
				for strings.Contains(s, `\x`) {
					j := strings.Index(s, `\x`)
					b, err := strconv.ParseUint(s[j+2:j+4], 16, 8)
					if err != nil {
						t.Fatalf("bad escape in %q", p.Text)
					}
					s = s[:j] + string([]byte{byte(b)}) + s[j+4:]
				}
				sb.WriteString(s)
			} else {
				sb.WriteString(p.Text)
			}
		}
		if sb.String() != text {
			t.Errorf("%s: pieces join to %q; want %q", enc, sb.String(), text)
		}
		if len(ps) < 8 || slices.ContainsFunc(ps, func(p Piece) bool { return strings.Contains(p.Text, "<|endoftext|>") }) {
			t.Errorf("%s: <|endoftext|> was not split as ordinary text: %+v", enc, ps)
		}
	}
	// r50k has no token for 世: its pieces hold parts of the character.
	ps, _, _ := c.Pieces(R50KBase, "世", 0)
	if len(ps) < 2 || !ps[0].Partial || !strings.HasPrefix(ps[0].Text, `\xe4`) {
		t.Errorf("r50k pieces of 世 = %+v; want byte-escaped partial pieces", ps)
	}
	ps, trunc, _ := c.Pieces(O200KBase, strings.Repeat("word ", 50), 5)
	if len(ps) != 5 || !trunc {
		t.Errorf("max 5: got %d pieces, truncated %v", len(ps), trunc)
	}
}

func TestSpecialTokensAreOrdinaryText(t *testing.T) {
	c := testCounter()
	for _, enc := range Encodings() {
		ids, err := c.Encode(enc, "<|endoftext|>")
		if err != nil {
			t.Fatal(err)
		}
		if len(ids) < 3 {
			t.Errorf("%s: <|endoftext|> encoded as %v; want ordinary text (several tokens)", enc, ids)
		}
		for _, id := range ids {
			if id == 50256 || id == 100257 || id == 199999 {
				t.Errorf("%s: special token id %d in %v", enc, id, ids)
			}
		}
	}
}

func TestConcurrentUseAndWarm(t *testing.T) {
	c := NewCounter(Options{})
	if c.Ready() {
		t.Fatal("fresh counter reports ready before loading")
	}
	want := map[string]int{O200KBase: 9, CL100KBase: 9, P50KBase: 9, R50KBase: 9}
	text := "The quick brown fox jumps over the lazy dog"
	var wg sync.WaitGroup
	go c.Warm(context.Background())
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			enc := Encodings()[i%4]
			n, err := c.Count(enc, text)
			if err != nil || n != want[enc] {
				t.Errorf("%s: %d, %v; want %d", enc, n, err, want[enc])
			}
		}()
	}
	wg.Wait()
	c.Warm(context.Background())
	if !c.Ready() {
		t.Error("not ready after Warm")
	}
}

var (
	sharedOnce    sync.Once
	sharedCounter *Counter
)

// testCounter returns a Counter shared by tests that do not need a fresh one,
// so vocabularies load once per test binary.
func testCounter() *Counter {
	sharedOnce.Do(func() { sharedCounter = NewCounter(Options{}) })
	return sharedCounter
}

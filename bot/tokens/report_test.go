package tokens

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
)

func testModels() []Model {
	return []Model{
		{ID: "m-o200k", Provider: "p", Encoding: O200KBase, InputPerMTok: 2, CachedInputPerMTok: 1, OutputPerMTok: 8, ContextWindow: 1000, MaxOutput: 100, Exact: true},
		{ID: "m-cl100k", Provider: "p", Encoding: CL100KBase, InputPerMTok: 10, CachedInputPerMTok: 10, OutputPerMTok: 30, ContextWindow: 50, MaxOutput: 10, Exact: true},
		{ID: "m-est", Provider: "q", Encoding: O200KBase, InputPerMTok: 3, CachedInputPerMTok: 0.3, OutputPerMTok: 15, ContextWindow: 200000, MaxOutput: 64000, Exact: false, Estimate: "estimated with o200k_base"},
	}
}

func TestReportCostsAndShares(t *testing.T) {
	c := testCounter()
	text := strings.Repeat("The quick brown fox jumps over the lazy dog. ", 20) + "中文"
	r, err := c.Report(context.Background(), text, testModels(), ReportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Chars != len([]rune(text)) || r.Bytes != len(text) {
		t.Errorf("chars, bytes = %d, %d; want %d, %d", r.Chars, r.Bytes, len([]rune(text)), len(text))
	}
	if len(r.Encodings) != len(Encodings()) {
		t.Fatalf("encodings = %d; want all %d", len(r.Encodings), len(Encodings()))
	}
	want := map[string]int{}
	for i, name := range Encodings() {
		n, err := c.Count(name, text)
		if err != nil {
			t.Fatal(err)
		}
		want[name] = n
		e := r.Encodings[i]
		if e.Name != name || e.Tokens != n {
			t.Errorf("encoding %d = %s %d; want %s %d", i, e.Name, e.Tokens, name, n)
		}
		if math.Abs(e.CharsPerToken-float64(r.Chars)/float64(n)) > 1e-9 {
			t.Errorf("%s chars/token = %v", name, e.CharsPerToken)
		}
	}
	for i, m := range testModels() {
		mc := r.Models[i]
		n := want[m.Encoding]
		if mc.Model != m.ID || mc.Tokens != n || mc.Exact != m.Exact || mc.Encoding != m.Encoding {
			t.Errorf("model %s: got %+v", m.ID, mc)
		}
		if got, w := mc.InputCostUSD, float64(n)*m.InputPerMTok/1e6; math.Abs(got-w) > 1e-12 {
			t.Errorf("%s input cost = %v; want %v", m.ID, got, w)
		}
		if got, w := mc.OutputCostUSD, float64(n)*m.OutputPerMTok/1e6; math.Abs(got-w) > 1e-12 {
			t.Errorf("%s output cost = %v; want %v", m.ID, got, w)
		}
		if got, w := mc.ContextShare, float64(n)/float64(m.ContextWindow); math.Abs(got-w) > 1e-12 {
			t.Errorf("%s context share = %v; want %v", m.ID, got, w)
		}
		if (mc.Estimate != "") == m.Exact {
			t.Errorf("%s estimate note %q with exact=%v", m.ID, mc.Estimate, m.Exact)
		}
	}
	// The cl100k model's window is smaller than the text: share above 1.
	if r.Models[1].ContextShare <= 1 {
		t.Errorf("share of a 50-token window = %v; want > 1", r.Models[1].ContextShare)
	}
	// 1M tokens of input at $2/MTok cost $2: check the unit with a known count.
	one := Model{ID: "x", Encoding: R50KBase, InputPerMTok: 1_000_000, OutputPerMTok: 2_000_000, ContextWindow: 10, MaxOutput: 1}
	r2, err := c.Report(context.Background(), "a a a", []Model{one}, ReportOptions{Encodings: []string{R50KBase}})
	if err != nil {
		t.Fatal(err)
	}
	if r2.Models[0].Tokens != 3 || r2.Models[0].InputCostUSD != 3 || r2.Models[0].OutputCostUSD != 6 || r2.Models[0].ContextShare != 0.3 {
		t.Errorf("'a a a' on r50k: %+v; want 3 tokens, $3 in, $6 out, share 0.3", r2.Models[0])
	}
	if len(r2.Encodings) != 1 {
		t.Errorf("encodings = %v; want only r50k_base", r2.Encodings)
	}
}

func TestReportText(t *testing.T) {
	c := testCounter()
	r, err := c.Report(context.Background(), "Hello, 世界\n", testModels(), ReportOptions{PiecesEncoding: CL100KBase, MaxPieces: 3})
	if err != nil {
		t.Fatal(err)
	}
	if r.PiecesEncoding != CL100KBase || len(r.Pieces) != 3 || !r.PiecesTruncated {
		t.Fatalf("pieces = %v (%s, truncated %v); want 3 of cl100k_base, truncated", r.Pieces, r.PiecesEncoding, r.PiecesTruncated)
	}
	// cl100k: "Hello" "," " " then 世界 as bytes.
	if r.Pieces[0].Text != "Hello" || r.Pieces[1].Text != "," {
		t.Errorf("pieces = %+v", r.Pieces)
	}
	out := r.Text()
	if strings.Contains(out, "│") {
		t.Errorf("report text lists pieces; the boundary view is the caller's:\n%s", out)
	}
	for _, want := range []string{
		"10 characters, 14 bytes", "o200k_base", "cl100k_base", "p50k_base", "r50k_base", "chars/token",
		"m-o200k", "m-cl100k", "m-est", "exact", "estimate", "~ estimated with o200k_base",
		"of 1k", "of 200k",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report text lacks %q:\n%s", want, out)
		}
	}
	if _, err := json.Marshal(r); err != nil {
		t.Errorf("report does not marshal: %v", err)
	}
}

func TestReportEmptyAndInvalid(t *testing.T) {
	c := testCounter()
	r, err := c.Report(context.Background(), "", testModels(), ReportOptions{PiecesEncoding: O200KBase})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range r.Encodings {
		if e.Tokens != 0 || e.CharsPerToken != 0 {
			t.Errorf("empty text: %+v", e)
		}
	}
	if _, err := json.Marshal(r); err != nil {
		t.Errorf("empty report does not marshal (NaN?): %v", err)
	}
	bad := "ok \xff\xfe \xe4\xbd end"
	r, err = c.Report(context.Background(), bad, testModels(), ReportOptions{PiecesEncoding: O200KBase})
	if err != nil {
		t.Fatal(err)
	}
	if r.Bytes != len(bad) || r.Chars != 12 {
		t.Errorf("invalid utf-8: chars, bytes = %d, %d; want 12, %d", r.Chars, r.Bytes, len(bad))
	}
	var partial bool
	for _, p := range r.Pieces {
		if p.Partial {
			partial = true
			if !strings.Contains(p.Text, `\x`) {
				t.Errorf("partial piece %q not byte-escaped", p.Text)
			}
		}
	}
	if !partial {
		t.Errorf("no partial piece for invalid bytes: %+v", r.Pieces)
	}
}

func TestSizeLimit(t *testing.T) {
	c := NewCounter(Options{MaxBytes: 1024})
	text := strings.Repeat("a", 1025)
	for name, call := range map[string]func() error{
		"Count":  func() error { _, err := c.Count(O200KBase, text); return err },
		"Encode": func() error { _, err := c.Encode(CL100KBase, text); return err },
		"Pieces": func() error { _, _, err := c.Pieces(P50KBase, text, 10); return err },
		"Report": func() error {
			_, err := c.Report(context.Background(), text, testModels(), ReportOptions{})
			return err
		},
	} {
		err := call()
		if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "1 KiB") {
			t.Errorf("%s above the limit: err = %v; want ErrTooLarge naming 1 KiB", name, err)
		}
	}
	if n, err := c.Count(O200KBase, text[:1024]); err != nil || n == 0 {
		t.Errorf("at the limit: %d, %v", n, err)
	}
	def := NewCounter(Options{}) // nothing loaded: the limit is checked first
	if _, err := def.Count(R50KBase, strings.Repeat("x", DefaultMaxBytes+1)); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "1 MiB") {
		t.Errorf("default limit: err = %v; want ErrTooLarge naming 1 MiB", err)
	}
}

func TestUnknownEncodingAndCancel(t *testing.T) {
	c := testCounter()
	if _, err := c.Count("o300k_base", "x"); !errors.Is(err, ErrUnknownEncoding) || !strings.Contains(err.Error(), "o200k_base") {
		t.Errorf("unknown encoding: %v", err)
	}
	if _, err := c.Report(context.Background(), "x", nil, ReportOptions{PiecesEncoding: "nope"}); !errors.Is(err, ErrUnknownEncoding) {
		t.Errorf("unknown pieces encoding: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Report(ctx, "x", nil, ReportOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled report: %v", err)
	}
}

func TestPercent(t *testing.T) {
	tests := []struct {
		v    float64
		want string
	}{
		{0, "0%"}, {0.00005, "<0.01%"}, {0.0001, "0.01%"}, {0.0125, "1.25%"}, {0.0999, "9.99%"}, {0.174, "17.4%"}, {1.5, "150.0%"},
	}
	for _, tt := range tests {
		if got := Percent(tt.v); got != tt.want {
			t.Errorf("Percent(%v) = %q, want %q", tt.v, got, tt.want)
		}
	}
}

// The report's labels follow the asker's language; its numbers and its
// columns stay, aligned for wide characters.
func TestReportTextInChinese(t *testing.T) {
	c := testCounter()
	r, err := c.Report(context.Background(), "Hello, 世界\n", testModels(), ReportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out := r.TextIn("zh")
	for _, want := range []string{"10 个字符，14 字节", "编码", "字符/token", "模型", "作为输出", "上下文", "精确", "估算", "1k 的 "} {
		if !strings.Contains(out, want) {
			t.Errorf("Chinese report lacks %q:\n%s", want, out)
		}
	}
	for _, not := range []string{"characters", "encoding", "exact"} {
		if strings.Contains(out, not) {
			t.Errorf("Chinese report has %q:\n%s", not, out)
		}
	}
	// The encodings table's last column is right-aligned: every line of
	// it, heading included, is as wide as the others.
	tables := strings.Split(strings.TrimSpace(out), "\n\n")
	if len(tables) < 2 {
		t.Fatalf("no encodings table:\n%s", out)
	}
	lines := strings.Split(tables[1], "\n")
	for _, l := range lines[1:] {
		if Width(l) != Width(lines[0]) {
			t.Errorf("line %q is %d columns, the heading %q is %d", l, Width(l), lines[0], Width(lines[0]))
		}
	}
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tokenbot/tokenbot/bot/bottest"
)

// repeatReader yields b forever, or n bytes of it when n > 0.
type repeatReader struct {
	b byte
	n int64
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.n < 0 {
		return 0, io.EOF
	}
	if r.n > 0 && int64(len(p)) > r.n {
		p = p[:r.n]
	}
	for i := range p {
		p[i] = r.b
	}
	if r.n > 0 {
		if r.n -= int64(len(p)); r.n == 0 {
			r.n = -1
		}
	}
	return len(p), nil
}

// A line over the cap is skipped with its number however long it is (the
// buffer never grows past the cap), and the lines after it are still read.
func TestEachMessageLineCap(t *testing.T) {
	const capBytes = 1 << 10
	in := io.MultiReader(strings.NewReader("first\n"), &repeatReader{b: 'a', n: 64 << 20},
		strings.NewReader("\n"+strings.Repeat("b", capBytes)+"\nlast"))
	var got, skipped []string
	err := eachMessage(context.Background(), in, false, capBytes, func(id, text string) error {
		got = append(got, fmt.Sprintf("%s:%d", id, len(text)))
		return nil
	}, func(n int, why string) { skipped = append(skipped, fmt.Sprintf("%d: %s", n, why)) })
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"1:5", fmt.Sprintf("3:%d", capBytes), "4:4"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("messages = %v, want %v", got, want)
	}
	if want := []string{"2: longer than 1024 bytes"}; fmt.Sprint(skipped) != fmt.Sprint(want) {
		t.Errorf("skipped = %v, want %v", skipped, want)
	}
}

func TestEachMessageEnds(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name    string
		ctx     context.Context
		in      io.Reader
		wantErr string
	}{
		{"endless zeros", context.Background(), &repeatReader{b: 0}, "line 1 holds a NUL byte"},
		{"zeros after text", context.Background(), io.MultiReader(strings.NewReader("ok\nok\n"), &repeatReader{b: 0}), "line 3 holds a NUL byte"},
		{"interrupted", cancelled, &repeatReader{b: 'x'}, "stopped before line 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := eachMessage(tt.ctx, tt.in, false, maxScanLine, func(string, string) error { return nil }, func(int, string) {})
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
			if tt.ctx.Err() != nil && !errors.Is(err, context.Canceled) {
				t.Errorf("err = %v, want context.Canceled", err)
			}
		})
	}
}

// A malformed --jsonl line is named and skipped; the lines after it are
// scanned, and the exit status is 2.
func TestScanBadLines(t *testing.T) {
	key := bottest.AnthropicKey(51)
	tests := []struct {
		name, in   string
		args       []string
		wantCode   int
		wantStderr []string
		wantOut    string
	}{
		{"malformed jsonl", `{"id":"a","text":"hi"}` + "\n{not json\n" + `{"text":5}` + "\n" + `{"id":"d","text":"key ` + key + `"}` + "\n",
			[]string{"scan", "--jsonl"}, 2, []string{"line 2 skipped", "line 3 skipped", "2 line(s) skipped"}, "d:"},
		{"invalid UTF-8", "ok\n\xff\xfe\nkey " + key + "\n", []string{"scan"}, 2, []string{"line 2 skipped: not valid UTF-8"}, "3:"},
		{"binary input", "ok\x00\n", []string{"scan"}, 2, []string{"line 1 holds a NUL byte"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := tokenbot(t, t.TempDir(), tt.in, tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d (%s)", code, tt.wantCode, stderr)
			}
			for _, w := range tt.wantStderr {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q: %s", w, stderr)
				}
			}
			if tt.wantOut != "" && !strings.Contains(out, tt.wantOut) {
				t.Errorf("output lacks %q: %s", tt.wantOut, out)
			}
			if strings.Contains(out+stderr, key) {
				t.Error("output repeats the key")
			}
		})
	}
}

// eachMessage never panics, never hands on more than the cap or invalid
// UTF-8, and accounts for every line.
func FuzzEachMessage(f *testing.F) {
	for _, s := range []string{"a\nb\n", `{"id":1,"text":"x"}` + "\n{bad\n", "\xff\n" + strings.Repeat("z", 40) + "\nend", "\n\n\n"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, in string, jsonl bool) {
		const capBytes = 16
		seen := 0
		err := eachMessage(context.Background(), strings.NewReader(in), jsonl, capBytes, func(id, text string) error {
			seen++
			if !jsonl && (len(text) > capBytes || !utf8.ValidString(text)) {
				t.Fatalf("message %s: %q", id, text)
			}
			return nil
		}, func(int, string) { seen++ })
		if err == nil && seen > strings.Count(in, "\n")+1 {
			t.Fatalf("%d messages and skips from %d lines", seen, strings.Count(in, "\n")+1)
		}
	})
}

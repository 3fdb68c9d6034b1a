package leaks

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

type expect struct {
	Secret     string `json:"secret"`
	Start      int    `json:"start"`
	End        int    `json:"end"`
	Provider   string `json:"provider"`
	RuleID     string `json:"rule_id"`
	Confidence string `json:"confidence"`
}

type positive struct {
	Format string   `json:"format"`
	Lang   string   `json:"lang"`
	Text   string   `json:"text"`
	Expect []expect `json:"expect"`
}

type lookalike struct {
	Why  string `json:"why"`
	Text string `json:"text"`
}

func loadJSON[T any](t testing.TB, name string) []T {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("read corpus (run go generate ./bot/leaks): %v", err)
	}
	var v []T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	return v
}

func scanner(t testing.TB) *Scanner {
	t.Helper()
	s, err := DefaultScanner()
	if err != nil {
		t.Fatalf("DefaultScanner: %v", err)
	}
	return s
}

func TestCorpusShape(t *testing.T) {
	pos := loadJSON[positive](t, "positives.json")
	looks := loadJSON[lookalike](t, "lookalikes.json")
	perFormat := map[string]int{}
	langs := map[string]map[string]bool{}
	for _, p := range pos {
		perFormat[p.Format]++
		if langs[p.Format] == nil {
			langs[p.Format] = map[string]bool{}
		}
		langs[p.Format][p.Lang] = true
	}
	for f, n := range perFormat {
		if n < 5 {
			t.Errorf("format %s has %d messages, want at least 5", f, n)
		}
		if !langs[f]["en"] || !langs[f]["zh"] {
			t.Errorf("format %s lacks English or Chinese messages: %v", f, langs[f])
		}
	}
	if len(looks) < 50 {
		t.Errorf("%d look-alikes, want at least 50", len(looks))
	}
}

func TestCorpusPositivesFound(t *testing.T) {
	s := scanner(t)
	found, total := 0, 0
	for _, p := range loadJSON[positive](t, "positives.json") {
		fs := s.Scan(p.Text)
		for _, e := range p.Expect {
			total++
			var got *Finding
			for i := range fs {
				if fs[i].Start == e.Start && fs[i].End == e.End {
					got = &fs[i]
				}
			}
			if got == nil {
				t.Errorf("%s/%s: secret at [%d,%d) not found; findings %v\ntext: %s", p.Format, p.Lang, e.Start, e.End, fs, Redact(p.Text, fs))
				continue
			}
			if got.secret != e.Secret || got.Provider != e.Provider || got.RuleID != e.RuleID || string(got.Confidence) != e.Confidence {
				t.Errorf("%s/%s: got %v, want rule %s provider %s confidence %s", p.Format, p.Lang, *got, e.RuleID, e.Provider, e.Confidence)
				continue
			}
			found++
		}
		if len(fs) != len(p.Expect) {
			t.Errorf("%s/%s: %d findings, want %d: %v", p.Format, p.Lang, len(fs), len(p.Expect), fs)
		}
	}
	t.Logf("positives found: %d/%d", found, total)
}

func TestCorpusLookalikesNotTakenDown(t *testing.T) {
	s := scanner(t)
	p := DefaultPolicy()
	warned := 0
	looks := loadJSON[lookalike](t, "lookalikes.json")
	for _, l := range looks {
		for _, f := range s.Scan(l.Text) {
			switch d := p.Decide(f, f.Fingerprint([]byte("k")), "general"); d {
			case Takedown:
				t.Errorf("look-alike (%s) would be taken down: %v\ntext: %s", l.Why, f, l.Text)
			case Warn:
				warned++
				t.Logf("look-alike (%s) warns: %v", l.Why, f)
			}
		}
	}
	t.Logf("look-alikes: %d, taken down: 0 wanted, warnings: %d", len(looks), warned)
}

// visible splits a masked preview into what it shows before and after "…".
func visible(masked string) (head, tail string, ok bool) {
	head, tail, ok = strings.Cut(masked, "…")
	return
}

func TestMaskedPreviewShowsPrefixAndLastFourAtMost(t *testing.T) {
	s := scanner(t)
	for _, p := range loadJSON[positive](t, "positives.json") {
		for _, f := range s.Scan(p.Text) {
			head, tail, ok := visible(f.Masked)
			if !ok {
				t.Errorf("%s: masked %q has no ellipsis", p.Format, f.Masked)
				continue
			}
			if f.Masked == f.secret || strings.Contains(f.Masked, f.secret) {
				t.Errorf("%s: masked form contains the secret", p.Format)
			}
			// The preview is of the key as matched: joined across a wrap
			// or decoded from base64.
			key := f.secret
			if f.key != "" {
				key = f.key
			}
			if strings.Contains(f.Masked, key) {
				t.Errorf("%s: masked form contains the key", p.Format)
			}
			if utf8.RuneCountInString(tail) > 4 || !strings.HasSuffix(key, tail) {
				t.Errorf("%s: masked %q shows more than the last 4 characters", p.Format, f.Masked)
			}
			if !strings.HasPrefix(key, head) {
				t.Errorf("%s: masked %q head is not the key's prefix", p.Format, f.Masked)
			}
			if head != "" && !strings.ContainsAny(head[len(head)-1:], "-_") && !knownPrefix(head) {
				t.Errorf("%s: masked %q shows %q, not a provider prefix", p.Format, f.Masked, head)
			}
			if 2*(utf8.RuneCountInString(head)+utf8.RuneCountInString(tail)) > utf8.RuneCountInString(key) {
				t.Errorf("%s: masked %q shows more than half of the secret", p.Format, f.Masked)
			}
		}
	}
}

func knownPrefix(p string) bool {
	switch p {
	case "AIza", "AKIA", "ASIA", "A3T", "ABIA", "ACCA":
		return true
	}
	return false
}

func TestRedactRemovesEverySecret(t *testing.T) {
	s := scanner(t)
	for _, p := range loadJSON[positive](t, "positives.json") {
		fs := s.Scan(p.Text)
		out := Redact(p.Text, fs)
		for _, e := range p.Expect {
			if strings.Contains(out, e.Secret) {
				t.Errorf("%s: redacted text still holds the secret", p.Format)
			}
		}
		for _, f := range fs {
			if !strings.Contains(out, f.Masked) {
				t.Errorf("%s: redacted text lacks the preview %q", p.Format, f.Masked)
			}
		}
	}
	// The same key pasted twice, and findings from another text.
	key := "ghp_" + strings.Repeat("aB3dE5gH7j", 3) + "K9mN0p"
	text := "token " + key + " and again " + key
	fs := s.Scan(text)
	if strings.Contains(Redact(text, fs), key) || strings.Contains(Redact("other: "+key, fs), key) {
		t.Errorf("Redact left a copy of the key")
	}
	if Redact("plain", nil) != "plain" {
		t.Errorf("Redact changed text without findings")
	}
}

package leaks

import (
	"encoding/base64"
	"encoding/hex"
	"math/rand/v2"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/zricethezav/gitleaks/v8/detect"
)

var gitleaksDetector = sync.OnceValues(detect.NewDetectorDefaultConfig)

func gitleaks(tb testing.TB) *detect.Detector {
	tb.Helper()
	d, err := gitleaksDetector()
	if err != nil {
		tb.Fatalf("gitleaks detector: %v", err)
	}
	return d
}

// TestCompareWithGitleaks runs gitleaks' own detector on the corpus: every
// secret gitleaks finds, the chat scanner finds too; the ones gitleaks misses
// are listed (CJK punctuation, sentence ends, brackets, URL and Slack markup
// after a key, and the provider formats gitleaks has no rule for).
func TestCompareWithGitleaks(t *testing.T) {
	s := scanner(t)
	d := gitleaks(t)
	ours, theirs, total := 0, 0, 0
	missedBy := map[string]int{}
	for _, p := range loadJSON[positive](t, "positives.json") {
		gl := d.DetectString(p.Text)
		fs := s.Scan(p.Text)
		for _, e := range p.Expect {
			total++
			glFound := false
			for _, g := range gl {
				if g.Secret == e.Secret {
					glFound = true
				}
			}
			weFound := false
			for _, f := range fs {
				if f.secret == e.Secret {
					weFound = true
				}
			}
			if glFound {
				theirs++
			} else {
				missedBy[p.Format]++
			}
			if weFound {
				ours++
			}
			if glFound && !weFound {
				t.Errorf("%s: gitleaks finds the secret, the chat scanner does not:\n%s", p.Format, Redact(p.Text, fs))
			}
		}
	}
	t.Logf("corpus positives: %d; chat scanner found %d, gitleaks v8.30.1 found %d", total, ours, theirs)
	t.Logf("missed by gitleaks, per format: %v", missedBy)
}

// TestDecodingComparedWithGitleaks pins what is left out on purpose
// (docs/decisions/scanner.md): gitleaks' command line (--max-decode-depth
// 5, its default) decodes base64, hex, percent and \u escapes recursively;
// the chat scanner decodes one level of base64 only. gitleaks' library
// default (MaxDecodeDepth 0, what the corpus comparison uses) decodes
// nothing.
func TestDecodingComparedWithGitleaks(t *testing.T) {
	s := scanner(t)
	cli, err := detect.NewDetectorDefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	cli.MaxDecodeDepth = 5
	lib := gitleaks(t)
	key := "ghp_R2d2C3poBb8Luke1Leia2Han3Chewie4Yoda"
	line := "GITHUB_TOKEN=" + key
	b64 := base64.StdEncoding.EncodeToString([]byte(line))
	for _, tc := range []struct {
		name, text     string
		lib, cli, ours bool
	}{
		{"plain", line, true, true, true},
		{"base64", "data: " + b64, false, true, true},
		{"base64 twice", "data: " + base64.StdEncoding.EncodeToString([]byte(b64)), false, true, false},
		{"hex", "data: " + hex.EncodeToString([]byte(line)), false, true, false},
		{"percent", "https://example.com/?q=" + strings.ReplaceAll(url.QueryEscape(line), "_", "%5F"), false, true, false},
		{"unicode escapes", `"\u0067\u0068\u0070\u005f` + key[len("ghp_"):] + `"`, false, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			found := func(ids []string) bool {
				for _, id := range ids {
					if id == "github-pat" {
						return true
					}
				}
				return false
			}
			var libIDs, cliIDs, ourIDs []string
			for _, f := range lib.DetectString(tc.text) {
				libIDs = append(libIDs, f.RuleID)
			}
			for _, f := range cli.DetectString(tc.text) {
				cliIDs = append(cliIDs, f.RuleID)
			}
			for _, f := range s.Scan(tc.text) {
				ourIDs = append(ourIDs, f.RuleID)
			}
			if found(libIDs) != tc.lib || found(cliIDs) != tc.cli || found(ourIDs) != tc.ours {
				t.Errorf("github-pat found: gitleaks library %v (want %v), gitleaks CLI %v (want %v), tokenbot %v (want %v)",
					found(libIDs), tc.lib, found(cliIDs), tc.cli, found(ourIDs), tc.ours)
			}
		})
	}
}

// chatCorpus is a chat-like benchmark corpus: mostly clean ~128-byte
// messages, some that mention keys/tokens, some that carry a key.
func chatCorpus(tb testing.TB) (clean, keyword, leaky []string) {
	r := rand.New(rand.NewPCG(7, 7))
	words := strings.Fields("the deploy went fine today we should ship the new onboarding flow before friday and check metrics on the dashboard after lunch please review my pull request when you have time 我们 明天 开会 讨论 一下 上线 计划 吧")
	msg := func(extra string) string {
		var b strings.Builder
		for b.Len() < 128-len(extra) {
			b.WriteString(words[r.IntN(len(words))])
			b.WriteByte(' ')
		}
		b.WriteString(extra)
		return b.String()
	}
	for i := 0; i < 64; i++ {
		clean = append(clean, msg(""))
		keyword = append(keyword, msg([]string{"where is the api key?", "token limits for gpt-4o?", "rotate the secret key", "我的 key 过期了"}[i%4]))
	}
	for _, p := range loadJSON[positive](tb, "positives.json") {
		leaky = append(leaky, p.Text)
	}
	return clean, keyword, leaky
}

func TestBenchmarkCorpusAgrees(t *testing.T) {
	s := scanner(t)
	d := gitleaks(t)
	clean, keyword, _ := chatCorpus(t)
	for _, m := range append(clean, keyword...) {
		if fs := s.Scan(m); len(fs) != 0 {
			t.Errorf("finding in a clean message: %v", fs)
		}
		if gl := d.DetectString(m); len(gl) != 0 {
			t.Errorf("gitleaks finds something in a clean message: %d", len(gl))
		}
	}
}

func benchScan(b *testing.B, msgs []string, scan func(string) int) {
	b.ReportAllocs()
	n := 0
	for i := 0; b.Loop(); i++ {
		n += scan(msgs[i%len(msgs)])
	}
	_ = n
}

func BenchmarkScan(b *testing.B) {
	s := scanner(b)
	d := gitleaks(b)
	clean, keyword, leaky := chatCorpus(b)
	ours := func(m string) int { return len(s.Scan(m)) }
	theirs := func(m string) int { return len(d.DetectString(m)) }
	// mixed: a chat-like stream, 80% clean, 16% mention keys, 4% leak one.
	var mixed []string
	for i := 0; i < 100; i++ {
		switch {
		case i%25 == 0:
			mixed = append(mixed, leaky[(i/25*37)%len(leaky)])
		case i%6 == 0:
			mixed = append(mixed, keyword[i%len(keyword)])
		default:
			mixed = append(mixed, clean[i%len(clean)])
		}
	}
	// A running bot builds each rule's fast path once, on the first message
	// with one of its keywords: do that before timing.
	for _, m := range append(append(append([]string(nil), clean...), keyword...), leaky...) {
		ours(m)
	}
	// lookalike: half the messages are look-alikes (placeholders, hashes,
	// UUIDs, masked keys), the others chat.
	var looks []string
	for i, l := range loadJSON[lookalike](b, "lookalikes.json") {
		looks = append(looks, l.Text, []string{clean[i%len(clean)], keyword[i%len(keyword)]}[i%2])
	}
	for _, m := range looks {
		ours(m)
	}
	for _, c := range []struct {
		name string
		msgs []string
	}{{"clean", clean}, {"keyword", keyword}, {"leaky", leaky}, {"mixed", mixed}, {"lookalike", looks}} {
		b.Run(c.name+"/tokenbot", func(b *testing.B) { benchScan(b, c.msgs, ours) })
		b.Run(c.name+"/gitleaks", func(b *testing.B) { benchScan(b, c.msgs, theirs) })
	}
}

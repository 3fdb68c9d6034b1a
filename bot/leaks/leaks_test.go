package leaks

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"regexp"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// testKey is a well-formed, never-real Anthropic key (93 characters
// between prefix and the "AA" suffix).
var testKey = "sk-ant-api03-" + ("Zq7Rk2Lm9Xw4Vb8Nc3Hd6Jf1Gt5Ys0Pe7Qa2Wu4Io9Kj3Mn8Bv6Cx1Zl5Ar7Sd2Fg4Hh9Jk3Ll8Qw6Ee1Rr5Tt7Yy2Uu4Ii9Oo3Pp" + "Mq2Nw4Ez6Rx8Tc0")[:93] + "AA"

func TestFindingNeverShowsSecret(t *testing.T) {
	s := scanner(t)
	fs := s.Scan("ANTHROPIC_API_KEY=" + testKey)
	if len(fs) != 1 {
		t.Fatalf("want 1 finding, got %v", fs)
	}
	f := fs[0]
	var logBuf bytes.Buffer
	slog.New(slog.NewJSONHandler(&logBuf, nil)).Info("leak", "finding", f, "ptr", &f)
	js, err := json.Marshal(map[string]any{"f": f, "all": fs})
	if err != nil {
		t.Fatal(err)
	}
	outputs := map[string]string{
		"%v": fmt.Sprintf("%v", f), "%+v": fmt.Sprintf("%+v", f), "%#v": fmt.Sprintf("%#v", f),
		"%s": fmt.Sprintf("%s", f), "%q": fmt.Sprintf("%q", f), "%x": fmt.Sprintf("%x", f),
		"slice": fmt.Sprintf("%+v", fs), "pointer": fmt.Sprintf("%v", &f), "String": f.String(),
		"GoString": f.GoString(), "error": fmt.Errorf("wrapped: %v", f).Error(),
		"json": string(js), "slog": logBuf.String(),
	}
	secretTail := testKey[20:60]
	for how, out := range outputs {
		if strings.Contains(out, testKey) || strings.Contains(out, secretTail) {
			t.Errorf("%s output leaks the secret: %s", how, out)
		}
		if !strings.Contains(out, "…") && how != "%q" && how != "json" && how != "slog" {
			t.Errorf("%s output lacks the masked preview: %s", how, out)
		}
	}
	if f.Masked != "sk-ant-api03-…"+testKey[len(testKey)-4:] {
		t.Errorf("masked = %q", f.Masked)
	}
	if f.Provider != "Anthropic" || f.Confidence != High || f.RevokeURL() != "https://platform.claude.com/settings/keys" {
		t.Errorf("finding = %v, revoke %q", f, f.RevokeURL())
	}
}

func TestFingerprint(t *testing.T) {
	s := scanner(t)
	a := s.Scan("key " + testKey)[0]
	b := s.Scan("again: " + testKey + "\n")[0]
	other := s.Scan("ghp_" + "Ab3De5Gh7Jk9Mn1Pq3St5Vw7Yz9Bc1Ef3Hj5K")[0]
	fa := a.Fingerprint([]byte("k1"))
	if ok, _ := regexp.MatchString(`^[0-9a-f]{32}$`, fa); !ok {
		t.Fatalf("fingerprint %q is not 32 hex characters", fa)
	}
	if fa != b.Fingerprint([]byte("k1")) {
		t.Errorf("same secret, different fingerprints")
	}
	if fa == a.Fingerprint([]byte("k2")) || fa == other.Fingerprint([]byte("k1")) {
		t.Errorf("fingerprint ignores the key or the secret")
	}
	if strings.Contains(testKey, fa) {
		t.Errorf("fingerprint contains the secret")
	}
}

func TestRevokeURLPerProvider(t *testing.T) {
	s := scanner(t)
	for _, p := range loadJSON[positive](t, "positives.json") {
		for _, f := range s.Scan(p.Text) {
			if !strings.HasPrefix(f.RevokeURL(), "https://") {
				t.Errorf("%s: provider %q has no revoke URL", p.Format, f.Provider)
			}
		}
	}
	unknown := Finding{Provider: "Acme"}
	if unknown.RevokeURL() != "" {
		t.Errorf("unknown provider: url %q, want none", unknown.RevokeURL())
	}
}

func TestScanEdgeCases(t *testing.T) {
	s := scanner(t)
	cases := []struct {
		name, text string
		want       int
	}{
		{"empty", "", 0},
		{"invalid utf-8 around a key", "\xff\xfe" + testKey + "\xc3", 1},
		{"full-width colon", "key：" + testKey + "。", 1},
		{"slack mailto markup", "<mailto:a@b.co|a@b.co> " + testKey, 1},
		{"block quote", "> " + testKey, 1},
		{"huge clean", strings.Repeat("hello world ", ScanLimit/12), 0},
		{"nul bytes", "\x00" + testKey + "\x00", 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fs := s.Scan(c.text)
			if len(fs) != c.want {
				t.Fatalf("got %d findings, want %d: %v", len(fs), c.want, fs)
			}
			for _, f := range fs {
				if c.text[f.Start:f.End] != testKey {
					t.Errorf("offsets [%d,%d) do not frame the key", f.Start, f.End)
				}
			}
		})
	}
}

// TestScanOverLimitIsUnsafe: a text over ScanLimit is not scanned; Scan
// reports it unsafe (one high-confidence UnscannedRuleID finding, taken
// down by the default policy) and ScanContext with ErrTooLarge.
func TestScanOverLimitIsUnsafe(t *testing.T) {
	s := scanner(t)
	text := strings.Repeat("hello world ", ScanLimit/12+1)
	fs := s.Scan(text)
	if len(fs) != 1 || fs[0].RuleID != UnscannedRuleID || fs[0].Confidence != High {
		t.Fatalf("Scan over the limit = %v, want one %s finding", fs, UnscannedRuleID)
	}
	if d := (Policy{}).Decide(fs[0], ""); d != Takedown {
		t.Errorf("default policy on an unscanned text: %s, want %s", d, Takedown)
	}
	if _, err := s.ScanContext(context.Background(), text); !errors.Is(err, ErrTooLarge) {
		t.Errorf("ScanContext over the limit: %v, want ErrTooLarge", err)
	}
}

// TestScanHonoursContext: a cancelled scan stops with the context's error.
func TestScanHonoursContext(t *testing.T) {
	s := scanner(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.ScanContext(ctx, "key="+testKey); !errors.Is(err, context.Canceled) {
		t.Fatalf("ScanContext with a cancelled context: %v, want context.Canceled", err)
	}
}

func TestScanConcurrent(t *testing.T) {
	s := scanner(t)
	pos := loadJSON[positive](t, "positives.json")
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, p := range pos {
				if fs := s.Scan(p.Text); len(fs) != len(p.Expect) {
					t.Errorf("%s: %d findings", p.Format, len(fs))
				}
			}
		}()
	}
	wg.Wait()
}

// TestAnchoredMatchingEqualsFullRegex checks the fast path against the
// rule's regex run over the whole message, on the corpus.
func TestAnchoredMatchingEqualsFullRegex(t *testing.T) {
	s := scanner(t)
	texts := corpusTexts(t)
	texts = append(texts, "api_key = abc123def456ghi789 and token: zzz999yyy888xxx777 key=k1k2k3k4k5k6k7k8k9")
	for _, text := range texts {
		compareFastSlow(t, s, text)
	}
}

// corpusTexts returns the corpus' positives and look-alikes, normalized
// as the rules see them.
func corpusTexts(t testing.TB) []string {
	var texts []string
	for _, p := range loadJSON[positive](t, "positives.json") {
		texts = append(texts, normalize(p.Text))
	}
	for _, l := range loadJSON[lookalike](t, "lookalikes.json") {
		texts = append(texts, normalize(l.Text))
	}
	return texts
}

// matches returns the rule's matches in t, as FindAllStringSubmatchIndex
// would, from the keyword positions qs (see eachMatch).
func (r *rule) matches(t string, qs []int, w *work) [][]int {
	var out [][]int
	r.eachMatch(t, qs, w, nil, func(m []int) bool {
		out = append(out, m)
		return true
	})
	return out
}

func compareFastSlow(t *testing.T, s *Scanner, text string) {
	t.Helper()
	for ri, pos := range keywordPositions(s, text) {
		r := s.rules[ri]
		slow := r.re.FindAllStringSubmatchIndex(text, -1)
		fast := r.matches(text, pos, &work{})
		if fmt.Sprint(fast) != fmt.Sprint(slow) {
			t.Errorf("rule %s: anchored %v != full %v on %q", r.id, fast, slow, text)
		}
	}
}

// FuzzScan: on any text the scan does not fail (no rule panics: the
// recovery in scan would report the text unsafe and count it, so it is
// checked here, not relied on), findings lie inside the text, sorted and
// apart, Redact keeps valid UTF-8 valid, and each rule's windowed matching
// equals its regex over the whole text.
func FuzzScan(f *testing.F) {
	for _, p := range loadJSON[positive](f, "positives.json") {
		f.Add([]byte(p.Text))
	}
	for _, l := range loadJSON[lookalike](f, "lookalikes.json") {
		f.Add([]byte(l.Text))
	}
	f.Add([]byte("\xff\xfe\x00key=" + testKey + "，"))
	s := scanner(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		text := string(data)
		if len(text) > ScanLimit {
			return
		}
		fs, err := s.ScanContext(context.Background(), text)
		if err != nil || s.Failures() != 0 {
			t.Fatalf("scan failed (%d failures so far): %v", s.Failures(), err)
		}
		for i, x := range fs {
			if x.Start < 0 || x.End > len(text) || x.Start >= x.End {
				t.Fatalf("offsets [%d,%d) out of range (len %d)", x.Start, x.End, len(text))
			}
			if x.Masked == x.secret || text[x.Start:x.End] != x.secret {
				t.Fatalf("masked equals the secret or offsets wrong: %v", x)
			}
			if i > 0 && fs[i-1].Start > x.Start {
				t.Fatalf("findings not sorted")
			}
			if i > 0 && fs[i-1].End > x.Start {
				t.Fatalf("overlapping findings %v %v", fs[i-1], x)
			}
		}
		if out := Redact(text, fs); utf8.ValidString(text) && !utf8.ValidString(out) {
			t.Fatalf("Redact broke valid UTF-8")
		}
		if len(text) < 2048 {
			compareFastSlow(t, s, normalize(text))
		}
	})
}

func TestNewScannerConfig(t *testing.T) {
	openai := "sk-" + "Ab3De5Gh7Jk9Mn1Pq3St" + "T3BlbkFJ" + "Uv5Wx7Yz9Bc1Ef3Hj5Kl"
	cases := []struct {
		name    string
		toml    string
		wantErr string
		text    string
		want    int
	}{
		{name: "empty means defaults", toml: "", text: "k " + openai, want: 1},
		{name: "bad toml", toml: "[extend\nuseDefault = true", wantErr: "parse toml"},
		{name: "unknown key", toml: "[extend]\nuseDefault = true\n[[rules]]\nid = \"x\"\nregex = 'x'\nfrobnicate = 1", wantErr: "unknown keys: rules.frobnicate"},
		{name: "bad regex names the rule", toml: "[extend]\nuseDefault = true\n[[rules]]\nid = \"broken\"\nregex = '(unclosed'", wantErr: `rule "broken" regex`},
		{name: "extend path refused", toml: "[extend]\npath = \"/etc/gitleaks.toml\"", wantErr: "path/url is not supported"},
		{name: "missing target rule", toml: "[extend]\nuseDefault = true\n[[allowlists]]\ntargetRules = [\"nope\"]\nregexes = ['x']", wantErr: `target rule id "nope" does not exist`},
		{name: "secret group out of range", toml: "[[rules]]\nid = \"g\"\nregex = 'a(b)'\nsecretGroup = 3", wantErr: "invalid regex secret group"},
		{name: "targeted allowlist silences a default rule", text: "k " + openai, want: 0,
			toml: "[extend]\nuseDefault = true\n[[allowlists]]\ntargetRules = [\"openai-api-key\", \"sk-prefixed-api-key\"]\nregexes = ['Ab3De5Gh7']"},
		{name: "disabled rule", text: "k " + openai, want: 0,
			toml: "[extend]\nuseDefault = true\ndisabledRules = [\"openai-api-key\", \"sk-prefixed-api-key\"]"},
		{name: "override-only rule adds an allowlist", text: "k " + openai, want: 1,
			toml: "[extend]\nuseDefault = true\n[[rules]]\nid = \"openai-api-key\"\n[[rules.allowlists]]\nregexes = ['Ab3De5Gh7']"},
		{name: "config without useDefault replaces the rules", text: "k " + openai + " ACME-123456", want: 1,
			toml: "[[rules]]\nid = \"acme\"\nregex = '''ACME-\\d{6}'''\nkeywords = [\"acme-\"]\ntags = [\"provider:Acme\"]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := NewScanner([]byte(c.toml))
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err = %v, want %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := s.Scan(c.text); len(got) != c.want {
				t.Fatalf("got %v, want %d findings", got, c.want)
			}
		})
	}
	if _, err := NewScanner(bytes.Repeat([]byte("#"), maxConfigBytes+1)); err == nil {
		t.Errorf("oversized config accepted")
	}
}

func TestPolicy(t *testing.T) {
	high := Finding{RuleID: "openai-api-key", Provider: "OpenAI", Confidence: High}
	low := Finding{RuleID: "generic-api-key", Provider: "Unknown", Confidence: Low}
	stripe := Finding{RuleID: "stripe-access-token", Provider: "Stripe", Confidence: High}
	p := DefaultPolicy()
	p.Providers = map[string]Decision{"stripe": Warn}
	p.Channels = map[string]Decision{"Security-Drill": Ignore, "C0LEAKY": Takedown}
	p.AllowFingerprints = []string{"0123456789abcdef0123456789abcdef"}
	p.AllowChannels = []string{"#sandbox"}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, channel string
		f             Finding
		fp            string
		want          Decision
	}{
		{"high takes down", "general", high, "", Takedown},
		{"low warns", "general", low, "", Warn},
		{"provider override, case-insensitive", "general", stripe, "", Warn},
		{"channel override beats default", "#security-drill", high, "", Ignore},
		{"channel override can escalate", "c0leaky", low, "", Takedown},
		{"allowed channel", "sandbox", high, "", Ignore},
		{"allowed fingerprint", "general", high, "0123456789ABCDEF0123456789ABCDEF", Ignore},
		{"other fingerprint", "general", high, "ffffffffffffffffffffffffffffffff", Takedown},
	}
	for _, c := range cases {
		if got := p.Decide(c.f, c.fp, c.channel); got != c.want {
			t.Errorf("%s: got %s, want %s", c.name, got, c.want)
		}
	}
	// A channel known by its id and its name matches an override of either.
	if got := p.Decide(high, "", "C0DRILL01", "security-drill"); got != Ignore {
		t.Errorf("id and name of an overridden channel: %s, want none", got)
	}
	if got := (Policy{}).Decide(high, "", "x"); got != Takedown {
		t.Errorf("zero policy, high: %s", got)
	}
	bad := Policy{
		Default:           map[Confidence]Decision{"medium": "delete"},
		Providers:         map[string]Decision{"OpenAI": "nuke"},
		Channels:          map[string]Decision{"": Warn},
		AllowFingerprints: []string{"not-hex"},
		AllowChannels:     []string{" "},
	}
	err := bad.Validate()
	for _, want := range []string{`unknown confidence "medium"`, `unknown decision "delete"`, `leaks.providers.OpenAI: unknown decision "nuke"`, "empty channel name", "allow_fingerprints[0]", "allow_channels[0]"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v, want it to mention %q", err, want)
		}
	}
	var joined interface{ Unwrap() []error }
	if !errors.As(err, &joined) || len(joined.Unwrap()) < 6 {
		t.Errorf("want every problem reported, got %v", err)
	}
}

// TestRandomKeysWithPlaceholderSubstrings: a well-formed random key is
// found even where it happens to contain a placeholder-like substring.
func TestRandomKeysWithPlaceholderSubstrings(t *testing.T) {
	s := scanner(t)
	r := rand.New(rand.NewPCG(3, 4))
	const urlb64 = alnum + "_-"
	for i := 0; i < 2000; i++ {
		k := "sk-proj-" + randomString(r, alnum, 1) + randomString(r, urlb64, 72) + randomString(r, alnum, 1) +
			"T3BlbkFJ" + randomString(r, alnum, 1) + randomString(r, urlb64, 72) + randomString(r, alnum, 1)
		sub := []string{"XXXX", "xxxx", "False", "FALSE", "null", "0000", "____", "true"}[i%8]
		at := 8 + r.IntN(60)
		k = k[:at] + sub + k[at+len(sub):]
		fs := s.Scan("OPENAI_API_KEY=" + k)
		if len(fs) != 1 || fs[0].secret != k {
			t.Fatalf("key with %q at %d not found: %v", sub, at, fs)
		}
	}
}

// TestPlaceholderShapes: placeholders are recognised by the shape of the
// key's body, random bodies are not.
func TestPlaceholderShapes(t *testing.T) {
	prefixes := []string{"sk-proj-", "ghp_"}
	cases := []struct {
		secret string
		want   bool
	}{
		{"sk-proj-XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", true},
		{"ghp_000000000000000000000000000000000000", true},
		{"sk-proj-****************************abcd", true},
		{"sk-proj-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", true},
		{"sk-proj-1234567890abcdefghijklmnopqrstuvwxyz", true},
		{"sk-proj-0123456789abcdef0123456789abcdef", true},
		{"your-api-key-here", true},
		{"YOUR_SECRET_TOKEN", true},
		{"sk-proj-Zq7Rk2Lm9XXXXw4Vb8Nc3Hd6Jf1Gt5Ys0Pe7Qa2", false},
		{"ghp_Zq7Rk2LmFalse9Xw4Vb8Nc3Hd6Jf1Gt5Ys0Pe", false},
		{"12345678-ABCD-ABCD-ABCD-1234567890AB", false},
		{"yourapikey1", false},
	}
	for _, c := range cases {
		if got := placeholder(c.secret, prefixes); got != c.want {
			t.Errorf("placeholder(%q) = %v, want %v", c.secret, got, c.want)
		}
	}
}

// TestPlaceholderKeysNotFound: well-formed placeholders are not findings.
// (They are not in the look-alike corpus: Discord AutoMod's patterns,
// which cannot tell them from keys, are checked against it.)
func TestPlaceholderKeysNotFound(t *testing.T) {
	s := scanner(t)
	for _, text := range []string{
		"ANTHROPIC_API_KEY=sk-ant-api03-" + strings.Repeat("a", 93) + "AA",
		"token: ghp_000000000000000000000000000000000000",
		"GROQ_API_KEY=gsk_" + strings.Repeat("X", 52),
		"OPENAI_API_KEY=sk-proj-" + strings.Repeat("0", 74) + "T3BlbkFJ" + strings.Repeat("0", 74),
	} {
		if fs := s.Scan(text); len(fs) != 0 {
			t.Errorf("placeholder %q: findings %v", text, fs)
		}
	}
}

// TestScanFailureIsReportedUnsafe: a rule that panics makes the scan
// fail loudly: ScanContext returns ErrScanFailed, Scan reports the text
// unsafe, the failure is counted and logged without the text.
func TestScanFailureIsReportedUnsafe(t *testing.T) {
	var logs bytes.Buffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewJSONHandler(&logs, nil)))
	defer slog.SetDefault(prev)
	s := FailingScanner()
	text := "key=" + testKey
	if _, err := s.ScanContext(context.Background(), text); !errors.Is(err, ErrScanFailed) {
		t.Fatalf("ScanContext with a failing rule: %v, want ErrScanFailed", err)
	}
	fs := s.Scan(text)
	if len(fs) != 1 || fs[0].RuleID != UnscannedRuleID {
		t.Fatalf("Scan with a failing rule = %v, want one %s finding", fs, UnscannedRuleID)
	}
	if s.Failures() != 2 {
		t.Errorf("Failures() = %d, want 2", s.Failures())
	}
	if !strings.Contains(logs.String(), "scanner failed") || strings.Contains(logs.String(), testKey[:20]) {
		t.Errorf("log must report the failure without the text: %s", logs.String())
	}
}

// TestNormalizeTwoByteRunes: every two-byte rune becomes spaces (U+0085
// a line break), alone and between ASCII, and a two-byte lead without its
// continuation a space.
func TestNormalizeTwoByteRunes(t *testing.T) {
	for r := rune(0x80); r < 0x800; r++ {
		want := "a  b"
		if r == '\u0085' {
			want = "a\n b"
		}
		if got := normalize("a" + string(r) + "b"); got != want {
			t.Fatalf("normalize(%q) = %q, want %q", "a"+string(r)+"b", got, want)
		}
	}
	if got := normalize("a\xc3b\xdf"); got != "a b " {
		t.Fatalf("normalize of lone leads = %q", got)
	}
}

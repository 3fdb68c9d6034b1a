package leaks

import (
	"context"
	"encoding/json"
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// adversarial is an input built to be expensive to scan.
type adversarial struct {
	family, name, text string
}

// fill repeats unit to exactly size bytes (cut at a rune boundary).
func fill(unit string, size int) string {
	s := strings.Repeat(unit, size/len(unit)+1)[:size]
	for len(s) > 0 && s[len(s)-1] >= 0x80 {
		s = s[:len(s)-1]
	}
	return s
}

func randomString(r *rand.Rand, alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// adversarialInputs returns size-byte inputs for every rule family of s:
// each keyword and each literal secret prefix of the loaded rules repeated,
// assigned key-shaped values, in curl headers and between CJK punctuation;
// and long base64, hex, random alphanumerics, wrapped lines and invisible
// characters.
func adversarialInputs(s *Scanner, size int) []adversarial {
	r := rand.New(rand.NewPCG(1, 2))
	var out []adversarial
	add := func(family, name, unit string) {
		out = append(out, adversarial{family, name, fill(unit, size)})
	}
	for _, kw := range s.kwNames {
		add("keyword-run", kw, kw)
		add("keyword-assign", kw, kw+`="`+randomString(r, alnum, 32)+`" `)
		add("keyword-curl", kw, `curl -H "Authorization: Bearer `+kw)
	}
	// A different key-shaped value in each assignment: no two candidates
	// share a verdict. Generic-api-key's keywords and the words its
	// allowlist rejects a match by (rapidapi, keyboard).
	for _, kw := range []string{"api", "key", "token", "secret", "rapidapi", "keyboard"} {
		var b strings.Builder
		for b.Len() < size {
			b.WriteString(kw + `="` + randomString(r, alnum, 32) + `" `)
		}
		out = append(out, adversarial{"keyword-assign-distinct", kw, b.String()[:size]})
	}
	var prefixes []string
	for _, ru := range s.rules {
		for _, p := range ru.prefixes {
			if !slices.Contains(prefixes, p) {
				prefixes = append(prefixes, p)
			}
		}
	}
	sort.Strings(prefixes)
	for _, p := range prefixes {
		add("prefix-run", p, p)
		add("prefix-key", p, p+randomString(r, alnum, 40)+" ")
		add("prefix-cjk", p, "密钥：“"+p+randomString(r, alnum, 24)+"”，")
		add("prefix-invisible", p, p+"\u200b"+randomString(r, alnum, 20)+"\u00ad")
	}
	add("blob", "base64", randomString(r, alnum+"+/", 1<<10))
	add("blob", "hex", randomString(r, "0123456789abcdef", 1<<10))
	add("blob", "alnum", randomString(r, alnum, 1<<10))
	add("blob", "alnum-words", randomString(r, alnum, 40)+" ")
	add("blob", "wrapped-lines", randomString(r, alnum, 20)+"\n")
	add("blob", "eyJ", "eyJ")
	add("blob", "curl-bearer", `curl -H "Authorization: Bearer `)
	add("blob", "api_key-assign", `api_key="`+randomString(r, alnum, 32)+`" `)
	return out
}

// ordinaryChat is size bytes of chat: the benchmark corpus' clean and
// keyword messages, one per line.
func ordinaryChat(tb testing.TB, size int) string {
	clean, keyword, _ := chatCorpus(tb)
	var b strings.Builder
	for i := 0; b.Len() < size; i++ {
		b.WriteString(clean[i%len(clean)])
		b.WriteByte('\n')
		if i%5 == 0 {
			b.WriteString(keyword[i%len(keyword)])
			b.WriteByte('\n')
		}
	}
	return fill(b.String(), size)
}

// workBudget is the most work a scan of text may cost: a bounded number
// of passes over it per rule family whose keyword it holds (prefilter,
// rule regex, gate and anchored attempts, twice with the relaxed pass, for
// the text and each of its views), plus bounded allowlist checks.
func workBudget(text string, w work) int {
	return 12*len(text)*max(1, w.viewBytes/max(1, len(text))) + 1<<20
}

// TestAdversarialWorkIsLinear: on every adversarial input, the bytes handed
// to regexes stay within a constant multiple of the input size.
func TestAdversarialWorkIsLinear(t *testing.T) {
	s := scanner(t)
	const size = 16 << 10
	worst, worstName := 0.0, ""
	for _, a := range adversarialInputs(s, size) {
		var w work
		if _, err := s.scan(context.Background(), a.text, &w); err != nil {
			t.Fatalf("%s/%s: %v", a.family, a.name, err)
		}
		if w.regexBytes > workBudget(a.text, w) {
			t.Errorf("%s/%q: %d regex bytes for %d input bytes, over the budget %d", a.family, a.name, w.regexBytes, len(a.text), workBudget(a.text, w))
		}
		if r := float64(w.regexBytes) / float64(len(a.text)); r > worst {
			worst, worstName = r, a.family+"/"+a.name
		}
	}
	t.Logf("worst: %.1f regex bytes per input byte (%s)", worst, worstName)
}

// FuzzScanBudget fills 64 KiB with the fuzzed unit and fails when the scan
// costs more than workBudget, or panics.
func FuzzScanBudget(f *testing.F) {
	s := scanner(f)
	for _, u := range []string{"eyJ", `curl -H "Authorization: Bearer `, `api_key="abcdefghijklmnopqrstuvwxyz012345" `, "sk-", "ghp_", "key=", "\u200b", "a\n"} {
		f.Add(u)
	}
	f.Fuzz(func(t *testing.T, unit string) {
		if unit == "" {
			return
		}
		text := fill(unit, 64<<10)
		var w work
		if _, err := s.scan(context.Background(), text, &w); err != nil {
			t.Fatalf("scan: %v", err)
		}
		if b := workBudget(text, w); w.regexBytes > b {
			t.Fatalf("%d regex bytes for %d input bytes, over the budget %d", w.regexBytes, len(text), b)
		}
	})
}

// BenchmarkAdversarial scans 64 KiB adversarial inputs, per family, and
// 64 KiB of ordinary chat; ns/64KiB-worst is the slowest input of the
// family (each input's fastest run). Every input is scanned once before
// timing, as a running bot would have built each rule's fast path (its
// gate, anchored regexes and prefilter) on the first message with one of
// its keywords: the figures are a scan's, not the rule's one-time build.
func BenchmarkAdversarial(b *testing.B) {
	s := scanner(b)
	const size = 64 << 10
	groups := map[string][]adversarial{"ordinary-chat": {{"ordinary-chat", "chat", ordinaryChat(b, size)}}}
	var names []string
	for _, a := range adversarialInputs(s, size) {
		groups[a.family] = append(groups[a.family], a)
	}
	for n := range groups {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, g := range groups {
		for _, a := range g {
			s.Scan(a.text) // build the fast paths
		}
	}
	for _, name := range names {
		g := groups[name]
		b.Run(name, func(b *testing.B) {
			best := make([]time.Duration, len(g))
			for b.Loop() {
				for i, a := range g {
					t0 := time.Now()
					s.Scan(a.text)
					if d := time.Since(t0); best[i] == 0 || d < best[i] {
						best[i] = d
					}
				}
			}
			var sum, worst time.Duration
			wi := 0
			for i, d := range best {
				sum += d
				if d > worst {
					worst, wi = d, i
				}
			}
			b.ReportMetric(float64(sum.Nanoseconds())/float64(len(g)), "ns/64KiB-mean")
			b.ReportMetric(float64(worst.Nanoseconds()), "ns/64KiB-worst")
			b.Logf("%s: slowest input %q", name, g[wi].name)
		})
	}
}

// TestAdversarialFastEqualsFull: on every adversarial input, the
// prefiltered, windowed matching gives the same matches as each rule's
// regex over the whole text. The inputs are 1 KiB: a match longer than an
// unbounded repeat's assumed 1,024 bytes can be cut at a window's edge
// (docs/decisions/scanner.md, Left out on purpose).
func TestAdversarialFastEqualsFull(t *testing.T) {
	s := scanner(t)
	for _, a := range adversarialInputs(s, 1<<10) {
		compareFastSlow(t, s, normalize(a.text))
	}
}

var (
	writeInputs = flag.String("write-inputs", "", "TestWriteInputs: the `dir` to write 64 KiB inputs to, as tokenbot scan --jsonl reads them")
	inputsMatch = flag.String("inputs", "", "TestWriteInputs: a `regexp` of the adversarial inputs (family/name) to write besides ordinary chat")
	inputsSize  = flag.Int("inputs-size", 64<<10, "TestWriteInputs: the `bytes` of each message, at most what a 1 MiB line of tokenbot scan --jsonl holds")
)

// maxInputLine is the longest line tokenbot scan reads (its maxScanLine).
const maxInputLine = 1 << 20

// TestWriteInputs writes -inputs-size bytes (64 KiB by default) of
// ordinary chat and of the adversarial inputs -inputs matches, one message
// per file, for measuring the whole process (`tokenbot scan --jsonl FILE`,
// docs/PERFORMANCE.md; bot/leaks/testdata/whole-process.sh). A message
// whose JSON line would be over 1 MiB is made shorter until it fits. It
// runs only with -write-inputs.
func TestWriteInputs(t *testing.T) {
	if *writeInputs == "" {
		t.Skip("no -write-inputs")
	}
	match, err := regexp.Compile(*inputsMatch)
	if err != nil {
		t.Fatal(err)
	}
	// write writes the message gen gives at the largest size up to
	// -inputs-size whose line fits.
	write := func(name string, gen func(size int) string) {
		var line []byte
		for size := *inputsSize; ; {
			line, err = json.Marshal(map[string]string{"id": name, "text": gen(size)})
			if err != nil {
				t.Fatal(err)
			}
			if len(line) < maxInputLine {
				break
			}
			size -= len(line) - maxInputLine + 64
		}
		file := filepath.Join(*writeInputs, strings.NewReplacer("/", "-", ".", "_").Replace(name)+".jsonl")
		if err := os.WriteFile(file, append(line, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d bytes)", file, len(line))
	}
	write("ordinary-chat", func(size int) string { return ordinaryChat(t, size) })
	if *inputsMatch == "" {
		return
	}
	s := scanner(t)
	for _, a := range adversarialInputs(s, 64) {
		name := a.family + "/" + a.name
		if !match.MatchString(name) {
			continue
		}
		write(name, func(size int) string {
			for _, b := range adversarialInputs(s, size) {
				if b.family == a.family && b.name == a.name {
					return b.text
				}
			}
			t.Fatalf("no input %s at %d bytes", name, size)
			return ""
		})
	}
}

// TestKeyAfterRejectedCandidates: a key after a message's worth of
// candidates the rule's checks reject (allowlisted, low-entropy,
// placeholder; repeated or each different) is still found, with the
// checks' verdicts memoised and the allowlists' prefilters in use.
func TestKeyAfterRejectedCandidates(t *testing.T) {
	s := scanner(t)
	r := rand.New(rand.NewPCG(7, 8))
	key := randomString(r, alnum, 12) + "7Qz" + randomString(r, alnum, 17)
	same := randomString(r, alnum, 32)
	decoys := map[string]func() string{
		"allowlisted":        func() string { return `rapidapi="` + randomString(r, alnum, 32) + `" ` },
		"allowlisted-repeat": func() string { return `rapidapi="` + same + `" ` },
		"low-entropy":        func() string { return `api_key="` + strings.Repeat("ab", 16) + `" ` },
		"placeholder":        func() string { return `api_key="your-api-key-here" ` },
		"global-allowlisted": func() string { return `api_key="${API_KEY_` + randomString(r, "ABCDEFGHIJ", 8) + `}" ` },
	}
	for name, decoy := range decoys {
		var b strings.Builder
		for b.Len() < 60<<10 {
			b.WriteString(decoy())
		}
		n := b.Len()
		b.WriteString(`api_key="` + key + `"` + "\n")
		found := false
		for _, f := range s.Scan(b.String()) {
			if f.Start < n {
				t.Errorf("%s: a decoy was reported: %s at %d", name, f.RuleID, f.Start)
			}
			if f.RuleID == "generic-api-key" && b.String()[f.Start:f.End] == key {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: the key after %d bytes of decoys was not found", name, n)
		}
	}
}

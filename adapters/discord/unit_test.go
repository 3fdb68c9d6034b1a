package discord

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"regexp/syntax"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/tokenbot/tokenbot/bot"
	"github.com/tokenbot/tokenbot/bot/tokens"
)

type corpusPositive struct {
	Format string `json:"format"`
	Text   string `json:"text"`
	Expect []struct {
		Secret     string `json:"secret"`
		Confidence string `json:"confidence"`
	} `json:"expect"`
}

type corpusLookalike struct {
	Why  string `json:"why"`
	Text string `json:"text"`
}

func readCorpus(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile("../../bot/leaks/testdata/" + name)
	if err != nil {
		t.Fatalf("leak corpus: %v", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("leak corpus %s: %v", name, err)
	}
}

// rustIncompatible finds syntax that Rust's regex crate lacks or reads
// differently: look-around and back-references (Go's parser already
// refuses both) and escapes such as \C, \Q…\E and \z.
var rustIncompatible = regexp.MustCompile(`\(\?[=!<]|\\[0-9]|\\[CQEkgz]|\\p\{[^}]*\}|\(\?P<|\[\[:`)

func TestAutoModPatternsFitDiscordAndMatchTheCorpus(t *testing.T) {
	var pos []corpusPositive
	var look []corpusLookalike
	readCorpus(t, "positives.json", &pos)
	readCorpus(t, "lookalikes.json", &look)

	rules := AutoModRules()
	if len(rules) > MaxKeywordRules {
		t.Errorf("%d rules, Discord allows %d keyword rules per guild", len(rules), MaxKeywordRules)
	}
	for _, r := range rules {
		if n := len(r.TriggerMetadata.RegexPatterns); n > MaxRegexPatterns {
			t.Errorf("rule %q has %d patterns, max %d", r.Name, n, MaxRegexPatterns)
		}
		if len(r.Actions) != 1 || r.Actions[0].Type != discordgo.AutoModerationRuleActionBlockMessage ||
			len([]rune(r.Actions[0].Metadata.CustomMessage)) > 150 {
			t.Errorf("rule %q: want one BLOCK_MESSAGE action with a message of at most 150 characters", r.Name)
		}
	}
	covered := map[string]*regexp.Regexp{}
	var all []*regexp.Regexp
	for _, p := range KeyPatterns {
		if len(p.Regex) > MaxRegexPatternSize {
			t.Errorf("%s pattern is %d characters, max %d", p.Provider, len(p.Regex), MaxRegexPatternSize)
		}
		if m := rustIncompatible.FindString(p.Regex); m != "" {
			t.Errorf("%s pattern uses %q, not common to Rust regex and Go regexp", p.Provider, m)
		}
		if _, err := syntax.Parse(p.Regex, syntax.Perl); err != nil {
			t.Errorf("%s pattern: %v", p.Provider, err)
			continue
		}
		re := regexp.MustCompile(p.Regex)
		all = append(all, re)
		for _, f := range p.Formats {
			covered[f] = re
		}
	}
	for _, f := range []string{"openai-proj", "openai-svcacct", "anthropic", "google", "github-pat", "github-fine-grained",
		"slack-bot", "groq", "xai", "openrouter", "huggingface", "aws-access-key-id"} {
		if covered[f] == nil {
			t.Errorf("no AutoMod pattern for %s", f)
		}
	}
	examples := 0
	for _, p := range pos {
		re := covered[p.Format]
		if re == nil {
			continue
		}
		for _, e := range p.Expect {
			if e.Confidence != "high" {
				continue
			}
			examples++
			if !re.MatchString(e.Secret) || !re.MatchString(p.Text) {
				t.Errorf("%s pattern misses the corpus example %q", p.Format, e.Secret[:8]+"…")
			}
		}
	}
	if examples < 40 {
		t.Errorf("only %d high-confidence corpus examples checked", examples)
	}
	for _, l := range look {
		for _, re := range all {
			if re.MatchString(l.Text) {
				t.Errorf("pattern %s matches the look-alike (%s) %q", re, l.Why, l.Text)
			}
		}
	}
}

func TestConfigFromEnv(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		enabled bool
		wantErr bool
	}{
		{"no token", map[string]string{}, false, false},
		{"token", map[string]string{EnvToken: "abc.def.ghi"}, true, false},
		{"token and api url", map[string]string{EnvToken: "abc", EnvAPIURL: "http://127.0.0.1:9/api/v9"}, true, false},
		{"bad api url", map[string]string{EnvToken: "abc", EnvAPIURL: "ftp://x"}, false, true},
		{"token with spaces", map[string]string{EnvToken: "abc def"}, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, enabled, err := ConfigFromEnv(func(k string) string { return tt.env[k] })
			if enabled != tt.enabled || (err != nil) != tt.wantErr {
				t.Fatalf("enabled=%v err=%v", enabled, err)
			}
			if err != nil && strings.Contains(err.Error(), "abc") {
				t.Error("error names the token")
			}
			if enabled && cfg.Token != tt.env[EnvToken] {
				t.Error("token not read")
			}
		})
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	for _, cfg := range []Config{{}, {Token: "x", ShardID: 2, ShardCount: 2}, {Token: "x", APIURL: "::"}} {
		if _, err := New(cfg, nil); err == nil {
			t.Errorf("New(%+v) accepted", cfg)
		}
	}
}

func TestMapErr(t *testing.T) {
	rest := func(status, code int) error {
		return &discordgo.RESTError{Response: &http.Response{StatusCode: status},
			Message: &discordgo.APIErrorMessage{Code: code, Message: "m"}}
	}
	tests := []struct {
		name string
		err  error
		want error
	}{
		{"missing permissions", rest(403, 50013), bot.ErrPermission},
		{"dm closed", rest(403, 50007), bot.ErrPermission},
		{"unknown message", rest(404, 10008), bot.ErrNotFound},
		{"unknown interaction", rest(404, 10062), bot.ErrNotFound},
		{"bare 403", rest(403, 0), bot.ErrPermission},
		{"server error", rest(500, 0), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mapErr(tt.err)
			if tt.want != nil && !errors.Is(got, tt.want) {
				t.Errorf("mapErr = %v, want %v", got, tt.want)
			}
			if tt.want == nil && (errors.Is(got, bot.ErrPermission) || errors.Is(got, bot.ErrNotFound)) {
				t.Errorf("mapErr = %v, want a transient error", got)
			}
		})
	}
	rl := &discordgo.RateLimitError{RateLimit: &discordgo.RateLimit{TooManyRequests: &discordgo.TooManyRequests{RetryAfter: 1500 * time.Millisecond}, URL: "https://discord.com/api/v9/interactions/1/secret-token/callback"}}
	var got *bot.RateLimitError
	if err := mapErr(rl); !errors.As(err, &got) || got.RetryAfter != 1500*time.Millisecond {
		t.Errorf("rate limit = %v", err)
	} else if strings.Contains(err.Error(), "secret-token") {
		t.Error("error holds the interaction URL")
	}
	// A transport error quotes the URL it failed on: an interaction's
	// token and a CDN attachment's signature are left out, and the error
	// is still a *url.Error to errors.As.
	for _, raw := range []string{
		"https://discord.com/api/v10/interactions/1/secret-token/callback",
		"https://cdn.discordapp.com/attachments/1/2/a.txt?ex=1&is=2&hm=secret-token",
	} {
		err := mapErr(&url.Error{Op: "Post", URL: raw, Err: errors.New("connection refused")})
		var ue *url.Error
		if strings.Contains(err.Error(), "secret-token") || !errors.As(err, &ue) {
			t.Errorf("transport error = %v (a *url.Error: %v)", err, errors.As(err, &ue))
		}
	}
}

func TestRewriter(t *testing.T) {
	var seen string
	rw, err := newRewriter("http://proxy.test:8080/discord/api/v9/", roundTripFunc(func(r *http.Request) (*http.Response, error) {
		seen = r.URL.String()
		return &http.Response{StatusCode: 204, Body: http.NoBody}, nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{
		discordgo.EndpointAPI + "channels/1/messages/2":    "http://proxy.test:8080/discord/api/v9/channels/1/messages/2",
		discordgo.EndpointAPI + "gateway":                  "http://proxy.test:8080/discord/api/v9/gateway",
		"https://cdn.discordapp.com/attachments/1/2/a.txt": "https://cdn.discordapp.com/attachments/1/2/a.txt",
	} {
		req, _ := http.NewRequest("GET", in, nil)
		if _, err := rw.RoundTrip(req); err != nil {
			t.Fatal(err)
		}
		if seen != want {
			t.Errorf("%s → %s, want %s", in, seen, want)
		}
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestANSIBoundariesFitOneMessage(t *testing.T) {
	var pieces []tokens.Piece
	for i := range 500 {
		pieces = append(pieces, tokens.Piece{ID: i, Text: " word```"})
	}
	rep := tokens.Report{Pieces: pieces, PiecesEncoding: "o200k_base"}
	text := "```\ntable\n```\nToken boundaries (o200k_base):\n```\n│a│\n```"
	out := truncate(discordMarkdown(withANSIBoundaries(text, "en", rep)), maxContent)
	if n := len([]rune(out)); n > maxContent {
		t.Errorf("%d characters, want at most %d", n, maxContent)
	}
	if !strings.HasPrefix(out, "```\ntable\n```") || !strings.Contains(out, "```ansi\n\x1b[0;34m·word") || !strings.HasSuffix(out, " …"+ansiReset+"\n```") && !strings.HasSuffix(out, "\n```") {
		t.Errorf("unexpected rendering: %q", out[:200])
	}
	if strings.Count(out, "```") != 4 {
		t.Errorf("token text broke the code block: %d fences", strings.Count(out, "```"))
	}
}

func TestDiscordMarkdownAndTruncate(t *testing.T) {
	if got := discordMarkdown("*Title*\nuse `a*b*c` and *bold*\n```\n*x*\n```"); got != "**Title**\nuse `a*b*c` and **bold**\n```\n*x*\n```" {
		t.Errorf("discordMarkdown = %q", got)
	}
	long := strings.Repeat("é", 3000)
	if got := truncate(long, maxContent); len([]rune(got)) != maxContent || !strings.HasSuffix(got, "…") {
		t.Errorf("truncate: %d runes", len([]rune(got)))
	}
	if got := truncate("```\n"+strings.Repeat("a", 3000), 100); strings.Count(got, "```")%2 != 0 || len([]rune(got)) > 100 {
		t.Errorf("truncate leaves an open code block: %q", got)
	}
	if r := auditReason(strings.Repeat("ü", 600)); len(r) > 512*3 {
		t.Errorf("audit reason too long: %d", len(r))
	}
}

// The coloured boundary view replaces the plain one in the reply's
// language, and is labelled in it.
func TestANSIBoundariesInTheRepliesLanguage(t *testing.T) {
	rep := tokens.Report{Pieces: []tokens.Piece{{Text: "你好"}, {Text: "，"}}, PiecesEncoding: "o200k_base"}
	for _, tt := range []struct{ lang, plain, coloured string }{
		{"en", "Token boundaries (o200k_base):", "Token boundaries (o200k_base, one colour per token):"},
		{"zh", "token 边界（o200k_base）：", "token 边界（o200k_base，每个 token 一种颜色）："},
	} {
		text := "```\ntable\n```\n" + tt.plain + "\n```\n│你好│，│\n```"
		out := withANSIBoundaries(text, tt.lang, rep)
		if strings.Contains(out, tt.plain) || !strings.Contains(out, tt.coloured) || !strings.Contains(out, "```ansi") {
			t.Errorf("%s: %q, want the plain view replaced by %q", tt.lang, out, tt.coloured)
		}
	}
}

// The fallback answer of an interaction comes from the catalogue in the
// language of the user's client.
func TestSorryInTheClientsLanguage(t *testing.T) {
	for loc, want := range map[discordgo.Locale]string{"en-US": "Sorry, something went wrong", "zh-CN": "抱歉", "zh-TW": "抱歉", "": "Sorry"} {
		if got := sorry(loc); !strings.Contains(got, want) {
			t.Errorf("sorry(%q) = %q, want %q in it", loc, got, want)
		}
	}
}

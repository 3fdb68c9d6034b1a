// Command corpusgen writes the leak-detection test corpus: chat messages that
// carry random, never-real keys in every supported format (positives.json) and
// messages that look like leaks but are not (lookalikes.json).
//
// The output is deterministic (fixed seed), so it is committed; regenerate
// with `go generate ./bot/leaks`.
package main

import (
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

// Expect is one secret a positive message must yield.
type Expect struct {
	Secret     string `json:"secret"`
	Start      int    `json:"start"`
	End        int    `json:"end"`
	Provider   string `json:"provider"`
	RuleID     string `json:"rule_id"`
	Confidence string `json:"confidence"`
}

// Positive is a chat message leaking one or more keys.
type Positive struct {
	Format string   `json:"format"`
	Lang   string   `json:"lang"`
	Text   string   `json:"text"`
	Expect []Expect `json:"expect"`
}

// Lookalike is a message that must never be taken down.
type Lookalike struct {
	Why  string `json:"why"`
	Text string `json:"text"`
}

const (
	alnum  = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	urlb64 = alnum + "_-"
	hexd   = "0123456789abcdef"
	upper7 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	b64    = alnum + "+/"
	digits = "0123456789"
	letter = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
)

var rng = rand.New(rand.NewPCG(20240607, 42))

func pick(set string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = set[rng.IntN(len(set))]
	}
	return string(b)
}

// body draws n characters from set, starting and ending with an
// alphanumeric so word boundaries behave as for real keys.
func body(set string, n int) string {
	if n < 2 {
		return pick(alnum, n)
	}
	return pick(alnum, 1) + pick(set, n-2) + pick(alnum, 1)
}

func entropy(s string) float64 {
	counts := map[rune]int{}
	for _, c := range s {
		counts[c]++
	}
	e := 0.0
	for _, n := range counts {
		f := float64(n) / float64(len(s))
		e -= f * math.Log2(f)
	}
	return e
}

// strong retries gen until the whole key clears minEntropy (the rule's
// threshold plus a margin).
func strong(minEntropy float64, gen func() string) string {
	for {
		if k := gen(); entropy(k) > minEntropy {
			return k
		}
	}
}

type format struct {
	name, provider, rule, confidence, env string
	gen                                   func() string
	templates                             []string // nil: the shared templates
}

// Shared templates: {K} is the key, {E} an environment variable name.
var shared = []struct{ lang, t string }{
	{"zh", "我的 key 是 {K}，为什么调用一直报 401？"},
	{"en", "here's the key for staging: {K}"},
	{"en", "```\nexport {E}={K}\n```"},
	{"en", `{"api_key": "{K}", "model": "gpt-4o"}`},
	{"en", `curl https://api.example.com/v1/chat -H "Authorization: Bearer {K}" -d '{}'`},
	{"zh", "> {K}\n这个是不是泄露了？"},
	{"zh", "用这个试试：{K}。"},
	{"en", "can someone check why {K} is rate limited?"},
	{"en", "<https://example.com/run?key={K}&v=2|dashboard link>"},
	{"en", "(the old one was {K})"},
	{"en", "my token is {K}."},
	{"zh", "配置文件里写的是 `{K}` 对吗？"},
	{"en", "**{K}**"},
	{"en", "```python\nclient = Client(api_key=\"{K}\")\n```"},
	{"en", "Edit: oops, pasted {K} by mistake, ignore"},
	{"en", ".env:\nFOO=bar\n{E}={K}\nDEBUG=1"},
	{"zh", "密钥（{K}）放在哪里比较安全？"},
}

func main() {
	out := flag.String("out", "testdata", "output directory")
	flag.Parse()

	formats := []format{
		{name: "openai-proj", provider: "OpenAI", rule: "openai-api-key", confidence: "high", env: "OPENAI_API_KEY",
			gen: func() string { return "sk-proj-" + body(urlb64, 74) + "T3BlbkFJ" + body(urlb64, 74) }},
		{name: "openai-svcacct", provider: "OpenAI", rule: "openai-api-key", confidence: "high", env: "OPENAI_API_KEY",
			gen: func() string { return "sk-svcacct-" + body(urlb64, 58) + "T3BlbkFJ" + body(urlb64, 58) }},
		{name: "openai-legacy", provider: "OpenAI", rule: "openai-api-key", confidence: "high", env: "OPENAI_API_KEY",
			gen: func() string { return "sk-" + pick(alnum, 20) + "T3BlbkFJ" + pick(alnum, 20) }},
		{name: "anthropic", provider: "Anthropic", rule: "anthropic-api-key", confidence: "high", env: "ANTHROPIC_API_KEY",
			gen: func() string { return "sk-ant-api03-" + body(urlb64, 93) + "AA" }},
		{name: "google", provider: "Google", rule: "gcp-api-key", confidence: "high", env: "GEMINI_API_KEY",
			gen: func() string { return "AIzaSy" + body(urlb64, 33) }},
		{name: "github-pat", provider: "GitHub", rule: "github-pat", confidence: "high", env: "GITHUB_TOKEN",
			gen: func() string { return "ghp_" + pick(alnum, 36) }},
		{name: "github-fine-grained", provider: "GitHub", rule: "github-fine-grained-pat", confidence: "high", env: "GH_TOKEN",
			gen: func() string { return "github_pat_" + pick(alnum, 22) + "_" + pick(alnum, 59) }},
		{name: "aws-access-key-id", provider: "AWS", rule: "aws-access-token", confidence: "high", env: "AWS_ACCESS_KEY_ID",
			gen: func() string { return "AKIA" + pick(upper7, 16) }},
		{name: "slack-bot", provider: "Slack", rule: "slack-bot-token", confidence: "high", env: "SLACK_BOT_TOKEN",
			gen: func() string {
				return "xoxb-" + pick("123456789", 1) + pick(digits, 10) + "-" + pick("123456789", 1) + pick(digits, 12) + "-" + pick(alnum, 24)
			}},
		{name: "slack-user", provider: "Slack", rule: "slack-user-token", confidence: "high", env: "SLACK_USER_TOKEN",
			gen: func() string {
				return "xoxp-" + pick(digits, 11) + "-" + pick(digits, 11) + "-" + pick(digits, 13) + "-" + pick(hexd+"ABCDEF", 32)
			}},
		{name: "stripe-live", provider: "Stripe", rule: "stripe-access-token", confidence: "high", env: "STRIPE_SECRET_KEY",
			gen: func() string { return "sk_live_" + pick(alnum, 24+rng.IntN(76)) }},
		{name: "huggingface", provider: "Hugging Face", rule: "huggingface-access-token", confidence: "high", env: "HF_TOKEN",
			gen: func() string { return "hf_" + pick(letter, 34) }},
		{name: "groq", provider: "Groq", rule: "groq-api-key", confidence: "high", env: "GROQ_API_KEY",
			gen: func() string { return "gsk_" + pick(alnum, 52) }},
		{name: "xai", provider: "xAI", rule: "xai-api-key", confidence: "high", env: "XAI_API_KEY",
			gen: func() string { return "xai-" + pick(alnum, 80) }},
		{name: "openrouter", provider: "OpenRouter", rule: "openrouter-api-key", confidence: "high", env: "OPENROUTER_API_KEY",
			gen: func() string { return "sk-or-v1-" + pick(hexd, 64) }},
		{name: "replicate", provider: "Replicate", rule: "replicate-api-token", confidence: "high", env: "REPLICATE_API_TOKEN",
			gen: func() string { return "r8_" + pick(alnum, 37) }},
		{name: "together", provider: "Together AI", rule: "together-api-key", confidence: "high", env: "TOGETHER_API_KEY",
			gen: func() string { return "tgp_v1_" + body(urlb64, 43) }},
		{name: "langsmith-pt", provider: "LangSmith", rule: "langsmith-api-key", confidence: "high", env: "LANGSMITH_API_KEY",
			gen: func() string { return "lsv2_pt_" + pick(hexd, 32) + "_" + pick(hexd, 10) }},
		{name: "langsmith-sk", provider: "LangSmith", rule: "langsmith-api-key", confidence: "high", env: "LANGCHAIN_API_KEY",
			gen: func() string { return "lsv2_sk_" + pick(hexd, 32) + "_" + pick(hexd, 10) }},
		{name: "discord-bot", provider: "Discord", rule: "discord-bot-token", confidence: "high", env: "DISCORD_TOKEN",
			gen: func() string {
				id := pick("123456789", 1) + pick(digits, 17)
				return base64.RawURLEncoding.EncodeToString([]byte(id)) + "." + pick(urlb64, 6) + "." + body(urlb64, 27+rng.IntN(12))
			}},
		{name: "deepseek", provider: "DeepSeek", rule: "deepseek-api-key", confidence: "high",
			gen: func() string { return "sk-" + pick(hexd, 32) },
			templates: []string{
				"zh|DeepSeek 的 key：{K}，余额还有吗？",
				"en|DEEPSEEK_API_KEY={K}",
				"en|```python\nclient = OpenAI(base_url=\"https://api.deepseek.com\", api_key=\"{K}\")\n```",
				"zh|用 deepseek 的时候报错，key 是 {K}。",
				"en|> deepseek key {K}\nis this still valid?",
				"en|curl https://api.deepseek.com/chat/completions -H \"Authorization: Bearer {K}\"",
			}},
		{name: "mistral", provider: "Mistral AI", rule: "mistral-api-key", confidence: "low",
			gen: func() string { return pick(alnum, 32) },
			templates: []string{
				"en|MISTRAL_API_KEY={K}",
				"en|mistral_api_key: \"{K}\"",
				"en|{\"mistral_key\": \"{K}\"}",
				"en|mistral key = {K}",
				"zh|mistral 的 key：{K}，能用吗？",
			}},
		{name: "azure-openai", provider: "Azure OpenAI", rule: "azure-openai-api-key", confidence: "low",
			gen: func() string { return pick(hexd, 32) },
			templates: []string{
				"en|AZURE_OPENAI_API_KEY={K}",
				"en|azure_openai_key: {K}",
				"en|Azure key = {K}",
				"zh|azure 的 key：{K}，部署在 eastus",
				"en|```\nAZURE_OPENAI_KEY=\"{K}\"\n```",
			}},
		{name: "azure-openai-header", provider: "Azure OpenAI", rule: "azure-openai-api-key-header", confidence: "low",
			gen: func() string { return pick(hexd, 32) },
			templates: []string{
				"en|curl https://myres.openai.azure.com/openai/deployments/gpt4/chat/completions?api-version=2024-02-01 -H \"api-key: {K}\"",
				"en|headers: api-key: {K}",
				"zh|请求头 api-key: {K} 对吗？",
				"en|```http\nPOST /openai/deployments/gpt4o/chat/completions\napi-key: {K}\n```",
				"en|I set api-key: {K} but still get 401",
			}},
		{name: "aws-secret", provider: "AWS", rule: "aws-secret-access-key", confidence: "low",
			gen: func() string { return pick(b64, 40) },
			templates: []string{
				"en|aws_secret_access_key = {K}",
				"en|```\nexport AWS_SECRET_ACCESS_KEY={K}\n```",
				"en|{\"AccessKeyId\": \"ASIA\", \"SecretAccessKey\": \"{K}\"}",
				"zh|secret_key: {K}，这是 S3 的",
				"en|.env\nAWS_REGION=us-east-1\nAWS_SECRET_ACCESS_KEY={K}",
			}},
	}

	var positives []Positive
	for fi, f := range formats {
		type tmpl struct{ lang, t string }
		var ts []tmpl
		if f.templates != nil {
			for _, t := range f.templates {
				lang, text, _ := strings.Cut(t, "|")
				ts = append(ts, tmpl{lang, text})
			}
		} else {
			// Six shared templates per format, rotating so every template is
			// used and every format gets both languages.
			for i := 0; i < 6; i++ {
				s := shared[(fi*5+i)%len(shared)]
				ts = append(ts, tmpl{s.lang, s.t})
			}
		}
		for _, t := range ts {
			min := 3.6
			if f.name == "aws-access-key-id" || f.name == "deepseek" || f.name == "azure-openai" || f.name == "azure-openai-header" || f.name == "langsmith-pt" || f.name == "langsmith-sk" || f.name == "openrouter" {
				min = 3.3
			}
			key := strong(min, f.gen)
			env := f.env
			if env == "" {
				env = "API_KEY"
			}
			text := strings.ReplaceAll(strings.ReplaceAll(t.t, "{E}", env), "{K}", key)
			start := strings.Index(text, key)
			positives = append(positives, Positive{
				Format: f.name, Lang: t.lang, Text: text,
				Expect: []Expect{{Secret: key, Start: start, End: start + len(key), Provider: f.provider, RuleID: f.rule, Confidence: f.confidence}},
			})
		}
	}

	positives = append(positives, chatCases()...)

	write(filepath.Join(*out, "positives.json"), positives)
	write(filepath.Join(*out, "lookalikes.json"), lookalikes())
	fmt.Printf("wrote %d positives and %d look-alikes to %s\n", len(positives), len(lookalikes()), *out)
}

func openAIKey() string {
	return strong(3.6, func() string { return "sk-proj-" + body(urlb64, 74) + "T3BlbkFJ" + body(urlb64, 74) })
}

// wrap inserts sep every n bytes of s.
func wrap(s string, n int, sep string) string {
	var b strings.Builder
	for i := 0; i < len(s); i += n {
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteString(s[i:min(i+n, len(s))])
	}
	return b.String()
}

// spanned is a positive whose secret, as written in the text, is inner
// (the key wrapped or split by invisible characters).
func spanned(format, lang, text, inner string) Positive {
	start := strings.Index(text, inner)
	if start < 0 {
		log.Fatalf("%s: secret not in text", format)
	}
	return Positive{Format: format, Lang: lang, Text: text, Expect: []Expect{{Secret: inner, Start: start,
		End: start + len(inner), Provider: "OpenAI", RuleID: "openai-api-key", Confidence: "high"}}}
}

// encoded is a positive whose key is inside the base64 blob of the text;
// the expected span is the blob's 4-character groups that encode the key.
func encoded(format, lang, tmpl, plain, key string) Positive {
	blob := base64.StdEncoding.EncodeToString([]byte(plain))
	text := strings.ReplaceAll(tmpl, "{B}", blob)
	at := strings.Index(text, blob)
	d := strings.Index(plain, key)
	a := at + d/3*4
	b := min(at+(d+len(key)+2)/3*4, at+len(strings.TrimRight(blob, "=")))
	return Positive{Format: format, Lang: lang, Text: text, Expect: []Expect{{Secret: text[a:b], Start: a, End: b,
		Provider: "OpenAI", RuleID: "openai-api-key", Confidence: "high"}}}
}

// chatCases are keys as chat really carries them: wrapped across lines,
// split by invisible characters, base64-encoded in a .env file or a
// Kubernetes Secret.
func chatCases() []Positive {
	var out []Positive
	for _, c := range []struct{ lang, tmpl, sep string }{
		{"en", "$ export OPENAI_API_KEY={K}", "\n"},
		{"en", "openai:\n  api_key: >-\n    {K}", "\n    "},
		{"en", "```\n{K}\n```", "\n"},
		{"zh", "我复制的时候换行了：\n{K}\n能用吗？", "\r\n"},
		{"zh", "终端里显示的是\n{K}", "\n"},
	} {
		k := openAIKey()
		w := wrap(k, 80, c.sep)
		out = append(out, spanned("wrapped", c.lang, strings.ReplaceAll(c.tmpl, "{K}", w), w))
	}
	for i, c := range []struct{ lang, tmpl, mark string }{
		{"en", "key: {K}", "\u200b"},
		{"en", "try {K} please", "\u200d"},
		{"en", "OPENAI_API_KEY={K}", "\u00ad"},
		{"zh", "我的 key 是 {K}，为什么报错", "\u2060"},
		{"zh", "用这个：{K}", "\ufeff"},
		{"en", "here: {K}", "\u200c"},
	} {
		k := openAIKey()
		at := 20 + 17*i
		w := k[:at] + c.mark + k[at:at+30] + c.mark + k[at+30:]
		out = append(out, spanned("invisible", c.lang, strings.ReplaceAll(c.tmpl, "{K}", w), w))
	}
	for _, c := range []struct{ lang, tmpl, plain string }{
		{"en", "here is our .env, base64 so Slack doesn't mangle it: {B}", "DEBUG=1\nOPENAI_API_KEY={K}\nPORT=8080\n"},
		{"en", "echo {B} | base64 -d > .env", "OPENAI_API_KEY={K}\n"},
		{"zh", "配置（base64）：{B}", "# prod\nOPENAI_API_KEY=\"{K}\"\n"},
		{"en", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: openai\ntype: Opaque\ndata:\n  OPENAI_API_KEY: {B}", "{K}"},
		{"zh", "这个 Secret 为什么不生效？\ndata:\n  api-key: {B}\n  org: b3JnLWFjbWU=", "{K}"},
	} {
		k := openAIKey()
		out = append(out, encoded("base64", c.lang, c.tmpl, strings.ReplaceAll(c.plain, "{K}", k), k))
	}
	// Well-formed random keys that happen to hold XXXX or False are keys.
	for _, c := range []struct{ lang, tmpl, inner string }{
		{"en", "OPENAI_API_KEY={K}", "XXXX"},
		{"en", "key {K} leaked", "False"},
		{"zh", "我的 key 是 {K}，", "xxxx"},
		{"zh", "新 key：{K}", "FALSE"},
		{"en", "```\n{K}\n```", "0000"},
	} {
		k := openAIKey()
		k = k[:30] + c.inner + k[30+len(c.inner):]
		out = append(out, spanned("lookalike-substring", c.lang, strings.ReplaceAll(c.tmpl, "{K}", k), k))
	}
	return out
}

func write(path string, v any) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		log.Fatal(err)
	}
}

func lookalikes() []Lookalike {
	l := func(why, text string) Lookalike { return Lookalike{why, text} }
	return []Lookalike{
		l("talk about prefixes", "new keys start with sk-proj- and are much longer than the old sk- ones"),
		l("talk about prefixes", "OpenAI keys look like sk-proj-…; Anthropic ones like sk-ant-api03-…"),
		l("talk about prefixes", "grok keys start with xai- and groq keys with gsk_"),
		l("talk about prefixes", "ghp_ tokens are classic PATs; github_pat_ are fine-grained"),
		l("talk about prefixes", "AKIA followed by 16 characters is an access key id"),
		l("talk about prefixes", "Stripe test mode uses sk_test_... and live uses sk_live_..."),
		l("talk about prefixes", "使用 `sk-proj-` 开头的新密钥"),
		l("talk about prefixes", "Replicate tokens: r8_…"),
		l("question", "what's the difference between an API key and a token?"),
		l("question", "API key 和 token 有什么区别？"),
		l("question", "key: value pairs in YAML are separated by a colon"),
		l("question", "token count for gpt-4o is 128000"),
		l("question", "session token expires in 3600 seconds"),
		l("placeholder", "set OPENAI_API_KEY=sk-... in your shell"),
		l("placeholder", "OPENAI_API_KEY=sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
		l("placeholder", "api_key: <your key>"),
		l("placeholder", "export ANTHROPIC_API_KEY=$ANTHROPIC_API_KEY"),
		l("placeholder", "token: ${{ secrets.OPENAI_API_KEY }}"),
		l("placeholder", "api_key=YOUR_API_KEY"),
		l("placeholder", "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
		l("placeholder", "hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx is a placeholder"),
		l("placeholder", "api-key: 00000000000000000000000000000000"),
		l("placeholder", "xoxb-your-bot-token goes in SLACK_BOT_TOKEN"),
		l("placeholder", "我的 key 是 sk-...，为什么报错"),
		l("placeholder", "Authorization: Bearer <token>"),
		l("placeholder", `curl -H "Authorization: Bearer $OPENAI_API_KEY" https://api.openai.com/v1/models`),
		l("placeholder", `curl -H 'Authorization: Bearer ${TOKEN}' https://api.example.com`),
		l("placeholder", `api_key = os.environ["OPENAI_API_KEY"]`),
		l("placeholder", `token = getenv("GITHUB_TOKEN")`),
		l("placeholder", "OPENROUTER_API_KEY=sk-or-v1-..."),
		l("placeholder", "LANGSMITH_API_KEY=lsv2_pt_..."),
		l("placeholder", "TOGETHER_API_KEY=tgp_v1_..."),
		l("placeholder", "access_token=REDACTED"),
		l("placeholder", `secret_key = "changeme"`),
		l("placeholder", "sk-proj-XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"),
		l("placeholder", "`AIzaSyXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX` goes in GEMINI_API_KEY"),
		l("placeholder", "in docs: `AIzaSy...` is your Gemini key"),
		l("documentation key", "aws_access_key_id = AKIAIOSFODNN7EXAMPLE"),
		l("documentation key", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
		l("masked key", "the dashboard shows sk-...AbCd for my key"),
		l("masked key", "console lists it as sk-ant-api03-R2D...igAA"),
		l("masked key", "api_key: '********************************'"),
		l("masked key", "Bearer sk-****************************abcd"),
		l("masked key", "密钥已经轮换了，旧的 sk-proj-…a1B2 已作废"),
		l("masked key", "key: sk-ant-api03-****************************************igAA"),
		l("masked key", "GitHub shows ghp_****************************Xy9Z in the token list"),
		l("hash", "commit 3f786850e387550fdab836ed7e6dc881de23001b fixed the key rotation"),
		l("hash", "sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
		l("hash", "git sha: 9fceb02d0ae598e95dc970b74767f19372d61af8"),
		l("hash", `etag: "33a64df551425fcc55e4d42a148795d9f25f89d4"`),
		l("hash", "md5 checksum: d41d8cd98f00b204e9800998ecf8427e"),
		l("hash", "the key fingerprint is SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8"),
		l("hash", "token_hash=2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"),
		l("digest", "image digest sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
		l("digest", "pulled ghcr.io/acme/bot@sha256:9b2a3f1c0d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8"),
		l("uuid", "request id 550e8400-e29b-41d4-a716-446655440000 failed with invalid api key"),
		l("uuid", "api_key_id: 123e4567-e89b-12d3-a456-426614174000"),
		l("uuid", "secret = 6ba7b810-9dad-11d1-80b4-00c04fd430c8"),
		l("snowflake", "user id 123456789012345678 has the key role"),
		l("snowflake", "channel_id: 1098765432109876543"),
		l("snowflake", "discord user id 80351110224678912, message id 1180000000000000000"),
		l("snowflake", "token: 1180000000000000000"),
		l("mention", "<@U024BE7LH> can you rotate the key?"),
		l("url", "key rotation every 90 days, see https://platform.openai.com/api-keys"),
		l("url", "the secret is in vault at secret/data/prod/openai"),
		l("password", "password: hunter2"),
		l("reference", "the key is in 1Password under 'OpenAI prod'"),
		l("placeholder shape", "OPENAI_API_KEY=sk-proj-1234567890abcdefghijklmnopqrstuvwxyz1234567890abcdefghij"),
		l("placeholder shape", "api_key = \"your-api-key-here\""),
		l("wrapped prose", "we rotated every credential yesterday and the dashboards\nlook fine; the onboarding flow still needs a review before friday"),
		l("wrapped hashes", "3f786850e387550fdab836ed7e6dc881de23001b\n9fceb02d0ae598e95dc970b74767f19372d61af8"),
		l("invisible in prose", "the api\u200bkey is in the vault, ask\u00adme if you need it"),
		l("base64 of text", "config: "+base64.StdEncoding.EncodeToString([]byte("DEBUG=1\nPORT=8080\nLOG_LEVEL=info\n"))),
		l("base64 placeholder", "data:\n  OPENAI_API_KEY: "+base64.StdEncoding.EncodeToString([]byte("sk-proj-XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"))),
		l("base64 image", "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="),
	}
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tokenbot/tokenbot/bot/bottest"
	"github.com/tokenbot/tokenbot/bot/ledger"
)

// tokenbot runs the command line in the test process with a private data
// directory and returns its exit code, stdout and stderr.
func tokenbot(t *testing.T, dataDir, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	vars := map[string]string{"TOKENBOT_DATA_DIR": dataDir}
	e := &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errOut, getenv: func(k string) string { return vars[k] }}
	code := run(context.Background(), e, args)
	return code, out.String(), errOut.String()
}

func TestTokensJSON(t *testing.T) {
	code, out, stderr := tokenbot(t, t.TempDir(), "", "tokens", "--json", "--model", "gpt-4o", "--model", "claude-sonnet-4.5", "hello world")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep struct {
		Chars, Bytes int
		Encodings    []struct {
			Name   string
			Tokens int
		}
		Models []struct {
			Model         string  `json:"model"`
			Provider      string  `json:"provider"`
			Encoding      string  `json:"encoding"`
			Tokens        int     `json:"tokens"`
			Exact         bool    `json:"exact"`
			InputCostUSD  float64 `json:"input_cost_usd"`
			OutputCostUSD float64 `json:"output_cost_usd"`
			ContextWindow int     `json:"context_window"`
			ContextShare  float64 `json:"context_share"`
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("output is not one JSON object: %v\n%s", err, out)
	}
	if rep.Chars != 11 || rep.Bytes != 11 || len(rep.Encodings) != 4 || rep.Encodings[0].Tokens != 2 {
		t.Errorf("report = %+v", rep)
	}
	if len(rep.Models) != 2 || rep.Models[0].Model != "gpt-4o" || !rep.Models[0].Exact || rep.Models[1].Exact {
		t.Fatalf("models = %+v, want gpt-4o exact then Claude estimated", rep.Models)
	}
	if m := rep.Models[0]; m.Tokens != 2 || m.InputCostUSD <= 0 || m.ContextWindow == 0 || m.ContextShare <= 0 {
		t.Errorf("gpt-4o = %+v", m)
	}
	if strings.Contains(out, `"pieces"`) {
		t.Errorf("--json prints pieces")
	}
}

func TestTokensTableFromStdin(t *testing.T) {
	code, out, stderr := tokenbot(t, t.TempDir(), "你好，世界", "tokens")
	if code != 0 || !strings.Contains(out, "o200k_base") || !strings.Contains(out, "gpt-6.2-sol") || !strings.Contains(out, "claude-sonnet-5-5") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, stderr)
	}
}

func TestErrorsAreOneLine(t *testing.T) {
	tests := [][]string{
		{"tokens", "--model", "gpt-4x", "hi"},
		{"tokens", "--bogus"},
		{"ask", "--mode", "loud", "hi"},
		{"nonsense"},
		{"scan", "/does/not/exist"},
	}
	for _, args := range tests {
		code, _, stderr := tokenbot(t, t.TempDir(), "", args...)
		if code != 2 || strings.Count(strings.TrimSpace(stderr), "\n") != 0 || stderr == "" {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and one line", args, code, stderr)
		}
	}
	_, _, stderr := tokenbot(t, t.TempDir(), "", "tokens", "--model", "gpt-4x", "hi")
	if !strings.Contains(stderr, "gpt-4") {
		t.Errorf("unknown model error names no close model: %q", stderr)
	}
}

func TestHelp(t *testing.T) {
	for _, c := range commands {
		code, out, _ := tokenbot(t, t.TempDir(), "", c.name, "--help")
		if code != 0 || !strings.Contains(out, "Usage: tokenbot "+c.name) {
			t.Errorf("%s --help: exit %d, %q", c.name, code, out)
		}
	}
}

func TestAskJSON(t *testing.T) {
	in := "is an API key the same as a token?\nAPI key 和 token 有什么区别？\nwhat time is standup?\n"
	code, out, stderr := tokenbot(t, t.TempDir(), in, "ask", "--json", "--mode", "passive")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("want 3 JSON lines, got %q", out)
	}
	want := []struct {
		id, lang string
		answered bool
	}{{"key-vs-token", "en", true}, {"key-vs-token", "zh", true}, {"", "en", false}}
	for i, l := range lines {
		var a struct {
			Question string `json:"question"`
			Answered bool   `json:"answered"`
			ID       string `json:"id"`
			Lang     string `json:"lang"`
		}
		if err := json.Unmarshal([]byte(l), &a); err != nil {
			t.Fatal(err)
		}
		if a.ID != want[i].id || a.Lang != want[i].lang || a.Answered != want[i].answered {
			t.Errorf("line %d = %+v, want %+v", i, a, want[i])
		}
	}
}

func TestScan(t *testing.T) {
	key := bottest.AnthropicKey(3)
	dir := t.TempDir()
	clean := "hello team\nkeys look like sk-ant-api03-... in the docs\n"
	code, out, _ := tokenbot(t, dir, clean, "scan", "--json")
	if code != 0 || strings.Count(out, `"findings":[]`) != 2 {
		t.Errorf("clean input: exit %d, %q", code, out)
	}
	jsonl := `{"id":"m-1","text":"fine"}` + "\n" + `{"id":"m-2","text":"line one\nmy key: ` + key + `"}` + "\n"
	path := filepath.Join(dir, "export.jsonl")
	if err := os.WriteFile(path, []byte(jsonl), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := tokenbot(t, dir, "", "scan", "--json", "--jsonl", path)
	if code != 1 {
		t.Fatalf("exit %d (%s), want 1: a key would be taken down", code, stderr)
	}
	if strings.Contains(out, key) || !strings.Contains(out, `"id":"m-2"`) || !strings.Contains(out, `"action":"takedown"`) {
		t.Errorf("output = %s", out)
	}
	code, out, _ = tokenbot(t, dir, "token "+key+"\n", "scan")
	if code != 1 || strings.Contains(out, key) || !strings.Contains(out, "Anthropic") {
		t.Errorf("plain scan: exit %d, %q", code, out)
	}
	if code, _, _ := tokenbot(t, dir, "{not json\n", "scan", "--jsonl"); code != 2 {
		t.Errorf("bad jsonl: exit %d, want 2", code)
	}
}

func TestChatAndAudit(t *testing.T) {
	dir := t.TempDir()
	key := bottest.AnthropicKey(4)
	in := "what is a context window?\n/tokens hello world\nhere is my key " + key + "\n"
	code, out, stderr := tokenbot(t, dir, in, "chat")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"context window", "o200k_base", "[message 3 removed by tokenbot]", "#security"} {
		if !strings.Contains(out, want) {
			t.Errorf("chat output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out+stderr, key) {
		t.Errorf("chat echoes the key")
	}
	code, out, _ = tokenbot(t, dir, "", "audit", "--json")
	if code != 0 || strings.Count(out, "\n") != 1 || !strings.Contains(out, `"outcome":"deleted"`) || strings.Contains(out, key) {
		t.Errorf("audit: exit %d, %q", code, out)
	}
}

// A detail recorded before errors were redacted (a platform error quoting
// a key, a webhook URL with its token) is redacted when audit shows it.
func TestAuditRedactsOldDetails(t *testing.T) {
	dir := t.TempDir()
	store, err := ledger.OpenSQLite(context.Background(), filepath.Join(dir, "ledger.db"))
	if err != nil {
		t.Fatal(err)
	}
	key := bottest.GitHubToken(9)
	const hookToken = "WhK9tokenPathSecret_x1y2z3"
	k := ledger.Key{Platform: "discord", Workspace: "G1", Channel: "C1", MessageID: "111"}
	ok, _, err := store.Claim(context.Background(), ledger.Record{Key: k, Poster: "U1", Rule: "github-pat", Provider: "GitHub",
		Masked: "ghp_…abcd", Fingerprint: strings.Repeat("ab", 16)}, "old", time.Minute)
	if err != nil || !ok {
		t.Fatalf("claim: %v, %v", ok, err)
	}
	detail := "missing permission: POST https://discord.com/api/webhooks/1/" + hookToken + "?wait=true: text \"my key " + key + "\""
	if err := store.Finish(context.Background(), k, "old", ledger.Escalated, 1, detail); err != nil {
		t.Fatal(err)
	}
	store.Close()
	code, out, stderr := tokenbot(t, dir, "", "audit", "--json")
	if code != 0 || !strings.Contains(out, `"outcome":"escalated"`) || !strings.Contains(out, "discord.com/api/webhooks/1/…") {
		t.Fatalf("audit: exit %d, %q, %q", code, out, stderr)
	}
	if strings.Contains(out, hookToken) || bottest.Leaked(out, key) != "" {
		t.Errorf("audit repeats the detail's credentials: %s", out)
	}
}

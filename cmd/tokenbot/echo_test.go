package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/tokenbot/tokenbot/bot/bottest"
)

// A key given to any command, as an argument, a flag, a configuration
// value, on standard input or in a file, is never printed back (only its
// masked preview), on standard output or standard error.
func TestCLINoEcho(t *testing.T) {
	key, gh := bottest.KeyPair(41)
	leaky := filepath.Join(t.TempDir(), "leaky.env")
	if err := os.WriteFile(leaky, []byte("A=1\nANTHROPIC_API_KEY="+key+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		stdin  string
		secret string
	}{
		{"tokens model", []string{"tokens", "--model", gh, "hello"}, "", gh},
		{"tokens text", []string{"tokens", "count " + key}, "", key},
		{"tokens text as JSON", []string{"tokens", "--json", "count " + key}, "", key},
		{"tokens standard input", []string{"tokens"}, "count " + gh + "\n", gh},
		{"unknown command", []string{gh}, "", gh},
		{"unknown flag", []string{"tokens", "--" + key, "hello"}, "", key},
		{"ask flag value", []string{"ask", "--lang", gh, "what is a token"}, "", gh},
		{"ask question", []string{"ask", "is " + key + " an API key?"}, "", key},
		{"ask question as JSON", []string{"ask", "--json", "is " + gh + " a token?"}, "", gh},
		{"config file name", []string{"scan", "--config", "/nonexistent/" + gh + ".yaml"}, "", gh},
		{"scan argument", []string{"scan", "/nonexistent/" + gh}, "", gh},
		{"scan file", []string{"scan", leaky}, "", key},
		{"scan file as JSON", []string{"scan", "--json", leaky}, "", key},
		{"scan JSONL id", []string{"scan", "--jsonl"}, `{"id":"` + gh + `","text":"k ` + key + `"}` + "\n", gh},
		{"scan JSONL id as JSON", []string{"scan", "--jsonl", "--json"}, `{"id":"` + gh + `","text":"k ` + key + `"}` + "\n", gh},
		{"scan malformed JSONL", []string{"scan", "--jsonl"}, `{"id":"m1","text":"` + key + `"` + "\n", key},
		{"chat command", []string{"chat"}, "/tokens encoding=" + key + " hi\n", key},
		{"chat model", []string{"chat"}, "/tokens model=" + gh + " hi\n", gh},
		{"chat message", []string{"chat"}, "here is the prod key " + key + "\n", key},
		{"chat question", []string{"chat"}, "is " + gh + " an API key or a token?\n", gh},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := tokenbot(t, t.TempDir(), tt.stdin, tt.args...)
			if w := bottest.Leaked(out+stderr, tt.secret); w != "" {
				t.Fatalf("exit %d repeats %q of the key:\n%s%s", code, w, out, stderr)
			}
			if out+stderr == "" {
				t.Errorf("exit %d with no output", code)
			}
		})
	}
}

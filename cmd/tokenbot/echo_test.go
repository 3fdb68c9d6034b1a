package main

import (
	"testing"

	"github.com/tokenbot/tokenbot/bot/bottest"
)

// A key given on the command line, as an argument, a flag or a
// configuration value, is never printed back.
func TestCLINoEcho(t *testing.T) {
	key, gh := bottest.AnthropicKey(41), bottest.GitHubToken(42)
	tests := []struct {
		name   string
		args   []string
		stdin  string
		secret string
	}{
		{"tokens model", []string{"tokens", "--model", gh, "hello"}, "", gh},
		{"unknown command", []string{gh}, "", gh},
		{"unknown flag", []string{"tokens", "--" + key, "hello"}, "", key},
		{"ask flag value", []string{"ask", "--lang", gh, "what is a token"}, "", gh},
		{"config file name", []string{"scan", "--config", "/nonexistent/" + gh + ".yaml"}, "", gh},
		{"scan argument", []string{"scan", "/nonexistent/" + gh}, "", gh},
		{"chat command", []string{"chat"}, "/tokens encoding=" + key + " hi\n", key},
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

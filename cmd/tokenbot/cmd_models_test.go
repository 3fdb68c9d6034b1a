package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/tokenbot/tokenbot/bot/config"
	"github.com/tokenbot/tokenbot/bot/tokens"
)

func TestModels(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		code      int
		want, not []string // substrings of stdout, or of stderr when code != 0
	}{
		{"anthropic", []string{"models", "--provider", "anthropic"}, 0,
			[]string{"as of 2026-09-23 (@pydantic/genai-prices 0.1.8)", "~claude-sonnet-4-6", "anthropic  3      0.3     3.75", "1,000,000"},
			[]string{"gpt-", "claude-v1", "claude-3-opus"}},
		{"shut down left out", []string{"models", "--provider", "openai"}, 0,
			// GPT-6's encoding is assumed (no OpenAI source names it): its
			// counts are marked estimates; the others are exact.
			[]string{"gpt-5.5 ", "gpt-5.4-mini", "deprecated, ends 2026-12-11", "~gpt-6-sol", "~gpt-6.2-sol"}, []string{"gpt-4 ", "~gpt-5", "~gpt-4", "~o"}},
		{"all", []string{"models", "--all", "--provider", "openai"}, 0, []string{"gpt-4 ", "shut down 2026-10-23"}, nil},
		// A retired id its provider routes to another model still answers:
		// listed, with the model that serves it.
		{"routed", []string{"models", "--provider", "deepseek"}, 0,
			[]string{"~deepseek-flash ", "0.3    0.006   -            1.2", "384,000", "retired, served by deepseek-flash", "~deepseek-v4-pro "}, []string{"deepseek-chat", "deepseek-v3"}},
		// Google turns a shut-down id off: listed with --all as shut down.
		// A deprecated id it routes (gemini-3.5-flash) names its server.
		{"shut down, not routed", []string{"models", "--all", "--provider", "google"}, 0,
			[]string{"shut down 2026-12-01", "retired, served by gemini-3.6-flash", "retired, served by gemini-3.8-flash"}, []string{"served by gemini-3.5-flash-lite"}},
		// Anthropic's legacy models: still served, with the model it names.
		{"legacy", []string{"models", "--provider", "anthropic"}, 0,
			[]string{"~claude-fable-5-2 ", "8      0.2     10           40", "128,000     active", "~claude-opus-5 ", "legacy, use claude-opus-5-5", "~claude-opus-5-5 "}, nil},
		{"unknown provider", []string{"models", "--provider", "acme"}, 2, []string{`unknown provider "acme" (known: openai, anthropic, google`}, nil},
		{"argument", []string{"models", "gpt-4"}, 2, []string{`unexpected argument "gpt-4"`}, nil},
		{"help", []string{"models", "--help"}, 0, []string{"Usage: tokenbot models", "-provider provider"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := tokenbot(t, t.TempDir(), "", tt.args...)
			text := out
			if code != 0 {
				text = stderr
				if strings.Count(stderr, "\n") != 1 {
					t.Errorf("error is not one line: %q", stderr)
				}
			}
			if code != tt.code {
				t.Fatalf("exit %d; want %d (stderr %q)", code, tt.code, stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("output lacks %q:\n%s", w, text)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(text, n) {
					t.Errorf("output has %q:\n%s", n, text)
				}
			}
		})
	}
}

func TestTokensNamesAShutDownModel(t *testing.T) {
	code, out, stderr := tokenbot(t, t.TempDir(), "", "tokens", "--model", "gpt-4", "hello")
	if code != 0 || !strings.Contains(out, "gpt-4 ") || stderr != "gpt-4 was shut down on 2026-10-23; current models: gpt-5.6-sol.\n" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, stderr)
	}
}

func TestTokensTakesNamesAsTyped(t *testing.T) {
	code, out, stderr := tokenbot(t, t.TempDir(), "", "tokens", "--model", "claude 3.5 sonnet", "hello")
	want := "Counted \"claude 3.5 sonnet\" as claude-3-5-sonnet.\nclaude-3-5-sonnet was shut down on 2025-10-28; current models: claude-sonnet-5-5.\n"
	if code != 0 || !strings.Contains(out, "claude-3-5-sonnet ") || stderr != want {
		t.Errorf("exit %d, stdout %q, stderr %q; want stderr %q", code, out, stderr, want)
	}
	code, _, stderr = tokenbot(t, t.TempDir(), "", "tokens", "--model", "opus", "hello")
	if code == 0 || !strings.Contains(stderr, "could be claude-opus-5-5") {
		t.Errorf("--model opus: exit %d, stderr %q; want the candidates", code, stderr)
	}
}

func TestModelsJSON(t *testing.T) {
	code, out, stderr := tokenbot(t, t.TempDir(), "", "models", "--json", "--provider", "google")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got struct {
		PricesAsOf string `json:"prices_as_of"`
		Models     []struct {
			ID            string  `json:"id"`
			Provider      string  `json:"provider"`
			InputPerMTok  float64 `json:"input_per_mtok"`
			ContextWindow int     `json:"context_window"`
			Exact         bool    `json:"exact"`
		} `json:"models"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not one JSON object: %v\n%s", err, out)
	}
	found := false
	for _, m := range got.Models {
		if m.Provider != "google" || m.Exact {
			t.Errorf("model %+v: want google, estimated", m)
		}
		if m.ID == "gemini-3-flash-preview" {
			found = m.InputPerMTok == 0.5 && m.ContextWindow == 1_000_000
		}
	}
	if got.PricesAsOf != "2026-09-23" || !found {
		t.Errorf("prices_as_of %q, gemini-3-flash-preview found with its price: %v", got.PricesAsOf, found)
	}
}

// The models a /tokens report shows when none is named are current ones on
// the day the embedded defaults were last reviewed: served, not deprecated,
// not legacy, so a newcomer's first report prices what they would use.
func TestDefaultModelsAreCurrent(t *testing.T) {
	reviewed := time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)
	cfg, err := config.Load("")
	if err != nil {
		t.Fatal(err)
	}
	cat, err := tokens.DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	providers := map[string]bool{}
	for _, name := range cfg.Tokens.Models {
		m, err := cat.Lookup(name)
		if err != nil {
			t.Fatalf("tokens.models names %q: %v", name, err)
		}
		if m.ID != name {
			t.Errorf("tokens.models names %q, an alias of %s: use the id", name, m.ID)
		}
		if st := m.StatusAt(reviewed); st != tokens.Active || m.Legacy || m.ServedByAt(reviewed) != "" {
			t.Errorf("default model %s is not current on %s (status %v, legacy %v)", name, reviewed.Format(time.DateOnly), st, m.Legacy)
		}
		providers[m.Provider] = true
	}
	for _, p := range []string{"openai", "anthropic", "google"} {
		if !providers[p] {
			t.Errorf("no default model from %s", p)
		}
	}
}

package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadDefaults(t *testing.T) {
	c, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if c.Serve.Addr != "127.0.0.1:8080" || c.Tokens.MaxBytes != 1<<20 || c.SecurityChannel != "security" || c.SecurityLang != "en" || len(c.Tokens.Models) == 0 {
		t.Errorf("defaults = %+v", c)
	}
	if c.Leaks.Default["high"] != "takedown" || c.Leaks.Default["low"] != "warn" {
		t.Errorf("leak policy defaults = %+v", c.Leaks.Default)
	}
	if c.Prices.URL != "" {
		t.Errorf("prices.url = %q; the refresh must be off by default", c.Prices.URL)
	}
}

func TestLoadOverride(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokenbot.yaml")
	data := "passive_channels: [ai-help]\nsecurity_lang: zh\ntokens:\n  max_bytes: 2048\nleaks:\n  channels: {security-drill: none}\n"
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if c.Tokens.MaxBytes != 2048 || len(c.PassiveChannels) != 1 || c.Leaks.Channels["security-drill"] != "none" || c.SecurityLang != "zh" {
		t.Errorf("override = %+v", c)
	}
	if len(c.Tokens.Models) == 0 || c.Serve.Addr != "127.0.0.1:8080" || c.Leaks.Default["high"] != "takedown" {
		t.Errorf("fields left out of the file lost their defaults: %+v", c)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"unknown field", "passive_chanels: [x]\n", "passive_chanels"},
		{"negative size", "tokens:\n  max_bytes: -1\n", "tokens.max_bytes"},
		{"bad address", "serve:\n  addr: localhost\n", "serve.addr"},
		{"missing faq dir", "faq_dir: /does/not/exist\n", "faq_dir"},
		{"bad decision", "leaks:\n  default: {high: explode}\n", "leaks"},
		{"bad shard", "discord:\n  shard_id: 3\n  shard_count: 2\n", "discord.shard_id"},
		{"no models", "tokens:\n  models: []\n", "tokens.models"},
		{"security notices in a language the catalogue lacks", "security_lang: fr\n", `security_lang: must be one of en, zh, got "fr"`},
		{"prices url not a url", "prices:\n  url: models.json\n", `prices.url: "models.json" is not an http(s) URL`},
		{"prices url ftp", "prices:\n  url: ftp://example.com/models.json\n", "prices.url"},
		{"empty passive channel", "passive_channels: ['']\n", "passive_channels[0]"},
		{"not yaml", "tokens: [\n", "tokenbot.yaml"},
		{"bad trusted proxy", "serve:\n  trusted_proxies: ['10.0.0.1', 'proxy.local']\n", "serve.trusted_proxies[1]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "tokenbot.yaml")
			if err := os.WriteFile(path, []byte(tt.yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := Load(path)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("Load = %v, want an error naming %s and %q", err, path, tt.want)
			}
		})
	}
	if _, err := Load("/does/not/exist.yaml"); err == nil {
		t.Error("Load of a missing file succeeded")
	}
}

func TestParseProxies(t *testing.T) {
	got, err := ParseProxies([]string{"127.0.0.1", " 10.1.2.3/8 ", "::1", "::ffff:192.0.2.1"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"127.0.0.1/32", "10.0.0.0/8", "::1/128", "192.0.2.1/32"}
	for i, p := range got {
		if p.String() != want[i] {
			t.Errorf("proxy %d = %s, want %s", i, p, want[i])
		}
	}
	if _, err := ParseProxies([]string{"10.0.0.0/33"}); err == nil {
		t.Error("a prefix longer than the address was accepted")
	}
}

// Package config reads tokenbot's configuration: the embedded defaults in
// configs/tokenbot.yaml, overridden field by field by a file on disk.
// Secrets never live here: they come from the environment.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/netip"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/tokenbot/tokenbot/bot/leaks"
	"github.com/tokenbot/tokenbot/bot/msg"
	"github.com/tokenbot/tokenbot/bot/safeurl"
	"github.com/tokenbot/tokenbot/configs"
)

// Config is the whole configuration. See configs/tokenbot.yaml for what
// each field means and its default.
type Config struct {
	FAQDir          string   `yaml:"faq_dir"`
	PassiveChannels []string `yaml:"passive_channels"`
	PassiveMinScore float64  `yaml:"passive_min_score"`
	SecurityChannel string   `yaml:"security_channel"`
	// SecurityLang is the language of the security channel's notices, one
	// the message catalogue has ("en", "zh").
	SecurityLang string `yaml:"security_lang"`

	Tokens Tokens `yaml:"tokens"`
	Prices Prices `yaml:"prices"`

	DataDir string `yaml:"data_dir"`
	Leaks   Leaks  `yaml:"leaks"`

	Serve     Serve     `yaml:"serve"`
	Takedowns Takedowns `yaml:"takedowns"`
	Slack     Slack     `yaml:"slack"`
	Discord   Discord   `yaml:"discord"`

	// path is the file the configuration came from, for error messages.
	path string
}

// Tokens configures /tokens.
type Tokens struct {
	MaxBytes   int      `yaml:"max_bytes"`
	Models     []string `yaml:"models"`
	ModelsFile string   `yaml:"models_file"`
	MaxPieces  int      `yaml:"max_pieces"`
}

// Prices configures the runtime refresh of the model catalog.
type Prices struct {
	// URL serves a catalog in the configs/models.json format; empty keeps
	// the embedded one.
	URL string `yaml:"url"`
}

// Leaks configures the leak scan and the takedown policy.
type Leaks struct {
	RulesFile    string `yaml:"rules_file"`
	leaks.Policy `yaml:",inline"`
}

// Serve configures the HTTP server of `tokenbot serve`.
type Serve struct {
	Addr string `yaml:"addr"`
	// TrustedProxies are the addresses or CIDR ranges of reverse proxies
	// whose X-Forwarded-Proto and X-Forwarded-For the server believes (to
	// mark cookies Secure behind a TLS proxy and to limit guesses per real
	// client). Empty trusts no one.
	TrustedProxies []string `yaml:"trusted_proxies"`
}

// Takedowns configures how events are taken in and takedowns carried out
// and retried. See configs/tokenbot.yaml for each default.
type Takedowns struct {
	Workers       int           `yaml:"workers"`
	Queue         int           `yaml:"queue"`
	Lease         time.Duration `yaml:"lease"`
	SweepEvery    time.Duration `yaml:"sweep_every"`
	Deadline      time.Duration `yaml:"deadline"`
	Backoff       time.Duration `yaml:"backoff"`
	MaxBackoff    time.Duration `yaml:"max_backoff"`
	MaxRetryAfter time.Duration `yaml:"max_retry_after"`
	Timeout       time.Duration `yaml:"attempt_timeout"`
	Concurrency   int           `yaml:"resume_concurrency"`
	ShutdownGrace time.Duration `yaml:"shutdown_grace"`
}

// Slack configures the Slack adapter.
type Slack struct {
	MaxFileBytes int `yaml:"max_file_bytes"`
}

// Discord configures the Discord adapter.
type Discord struct {
	MaxFileBytes int    `yaml:"max_file_bytes"`
	DevGuild     string `yaml:"dev_guild"`
	ShardID      int    `yaml:"shard_id"`
	ShardCount   int    `yaml:"shard_count"`
	AutoMod      bool   `yaml:"automod"`
}

// DefaultFile is the name of the embedded default configuration.
const DefaultFile = "tokenbot.yaml"

// Load reads the embedded defaults and then, when path is not empty, the
// file at path on top of them, and validates the result.
func Load(path string) (*Config, error) {
	def, err := fs.ReadFile(configs.FS, DefaultFile)
	if err != nil {
		return nil, fmt.Errorf("read embedded defaults: %w", err)
	}
	var c Config
	if err := decode(def, &c); err != nil {
		return nil, fmt.Errorf("configs/%s: %w", DefaultFile, err)
	}
	c.path = "configs/" + DefaultFile + " (embedded)"
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("read config: %w", err)
		}
		if err := decode(data, &c); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		c.path = path
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

func decode(data []byte, c *Config) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	return nil
}

// Validate checks every field and names the first one that is wrong.
func (c *Config) Validate() error {
	bad := func(field, reason string, args ...any) error {
		return fmt.Errorf("%s: %s: %s", c.path, field, fmt.Sprintf(reason, args...))
	}
	if c.PassiveMinScore < 0 {
		return bad("passive_min_score", "must be 0 (built-in threshold) or positive, got %v", c.PassiveMinScore)
	}
	if langs := msg.Default.Languages(); c.SecurityLang != "" && !slices.Contains(langs, c.SecurityLang) {
		return bad("security_lang", "must be one of %s, got %q", strings.Join(langs, ", "), c.SecurityLang)
	}
	if c.Tokens.MaxBytes <= 0 {
		return bad("tokens.max_bytes", "must be positive, got %d", c.Tokens.MaxBytes)
	}
	if c.Tokens.MaxPieces < 0 {
		return bad("tokens.max_pieces", "must not be negative, got %d", c.Tokens.MaxPieces)
	}
	if len(c.Tokens.Models) == 0 {
		return bad("tokens.models", "name at least one model")
	}
	if u := c.Prices.URL; u != "" {
		// The URL may carry credentials (user:password@, a token in its
		// query): the error quotes it without password and query, or not
		// at all.
		p, err := url.Parse(u)
		if err != nil {
			return bad("prices.url", "is not a valid URL")
		}
		if (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
			return bad("prices.url", "%q is not an http(s) URL", safeurl.String(u))
		}
	}
	if c.FAQDir != "" {
		if st, err := os.Stat(c.FAQDir); err != nil || !st.IsDir() {
			return bad("faq_dir", "%q is not a directory", c.FAQDir)
		}
	}
	if _, _, err := net.SplitHostPort(c.Serve.Addr); err != nil {
		return bad("serve.addr", "%q is not host:port", c.Serve.Addr)
	}
	for i, p := range c.Serve.TrustedProxies {
		if _, err := ParseProxies([]string{p}); err != nil {
			return bad(fmt.Sprintf("serve.trusted_proxies[%d]", i), "%v", err)
		}
	}
	if c.DataDir == "" {
		return bad("data_dir", "must not be empty")
	}
	if err := c.Leaks.Policy.Validate(); err != nil {
		return bad("leaks", "%v", err)
	}
	if c.Discord.ShardCount < 0 || c.Discord.ShardID < 0 || (c.Discord.ShardCount > 0 && c.Discord.ShardID >= c.Discord.ShardCount) {
		return bad("discord.shard_id", "must be in [0, shard_count), got %d of %d", c.Discord.ShardID, c.Discord.ShardCount)
	}
	t := c.Takedowns
	for _, f := range []struct {
		name string
		v    int64
	}{
		{"workers", int64(t.Workers)}, {"queue", int64(t.Queue)}, {"lease", int64(t.Lease)}, {"sweep_every", int64(t.SweepEvery)},
		{"deadline", int64(t.Deadline)}, {"backoff", int64(t.Backoff)}, {"max_backoff", int64(t.MaxBackoff)},
		{"max_retry_after", int64(t.MaxRetryAfter)}, {"attempt_timeout", int64(t.Timeout)},
		{"resume_concurrency", int64(t.Concurrency)}, {"shutdown_grace", int64(t.ShutdownGrace)},
	} {
		if f.v <= 0 {
			return bad("takedowns."+f.name, "must be positive")
		}
	}
	if t.Timeout >= t.Lease {
		return bad("takedowns.attempt_timeout", "must be shorter than takedowns.lease (%v), got %v", t.Lease, t.Timeout)
	}
	if t.Backoff > t.MaxBackoff {
		return bad("takedowns.backoff", "must not exceed takedowns.max_backoff (%v), got %v", t.MaxBackoff, t.Backoff)
	}
	for i, ch := range c.PassiveChannels {
		if strings.TrimSpace(ch) == "" {
			return bad(fmt.Sprintf("passive_channels[%d]", i), "empty channel name")
		}
	}
	return nil
}

// ParseProxies reads trusted proxy addresses: an IP (a single host) or a
// CIDR range each.
func ParseProxies(list []string) ([]netip.Prefix, error) {
	out := make([]netip.Prefix, 0, len(list))
	for _, p := range list {
		p = strings.TrimSpace(p)
		if pre, err := netip.ParsePrefix(p); err == nil {
			out = append(out, pre.Masked())
			continue
		}
		a, err := netip.ParseAddr(p)
		if err != nil {
			return nil, fmt.Errorf("%q is neither an IP address nor a CIDR range", p)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

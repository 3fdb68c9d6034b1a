package leaks

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// Decision is what the bot does about a finding.
type Decision string

const (
	// Takedown deletes the message, tells the poster privately how to
	// revoke the key, notifies the security channel and records it.
	Takedown Decision = "takedown"
	// Warn tells the poster privately; the message stays.
	Warn Decision = "warn"
	// Ignore does nothing.
	Ignore Decision = "none"
)

func (d Decision) valid() bool { return d == Takedown || d == Warn || d == Ignore }

// Policy decides what to do with a finding. It is the `leaks:` block of
// configs/tokenbot.yaml.
//
// Precedence: allow_fingerprints and allow_channels (nothing happens), then
// a channel override, then a provider override, then the default for the
// finding's confidence.
type Policy struct {
	// Default maps a confidence to a decision: high→takedown, low→warn.
	Default map[Confidence]Decision `yaml:"default"`
	// Providers overrides per provider name (case-insensitive), e.g. "Stripe": warn.
	Providers map[string]Decision `yaml:"providers"`
	// Channels overrides per channel id or name (case-insensitive, leading
	// '#' ignored), e.g. "security-drill": none.
	Channels map[string]Decision `yaml:"channels"`
	// AllowFingerprints lists Finding.Fingerprint values of known public
	// test keys; they are never acted on.
	AllowFingerprints []string `yaml:"allow_fingerprints"`
	// AllowChannels lists channels where nothing is ever acted on.
	AllowChannels []string `yaml:"allow_channels"`
}

// DefaultPolicy takes down high-confidence findings and warns on low ones.
func DefaultPolicy() Policy {
	return Policy{
		Default: map[Confidence]Decision{High: Takedown, Low: Warn},
	}
}

// Validate reports every problem in p, one per line.
func (p Policy) Validate() error {
	var errs []error
	for c, d := range p.Default {
		if c != High && c != Low {
			errs = append(errs, fmt.Errorf("leaks.default: unknown confidence %q (want high or low)", c))
		}
		if !d.valid() {
			errs = append(errs, fmt.Errorf("leaks.default.%s: unknown decision %q (want takedown, warn or none)", c, d))
		}
	}
	for name, d := range p.Providers {
		if strings.TrimSpace(name) == "" {
			errs = append(errs, errors.New("leaks.providers: empty provider name"))
		}
		if !d.valid() {
			errs = append(errs, fmt.Errorf("leaks.providers.%s: unknown decision %q (want takedown, warn or none)", name, d))
		}
	}
	for name, d := range p.Channels {
		if normChannel(name) == "" {
			errs = append(errs, errors.New("leaks.channels: empty channel name"))
		}
		if !d.valid() {
			errs = append(errs, fmt.Errorf("leaks.channels.%s: unknown decision %q (want takedown, warn or none)", name, d))
		}
	}
	for i, fp := range p.AllowFingerprints {
		fp = strings.TrimSpace(fp)
		if _, err := hex.DecodeString(fp); err != nil || (len(fp) != FingerprintHexLen && len(fp) != 64) {
			errs = append(errs, fmt.Errorf("leaks.allow_fingerprints[%d]: want %d hex characters (from a finding's fingerprint)", i, FingerprintHexLen))
		}
	}
	for i, c := range p.AllowChannels {
		if normChannel(c) == "" {
			errs = append(errs, fmt.Errorf("leaks.allow_channels[%d]: empty channel name", i))
		}
	}
	return errors.Join(errs...)
}

// Decide returns what to do with f posted in a channel known by the given
// names (its id and its name: an allowlist entry or override matches
// either); fingerprint is f.Fingerprint(key) under the deployment's key.
func (p Policy) Decide(f Finding, fingerprint string, channel ...string) Decision {
	fingerprint = strings.ToLower(strings.TrimSpace(fingerprint))
	if fingerprint != "" {
		for _, a := range p.AllowFingerprints {
			a = strings.ToLower(strings.TrimSpace(a))
			if a == "" {
				continue
			}
			// A full 64-hex HMAC entry also matches its 32-hex truncation.
			if a == fingerprint || strings.HasPrefix(a, fingerprint) || strings.HasPrefix(fingerprint, a) {
				return Ignore
			}
		}
	}
	is := func(name string) bool {
		n := normChannel(name)
		for _, c := range channel {
			if ch := normChannel(c); ch != "" && ch == n {
				return true
			}
		}
		return false
	}
	for _, a := range p.AllowChannels {
		if is(a) {
			return Ignore
		}
	}
	for name, d := range p.Channels {
		if is(name) && d.valid() {
			return d
		}
	}
	for name, d := range p.Providers {
		if strings.EqualFold(strings.TrimSpace(name), f.Provider) && d.valid() {
			return d
		}
	}
	if d, ok := p.Default[f.Confidence]; ok && d.valid() {
		return d
	}
	if f.Confidence == High {
		return Takedown
	}
	return Warn
}

func normChannel(c string) string {
	return strings.ToLower(strings.TrimPrefix(strings.TrimSpace(c), "#"))
}

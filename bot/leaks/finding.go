package leaks

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Confidence says how sure the scanner is that a finding is a live credential.
type Confidence string

const (
	// High: a provider-prefixed, well-formed key (e.g. sk-proj-…, AIza…).
	High Confidence = "high"
	// Low: found only by context ("mistral_key = …") or by a generic rule.
	Low Confidence = "low"
)

// FingerprintHexLen is the length of Finding.Fingerprint: the first 32 hex
// characters (128 bits) of the HMAC-SHA256.
const FingerprintHexLen = 32

// Finding is one credential found in a message. The secret itself is kept in
// an unexported field: every way of printing, logging or encoding a Finding
// (String, GoString, Format, MarshalJSON, LogValue) shows only Masked.
type Finding struct {
	RuleID     string
	Provider   string
	Confidence Confidence
	// Masked is the preview safe to show: at most the provider prefix and
	// the last 4 characters, e.g. "sk-proj-…a1B2".
	Masked string
	// Start and End are byte offsets of the secret in the scanned text.
	Start, End int

	secret string
	// key is the secret as matched when it differs from the text it was
	// found in (joined across a line wrap or invisible characters, or
	// decoded from base64); "" otherwise.
	key string
}

// Fingerprint returns the hex HMAC-SHA256 of the secret under key, truncated
// to FingerprintHexLen (32) hex characters. It identifies a secret across
// messages (audit rows, allow lists) without revealing it.
func (f Finding) Fingerprint(key []byte) string {
	m := hmac.New(sha256.New, key)
	if f.key != "" {
		m.Write([]byte(f.key))
	} else {
		m.Write([]byte(f.secret))
	}
	return hex.EncodeToString(m.Sum(nil))[:FingerprintHexLen]
}

// RevokeURL returns the provider's page to revoke or rotate keys, or "" when
// the provider has none on record.
func (f Finding) RevokeURL() string { return RevokeURL(f.Provider) }

// String shows the finding without its secret.
func (f Finding) String() string {
	return fmt.Sprintf("leaks.Finding{RuleID:%q Provider:%q Confidence:%s Masked:%q Start:%d End:%d}",
		f.RuleID, f.Provider, f.Confidence, f.Masked, f.Start, f.End)
}

// GoString shows the finding without its secret.
func (f Finding) GoString() string { return f.String() }

// Format makes every fmt verb (%v, %+v, %#v, %s, %q, …) print String().
func (f Finding) Format(s fmt.State, verb rune) {
	if verb == 'q' {
		_, _ = fmt.Fprint(s, strconv.Quote(f.String()))
		return
	}
	_, _ = fmt.Fprint(s, f.String())
}

type findingJSON struct {
	RuleID     string     `json:"rule_id"`
	Provider   string     `json:"provider"`
	Confidence Confidence `json:"confidence"`
	Masked     string     `json:"masked"`
	Start      int        `json:"start"`
	End        int        `json:"end"`
}

// MarshalJSON encodes the finding without its secret.
func (f Finding) MarshalJSON() ([]byte, error) {
	return json.Marshal(findingJSON{f.RuleID, f.Provider, f.Confidence, f.Masked, f.Start, f.End})
}

// LogValue implements slog.LogValuer: only the masked form is logged.
func (f Finding) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("rule_id", f.RuleID),
		slog.String("provider", f.Provider),
		slog.String("confidence", string(f.Confidence)),
		slog.String("masked", f.Masked),
		slog.Int("start", f.Start),
		slog.Int("end", f.End),
	)
}

// Redact returns text with every finding's secret replaced by its masked
// form. Findings whose offsets do not fit text are still honoured by
// replacing their secret wherever it occurs.
func Redact(text string, findings []Finding) string {
	if len(findings) == 0 {
		return text
	}
	fs := append([]Finding(nil), findings...)
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].Start < fs[j].Start })
	var b strings.Builder
	last := 0
	for _, f := range fs {
		if f.secret == "" {
			continue
		}
		if f.Start < last || f.End > len(text) || f.Start < 0 || text[f.Start:f.End] != f.secret {
			continue
		}
		b.WriteString(text[last:f.Start])
		b.WriteString(f.Masked)
		last = f.End
	}
	b.WriteString(text[last:])
	out := b.String()
	// Any other copy of a secret (a stray finding, or the same key pasted
	// twice) goes too; longest secrets first.
	sort.SliceStable(fs, func(i, j int) bool { return len(fs[i].secret) > len(fs[j].secret) })
	for _, f := range fs {
		if f.secret != "" && strings.Contains(out, f.secret) {
			out = strings.ReplaceAll(out, f.secret, f.Masked)
		}
	}
	return out
}

// mask builds the preview of secret: a known literal prefix (only when it
// leaves most of the secret hidden), an ellipsis, and at most the last 4
// characters (fewer for short secrets).
func mask(secret string, prefixes []string) string {
	n := utf8.RuneCountInString(secret)
	tail := 0
	switch {
	case n >= 20:
		tail = 4
	case n >= 12:
		tail = 2
	}
	prefix := ""
	for _, p := range prefixes {
		if len(p) > len(prefix) && len(p) <= len(secret) && strings.EqualFold(secret[:len(p)], p) {
			prefix = secret[:len(p)]
		}
	}
	// Never show more than half the secret in total.
	if utf8.RuneCountInString(prefix)+tail > n/2 {
		prefix = ""
	}
	if tail > n/2 {
		tail = 0
	}
	runes := []rune(secret)
	out := prefix + "…" + string(runes[len(runes)-tail:])
	if out == secret {
		return "…"
	}
	return out
}

// Package safeurl shows URLs as they may appear in logs, errors, notices
// and audit rows: without the parts where a credential sits.
package safeurl

import (
	"net/url"
	"regexp"
	"strings"
)

// String returns raw without its user information (a user name can be a
// token as well as a password), query and fragment, and with the token
// segments of a webhook's path replaced by "…":
//   - Discord: the segment after /webhooks/{id}/ and /interactions/{id}/
//     (an incoming webhook's URL is https://discord.com/api/webhooks/{id}/{token},
//     https://docs.discord.com/developers/resources/webhook);
//   - Slack: every segment after the first on hooks.slack.com (incoming
//     webhooks and response_url, https://hooks.slack.com/app/T111/123/xyz in
//     https://zenn.dev/slack/articles/256c916f71b343).
//
// A string that does not parse as a URL is "(invalid URL)".
func String(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(invalid URL)"
	}
	if u.Opaque != "" {
		return u.Scheme + ":…"
	}
	out := maskPath(u.Hostname(), u.EscapedPath())
	if u.Host != "" || u.Scheme != "" {
		out = u.Scheme + "://" + u.Host + out
	}
	return out
}

// maskPath replaces the token segments of a webhook's path.
func maskPath(host, path string) string {
	segs := strings.Split(path, "/")
	if strings.EqualFold(host, "hooks.slack.com") {
		// "", "services"|"commands"|"app"|…, then ids and the secret.
		for i := 2; i < len(segs); i++ {
			segs[i] = "…"
		}
		return strings.Join(segs, "/")
	}
	for i := 0; i+2 < len(segs); i++ {
		if s := strings.ToLower(segs[i]); s == "webhooks" || s == "interactions" {
			segs[i+2] = "…"
			i += 2
		}
	}
	return strings.Join(segs, "/")
}

// urlRE finds what looks like an absolute URL in free text: a scheme and
// everything up to a space, a quote or a bracket that ends it.
var urlRE = regexp.MustCompile(`(?i)\b[a-z][a-z0-9+.-]*://[^\s"'<>()\[\]{}` + "`" + `]+`)

// Text returns s with every URL in it shown as String shows it: an error
// message of an HTTP or websocket client quotes the URL it failed on.
func Text(s string) string {
	if !strings.Contains(s, "://") {
		return s
	}
	return urlRE.ReplaceAllStringFunc(s, func(raw string) string {
		// A sentence's full stop or comma is not part of the URL.
		trimmed := strings.TrimRight(raw, ".,;:!?")
		return String(trimmed) + raw[len(trimmed):]
	})
}

// Error returns err with its message shown as Text shows it; errors.Is
// and errors.As still see err (a caller that takes a *url.Error out of it
// must print String(ue.URL), not ue). A nil err is nil.
func Error(err error) error { return Mask(err, Text) }

// Mask returns err with its message rewritten by mask, still wrapping err
// for errors.Is and errors.As; err itself when mask changes nothing. A nil
// err is nil.
func Mask(err error, mask func(string) string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if out := mask(msg); out != msg {
		return &masked{msg: out, err: err}
	}
	return err
}

type masked struct {
	msg string
	err error
}

func (m *masked) Error() string { return m.msg }
func (m *masked) Unwrap() error { return m.err }

package bot

import (
	"context"

	"github.com/tokenbot/tokenbot/bot/leaks"
	"github.com/tokenbot/tokenbot/bot/safeurl"
)

// Redact masks every credential sc finds in s, a user-supplied string the
// bot is about to repeat (a command argument, a display name, a field name,
// an error). Apply it before any clipping: a clipped key may no longer be
// recognisable. found tells the caller a key was there, so that it can warn
// the user to rotate it. A nil sc returns s unchanged. A string that cannot
// be scanned (ctx done, too large, a scanner failure) is not repeated at
// all: out is "…".
func Redact(ctx context.Context, sc Scanner, s string) (out string, found []leaks.Finding) {
	if sc == nil || s == "" {
		return s, nil
	}
	found, err := sc.ScanContext(ctx, s)
	if err != nil {
		return "…", nil
	}
	if len(found) == 0 {
		return s, nil
	}
	return leaks.Redact(s, found), found
}

// RedactError is an error's message as the ledger's detail, a notice, the
// audit or a log may show it: its URLs without user information, query,
// fragment or webhook token (safeurl.Text), then Redact with sc. An
// error can quote the user's text or a URL with a credential in it.
func RedactError(ctx context.Context, sc Scanner, msg string) string {
	out, _ := Redact(ctx, sc, safeurl.Text(msg))
	return out
}

// redact is Redact with the router's scanner.
func (r *Router) redact(ctx context.Context, s string) (string, []leaks.Finding) {
	return Redact(ctx, r.Scanner, s)
}

package bot

import (
	"context"
	"slices"
	"strings"

	"github.com/tokenbot/tokenbot/bot/leaks"
)

// Scan is a text with the findings of its leak scan, made by Router.Scan.
// An adapter that must show a text itself (the web playground echoes a
// message on its page) scans it once and hands the scan on in Event.Scan:
// the core then does not scan the same text again. A scan of another
// string than the event's text is not used, since the words around a key
// change what the scanner finds ("tokens: x…" is a generic key, "x…"
// alone is not).
type Scan struct {
	text  string
	found []leaks.Finding
	done  bool
}

// Scan scans text as the core scans an event's text: a text that cannot
// be scanned yields a finding with RuleID leaks.UnscannedRuleID. The only
// error is ctx's cancellation.
func (r *Router) Scan(ctx context.Context, text string) (Scan, error) {
	found, err := r.scanText(ctx, text)
	if err != nil {
		return Scan{}, err
	}
	return Scan{text: text, found: found, done: true}, nil
}

// Redacted returns the scanned text with its keys masked, as Redact does:
// a text that could not be scanned is not repeated at all ("…").
func (s Scan) Redacted() string {
	if slices.ContainsFunc(s.found, func(f leaks.Finding) bool { return f.RuleID == leaks.UnscannedRuleID }) {
		return "…"
	}
	return leaks.Redact(s.text, s.found)
}

// Findings returns the credentials found.
func (s Scan) Findings() []leaks.Finding { return slices.Clip(s.found) }

// of returns the findings of text when s is a scan of it. The slice is
// clipped: appending to it copies.
func (s Scan) of(text string) ([]leaks.Finding, bool) {
	if !s.done || s.text != text {
		return nil, false
	}
	return slices.Clip(s.found), true
}

// tail returns the scan of the end of s's text, text: the findings that
// lie in it, their offsets moved to it (one of an unscanned text stays:
// its every part is unsafe). A text that is not an end of s's returns a
// Scan that is not used.
func (s Scan) tail(text string) Scan {
	if !s.done || !strings.HasSuffix(s.text, text) {
		return Scan{}
	}
	off := len(s.text) - len(text)
	out := Scan{text: text, done: true}
	for _, f := range s.found {
		switch {
		case f.RuleID == leaks.UnscannedRuleID:
		case f.Start >= off:
			f.Start, f.End = f.Start-off, f.End-off
		default:
			continue
		}
		out.found = append(out.found, f)
	}
	return out
}

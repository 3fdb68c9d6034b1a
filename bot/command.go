package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tokenbot/tokenbot/bot/leaks"
	"github.com/tokenbot/tokenbot/bot/msg"
	"github.com/tokenbot/tokenbot/bot/tokens"
	"github.com/tokenbot/tokenbot/knowledge"
)

// tokensUsage explains the /tokens command.
func tokensUsage() msg.Part {
	return msg.M(msg.Para, "tokens.usage", msg.Fields{"syntax": msg.Code("/tokens [model=ID]... [encoding=NAME] <text>"),
		"example": msg.Code("/tokens model=gpt-4o Hello, world")})
}

// TokensUsage is the usage of /tokens in English light Markdown.
var TokensUsage = msg.Render(msg.Doc{Lang: "en", Parts: []msg.Part{tokensUsage()}}, msg.Markdown)

// TokensRequest is a parsed /tokens argument.
type TokensRequest struct {
	Models   []string // model ids or aliases, in the order given
	Encoding string   // encoding for the boundary view; empty = the first model's
	Text     string
}

// ParseTokens reads leading model=ID and encoding=NAME options (also
// --model ID; a name with spaces in double quotes: model="claude 3.5
// sonnet"), then takes the rest of the argument verbatim as the text.
func ParseTokens(arg string) TokensRequest {
	var req TokensRequest
	rest := strings.TrimLeft(arg, " \t\n")
	for rest != "" {
		word, after := firstWord(rest)
		key, val, ok := strings.Cut(strings.TrimPrefix(word, "--"), "=")
		if word == "--model" || word == "-m" {
			val, after = firstWord(strings.TrimLeft(after, " \t"))
			key, ok = "model", true
		}
		if !ok || val == "" || (key != "model" && key != "encoding") {
			break
		}
		if key == "model" {
			for _, m := range strings.Split(val, ",") {
				if m = strings.TrimSpace(m); m != "" {
					req.Models = append(req.Models, m)
				}
			}
		} else {
			req.Encoding = val
		}
		rest = strings.TrimLeft(after, " \t\n")
	}
	req.Text = rest
	return req
}

// firstWord splits off the first word of s; a double-quoted part is one
// word with its quotes dropped (model="claude 3.5 sonnet").
func firstWord(s string) (word, rest string) {
	if i := strings.IndexByte(s, '"'); i >= 0 && !strings.ContainsAny(s[:i], " \t\n") {
		if j := strings.IndexByte(s[i+1:], '"'); j >= 0 {
			return s[:i] + s[i+1:i+1+j], s[i+2+j:]
		}
	}
	end := strings.IndexAny(s, " \t\n")
	if end < 0 {
		return s, ""
	}
	return s[:end], s[end:]
}

// command runs /tokens. Its reply is private: only the caller sees it.
// Nothing of the argument is repeated unredacted; when it held a key, the
// reply warns to rotate it, whatever else it says. scan, when it is a
// scan of ev.Text, spares the text a second scan.
func (r *Router) command(ctx context.Context, ev Event, scan Scan) ([]Action, error) {
	private := func(d msg.Doc, rep *tokens.Report) []Action {
		return []Action{Action{Kind: PrivateReply, Channel: ev.Channel, User: ev.User, ThreadID: ev.ThreadID,
			Interaction: ev.Interaction, Tokens: rep}.Saying(d)}
	}
	lang := knowledge.DetectLang(ev.Text)
	if ev.Command != "" && ev.Command != "tokens" {
		name, found := r.redact(ctx, ev.Command)
		var d msg.Doc
		if len(found) > 0 {
			d = SecretWarningDoc(lang, found)
		}
		d.Lang = lang
		d.Add(true, msg.M(msg.Para, "tokens.unknown_command", msg.Fields{"command": msg.Code("/" + Clip(name, 64))}), tokensUsage())
		return private(d, nil), nil
	}
	req := ParseTokens(ev.Text)
	if strings.TrimSpace(req.Text) == "" {
		return private(msg.Doc{Lang: lang, Parts: []msg.Part{tokensUsage()}}, nil), nil
	}
	found, ok := scan.of(ev.Text)
	if !ok {
		// The limit is checked before the scan, on all that is scanned.
		if err := r.checkSize(ev.Text); err != nil {
			return private(msg.Doc{Lang: lang, Parts: []msg.Part{errorPart(err)}}, nil), nil
		}
		var err error
		if found, err = r.scanText(ctx, ev.Text); err != nil {
			return nil, err
		}
		scan = Scan{text: ev.Text, found: found, done: true}
	}
	// The text is the end of the argument, after its options. A key that
	// begins in the options (one a line wrap continues into the text is a
	// key only in the whole argument) is masked in the model and encoding
	// names the reply may repeat, and warned of.
	var inOptions []leaks.Finding
	for _, f := range found {
		if f.Start < len(ev.Text)-len(req.Text) {
			inOptions = append(inOptions, f)
		}
	}
	if len(inOptions) > 0 {
		named := ParseTokens(scan.Redacted())
		req.Models, req.Encoding = named.Models, named.Encoding
	}
	// The reply, report included, is in the asker's language, as every
	// reply to the command.
	rep, warning, err := r.tokens(ctx, lang, scan.tail(req.Text), inOptions, req.Text, req.Models, req.Encoding)
	switch {
	case errors.Is(err, tokens.ErrTooLarge), errors.Is(err, tokens.ErrUnknownModel), errors.Is(err, tokens.ErrUnknownEncoding):
		warning.Add(true, errorPart(err))
		return private(warning, nil), nil
	case err != nil:
		return nil, fmt.Errorf("tokens report: %w", err)
	}
	return private(warning, &rep), nil
}

// errorPart says what went wrong with a /tokens request: the size limit
// from the catalogue, other errors as the tokens package words them.
func errorPart(err error) msg.Part {
	var big *sizeError
	if errors.As(err, &big) {
		return msg.M(msg.Para, "tokens.too_large", msg.Fields{"bytes": big.size, "limit": big.limit})
	}
	return msg.M(msg.Para, "tokens.error", msg.Fields{"detail": err.Error()})
}

// sizeError is a text above the size limit; it wraps tokens.ErrTooLarge.
type sizeError struct{ size, limit int }

func (e *sizeError) Error() string {
	return fmt.Sprintf("%v: %d bytes is above the limit of %d bytes", tokens.ErrTooLarge, e.size, e.limit)
}

func (e *sizeError) Unwrap() error { return tokens.ErrTooLarge }

// Tokens counts text for /tokens and the playground's tokenizer: for the
// models named (ids or aliases; the router's Models when none), with a
// boundary view in encoding (the first model's when empty). The size limit
// is checked before anything else. When the text, a model name or the
// encoding holds a credential, the report has no boundary view (it would
// spell the secret out) and warning tells the user, masked, also next to
// an error; an error names a model or encoding only redacted. A deprecated
// or shut-down model is counted, and warning says so and names current
// ones. Errors wrap tokens.ErrUnknownModel, tokens.ErrUnknownEncoding or
// tokens.ErrTooLarge.
func (r *Router) Tokens(ctx context.Context, text string, names []string, encoding string) (rep tokens.Report, warning string, err error) {
	rep, d, err := r.tokens(ctx, knowledge.DetectLang(text), Scan{}, nil, text, names, encoding)
	return rep, msg.Render(d, msg.Markdown), err
}

// tokens is Tokens saying its warnings in lang, with scan, used instead of
// scanning text again when it is a scan of text, and known, credentials
// already found elsewhere in the request (its options).
func (r *Router) tokens(ctx context.Context, lang string, scan Scan, known []leaks.Finding, text string, names []string, encoding string) (rep tokens.Report, warning msg.Doc, err error) {
	warning.Lang = lang
	if err := r.checkSize(text); err != nil {
		return tokens.Report{}, warning, err
	}
	found, ok := scan.of(text)
	if !ok {
		if found, err = r.scanText(ctx, text); err != nil {
			return tokens.Report{}, warning, err
		}
	}
	found = append(known, found...)
	// The default models' rows as the catalog has them now (it may have
	// been refreshed since start).
	models := slices.Clone(r.Models)
	for i, m := range models {
		if fresh, err := r.Catalog.Lookup(m.ID); err == nil {
			models[i] = fresh
		}
	}
	var notices []msg.Part
	if len(names) > 0 {
		models = nil
		for _, name := range names {
			name, f := r.redact(ctx, name)
			found = append(found, f...)
			res, err := r.Catalog.Resolve(name)
			if err != nil {
				return tokens.Report{}, tokensWarning(warning.Lang, found), err
			}
			m := res.Model
			models = append(models, m)
			if !res.Exact {
				notices = append(notices, msg.M(msg.Para, "tokens.counted_as", msg.Fields{"name": name, "model": m.ID}))
			}
			if n := r.Catalog.Notice(m, time.Now()); n != "" {
				notices = append(notices, msg.V(msg.Para, n))
			}
		}
	}
	encoding, f := r.redact(ctx, encoding)
	found = append(found, f...)
	if encoding == "" && len(models) > 0 {
		encoding = models[0].Encoding
	}
	rep, err = r.Counter.Report(ctx, text, models, tokens.ReportOptions{PiecesEncoding: encoding, MaxPieces: r.MaxPieces})
	if err != nil {
		return tokens.Report{}, tokensWarning(warning.Lang, found), err
	}
	if len(found) > 0 {
		rep.Pieces, rep.PiecesTruncated = nil, false
		warning = tokensWarning(warning.Lang, found)
	}
	warning.Add(false, notices...)
	return rep, warning, nil
}

// checkSize returns an error wrapping tokens.ErrTooLarge when text is above
// the counter's size limit.
func (r *Router) checkSize(text string) error {
	if r.Counter != nil && len(text) > r.Counter.MaxBytes() {
		return &sizeError{size: len(text), limit: r.Counter.MaxBytes()}
	}
	return nil
}

// tokensWarning is the rotate warning, in lang, for the credentials found
// in a /tokens request; a Doc with no parts when there are none.
func tokensWarning(lang string, found []leaks.Finding) msg.Doc {
	if len(found) == 0 {
		return msg.Doc{Lang: lang}
	}
	return SecretWarningDoc(lang, found)
}

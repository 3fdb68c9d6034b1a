package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tokenbot/tokenbot/bot/leaks"
	"github.com/tokenbot/tokenbot/bot/tokens"
	"github.com/tokenbot/tokenbot/knowledge"
)

// TokensUsage explains the /tokens command.
const TokensUsage = "Usage: `/tokens [model=ID]... [encoding=NAME] <text>` — counts the tokens of <text> " +
	"with OpenAI's encodings and estimates its cost per model. Example: `/tokens model=gpt-4o Hello, world`."

// TokensRequest is a parsed /tokens argument.
type TokensRequest struct {
	Models   []string // model ids or aliases, in the order given
	Encoding string   // encoding for the boundary view; empty = the first model's
	Text     string
}

// ParseTokens reads leading model=ID and encoding=NAME options (also
// --model ID), then takes the rest of the argument verbatim as the text.
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

func firstWord(s string) (word, rest string) {
	end := strings.IndexAny(s, " \t\n")
	if end < 0 {
		return s, ""
	}
	return s[:end], s[end:]
}

// command runs /tokens. Its reply is private: only the caller sees it.
func (r *Router) command(ctx context.Context, ev Event) ([]Action, error) {
	private := func(text string, rep *tokens.Report) []Action {
		return []Action{{Kind: PrivateReply, Channel: ev.Channel, User: ev.User, ThreadID: ev.ThreadID,
			Interaction: ev.Interaction, Text: text, Tokens: rep}}
	}
	if ev.Command != "" && ev.Command != "tokens" {
		return private(fmt.Sprintf("Unknown command /%s. %s", ev.Command, TokensUsage), nil), nil
	}
	req := ParseTokens(ev.Text)
	if strings.TrimSpace(req.Text) == "" {
		return private(TokensUsage, nil), nil
	}
	rep, warning, err := r.Tokens(ctx, req.Text, req.Models, req.Encoding)
	switch {
	case errors.Is(err, tokens.ErrTooLarge), errors.Is(err, tokens.ErrUnknownModel), errors.Is(err, tokens.ErrUnknownEncoding):
		return private(err.Error()+".", nil), nil
	case err != nil:
		return nil, fmt.Errorf("tokens report: %w", err)
	}
	text := FormatReport(rep)
	if warning != "" {
		text = warning + "\n\n" + text
	}
	return private(text, &rep), nil
}

// Tokens counts text for /tokens and the playground's tokenizer: for the
// models named (ids or aliases; the router's Models when none), with a
// boundary view in encoding (the first model's when empty). When the text
// or a model name holds a credential, the report has no boundary view (it
// would spell the secret out) and warning tells the user, masked; an error
// names a model only masked. A deprecated or shut-down model is counted,
// and warning says so and names current ones. Errors wrap tokens.ErrUnknownModel,
// tokens.ErrUnknownEncoding or tokens.ErrTooLarge.
func (r *Router) Tokens(ctx context.Context, text string, names []string, encoding string) (rep tokens.Report, warning string, err error) {
	found := r.scanText(text)
	// The default models' rows as the catalog has them now (it may have
	// been refreshed since start).
	models := slices.Clone(r.Models)
	for i, m := range models {
		if fresh, err := r.Catalog.Lookup(m.ID); err == nil {
			models[i] = fresh
		}
	}
	var notices []string
	if len(names) > 0 {
		models = nil
		for _, name := range names {
			if f := r.scanText(name); len(f) > 0 {
				found = append(found, f...)
				name = leaks.Redact(name, f)
			}
			m, err := r.Catalog.Lookup(name)
			if err != nil {
				return tokens.Report{}, "", err
			}
			models = append(models, m)
			if n := r.Catalog.Notice(m, time.Now()); n != "" {
				notices = append(notices, n)
			}
		}
	}
	if encoding == "" && len(models) > 0 {
		encoding = models[0].Encoding
	}
	rep, err = r.Counter.Report(ctx, text, models, tokens.ReportOptions{PiecesEncoding: encoding, MaxPieces: r.MaxPieces})
	if err != nil {
		return tokens.Report{}, "", err
	}
	if len(found) > 0 {
		rep.Pieces, rep.PiecesTruncated = nil, false
		notices = append([]string{SecretWarning(knowledge.DetectLang(text), found)}, notices...)
	}
	return rep, strings.Join(notices, "\n"), nil
}

package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"

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
func (r *Router) command(ctx context.Context, ev Event, found []leaks.Finding) ([]Action, error) {
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
	models := r.Models
	if len(req.Models) > 0 {
		models = models[:0:0]
		for _, name := range req.Models {
			m, err := r.Catalog.Lookup(name)
			if err != nil {
				return private(err.Error()+".", nil), nil
			}
			models = append(models, m)
		}
	}
	opts := tokens.ReportOptions{PiecesEncoding: req.Encoding, MaxPieces: r.MaxPieces}
	if opts.PiecesEncoding == "" && len(models) > 0 {
		opts.PiecesEncoding = models[0].Encoding
	}
	rep, err := r.Counter.Report(ctx, req.Text, models, opts)
	switch {
	case errors.Is(err, tokens.ErrTooLarge):
		return private(err.Error()+".", nil), nil
	case err != nil:
		return nil, fmt.Errorf("tokens report: %w", err)
	}
	if len(found) > 0 {
		// Counts are numbers and safe to show; the pieces would spell the
		// secret out, so there is no boundary view.
		rep.Pieces, rep.PiecesTruncated = nil, false
	}
	text := FormatReport(rep)
	if len(found) > 0 {
		text = SecretWarning(knowledge.DetectLang(req.Text), found) + "\n\n" + text
	}
	return private(text, &rep), nil
}

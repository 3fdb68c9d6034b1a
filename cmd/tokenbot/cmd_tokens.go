package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tokenbot/tokenbot/bot/tokens"
)

func runTokens(ctx context.Context, e *env, args []string) error {
	fs, cfgPath := newFlags(e, "tokens", "[TEXT | -]",
		"Counts the tokens of TEXT (or of standard input when TEXT is - or absent) with OpenAI's encodings\n"+
			"o200k_base, cl100k_base, p50k_base and r50k_base, and estimates its cost per model.")
	var models stringList
	fs.Var(&models, "model", "model `id` or alias to price (repeatable; default: the configured models)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	cfg, err := parseConfig(e, fs, cfgPath, args)
	if err != nil {
		return err
	}
	text, err := argOrStdin(e, fs.Args(), cfg.Tokens.MaxBytes)
	if err != nil {
		return err
	}
	cat, err := loadCatalog(cfg)
	if err != nil {
		return err
	}
	names, lookup := []string(models), func(n string) (tokens.Model, error) {
		r, err := cat.Resolve(n)
		if err == nil && !r.Exact {
			fmt.Fprintf(e.stderr, "Counted %q as %s.\n", n, r.Model.ID)
		}
		return r.Model, err
	}
	if len(names) == 0 {
		names, lookup = cfg.Tokens.Models, cat.Lookup
	}
	ms, err := lookupModels(names, lookup)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if n := cat.Notice(m, time.Now()); n != "" {
			fmt.Fprintln(e.stderr, n)
		}
	}
	counter := tokens.NewCounter(tokens.Options{MaxBytes: cfg.Tokens.MaxBytes})
	rep, err := counter.Report(ctx, text, ms, tokens.ReportOptions{})
	if err != nil {
		return err
	}
	rep.Pieces, rep.PiecesEncoding, rep.PiecesTruncated = nil, "", false
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		return enc.Encode(rep)
	}
	_, err = io.WriteString(e.stdout, rep.Text())
	return err
}

// argOrStdin joins the arguments into one text, or reads standard input
// when there is none or the only one is "-". Like the API it refuses an
// empty text, one that is not UTF-8, or one above max bytes (read no
// further than that).
func argOrStdin(e *env, args []string, max int) (string, error) {
	text := strings.Join(args, " ")
	if len(args) == 0 || (len(args) == 1 && args[0] == "-") {
		data, err := io.ReadAll(io.LimitReader(e.stdin, int64(max)+1))
		if err != nil {
			return "", fmt.Errorf("read standard input: %w", err)
		}
		text = string(data)
	}
	switch {
	case len(text) > max:
		return "", fmt.Errorf("%w: the text is above the limit of %d bytes (tokens.max_bytes)", tokens.ErrTooLarge, max)
	case strings.TrimSpace(text) == "":
		return "", errors.New("the text is empty: give it as arguments or on standard input")
	case !utf8.ValidString(text):
		return "", errors.New("the text is not valid UTF-8")
	}
	return text, nil
}

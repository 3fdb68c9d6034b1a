package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/tokenbot/tokenbot/bot"
	"github.com/tokenbot/tokenbot/knowledge"
)

func runAsk(ctx context.Context, e *env, args []string) error {
	fs, cfgPath := newFlags(e, "ask", "[QUESTION]",
		"Answers QUESTION from the FAQ, in its language (English or Simplified Chinese). Without QUESTION,\n"+
			"answers each line of standard input.")
	mode := fs.String("mode", "mention", "`mention` (always answer) or passive (answer only confident on-topic questions)")
	asJSON := fs.Bool("json", false, "print one JSON object per question")
	if err := parse(fs, args); err != nil {
		return err
	}
	m, err := knowledge.ParseMode(*mode)
	if err != nil {
		return err
	}
	cfg, err := loadConfig(e, *cfgPath)
	if err != nil {
		return err
	}
	faq, err := loadFAQ(cfg)
	if err != nil {
		return err
	}
	scanner, err := loadScanner(cfg)
	if err != nil {
		return err
	}
	ask := func(q string) error {
		if !utf8.ValidString(q) {
			return errors.New("the question is not valid UTF-8")
		}
		// A question that holds a key is answered, and echoed, masked.
		q, found := bot.Redact(ctx, scanner, q)
		if len(found) > 0 {
			fmt.Fprintln(e.stderr, bot.SecretWarning(knowledge.DetectLang(q), found))
		}
		a, err := faq.Ask(ctx, q, m)
		if err != nil {
			return err
		}
		if *asJSON {
			return json.NewEncoder(e.stdout).Encode(struct {
				Question string  `json:"question"`
				Answered bool    `json:"answered"`
				ID       string  `json:"id"`
				Title    string  `json:"title"`
				Score    float64 `json:"score"`
				Lang     string  `json:"lang"`
				Answer   string  `json:"answer"`
			}{q, a.Answered, a.ID, a.Title, a.Score, a.Lang, a.Answer})
		}
		switch {
		case a.Answered:
			fmt.Fprintf(e.stdout, "%s\n  [%s, score %.2f]\n\n", bot.FormatAnswer(a), a.ID, a.Score)
		case m == knowledge.Passive:
			fmt.Fprintf(e.stdout, "(no answer: not a confident on-topic question)\n\n")
		default:
			fmt.Fprintf(e.stdout, "%s\n\n", a.Answer)
		}
		return nil
	}
	if fs.NArg() > 0 {
		q := strings.Join(fs.Args(), " ")
		if strings.TrimSpace(q) == "" {
			return errors.New("the question is empty")
		}
		return ask(q)
	}
	sc := bufio.NewScanner(e.stdin)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		if err := ask(sc.Text()); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read standard input: %w", err)
	}
	return nil
}

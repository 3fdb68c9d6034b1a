package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"unicode/utf8"

	"github.com/tokenbot/tokenbot/bot"
	"github.com/tokenbot/tokenbot/bot/leaks"
	"github.com/tokenbot/tokenbot/bot/ledger"
)

type scanFinding struct {
	Rule       string `json:"rule"`
	Provider   string `json:"provider"`
	Confidence string `json:"confidence"`
	Action     string `json:"action"`
	Masked     string `json:"masked"`
	Start      int    `json:"start"`
	End        int    `json:"end"`
}

type scanResult struct {
	ID       string        `json:"id"`
	Findings []scanFinding `json:"findings"`
}

func runScan(ctx context.Context, e *env, args []string) error {
	fs, cfgPath := newFlags(e, "scan", "[FILE | -]",
		"Scans messages for leaked credentials with the bot's rules and policy. Plain input is one message\n"+
			"per line; with --jsonl, one {\"id\", \"text\"} object per line. Output is always masked.\n"+
			"A line over 1 MiB, not valid UTF-8 or not such an object is reported with its number and skipped.\n"+
			"Exit status: 0 when nothing would be taken down, 1 when something would, 2 on error or a skipped line.")
	asJSON := fs.Bool("json", false, "print one JSON object per message")
	jsonl := fs.Bool("jsonl", false, "read one {\"id\", \"text\"} JSON object per line")
	channel := fs.String("channel", "", "channel `name` to apply the policy's channel overrides for")
	cfg, err := parseConfig(e, fs, cfgPath, args)
	if err != nil {
		return err
	}
	scanner, err := loadScanner(cfg)
	if err != nil {
		return err
	}
	in := e.stdin
	if fs.NArg() > 1 {
		return fmt.Errorf("scan takes one file, got %d", fs.NArg())
	}
	if fs.NArg() == 1 && fs.Arg(0) != "-" {
		f, err := os.Open(fs.Arg(0))
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	key, ok, err := ledger.KeyFromEnv()
	if err != nil {
		return err
	}
	// Fingerprints are compared with the policy's allowlist: they need the
	// install's key, when there is one; scanning never creates it.
	if kp := filepath.Join(cfg.DataDir, "fingerprint.key"); !ok && fileExists(kp) {
		if key, err = ledger.LoadOrCreateKey(kp); err != nil {
			return err
		}
	}
	takedown, bad := false, 0
	err = eachMessage(ctx, in, *jsonl, maxScanLine, func(id, text string) error {
		// The id is the user's too: a key in it is masked like any other.
		id, _ = bot.Redact(ctx, scanner, id)
		res := scanResult{ID: id, Findings: []scanFinding{}}
		for _, f := range scanner.Scan(text) {
			d := cfg.Leaks.Policy.Decide(f, f.Fingerprint(key), *channel)
			takedown = takedown || d == leaks.Takedown
			res.Findings = append(res.Findings, scanFinding{f.RuleID, f.Provider, string(f.Confidence), string(d), f.Masked, f.Start, f.End})
		}
		if *asJSON {
			return json.NewEncoder(e.stdout).Encode(res)
		}
		for _, f := range res.Findings {
			fmt.Fprintf(e.stdout, "%s:%d-%d\t%s\t%s\t%s confidence\t%s\n", res.ID, f.Start, f.End, f.Action, f.Provider, f.Confidence, f.Masked)
		}
		return nil
	}, func(n int, why string) {
		bad++
		fmt.Fprintf(e.stderr, "tokenbot scan: line %d skipped: %s\n", n, why)
	})
	switch {
	case err != nil:
		return err
	case bad > 0:
		fmt.Fprintf(e.stderr, "tokenbot scan: %d line(s) skipped\n", bad)
		return exitError{2}
	case takedown:
		return exitError{1}
	}
	return nil
}

// maxScanLine caps one message of tokenbot scan: the chat platforms' own
// limits are far below it, and memory stays bounded whatever the input.
const maxScanLine = 1 << 20

// eachMessage calls fn for each message of in: a line, or with jsonl one
// {"id", "text"} object per line. A message's id is the given one or its
// line number. A line longer than maxLine, not valid UTF-8 or (with jsonl)
// not such an object is passed to skip with its number and left out; the
// memory held is one line at most. A NUL byte ends the scan with an error
// (the input is not text), as does ctx ending.
func eachMessage(ctx context.Context, in io.Reader, jsonl bool, maxLine int, fn func(id, text string) error, skip func(n int, why string)) error {
	r := bufio.NewReaderSize(in, 64*1024)
	var line []byte
	for n := 1; ; n++ {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("stopped before line %d: %w", n, err)
		}
		line = line[:0]
		tooLong := false
		var err error
		for {
			var chunk []byte
			chunk, err = r.ReadSlice('\n')
			if bytes.IndexByte(chunk, 0) >= 0 {
				return fmt.Errorf("line %d holds a NUL byte: the input is not text", n)
			}
			if !tooLong && len(line)+len(chunk) > maxLine+1 {
				tooLong, line = true, line[:0]
			}
			if !tooLong {
				line = append(line, chunk...)
			}
			if err != bufio.ErrBufferFull {
				break
			}
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("stopped in line %d: %w", n, err)
			}
		}
		if err != nil && err != io.EOF {
			return fmt.Errorf("read input: %w", err)
		}
		line = bytes.TrimSuffix(line, []byte("\n"))
		tooLong = tooLong || len(line) > maxLine
		switch {
		case tooLong:
			skip(n, fmt.Sprintf("longer than %d bytes", maxLine))
		case len(line) == 0:
		case !utf8.Valid(line):
			skip(n, "not valid UTF-8")
		default:
			id, text, ok := strconv.Itoa(n), string(line), true
			if jsonl {
				id, text, ok = jsonMessage(line, id)
			}
			if !ok {
				skip(n, `want a JSON object with a "text" string`)
			} else if err := fn(id, text); err != nil {
				return err
			}
		}
		if err == io.EOF {
			return nil
		}
	}
}

// jsonMessage reads one {"id", "text"} line; id defaults to def.
func jsonMessage(line []byte, def string) (id, text string, ok bool) {
	var m struct {
		ID   json.RawMessage `json:"id"`
		Text *string         `json:"text"`
	}
	if err := json.Unmarshal(line, &m); err != nil || m.Text == nil {
		return "", "", false
	}
	id = def
	if len(m.ID) > 0 && string(m.ID) != "null" {
		var s string
		if json.Unmarshal(m.ID, &s) == nil {
			id = s
		} else {
			id = string(m.ID)
		}
	}
	return id, *m.Text, true
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

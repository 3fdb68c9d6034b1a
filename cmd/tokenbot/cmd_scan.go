package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

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
			"Exit status: 0 when nothing would be taken down, 1 when something would, 2 on error.")
	asJSON := fs.Bool("json", false, "print one JSON object per message")
	jsonl := fs.Bool("jsonl", false, "read one {\"id\", \"text\"} JSON object per line")
	channel := fs.String("channel", "", "channel `name` to apply the policy's channel overrides for")
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(e, *cfgPath)
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
	takedown := false
	err = eachMessage(in, *jsonl, func(id, text string) error {
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
	})
	if err != nil {
		return err
	}
	if takedown {
		return exitError{1}
	}
	return nil
}

// eachMessage calls fn for each message of in: a line, or with jsonl one
// {"id", "text"} object per line. A message's id is the given one or its
// line number.
func eachMessage(in io.Reader, jsonl bool, fn func(id, text string) error) error {
	r := bufio.NewReaderSize(in, 64*1024)
	for n := 1; ; n++ {
		line, err := r.ReadString('\n')
		if len(line) > 0 {
			if line[len(line)-1] == '\n' {
				line = line[:len(line)-1]
			}
			id, text := strconv.Itoa(n), line
			if jsonl {
				var m struct {
					ID   json.RawMessage `json:"id"`
					Text *string         `json:"text"`
				}
				if err := json.Unmarshal([]byte(line), &m); err != nil || m.Text == nil {
					return fmt.Errorf("line %d: want a JSON object with a \"text\" string", n)
				}
				text = *m.Text
				if len(m.ID) > 0 && string(m.ID) != "null" {
					var s string
					if json.Unmarshal(m.ID, &s) == nil {
						id = s
					} else {
						id = string(m.ID)
					}
				}
			}
			if err := fn(id, text); err != nil {
				return err
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read input: %w", err)
		}
	}
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

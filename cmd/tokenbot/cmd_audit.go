package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tokenbot/tokenbot/bot"
	"github.com/tokenbot/tokenbot/bot/ledger"
)

func runAudit(ctx context.Context, e *env, args []string) error {
	fs, cfgPath := newFlags(e, "audit", "",
		"Lists recorded takedowns and warnings, newest first, masked, with the edits of a message\n"+
			"recorded against its takedown (later revisions). Reads the ledger in the data directory,\n"+
			"or PostgreSQL when DATABASE_URL is set.")
	asJSON := fs.Bool("json", false, "print one JSON object per record")
	since := fs.Duration("since", 0, "only records newer than this `duration` (e.g. 24h); 0 = all")
	limit := fs.Int("limit", 100, "at most this many records")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *since < 0 || *limit <= 0 {
		return fmt.Errorf("--since must not be negative and --limit must be positive")
	}
	cfg, err := loadConfig(e, *cfgPath)
	if err != nil {
		return err
	}
	// Name the ledger read, and never create an empty one: an audit of a
	// mistyped data directory must not say "nothing recorded".
	where := "PostgreSQL (DATABASE_URL)"
	if strings.TrimSpace(e.getenv("DATABASE_URL")) == "" {
		where = filepath.Join(cfg.DataDir, "ledger.db")
		if !fileExists(where) {
			return fmt.Errorf("no ledger at %s: nothing was recorded there (set TOKENBOT_DATA_DIR to the data directory of tokenbot serve, or DATABASE_URL)", where)
		}
	}
	fmt.Fprintf(e.stderr, "ledger: %s\n", where)
	store, _, err := openLedger(ctx, e, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	var from time.Time
	if *since > 0 {
		from = time.Now().Add(-*since)
	}
	recs, err := store.List(ctx, ledger.Filter{Since: from, Limit: *limit})
	if err != nil {
		return fmt.Errorf("list takedowns: %w", err)
	}
	if *asJSON {
		// Rows recorded before executor errors were redacted are redacted
		// here.
		sc, err := loadScanner(cfg)
		if err != nil {
			return err
		}
		enc := json.NewEncoder(e.stdout)
		for _, r := range recs {
			row := r.Audit()
			row.Detail = bot.RedactError(ctx, sc, row.Detail)
			if err := enc.Encode(row); err != nil {
				return err
			}
		}
		return nil
	}
	if len(recs) == 0 {
		fmt.Fprintln(e.stdout, "no takedowns recorded")
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tPLATFORM\tCHANNEL\tPOSTER\tPROVIDER\tKEY\tFINGERPRINT\tOUTCOME\tATTEMPTS\tLATER REVISIONS")
	for _, r := range recs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n", r.Time.Local().Format("2006-01-02 15:04:05"), r.Platform,
			r.Channel, r.Poster, r.Provider, r.Masked, r.Fingerprint, r.Outcome, r.Attempts, laterRevisions(r))
	}
	return tw.Flush()
}

// laterRevisions describes the revisions recorded against a takedown,
// e.g. "2 (last 1700000042.000100)", or is empty when there were none. The
// last may be the unedited message (revision ""), delivered after an
// edit's takedown.
func laterRevisions(r ledger.Record) string {
	switch {
	case r.LaterRevisions == 0:
		return ""
	case r.LastRevision == "":
		return fmt.Sprintf("%d (last the original)", r.LaterRevisions)
	}
	return fmt.Sprintf("%d (last %s)", r.LaterRevisions, r.LastRevision)
}

package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite" // pure-Go SQLite driver, registers "sqlite"
)

// SQLite is the embedded ledger: one file, WAL mode, no cgo. Several
// processes on one host may open the same file.
type SQLite struct {
	db        *sql.DB
	path      string
	lastPrune atomic.Int64 // unix nanos of the last SeenEvent prune
}

var _ Store = (*SQLite)(nil)

// sqliteTime is the stored time format: UTC, microseconds, fixed width, so
// that text order is time order and SQLite's date functions accept it.
const sqliteTime = "2006-01-02T15:04:05.000000Z"

func sqliteFormat(t time.Time) string { return normTime(t).Format(sqliteTime) }

var sqliteMigrations = []string{
	// 1: takedowns and event de-duplication.
	`CREATE TABLE takedowns (
		platform    TEXT NOT NULL,
		workspace   TEXT NOT NULL,
		channel     TEXT NOT NULL,
		message_id  TEXT NOT NULL,
		revision    TEXT NOT NULL,
		occurred_at TEXT NOT NULL,
		poster      TEXT NOT NULL,
		rule        TEXT NOT NULL,
		provider    TEXT NOT NULL,
		masked      TEXT NOT NULL,
		fingerprint TEXT NOT NULL,
		lang        TEXT NOT NULL,
		outcome     TEXT NOT NULL CHECK (outcome IN ('pending','deleted','warned','escalated','failed','allowed')),
		attempts    INTEGER NOT NULL CHECK (attempts >= 0),
		detail      TEXT NOT NULL,
		owner       TEXT NOT NULL,
		lease_until TEXT,
		updated_at  TEXT NOT NULL,
		PRIMARY KEY (platform, workspace, channel, message_id, revision)
	);
	CREATE INDEX takedowns_occurred_at ON takedowns (occurred_at);
	CREATE INDEX takedowns_stale ON takedowns (lease_until) WHERE outcome = 'pending';
	CREATE TABLE seen_events (
		platform TEXT NOT NULL,
		event_id TEXT NOT NULL,
		seen_at  TEXT NOT NULL,
		PRIMARY KEY (platform, event_id)
	);
	CREATE INDEX seen_events_seen_at ON seen_events (seen_at);`,
	// 2: what a record was claimed for, so that a resumed one does it.
	`ALTER TABLE takedowns ADD COLUMN action TEXT NOT NULL DEFAULT 'takedown' CHECK (action IN ('takedown','warn'));`,
	// 3: takedowns that survive failures (the delete's result and the
	// notices sent, kept while the record is pending; the next attempt's
	// time), and hourly and daily counts kept by triggers for Stats. Records from
	// before count as notified.
	`ALTER TABLE takedowns ADD COLUMN result TEXT NOT NULL DEFAULT '';
	ALTER TABLE takedowns ADD COLUMN notified INTEGER NOT NULL DEFAULT 3;
	ALTER TABLE takedowns ADD COLUMN next_attempt_at TEXT;
	ALTER TABLE takedowns ADD COLUMN claimed_at TEXT NOT NULL DEFAULT '';
	UPDATE takedowns SET claimed_at = updated_at;
	CREATE TABLE takedown_counts (
		hour TEXT NOT NULL,
		dim  TEXT NOT NULL,
		k1   TEXT NOT NULL,
		k2   TEXT NOT NULL,
		k3   TEXT NOT NULL,
		n    INTEGER NOT NULL,
		PRIMARY KEY (hour, dim, k1, k2, k3)
	);
	INSERT INTO takedown_counts
		SELECT substr(occurred_at, 1, 13), 'outcome', outcome, '', '', COUNT(*) FROM takedowns GROUP BY 1, 3;
	INSERT INTO takedown_counts
		SELECT substr(occurred_at, 1, 13), 'provider', provider, '', '', COUNT(*) FROM takedowns GROUP BY 1, 3;
	INSERT INTO takedown_counts
		SELECT substr(occurred_at, 1, 13), 'channel', platform, workspace, channel, COUNT(*) FROM takedowns GROUP BY 1, 3, 4, 5;
	CREATE TABLE takedown_counts_daily (
		day  TEXT NOT NULL,
		dim  TEXT NOT NULL,
		k1   TEXT NOT NULL,
		k2   TEXT NOT NULL,
		k3   TEXT NOT NULL,
		n    INTEGER NOT NULL,
		PRIMARY KEY (day, dim, k1, k2, k3)
	);
	INSERT INTO takedown_counts_daily
		SELECT substr(hour, 1, 10), dim, k1, k2, k3, SUM(n) FROM takedown_counts GROUP BY 1, 2, 3, 4, 5;
	CREATE TRIGGER takedowns_count_insert AFTER INSERT ON takedowns BEGIN
		INSERT INTO takedown_counts VALUES (substr(NEW.occurred_at, 1, 13), 'outcome', NEW.outcome, '', '', 1)
			ON CONFLICT DO UPDATE SET n = n + 1;
		INSERT INTO takedown_counts VALUES (substr(NEW.occurred_at, 1, 13), 'provider', NEW.provider, '', '', 1)
			ON CONFLICT DO UPDATE SET n = n + 1;
		INSERT INTO takedown_counts VALUES (substr(NEW.occurred_at, 1, 13), 'channel', NEW.platform, NEW.workspace, NEW.channel, 1)
			ON CONFLICT DO UPDATE SET n = n + 1;
		INSERT INTO takedown_counts_daily VALUES (substr(NEW.occurred_at, 1, 10), 'outcome', NEW.outcome, '', '', 1)
			ON CONFLICT DO UPDATE SET n = n + 1;
		INSERT INTO takedown_counts_daily VALUES (substr(NEW.occurred_at, 1, 10), 'provider', NEW.provider, '', '', 1)
			ON CONFLICT DO UPDATE SET n = n + 1;
		INSERT INTO takedown_counts_daily VALUES (substr(NEW.occurred_at, 1, 10), 'channel', NEW.platform, NEW.workspace, NEW.channel, 1)
			ON CONFLICT DO UPDATE SET n = n + 1;
	END;
	CREATE TRIGGER takedowns_count_outcome AFTER UPDATE OF outcome ON takedowns WHEN OLD.outcome <> NEW.outcome BEGIN
		UPDATE takedown_counts SET n = n - 1
			WHERE hour = substr(OLD.occurred_at, 1, 13) AND dim = 'outcome' AND k1 = OLD.outcome AND k2 = '' AND k3 = '';
		INSERT INTO takedown_counts VALUES (substr(NEW.occurred_at, 1, 13), 'outcome', NEW.outcome, '', '', 1)
			ON CONFLICT DO UPDATE SET n = n + 1;
		UPDATE takedown_counts_daily SET n = n - 1
			WHERE day = substr(OLD.occurred_at, 1, 10) AND dim = 'outcome' AND k1 = OLD.outcome AND k2 = '' AND k3 = '';
		INSERT INTO takedown_counts_daily VALUES (substr(NEW.occurred_at, 1, 10), 'outcome', NEW.outcome, '', '', 1)
			ON CONFLICT DO UPDATE SET n = n + 1;
	END;`,
	// 4: one takedown per message, whatever its revisions: which revision
	// holds it, and the later revisions recorded against it. Of earlier
	// takedowns of one message, the first claimed holds it.
	createMessageTakedowns + `;
	INSERT OR IGNORE INTO message_takedowns
		SELECT platform, workspace, channel, message_id, revision FROM takedowns
		WHERE action = 'takedown' ORDER BY claimed_at, rowid;
	ALTER TABLE takedowns ADD COLUMN later_revisions INTEGER NOT NULL DEFAULT 0;
	ALTER TABLE takedowns ADD COLUMN last_revision TEXT NOT NULL DEFAULT '';`,
}

// OpenSQLite opens (creating if needed) the ledger file at path and
// migrates its schema. The parent directory is created with mode 0700.
func OpenSQLite(ctx context.Context, path string) (*SQLite, error) {
	if path == "" {
		return nil, invalid("sqlite path is empty")
	}
	if strings.ContainsAny(path, "?#\x00") || strings.HasPrefix(path, "file:") || path == ":memory:" {
		return nil, invalid("sqlite path must be a plain file path")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create ledger directory: %w", err)
	}
	// Create the file 0600 before SQLite does, so that it and its -wal and
	// -shm companions (which copy its mode) are private from the start.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("create ledger file: %w", err)
	}
	f.Close()
	// busy_timeout lets writers from several connections and processes
	// queue instead of failing; _txlock=immediate takes the write lock at
	// BEGIN so that read-then-write transactions never hit SQLITE_BUSY
	// half-way; synchronous=FULL makes each committed claim survive power
	// loss, which is what exactly-once relies on.
	dsn := path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open sqlite ledger: %w", err)
	}
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	db.SetConnMaxIdleTime(5 * time.Minute)
	s := &SQLite{db: db, path: path}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := os.Chmod(path, 0o600); err != nil {
		db.Close()
		return nil, fmt.Errorf("restrict ledger file mode: %w", err)
	}
	return s, nil
}

// Path returns the database file path.
func (s *SQLite) Path() string { return s.path }

func (s *SQLite) migrate(ctx context.Context) error {
	tx, err := s.db.BeginTx(ctx, nil) // BEGIN IMMEDIATE: one migrator at a time
	if err != nil {
		return fmt.Errorf("begin sqlite migration: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
		version    INTEGER PRIMARY KEY,
		applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("create schema_version: %w", err)
	}
	var cur int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_version`).Scan(&cur); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if cur > len(sqliteMigrations) {
		return fmt.Errorf("ledger schema version %d is newer than this program (%d)", cur, len(sqliteMigrations))
	}
	for v := cur + 1; v <= len(sqliteMigrations); v++ {
		if _, err := tx.ExecContext(ctx, sqliteMigrations[v-1]); err != nil {
			return fmt.Errorf("apply ledger migration %d: %w", v, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version, applied_at) VALUES (?, ?)`,
			v, sqliteFormat(time.Now())); err != nil {
			return fmt.Errorf("record ledger migration %d: %w", v, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit sqlite migration: %w", err)
	}
	return nil
}

type scanner interface{ Scan(dest ...any) error }

func scanSQLite(sc scanner) (Record, error) {
	var r Record
	var occurred, updated string
	var lease, next sql.NullString
	var claimedAt string
	var outcome, result string
	if err := sc.Scan(&r.Platform, &r.Workspace, &r.Channel, &r.MessageID, &r.Revision,
		&occurred, &r.Poster, &r.Rule, &r.Provider, &r.Masked, &r.Fingerprint, &r.Lang,
		&outcome, &r.Attempts, &r.Detail, &r.Owner, &lease, &updated, &r.Action,
		&result, &r.Notified, &next, &claimedAt, &r.LaterRevisions, &r.LastRevision); err != nil {
		return Record{}, err
	}
	r.Outcome, r.Result = Outcome(outcome), Outcome(result)
	var err error
	if r.Time, err = time.Parse(sqliteTime, occurred); err != nil {
		return Record{}, fmt.Errorf("parse occurred_at: %w", err)
	}
	if r.UpdatedAt, err = time.Parse(sqliteTime, updated); err != nil {
		return Record{}, fmt.Errorf("parse updated_at: %w", err)
	}
	if lease.Valid {
		if r.LeaseUntil, err = time.Parse(sqliteTime, lease.String); err != nil {
			return Record{}, fmt.Errorf("parse lease_until: %w", err)
		}
	}
	if r.ClaimedAt, err = time.Parse(sqliteTime, claimedAt); err != nil {
		return Record{}, fmt.Errorf("parse claimed_at: %w", err)
	}
	if next.Valid {
		if r.NextAttempt, err = time.Parse(sqliteTime, next.String); err != nil {
			return Record{}, fmt.Errorf("parse next_attempt_at: %w", err)
		}
	}
	return r, nil
}

const sqliteKeyWhere = `platform = ? AND workspace = ? AND channel = ? AND message_id = ? AND revision = ?`

func keyArgs(k Key) []any {
	return []any{k.Platform, k.Workspace, k.Channel, k.MessageID, k.Revision}
}

// Claim implements Store. Its transaction holds SQLite's write lock from
// BEGIN (_txlock=immediate), so the message's takedown is looked up and
// taken in one step.
func (s *SQLite) Claim(ctx context.Context, rec Record, owner string, lease time.Duration) (bool, Record, error) {
	rec, err := prepareClaim(rec, owner)
	if err != nil {
		return false, Record{}, err
	}
	lease = clampLease(lease)
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return false, Record{}, fmt.Errorf("claim takedown: %w", err)
	}
	defer tx.Rollback()
	claimed, got, err := s.claimTx(ctx, tx, rec, owner, lease)
	if err != nil {
		return false, Record{}, fmt.Errorf("claim takedown: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return false, Record{}, fmt.Errorf("claim takedown: %w", err)
	}
	return claimed, got, nil
}

const sqliteMessageWhere = `platform = ? AND workspace = ? AND channel = ? AND message_id = ?`

func (s *SQLite) claimTx(ctx context.Context, tx *sql.Tx, rec Record, owner string, lease time.Duration) (bool, Record, error) {
	now := time.Now()
	msg := keyArgs(rec.Key)[:4]
	held := false // this claim took the message's takedown
	if rec.Action == ActionTakedown {
		res, err := tx.ExecContext(ctx, `INSERT INTO message_takedowns VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			keyArgs(rec.Key)...)
		if err != nil {
			return false, Record{}, err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return false, Record{}, err
		}
		held = n == 1
	}
	messageHeld(ctx)
	var holder string
	err := tx.QueryRowContext(ctx, `SELECT revision FROM message_takedowns WHERE `+sqliteMessageWhere, msg...).Scan(&holder)
	switch {
	case err == nil && holder != rec.Revision:
		// Another revision holds the message's takedown: record this one
		// against it.
		k := rec.Key
		k.Revision = holder
		// last_revision means something only once a revision was
		// recorded: before that its '' is no revision, not the original.
		args := append([]any{rec.Revision, rec.Revision, sqliteFormat(now)}, keyArgs(k)...)
		got, err := scanSQLite(tx.QueryRowContext(ctx, `UPDATE takedowns
			SET later_revisions = later_revisions + (later_revisions = 0 OR last_revision <> ?), last_revision = ?, updated_at = ?
			WHERE `+sqliteKeyWhere+` RETURNING `+columns, args...))
		if err != nil {
			return false, Record{}, fmt.Errorf("record revision against the takedown: %w", err)
		}
		return false, got, nil
	case err != nil && !errors.Is(err, sql.ErrNoRows):
		return false, Record{}, err
	}
	if rec.Time.IsZero() {
		rec.Time = now
	}
	got, err := scanSQLite(tx.QueryRowContext(ctx, `INSERT INTO takedowns (`+columns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', 0, NULL, ?, 0, '')
		ON CONFLICT DO NOTHING
		RETURNING `+columns,
		rec.Platform, rec.Workspace, rec.Channel, rec.MessageID, rec.Revision,
		sqliteFormat(rec.Time), rec.Poster, rec.Rule, rec.Provider, rec.Masked, rec.Fingerprint, rec.Lang,
		string(Pending), rec.Attempts, rec.Detail, owner, sqliteFormat(now.Add(lease)), sqliteFormat(now), rec.Action, sqliteFormat(now)))
	if err == nil {
		return true, got, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return false, Record{}, err
	}
	existing, err := scanSQLite(tx.QueryRowContext(ctx, `SELECT `+columns+` FROM takedowns WHERE `+sqliteKeyWhere, keyArgs(rec.Key)...))
	if err != nil {
		return false, Record{}, err
	}
	if held && existing.Action != ActionTakedown {
		// This very revision was claimed as a warning: it holds nothing.
		if _, err := tx.ExecContext(ctx, `DELETE FROM message_takedowns WHERE `+sqliteMessageWhere, msg...); err != nil {
			return false, Record{}, err
		}
	}
	return false, existing, nil
}

// Get implements Store.
func (s *SQLite) Get(ctx context.Context, key Key) (Record, error) {
	if err := key.validate(); err != nil {
		return Record{}, err
	}
	r, err := scanSQLite(s.db.QueryRowContext(ctx, `SELECT `+columns+` FROM takedowns WHERE `+sqliteKeyWhere, keyArgs(key)...))
	if errors.Is(err, sql.ErrNoRows) {
		return Record{}, ErrNotFound
	}
	if err != nil {
		return Record{}, fmt.Errorf("get takedown: %w", err)
	}
	return r, nil
}

// Finish implements Store.
func (s *SQLite) Finish(ctx context.Context, key Key, owner string, outcome Outcome, attempts int, detail string) error {
	if err := checkFinish(key, owner, outcome, attempts); err != nil {
		return err
	}
	args := append([]any{string(outcome), attempts, clean(detail, maxDetail), sqliteFormat(time.Now())}, keyArgs(key)...)
	args = append(args, owner)
	res, err := s.db.ExecContext(ctx, `UPDATE takedowns
		SET outcome = ?, attempts = ?, detail = ?, lease_until = NULL, updated_at = ?
		WHERE `+sqliteKeyWhere+` AND owner = ? AND outcome = 'pending'`, args...)
	if err != nil {
		return fmt.Errorf("finish takedown: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("finish takedown: %w", err)
	} else if n == 1 {
		return nil
	}
	return fmt.Errorf("finish takedown: %w", classify(s.Get(ctx, key)))
}

// Extend implements Store.
func (s *SQLite) Extend(ctx context.Context, key Key, owner string, lease time.Duration) error {
	if err := key.validate(); err != nil {
		return err
	}
	if err := checkOwner(owner); err != nil {
		return err
	}
	lease = clampLease(lease)
	now := time.Now()
	args := append([]any{sqliteFormat(now.Add(lease)), sqliteFormat(now)}, keyArgs(key)...)
	args = append(args, owner)
	res, err := s.db.ExecContext(ctx, `UPDATE takedowns SET lease_until = ?, updated_at = ?
		WHERE `+sqliteKeyWhere+` AND owner = ? AND outcome = 'pending'`, args...)
	if err != nil {
		return fmt.Errorf("extend lease: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("extend lease: %w", err)
	} else if n == 1 {
		return nil
	}
	return fmt.Errorf("extend lease: %w", classify(s.Get(ctx, key)))
}

// ClaimStale implements Store. The single UPDATE … RETURNING runs under
// SQLite's write lock, so each stale record goes to one caller.
func (s *SQLite) ClaimStale(ctx context.Context, platform, owner string, lease time.Duration, limit int) ([]Record, error) {
	return s.claim(ctx, platform, "", owner, lease, limit)
}

// ClaimOwned implements Store.
func (s *SQLite) ClaimOwned(ctx context.Context, platform, prefix, owner string, lease time.Duration, limit int) ([]Record, error) {
	if prefix == "" {
		return nil, invalid("owner prefix is empty")
	}
	return s.claim(ctx, platform, prefix, owner, lease, limit)
}

// claim takes over due pending records: those whose lease expired, and
// with a prefix also those whose owner starts with it.
func (s *SQLite) claim(ctx context.Context, platform, prefix, owner string, lease time.Duration, limit int) ([]Record, error) {
	if err := checkOwner(owner); err != nil {
		return nil, err
	}
	limit, err := staleLimit(limit)
	if err != nil {
		return nil, err
	}
	lease = clampLease(lease)
	now := sqliteFormat(time.Now())
	rows, err := s.db.QueryContext(ctx, `UPDATE takedowns SET owner = ?, lease_until = ?, updated_at = ?
		WHERE rowid IN (
			SELECT rowid FROM takedowns
			WHERE outcome = 'pending' AND (? = '' OR platform = ?)
				AND (lease_until < ? OR (? <> '' AND substr(owner, 1, length(?)) = ? AND owner <> ?
					AND (next_attempt_at IS NULL OR next_attempt_at <= ?)))
			ORDER BY lease_until LIMIT ?)
		RETURNING `+columns,
		owner, sqliteFormat(time.Now().Add(lease)), now, platform, platform, now, prefix, prefix, prefix, owner, now, limit)
	if err != nil {
		return nil, fmt.Errorf("claim stale takedowns: %w", err)
	}
	return collectSQLite(rows, "claim stale takedowns")
}

// Save implements Store.
func (s *SQLite) Save(ctx context.Context, key Key, owner string, p Progress) error {
	return s.progress(ctx, key, owner, p, time.Time{})
}

// Reschedule implements Store.
func (s *SQLite) Reschedule(ctx context.Context, key Key, owner string, p Progress, at time.Time) error {
	if at.IsZero() {
		return invalid("next attempt time is zero")
	}
	return s.progress(ctx, key, owner, p, at)
}

// progress records p; a non-zero at also sets the next attempt and lets
// the lease run out then.
func (s *SQLite) progress(ctx context.Context, key Key, owner string, p Progress, at time.Time) error {
	if err := checkProgress(key, owner, p); err != nil {
		return err
	}
	var next any
	if !at.IsZero() {
		next = sqliteFormat(at)
	}
	args := append([]any{string(p.Result), p.Notified, p.Attempts, clean(p.Detail, maxDetail), next, next, sqliteFormat(time.Now())}, keyArgs(key)...)
	args = append(args, owner)
	res, err := s.db.ExecContext(ctx, `UPDATE takedowns
		SET result = ?, notified = ?, attempts = ?, detail = ?, next_attempt_at = ?,
			lease_until = COALESCE(?, lease_until), updated_at = ?
		WHERE `+sqliteKeyWhere+` AND owner = ? AND outcome = 'pending'`, args...)
	if err != nil {
		return fmt.Errorf("save takedown progress: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("save takedown progress: %w", err)
	} else if n == 1 {
		return nil
	}
	return fmt.Errorf("save takedown progress: %w", classify(s.Get(ctx, key)))
}

func collectSQLite(rows *sql.Rows, what string) ([]Record, error) {
	defer rows.Close()
	out := []Record{}
	for rows.Next() {
		r, err := scanSQLite(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

// SeenEvent implements Store.
func (s *SQLite) SeenEvent(ctx context.Context, platform, eventID string) (bool, error) {
	if err := checkEvent(platform, eventID); err != nil {
		return false, err
	}
	now := time.Now()
	if pruneDue(&s.lastPrune, now) {
		if _, err := s.PruneEvents(ctx, now.Add(-DefaultEventTTL)); err != nil {
			return false, err
		}
	}
	res, err := s.db.ExecContext(ctx, `INSERT INTO seen_events (platform, event_id, seen_at) VALUES (?, ?, ?)
		ON CONFLICT DO NOTHING`, platform, eventID, sqliteFormat(now))
	if err != nil {
		return false, fmt.Errorf("record event: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("record event: %w", err)
	}
	return n == 1, nil
}

// PruneEvents implements Store.
func (s *SQLite) PruneEvents(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM seen_events WHERE seen_at < ?`, sqliteFormat(before))
	if err != nil {
		return 0, fmt.Errorf("prune events: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("prune events: %w", err)
	}
	return n, nil
}

// List implements Store.
func (s *SQLite) List(ctx context.Context, f Filter) ([]Record, error) {
	q := `SELECT ` + columns + ` FROM takedowns WHERE occurred_at >= ?`
	args := []any{sqliteFormat(f.Since)}
	if f.Since.IsZero() {
		args[0] = ""
	}
	if f.Platform != "" {
		q += ` AND platform = ?`
		args = append(args, f.Platform)
	}
	q += ` ORDER BY occurred_at DESC, updated_at DESC, message_id DESC LIMIT ?`
	args = append(args, listLimit(f.Limit))
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list takedowns: %w", err)
	}
	return collectSQLite(rows, "list takedowns")
}

// bound formats a time for a text comparison; zero is "".
func bound(t time.Time, layout string) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(layout)
}

// Stats implements Store. Whole days and hours come from the daily and
// hourly counts, which triggers keep; the part of an hour after since is
// counted from its rows.
func (s *SQLite) Stats(ctx context.Context, since time.Time) (Stats, error) {
	bucket := bucketFor(since, time.Now())
	width := 10 // "2006-01-02"
	if bucket == time.Hour {
		width = 13 // "2006-01-02T15"
	}
	p := planStats(since, bucket)
	var parts []string
	args := []any{width}
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("?%d", len(args))
	}
	if p.daily {
		parts = append(parts, `SELECT dim, k1, k2, k3, day, SUM(n) FROM takedown_counts_daily
			WHERE day >= `+arg(bound(p.dayFrom, "2006-01-02"))+` AND n > 0 GROUP BY 1, 2, 3, 4, 5`)
	}
	if p.hourly {
		where := `hour >= ` + arg(bound(p.hourFrom, "2006-01-02T15"))
		if !p.hourTo.IsZero() {
			where += ` AND hour < ` + arg(bound(p.hourTo, "2006-01-02T15"))
		}
		parts = append(parts, `SELECT dim, k1, k2, k3, substr(hour, 1, ?1), SUM(n) FROM takedown_counts
			WHERE `+where+` AND n > 0 GROUP BY 1, 2, 3, 4, 5`)
	}
	if p.raw {
		from, to := arg(sqliteFormat(p.rawFrom)), arg(sqliteFormat(p.rawTo))
		for _, sel := range []string{`'outcome', outcome, '', ''`, `'provider', provider, '', ''`, `'channel', platform, workspace, channel`} {
			parts = append(parts, `SELECT `+sel+`, substr(occurred_at, 1, ?1), COUNT(*) FROM takedowns
				WHERE occurred_at >= `+from+` AND occurred_at < `+to+` GROUP BY 1, 2, 3, 4, 5`)
		}
	}
	rows, err := s.db.QueryContext(ctx, strings.Join(parts, " UNION ALL "), args...)
	if err != nil {
		return Stats{}, fmt.Errorf("takedown stats: %w", err)
	}
	defer rows.Close()
	var groups []statRow
	for rows.Next() {
		var r statRow
		if err := rows.Scan(&r.dim, &r.k1, &r.k2, &r.k3, &r.bucket, &r.n); err != nil {
			return Stats{}, fmt.Errorf("takedown stats: %w", err)
		}
		groups = append(groups, r)
	}
	if err := rows.Err(); err != nil {
		return Stats{}, fmt.Errorf("takedown stats: %w", err)
	}
	st := newStats(since, bucket)
	if err := aggregate(&st, groups); err != nil {
		return Stats{}, err
	}
	return st, nil
}

// Ping implements Store.
func (s *SQLite) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("ping sqlite ledger: %w", err)
	}
	return nil
}

// Close implements Store.
func (s *SQLite) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close sqlite ledger: %w", err)
	}
	return nil
}

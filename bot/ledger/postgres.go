package ledger

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Postgres is the shared ledger for several replicas. Leases and update
// times use the database server's clock, so replicas need not agree on
// the time.
type Postgres struct {
	pool      *pgxpool.Pool
	lastPrune atomic.Int64 // unix nanos of the last SeenEvent prune
}

var _ Store = (*Postgres)(nil)

var postgresMigrations = []string{
	// 1: takedowns and event de-duplication.
	`CREATE TABLE takedowns (
		platform    TEXT NOT NULL,
		workspace   TEXT NOT NULL,
		channel     TEXT NOT NULL,
		message_id  TEXT NOT NULL,
		revision    TEXT NOT NULL,
		occurred_at TIMESTAMPTZ NOT NULL,
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
		lease_until TIMESTAMPTZ,
		updated_at  TIMESTAMPTZ NOT NULL,
		PRIMARY KEY (platform, workspace, channel, message_id, revision)
	);
	CREATE INDEX takedowns_occurred_at ON takedowns (occurred_at);
	CREATE INDEX takedowns_stale ON takedowns (lease_until) WHERE outcome = 'pending';
	CREATE TABLE seen_events (
		platform TEXT NOT NULL,
		event_id TEXT NOT NULL,
		seen_at  TIMESTAMPTZ NOT NULL,
		PRIMARY KEY (platform, event_id)
	);
	CREATE INDEX seen_events_seen_at ON seen_events (seen_at);`,
	// 2: what a record was claimed for, so that a resumed one does it.
	`ALTER TABLE takedowns ADD COLUMN action TEXT NOT NULL DEFAULT 'takedown' CHECK (action IN ('takedown','warn'));`,
	// 3: takedowns that survive failures (the delete's result and the
	// notices sent, kept while the record is pending; the next attempt's
	// time), and hourly and daily counts kept by a trigger for Stats. Records from
	// before count as notified.
	`ALTER TABLE takedowns ADD COLUMN result TEXT NOT NULL DEFAULT '',
		ADD COLUMN notified INTEGER NOT NULL DEFAULT 3,
		ADD COLUMN next_attempt_at TIMESTAMPTZ,
		ADD COLUMN claimed_at TIMESTAMPTZ;
	UPDATE takedowns SET claimed_at = updated_at;
	ALTER TABLE takedowns ALTER COLUMN claimed_at SET NOT NULL;
	CREATE TABLE takedown_counts (
		hour TIMESTAMPTZ NOT NULL,
		dim  TEXT NOT NULL,
		k1   TEXT NOT NULL,
		k2   TEXT NOT NULL,
		k3   TEXT NOT NULL,
		n    BIGINT NOT NULL,
		PRIMARY KEY (hour, dim, k1, k2, k3)
	);
	CREATE TABLE takedown_counts_daily (
		day  DATE NOT NULL,
		dim  TEXT NOT NULL,
		k1   TEXT NOT NULL,
		k2   TEXT NOT NULL,
		k3   TEXT NOT NULL,
		n    BIGINT NOT NULL,
		PRIMARY KEY (day, dim, k1, k2, k3)
	);
	` + pgCountsBackfill + `;
	CREATE FUNCTION takedowns_count() RETURNS trigger LANGUAGE plpgsql AS $$
	DECLARE
		h TIMESTAMPTZ := date_trunc('hour', NEW.occurred_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
		d DATE := (NEW.occurred_at AT TIME ZONE 'UTC')::date;
	BEGIN
		IF TG_OP = 'UPDATE' THEN
			IF OLD.outcome = NEW.outcome THEN
				RETURN NULL;
			END IF;
			UPDATE takedown_counts SET n = n - 1
				WHERE hour = h AND dim = 'outcome' AND k1 = OLD.outcome AND k2 = '' AND k3 = '';
			UPDATE takedown_counts_daily SET n = n - 1
				WHERE day = d AND dim = 'outcome' AND k1 = OLD.outcome AND k2 = '' AND k3 = '';
		ELSE
			INSERT INTO takedown_counts VALUES (h, 'provider', NEW.provider, '', '', 1), (h, 'channel', NEW.platform, NEW.workspace, NEW.channel, 1)
				ON CONFLICT (hour, dim, k1, k2, k3) DO UPDATE SET n = takedown_counts.n + 1;
			INSERT INTO takedown_counts_daily VALUES (d, 'provider', NEW.provider, '', '', 1), (d, 'channel', NEW.platform, NEW.workspace, NEW.channel, 1)
				ON CONFLICT (day, dim, k1, k2, k3) DO UPDATE SET n = takedown_counts_daily.n + 1;
		END IF;
		INSERT INTO takedown_counts VALUES (h, 'outcome', NEW.outcome, '', '', 1)
			ON CONFLICT (hour, dim, k1, k2, k3) DO UPDATE SET n = takedown_counts.n + 1;
		INSERT INTO takedown_counts_daily VALUES (d, 'outcome', NEW.outcome, '', '', 1)
			ON CONFLICT (day, dim, k1, k2, k3) DO UPDATE SET n = takedown_counts_daily.n + 1;
		RETURN NULL;
	END $$;
	CREATE TRIGGER takedowns_count AFTER INSERT OR UPDATE OF outcome ON takedowns
		FOR EACH ROW EXECUTE FUNCTION takedowns_count();`,
	// 4: one takedown per message, whatever its revisions: which revision
	// holds it, and the later revisions recorded against it. Of earlier
	// takedowns of one message, the first claimed holds it.
	createMessageTakedowns + `;
	INSERT INTO message_takedowns
		SELECT DISTINCT ON (platform, workspace, channel, message_id) platform, workspace, channel, message_id, revision
		FROM takedowns WHERE action = 'takedown'
		ORDER BY platform, workspace, channel, message_id, claimed_at, revision;
	ALTER TABLE takedowns ADD COLUMN later_revisions INTEGER NOT NULL DEFAULT 0,
		ADD COLUMN last_revision TEXT NOT NULL DEFAULT '';`,
}

// pgCountsBackfill fills the hourly and daily counts from the takedowns
// table, as the trigger would have.
const pgCountsBackfill = `INSERT INTO takedown_counts
		SELECT date_trunc('hour', occurred_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', 'outcome', outcome, '', '', COUNT(*) FROM takedowns GROUP BY 1, 3
		UNION ALL SELECT date_trunc('hour', occurred_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', 'provider', provider, '', '', COUNT(*) FROM takedowns GROUP BY 1, 3
		UNION ALL SELECT date_trunc('hour', occurred_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', 'channel', platform, workspace, channel, COUNT(*) FROM takedowns GROUP BY 1, 3, 4, 5;
	INSERT INTO takedown_counts_daily
		SELECT (hour AT TIME ZONE 'UTC')::date, dim, k1, k2, k3, SUM(n) FROM takedown_counts GROUP BY 1, 2, 3, 4, 5`

// OpenPostgres connects to url (a libpq URL or key=value string; a
// search_path parameter selects the schema) and migrates the schema.
func OpenPostgres(ctx context.Context, url string) (*Postgres, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// The parse error may quote the URL, password included.
		return nil, fmt.Errorf("%w: database url does not parse", ErrInvalid)
	}
	if cfg.ConnConfig.RuntimeParams == nil {
		cfg.ConnConfig.RuntimeParams = map[string]string{}
	}
	cfg.ConnConfig.RuntimeParams["application_name"] = "tokenbot-ledger"
	cfg.ConnConfig.RuntimeParams["timezone"] = "UTC"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open postgres ledger: %w", err)
	}
	s := &Postgres{pool: pool}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

func (s *Postgres) migrate(ctx context.Context) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin postgres migration: %w", err)
	}
	defer tx.Rollback(ctx)
	// Replicas starting together migrate one at a time (per schema).
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(7301, hashtext(current_schema()))`); err != nil {
		return fmt.Errorf("lock ledger schema: %w", err)
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
		version    INTEGER PRIMARY KEY,
		applied_at TIMESTAMPTZ NOT NULL)`); err != nil {
		return fmt.Errorf("create schema_version: %w", err)
	}
	var cur int
	if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_version`).Scan(&cur); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if cur > len(postgresMigrations) {
		return fmt.Errorf("ledger schema version %d is newer than this program (%d)", cur, len(postgresMigrations))
	}
	for v := cur + 1; v <= len(postgresMigrations); v++ {
		if _, err := tx.Exec(ctx, postgresMigrations[v-1]); err != nil {
			return fmt.Errorf("apply ledger migration %d: %w", v, err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO schema_version (version, applied_at) VALUES ($1, clock_timestamp())`, v); err != nil {
			return fmt.Errorf("record ledger migration %d: %w", v, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit postgres migration: %w", err)
	}
	return nil
}

func scanPostgres(sc scanner) (Record, error) {
	var r Record
	var outcome, result string
	var lease, next *time.Time
	if err := sc.Scan(&r.Platform, &r.Workspace, &r.Channel, &r.MessageID, &r.Revision,
		&r.Time, &r.Poster, &r.Rule, &r.Provider, &r.Masked, &r.Fingerprint, &r.Lang,
		&outcome, &r.Attempts, &r.Detail, &r.Owner, &lease, &r.UpdatedAt, &r.Action,
		&result, &r.Notified, &next, &r.ClaimedAt, &r.LaterRevisions, &r.LastRevision); err != nil {
		return Record{}, err
	}
	r.Outcome, r.Result = Outcome(outcome), Outcome(result)
	r.ClaimedAt = r.ClaimedAt.UTC()
	if next != nil {
		r.NextAttempt = next.UTC()
	}
	r.Time = r.Time.UTC()
	r.UpdatedAt = r.UpdatedAt.UTC()
	if lease != nil {
		r.LeaseUntil = lease.UTC()
	}
	return r, nil
}

func collectPostgres(rows pgx.Rows, what string) ([]Record, error) {
	defer rows.Close()
	out := []Record{}
	for rows.Next() {
		r, err := scanPostgres(rows)
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

const (
	pgKeyWhere     = `platform = $1 AND workspace = $2 AND channel = $3 AND message_id = $4 AND revision = $5`
	pgMessageWhere = `platform = $1 AND workspace = $2 AND channel = $3 AND message_id = $4`
)

// leaseExpr is the lease expiry for a lease given in microseconds.
func leaseExpr(param string) string {
	return `clock_timestamp() + ` + param + `::bigint * interval '1 microsecond'`
}

// Claim implements Store. Claims of one message run one after another:
// each transaction first takes a lock on the message (messageLock), held
// until it commits. The message's takedown is then taken by an insert
// into message_takedowns, which a later claim finds.
func (s *Postgres) Claim(ctx context.Context, rec Record, owner string, lease time.Duration) (bool, Record, error) {
	rec, err := prepareClaim(rec, owner)
	if err != nil {
		return false, Record{}, err
	}
	lease = clampLease(lease)
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return false, Record{}, fmt.Errorf("claim takedown: %w", err)
	}
	defer tx.Rollback(ctx)
	claimed, got, err := s.claimTx(ctx, tx, rec, owner, lease)
	if err != nil {
		return false, Record{}, fmt.Errorf("claim takedown: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return false, Record{}, fmt.Errorf("claim takedown: %w", err)
	}
	return claimed, got, nil
}

// messageLock is the key of the transaction-level advisory lock that
// serialises the claims of one message: a 64-bit FNV-1a hash of its
// platform, workspace, channel and message id (key fields hold no NUL, so
// NUL separates them). Two messages with one hash only wait for each
// other.
func messageLock(k Key) int64 {
	h := fnv.New64a()
	for _, f := range []string{k.Platform, k.Workspace, k.Channel, k.MessageID} {
		h.Write([]byte(f))
		h.Write([]byte{0})
	}
	return int64(h.Sum64())
}

// claimTx runs a claim in tx under READ COMMITTED, where each statement
// sees what was committed before it started. Without a lock, a warning's
// look-up of message_takedowns could run while another revision's
// takedown had inserted its row but not committed: the warning would miss
// it and be claimed too, a warning besides the takedown. (Two takedowns
// were safe: the second insert waits on the unique index.) So the first
// statement takes pg_advisory_xact_lock on the message. A rival claim
// waits there until the holder commits or rolls back, and its next
// statements start after that, so they see the holder's rows. The lock is
// a statement of its own because a statement's snapshot is taken when it
// starts, before it would wait on a lock taken inside it; the statements
// go in one batch, one round trip, and the server runs them in order.
func (s *Postgres) claimTx(ctx context.Context, tx pgx.Tx, rec Record, owner string, lease time.Duration) (bool, Record, error) {
	msg := keyArgs(rec.Key)[:4]
	batch := &pgx.Batch{}
	batch.Queue(`SELECT pg_advisory_xact_lock($1)`, messageLock(rec.Key))
	if rec.Action == ActionTakedown {
		batch.Queue(`INSERT INTO message_takedowns VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`, keyArgs(rec.Key)...)
	}
	batch.Queue(`SELECT revision FROM message_takedowns WHERE `+pgMessageWhere, msg...)
	held, holder, err := s.holdMessage(ctx, tx, batch, rec.Action == ActionTakedown)
	if err != nil {
		return false, Record{}, err
	}
	messageHeld(ctx)
	switch {
	case holder != nil && *holder != rec.Revision:
		// Another revision holds the message's takedown: record this one
		// against it.
		k := rec.Key
		k.Revision = *holder
		// last_revision means something only once a revision was
		// recorded: before that its '' is no revision, not the original.
		got, err := scanPostgres(tx.QueryRow(ctx, `UPDATE takedowns
			SET later_revisions = later_revisions + CASE WHEN later_revisions > 0 AND last_revision = $6 THEN 0 ELSE 1 END,
				last_revision = $6, updated_at = clock_timestamp()
			WHERE `+pgKeyWhere+` RETURNING `+columns, append(keyArgs(k), rec.Revision)...))
		if err != nil {
			return false, Record{}, fmt.Errorf("record revision against the takedown: %w", err)
		}
		return false, got, nil
	}
	var occurred any
	if !rec.Time.IsZero() {
		occurred = rec.Time
	}
	got, err := scanPostgres(tx.QueryRow(ctx, `INSERT INTO takedowns (`+columns+`)
		VALUES ($1, $2, $3, $4, $5, COALESCE($6::timestamptz, clock_timestamp()), $7, $8, $9, $10, $11, $12,
			'pending', $13, $14, $15, `+leaseExpr("$16")+`, clock_timestamp(), $17, '', 0, NULL, clock_timestamp(), 0, '')
		ON CONFLICT DO NOTHING
		RETURNING `+columns,
		rec.Platform, rec.Workspace, rec.Channel, rec.MessageID, rec.Revision,
		occurred, rec.Poster, rec.Rule, rec.Provider, rec.Masked, rec.Fingerprint, rec.Lang,
		rec.Attempts, rec.Detail, owner, lease.Microseconds(), rec.Action))
	if err == nil {
		return true, got, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return false, Record{}, err
	}
	existing, err := scanPostgres(tx.QueryRow(ctx, `SELECT `+columns+` FROM takedowns WHERE `+pgKeyWhere, keyArgs(rec.Key)...))
	if err != nil {
		return false, Record{}, err
	}
	if held && existing.Action != ActionTakedown {
		// This very revision was claimed as a warning: it holds nothing.
		if _, err := tx.Exec(ctx, `DELETE FROM message_takedowns WHERE `+pgMessageWhere, msg...); err != nil {
			return false, Record{}, err
		}
	}
	return false, existing, nil
}

// holdMessage sends claimTx's batch: the message's lock, the insert into
// message_takedowns when inserting is true, and the look-up of the
// revision holding the message's takedown. It reports whether the insert
// took the message and the holder's revision (nil when none).
func (s *Postgres) holdMessage(ctx context.Context, tx pgx.Tx, batch *pgx.Batch, inserting bool) (held bool, holder *string, err error) {
	br := tx.SendBatch(ctx, batch)
	defer func() {
		if cerr := br.Close(); err == nil {
			err = cerr
		}
	}()
	if _, err := br.Exec(); err != nil {
		return false, nil, fmt.Errorf("lock the message: %w", err)
	}
	if inserting {
		tag, err := br.Exec()
		if err != nil {
			return false, nil, err
		}
		held = tag.RowsAffected() == 1
	}
	var rev string
	switch err := br.QueryRow().Scan(&rev); {
	case errors.Is(err, pgx.ErrNoRows):
		return held, nil, nil
	case err != nil:
		return false, nil, err
	}
	return held, &rev, nil
}

// Get implements Store.
func (s *Postgres) Get(ctx context.Context, key Key) (Record, error) {
	if err := key.validate(); err != nil {
		return Record{}, err
	}
	r, err := scanPostgres(s.pool.QueryRow(ctx, `SELECT `+columns+` FROM takedowns WHERE `+pgKeyWhere, keyArgs(key)...))
	if errors.Is(err, pgx.ErrNoRows) {
		return Record{}, ErrNotFound
	}
	if err != nil {
		return Record{}, fmt.Errorf("get takedown: %w", err)
	}
	return r, nil
}

// Finish implements Store.
func (s *Postgres) Finish(ctx context.Context, key Key, owner string, outcome Outcome, attempts int, detail string) error {
	if err := checkFinish(key, owner, outcome, attempts); err != nil {
		return err
	}
	args := append(keyArgs(key), owner, string(outcome), attempts, clean(detail, maxDetail))
	tag, err := s.pool.Exec(ctx, `UPDATE takedowns
		SET outcome = $7, attempts = $8, detail = $9, lease_until = NULL, updated_at = clock_timestamp()
		WHERE `+pgKeyWhere+` AND owner = $6 AND outcome = 'pending'`, args...)
	if err != nil {
		return fmt.Errorf("finish takedown: %w", err)
	}
	if tag.RowsAffected() == 1 {
		return nil
	}
	return fmt.Errorf("finish takedown: %w", classify(s.Get(ctx, key)))
}

// Extend implements Store.
func (s *Postgres) Extend(ctx context.Context, key Key, owner string, lease time.Duration) error {
	if err := key.validate(); err != nil {
		return err
	}
	if err := checkOwner(owner); err != nil {
		return err
	}
	lease = clampLease(lease)
	args := append(keyArgs(key), owner, lease.Microseconds())
	tag, err := s.pool.Exec(ctx, `UPDATE takedowns
		SET lease_until = `+leaseExpr("$7")+`, updated_at = clock_timestamp()
		WHERE `+pgKeyWhere+` AND owner = $6 AND outcome = 'pending'`, args...)
	if err != nil {
		return fmt.Errorf("extend lease: %w", err)
	}
	if tag.RowsAffected() == 1 {
		return nil
	}
	return fmt.Errorf("extend lease: %w", classify(s.Get(ctx, key)))
}

// ClaimStale implements Store. Rows are locked with FOR UPDATE SKIP
// LOCKED, so concurrent replicas take disjoint sets.
func (s *Postgres) ClaimStale(ctx context.Context, platform, owner string, lease time.Duration, limit int) ([]Record, error) {
	return s.claim(ctx, platform, "", owner, lease, limit)
}

// ClaimOwned implements Store.
func (s *Postgres) ClaimOwned(ctx context.Context, platform, prefix, owner string, lease time.Duration, limit int) ([]Record, error) {
	if prefix == "" {
		return nil, invalid("owner prefix is empty")
	}
	return s.claim(ctx, platform, prefix, owner, lease, limit)
}

func (s *Postgres) claim(ctx context.Context, platform, prefix, owner string, lease time.Duration, limit int) ([]Record, error) {
	if err := checkOwner(owner); err != nil {
		return nil, err
	}
	limit, err := staleLimit(limit)
	if err != nil {
		return nil, err
	}
	lease = clampLease(lease)
	rows, err := s.pool.Query(ctx, `WITH stale AS (
			SELECT platform, workspace, channel, message_id, revision FROM takedowns
			WHERE outcome = 'pending' AND ($4 = '' OR platform = $4)
				AND (lease_until < clock_timestamp() OR ($5 <> '' AND left(owner, length($5)) = $5 AND owner <> $1
					AND (next_attempt_at IS NULL OR next_attempt_at <= clock_timestamp())))
			ORDER BY lease_until
			LIMIT $3
			FOR UPDATE SKIP LOCKED)
		UPDATE takedowns t
		SET owner = $1, lease_until = `+leaseExpr("$2")+`, updated_at = clock_timestamp()
		FROM stale
		WHERE t.platform = stale.platform AND t.workspace = stale.workspace AND t.channel = stale.channel
			AND t.message_id = stale.message_id AND t.revision = stale.revision
		RETURNING `+prefixed("t.", columns),
		owner, lease.Microseconds(), limit, platform, prefix)
	if err != nil {
		return nil, fmt.Errorf("claim stale takedowns: %w", err)
	}
	return collectPostgres(rows, "claim stale takedowns")
}

// Save implements Store.
func (s *Postgres) Save(ctx context.Context, key Key, owner string, p Progress) error {
	return s.progress(ctx, key, owner, p, nil)
}

// Reschedule implements Store.
func (s *Postgres) Reschedule(ctx context.Context, key Key, owner string, p Progress, at time.Time) error {
	if at.IsZero() {
		return invalid("next attempt time is zero")
	}
	return s.progress(ctx, key, owner, p, at)
}

func (s *Postgres) progress(ctx context.Context, key Key, owner string, p Progress, at any) error {
	if err := checkProgress(key, owner, p); err != nil {
		return err
	}
	args := append(keyArgs(key), owner, string(p.Result), p.Notified, p.Attempts, clean(p.Detail, maxDetail), at)
	tag, err := s.pool.Exec(ctx, `UPDATE takedowns
		SET result = $7, notified = $8, attempts = $9, detail = $10, next_attempt_at = $11::timestamptz,
			lease_until = COALESCE($11::timestamptz, lease_until), updated_at = clock_timestamp()
		WHERE `+pgKeyWhere+` AND owner = $6 AND outcome = 'pending'`, args...)
	if err != nil {
		return fmt.Errorf("save takedown progress: %w", err)
	}
	if tag.RowsAffected() == 1 {
		return nil
	}
	return fmt.Errorf("save takedown progress: %w", classify(s.Get(ctx, key)))
}

// prefixed qualifies every column of a comma-separated list.
func prefixed(p, cols string) string {
	parts := strings.Split(cols, ", ")
	for i := range parts {
		parts[i] = p + parts[i]
	}
	return strings.Join(parts, ", ")
}

// SeenEvent implements Store.
func (s *Postgres) SeenEvent(ctx context.Context, platform, eventID string) (bool, error) {
	if err := checkEvent(platform, eventID); err != nil {
		return false, err
	}
	now := time.Now()
	if pruneDue(&s.lastPrune, now) {
		if _, err := s.pool.Exec(ctx, `DELETE FROM seen_events WHERE seen_at < clock_timestamp() - $1::bigint * interval '1 microsecond'`,
			DefaultEventTTL.Microseconds()); err != nil {
			return false, fmt.Errorf("prune events: %w", err)
		}
	}
	tag, err := s.pool.Exec(ctx, `INSERT INTO seen_events (platform, event_id, seen_at) VALUES ($1, $2, clock_timestamp())
		ON CONFLICT DO NOTHING`, platform, eventID)
	if err != nil {
		return false, fmt.Errorf("record event: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}

// PruneEvents implements Store.
func (s *Postgres) PruneEvents(ctx context.Context, before time.Time) (int64, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM seen_events WHERE seen_at < $1`, before)
	if err != nil {
		return 0, fmt.Errorf("prune events: %w", err)
	}
	return tag.RowsAffected(), nil
}

// List implements Store.
func (s *Postgres) List(ctx context.Context, f Filter) ([]Record, error) {
	var since any
	if !f.Since.IsZero() {
		since = f.Since
	}
	rows, err := s.pool.Query(ctx, `SELECT `+columns+` FROM takedowns
		WHERE ($1::timestamptz IS NULL OR occurred_at >= $1)
			AND ($2 = '' OR platform = $2)
		ORDER BY occurred_at DESC, updated_at DESC, message_id DESC
		LIMIT $3`, since, f.Platform, listLimit(f.Limit))
	if err != nil {
		return nil, fmt.Errorf("list takedowns: %w", err)
	}
	return collectPostgres(rows, "list takedowns")
}

// Stats implements Store. Whole days and hours come from the daily and
// hourly counts, which a trigger keeps; the part of an hour after since is
// counted from its rows.
func (s *Postgres) Stats(ctx context.Context, since time.Time) (Stats, error) {
	bucket := bucketFor(since, time.Now())
	format := "YYYY-MM-DD"
	if bucket == time.Hour {
		format = `YYYY-MM-DD"T"HH24`
	}
	p := planStats(since, bucket)
	var parts []string
	args := []any{format}
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if p.daily {
		where := ""
		if !p.dayFrom.IsZero() {
			where = ` AND day >= ` + arg(p.dayFrom.Format("2006-01-02")) + `::date`
		}
		parts = append(parts, `SELECT dim, k1, k2, k3, to_char(day::timestamp, $1), SUM(n)::bigint FROM takedown_counts_daily
			WHERE n > 0`+where+` GROUP BY 1, 2, 3, 4, 5`)
	}
	if p.hourly {
		where := ` AND hour >= ` + arg(p.hourFrom)
		if !p.hourTo.IsZero() {
			where += ` AND hour < ` + arg(p.hourTo)
		}
		parts = append(parts, `SELECT dim, k1, k2, k3, to_char(hour AT TIME ZONE 'UTC', $1), SUM(n)::bigint FROM takedown_counts
			WHERE n > 0`+where+` GROUP BY 1, 2, 3, 4, 5`)
	}
	if p.raw {
		parts = append(parts, `SELECT d.dim, d.k1, d.k2, d.k3, to_char(t.occurred_at AT TIME ZONE 'UTC', $1), COUNT(*)
			FROM takedowns t CROSS JOIN LATERAL (VALUES ('outcome', t.outcome, '', ''), ('provider', t.provider, '', ''),
				('channel', t.platform, t.workspace, t.channel)) AS d(dim, k1, k2, k3)
			WHERE t.occurred_at >= `+arg(p.rawFrom)+` AND t.occurred_at < `+arg(p.rawTo)+` GROUP BY 1, 2, 3, 4, 5`)
	}
	rows, err := s.pool.Query(ctx, strings.Join(parts, " UNION ALL "), args...)
	if err != nil {
		return Stats{}, fmt.Errorf("takedown stats: %w", err)
	}
	defer rows.Close()
	var groups []statRow
	for rows.Next() {
		var r statRow
		var n int64
		if err := rows.Scan(&r.dim, &r.k1, &r.k2, &r.k3, &r.bucket, &n); err != nil {
			return Stats{}, fmt.Errorf("takedown stats: %w", err)
		}
		r.n = int(n)
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
func (s *Postgres) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("ping postgres ledger: %w", err)
	}
	return nil
}

// Close implements Store.
func (s *Postgres) Close() error {
	s.pool.Close()
	return nil
}

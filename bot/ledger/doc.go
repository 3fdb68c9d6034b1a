// Package ledger is the takedown ledger and audit store. It makes
// takedowns exactly-once across retries, duplicate deliveries, restarts
// and replicas.
//
// Before acting on a leaked credential, the core claims the takedown
// under its unique Key (platform, workspace, channel, message id,
// revision). The claim carries an owner and a lease; a duplicate or
// retried event, or another replica, finds the record and does nothing.
// The owner finishes the record with its outcome; if the owner dies, the
// lease expires and ClaimStale hands the pending record to exactly one
// other process. SeenEvent de-duplicates platform event ids (Slack's
// event_id) across replicas.
//
// A message is taken down once, whatever its revisions: the first
// takedown claimed of a message holds it (table message_takedowns), and a
// later revision's claim — an edit, while that takedown is pending or
// after it finished — is recorded against it (LaterRevisions,
// LastRevision) instead of inserted. A warning holds nothing, so an edit
// that adds a high-confidence key to a warned message is taken down.
// Claims of one message run one after another: SQLite's transactions hold
// the write lock from BEGIN, and PostgreSQL's first take an advisory lock
// on the message, so a claim never misses a takedown that another claim
// has taken but not yet committed.
//
// Each record is also an audit row: time, platform, workspace, channel,
// poster, rule, provider, masked preview, fingerprint (an HMAC-SHA256 hex
// digest computed by the caller with the per-install key from
// LoadOrCreateKey or KeyFromEnv), outcome, attempts, detail, poster
// language and update time. The store never receives a secret.
//
// # Storage
//
// Two stores implement Store: SQLite (the embedded default, one file, no
// set-up) and PostgreSQL (when a DATABASE_URL is given, so that several
// replicas share one ledger). Both create or migrate their schema on open,
// recording it in a schema_version table, and both pass the same test
// suite.
//
// The embedded store is SQLite through modernc.org/sqlite, a pure-Go
// translation that needs no cgo, rather than a key-value store such as
// bbolt. SQLite speaks SQL, so the embedded store keeps the same tables,
// queries and test suite as the PostgreSQL store, and exactly-once rests
// on the database's own unique constraint rather than on hand-written
// compare-and-set code. Security teams can open the ledger file with any
// SQLite client and query the audit trail ad hoc (by channel, provider,
// outcome or time) without a bespoke export tool.
//
// SQLite runs in WAL mode with a busy timeout and synchronous=FULL, so
// readers never block the writer, several processes on one host may share
// the file, and a committed claim survives power loss. PostgreSQL takes
// leases from the server clock, so replicas need not agree on the time,
// and ClaimStale uses FOR UPDATE SKIP LOCKED so that replicas take
// disjoint sets of stale records.
package ledger

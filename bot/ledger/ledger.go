package ledger

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// Key identifies one takedown: one revision of one message. Platform and
// MessageID are required; the other parts may be empty where a platform has
// no such notion (a terminal has no workspace, an unedited message may carry
// no revision).
type Key struct {
	Platform, Workspace, Channel, MessageID, Revision string
}

// Outcome is the state of a takedown.
type Outcome string

// Outcomes of a takedown. Pending is the only non-final outcome.
const (
	Pending   Outcome = "pending"
	Deleted   Outcome = "deleted"
	Warned    Outcome = "warned"
	Escalated Outcome = "escalated" // could not delete: missing permission, message too old…
	Failed    Outcome = "failed"    // gave up after retries
	Allowed   Outcome = "allowed"
)

// Outcomes lists every outcome in a stable order (for dashboards).
var Outcomes = []Outcome{Pending, Deleted, Warned, Escalated, Failed, Allowed}

// Valid reports whether o is a known outcome.
func (o Outcome) Valid() bool {
	for _, k := range Outcomes {
		if o == k {
			return true
		}
	}
	return false
}

// Record is one audit row. It never holds a secret: Masked is a preview
// (prefix and last characters at most) and Fingerprint an HMAC-SHA256 hex
// digest computed by the caller.
type Record struct {
	Key
	Time        time.Time // when the message was seen; now when zero or outside years 1970–9999
	Poster      string
	Rule        string
	Provider    string
	Masked      string
	Fingerprint string // lower-case hex HMAC-SHA256 (16 to 64 chars) or empty
	Lang        string // poster language (BCP 47), e.g. "en", "zh-Hans"
	// Action is what the record was claimed for: ActionTakedown (delete
	// and notify; the default) or ActionWarn (a private warning only), so
	// that a resumed record does what was decided.
	Action     string
	Outcome    Outcome
	Attempts   int
	Detail     string // short reason, e.g. "missing permission: chat:write"
	Owner      string // process that holds (or finished) the takedown
	LeaseUntil time.Time
	UpdatedAt  time.Time
	// Result is the delete's outcome once known while the record is still
	// pending (notices to send); empty before.
	Result Outcome
	// Notified holds the Notified* bits of the notices sent.
	Notified int
	// ClaimedAt is when the takedown was first claimed; its retries end a
	// deadline after it.
	ClaimedAt time.Time
	// NextAttempt is when a rescheduled takedown is tried again; zero
	// when it was not rescheduled.
	NextAttempt time.Time
	// LaterRevisions counts the revisions of the message (edits) seen
	// after this takedown was claimed, recorded against it rather than
	// taken down again; LastRevision is the latest of them. The unedited
	// message (revision "") delivered after an edit's takedown counts like
	// an edit; a repeat of the latest revision is not counted again.
	LaterRevisions int
	LastRevision   string
}

// Bits of Record.Notified.
const (
	NotifiedPoster   = 1 << iota // the poster was told
	NotifiedSecurity             // the security channel was told
)

// Progress is what a pending takedown has done so far, saved so that a
// resumed one neither deletes nor notifies twice.
type Progress struct {
	Result   Outcome // the delete's outcome, or empty before it is known
	Notified int     // Notified* bits
	Attempts int
	Detail   string
}

// Progress returns the record's saved progress.
func (r Record) Progress() Progress {
	return Progress{Result: r.Result, Notified: r.Notified, Attempts: r.Attempts, Detail: r.Detail}
}

// Audit is the public view of a record, as the audit command and the
// dashboard show it: masked preview and fingerprint, without the lease.
type Audit struct {
	Time        time.Time `json:"time"`
	Platform    string    `json:"platform"`
	Workspace   string    `json:"workspace,omitempty"`
	Channel     string    `json:"channel"`
	MessageID   string    `json:"message_id"`
	Revision    string    `json:"revision,omitempty"`
	Poster      string    `json:"poster,omitempty"`
	Rule        string    `json:"rule"`
	Provider    string    `json:"provider"`
	Masked      string    `json:"masked"`
	Fingerprint string    `json:"fingerprint"`
	Action      string    `json:"action"`
	Outcome     string    `json:"outcome"`
	Attempts    int       `json:"attempts"`
	Detail      string    `json:"detail,omitempty"`
	// LaterRevisions counts the revisions seen after the takedown;
	// LastRevision is the latest of them (empty: the unedited message).
	LaterRevisions int       `json:"later_revisions,omitempty"`
	LastRevision   string    `json:"last_revision,omitempty"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// Audit returns the record's public view.
func (r Record) Audit() Audit {
	return Audit{Time: r.Time.UTC(), Platform: r.Platform, Workspace: r.Workspace, Channel: r.Channel,
		MessageID: r.MessageID, Revision: r.Revision, Poster: r.Poster, Rule: r.Rule, Provider: r.Provider,
		Masked: r.Masked, Fingerprint: r.Fingerprint, Action: r.Action, Outcome: string(r.Outcome),
		Attempts: r.Attempts, Detail: r.Detail, LaterRevisions: r.LaterRevisions, LastRevision: r.LastRevision,
		UpdatedAt: r.UpdatedAt.UTC()}
}

// Finished reports whether the record has a final outcome.
func (r Record) Finished() bool { return r.Outcome != Pending }

// Filter selects records for List.
type Filter struct {
	Since    time.Time // inclusive; zero means all time
	Limit    int       // 0 means DefaultListLimit; capped at MaxListLimit
	Platform string    // empty means every platform
}

// List limits.
const (
	DefaultListLimit = 100
	MaxListLimit     = 1000
	// MaxStaleClaim caps ClaimStale's limit.
	MaxStaleClaim = 1000
)

// DefaultEventTTL is how long SeenEvent remembers an event id. Platforms
// retry deliveries for minutes (Slack: three retries within about an hour).
const DefaultEventTTL = 24 * time.Hour

// eventPruneEvery is how often a store prunes expired event ids from SeenEvent.
const eventPruneEvery = 10 * time.Minute

// pruneDue reports whether SeenEvent is to prune now, last holding the
// unix nanos of the store's last prune; of concurrent callers, one is told
// yes.
func pruneDue(last *atomic.Int64, now time.Time) bool {
	l := last.Load()
	return now.UnixNano()-l > int64(eventPruneEvery) && last.CompareAndSwap(l, now.UnixNano())
}

// Stats summarises takedowns since a time, for a dashboard.
type Stats struct {
	Since      time.Time
	Total      int
	ByOutcome  map[Outcome]int
	ByProvider map[string]int
	ByPlatform map[string]int
	ByChannel  []ChannelCount // most takedowns first
	// Bucket is the width of Buckets: time.Hour when Since is within 48
	// hours of now, 24 hours otherwise. Buckets are UTC-aligned.
	Bucket  time.Duration
	Buckets []Bucket // oldest first; empty buckets are omitted
}

// ChannelCount counts takedowns in one channel.
type ChannelCount struct {
	Platform, Workspace, Channel string
	Count                        int
}

// Bucket counts takedowns in one time bucket.
type Bucket struct {
	Start     time.Time
	Total     int
	ByOutcome map[Outcome]int
}

// Store is the takedown ledger and audit store. Implementations are safe
// for concurrent use, and several Store values (processes, replicas) may
// share one database.
type Store interface {
	// Claim inserts rec with Outcome=Pending, owner and lease. It returns
	// claimed=true and the stored record if the key was new, and
	// claimed=false and the existing record if the key exists.
	//
	// A message is taken down once, whatever its revisions: when another
	// revision of rec's message holds a takedown (ActionTakedown; pending
	// or finished), rec is not inserted but recorded against that
	// takedown (its LaterRevisions and LastRevision; a repeat of the
	// latest revision counts once), and Claim returns claimed=false and
	// that record. Claims of one message, on any replicas, run one after
	// another: two revisions claimed at once give one takedown, and a
	// warning claimed while another revision's takedown is being claimed
	// is recorded against it. A revision that was only warned about
	// (ActionWarn) holds nothing: a later revision may still be taken
	// down.
	//
	// Key fields and owner must be valid UTF-8 of at most 256 bytes (else
	// ErrInvalid); descriptive fields are repaired and cut to size
	// instead.
	Claim(ctx context.Context, rec Record, owner string, lease time.Duration) (claimed bool, existing Record, err error)
	// Finish sets the final outcome, attempts and detail, and clears the
	// lease. Only the current owner of a pending record may finish it
	// (else ErrNotOwner; ErrFinished if already finished; ErrNotFound).
	Finish(ctx context.Context, key Key, owner string, outcome Outcome, attempts int, detail string) error
	// Extend renews the lease of a pending record held by owner.
	Extend(ctx context.Context, key Key, owner string, lease time.Duration) error
	// ClaimStale takes over up to limit pending records whose lease
	// expired, of one platform (any when platform is empty); each record
	// goes to exactly one caller.
	ClaimStale(ctx context.Context, platform, owner string, lease time.Duration, limit int) ([]Record, error)
	// ClaimOwned is ClaimStale that also takes, whatever their lease, the
	// due pending records (not rescheduled to later) whose owner starts
	// with prefix but is not owner: an earlier run of this process, so
	// that a restart resumes its work at once.
	ClaimOwned(ctx context.Context, platform, prefix, owner string, lease time.Duration, limit int) ([]Record, error)
	// Save records the progress of a pending record held by owner.
	Save(ctx context.Context, key Key, owner string, p Progress) error
	// Reschedule records progress and the next attempt's time at, and
	// releases the lease then: at that time any replica's ClaimStale
	// takes the record.
	Reschedule(ctx context.Context, key Key, owner string, p Progress, at time.Time) error
	// SeenEvent reports whether this is the first time (platform, eventID)
	// is seen. Ids older than DefaultEventTTL are pruned.
	SeenEvent(ctx context.Context, platform, eventID string) (first bool, err error)
	// PruneEvents forgets event ids first seen before before.
	PruneEvents(ctx context.Context, before time.Time) (int64, error)
	// Get returns the record for key, or ErrNotFound.
	Get(ctx context.Context, key Key) (Record, error)
	// List returns records newest first.
	List(ctx context.Context, f Filter) ([]Record, error)
	// Stats counts takedowns since a time (zero: all time).
	Stats(ctx context.Context, since time.Time) (Stats, error)
	Ping(ctx context.Context) error
	Close() error
}

// Errors returned by stores; test with errors.Is.
var (
	ErrNotFound = errors.New("takedown not found")
	ErrNotOwner = errors.New("takedown held by another owner")
	ErrFinished = errors.New("takedown already finished")
	ErrInvalid  = errors.New("invalid input")
)

// heldHook is the context key of a function Claim calls once it holds the
// message: after the point at which other claims of the message wait for
// it. Tests use it to start rival claims at that moment.
type heldHook struct{}

// withHeldHook returns ctx carrying f for Claim to call when it holds the
// message.
func withHeldHook(ctx context.Context, f func()) context.Context {
	return context.WithValue(ctx, heldHook{}, f)
}

// messageHeld calls the function withHeldHook put in ctx, if any.
func messageHeld(ctx context.Context) {
	if f, ok := ctx.Value(heldHook{}).(func()); ok {
		f()
	}
}

// Open opens the PostgreSQL ledger when databaseURL is set, else the
// embedded SQLite ledger at sqlitePath.
func Open(ctx context.Context, databaseURL, sqlitePath string) (Store, error) {
	if databaseURL != "" {
		return OpenPostgres(ctx, databaseURL)
	}
	return OpenSQLite(ctx, sqlitePath)
}

// Field limits, in bytes.
const (
	maxKeyField   = 256
	maxOwner      = 256
	maxShortField = 256
	maxMasked     = 64
	maxLang       = 35
	maxDetail     = 512
)

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)
}

// checkID validates a value that takes part in a unique key. Such values
// must be stored exactly, so bad ones are refused rather than repaired.
// Errors name the field, never the value.
func checkID(field, v string, required bool) error {
	switch {
	case v == "" && required:
		return invalid("%s is empty", field)
	case len(v) > maxKeyField:
		return invalid("%s is longer than %d bytes", field, maxKeyField)
	case !utf8.ValidString(v):
		return invalid("%s is not valid UTF-8", field)
	case strings.IndexByte(v, 0) >= 0:
		return invalid("%s contains a NUL byte", field)
	}
	return nil
}

func (k Key) validate() error {
	for _, f := range []struct {
		name, v  string
		required bool
	}{
		{"platform", k.Platform, true},
		{"workspace", k.Workspace, false},
		{"channel", k.Channel, false},
		{"message id", k.MessageID, true},
		{"revision", k.Revision, false},
	} {
		if err := checkID(f.name, f.v, f.required); err != nil {
			return err
		}
	}
	return nil
}

func checkOwner(owner string) error {
	if err := checkID("owner", owner, true); err != nil {
		return err
	}
	if len(owner) > maxOwner {
		return invalid("owner is longer than %d bytes", maxOwner)
	}
	return nil
}

// clean repairs a descriptive (non-key) text field so that a takedown is
// never lost to a bad poster name or an over-long reason: invalid UTF-8 is
// replaced, NUL bytes dropped, and the text cut at a rune boundary.
func clean(s string, max int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\x00", "")
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

func isHexFingerprint(s string) bool {
	if len(s) < 16 || len(s) > 64 || len(s)%2 != 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// prepareClaim validates and normalises a record for Claim.
func prepareClaim(rec Record, owner string) (Record, error) {
	if err := rec.Key.validate(); err != nil {
		return Record{}, err
	}
	if err := checkOwner(owner); err != nil {
		return Record{}, err
	}
	switch rec.Action {
	case "":
		rec.Action = ActionTakedown
	case ActionTakedown, ActionWarn:
	default:
		return Record{}, invalid("action is neither takedown nor warn")
	}
	if rec.Fingerprint != "" && !isHexFingerprint(rec.Fingerprint) {
		return Record{}, invalid("fingerprint is not a lower-case hex HMAC-SHA256 digest")
	}
	rec.Poster = clean(rec.Poster, maxShortField)
	rec.Rule = clean(rec.Rule, maxShortField)
	rec.Provider = clean(rec.Provider, maxShortField)
	rec.Masked = clean(rec.Masked, maxMasked)
	rec.Lang = clean(rec.Lang, maxLang)
	rec.Detail = clean(rec.Detail, maxDetail)
	if rec.Attempts < 0 {
		rec.Attempts = 0
	}
	rec.Outcome = Pending
	rec.Owner = owner
	if y := rec.Time.Year(); y < 1970 || y > 9999 {
		rec.Time = time.Time{} // zero or nonsense: the store uses now
	} else {
		rec.Time = normTime(rec.Time)
	}
	return rec, nil
}

// maxLease bounds leases so that expiry times stay in range.
const maxLease = 365 * 24 * time.Hour

// clampLease keeps a lease within ±maxLease. Zero and negative leases are
// allowed: the record is stale at once (useful to hand work over).
func clampLease(d time.Duration) time.Duration {
	return max(-maxLease, min(d, maxLease))
}

func checkFinish(key Key, owner string, outcome Outcome, attempts int) error {
	if err := key.validate(); err != nil {
		return err
	}
	if err := checkOwner(owner); err != nil {
		return err
	}
	if !outcome.Valid() || outcome == Pending {
		return invalid("outcome must be one of deleted, warned, escalated, failed, allowed")
	}
	if attempts < 0 {
		return invalid("attempts is negative")
	}
	return nil
}

func checkProgress(key Key, owner string, p Progress) error {
	if err := key.validate(); err != nil {
		return err
	}
	if err := checkOwner(owner); err != nil {
		return err
	}
	if p.Result != "" && (!p.Result.Valid() || p.Result == Pending) {
		return invalid("result must be empty or a final outcome")
	}
	if p.Notified < 0 || p.Notified > NotifiedPoster|NotifiedSecurity {
		return invalid("notified holds unknown bits")
	}
	if p.Attempts < 0 {
		return invalid("attempts is negative")
	}
	return nil
}

func checkEvent(platform, eventID string) error {
	if err := checkID("platform", platform, true); err != nil {
		return err
	}
	return checkID("event id", eventID, true)
}

func listLimit(n int) int {
	switch {
	case n <= 0:
		return DefaultListLimit
	case n > MaxListLimit:
		return MaxListLimit
	}
	return n
}

func staleLimit(n int) (int, error) {
	if n <= 0 {
		return 0, invalid("limit must be positive")
	}
	return min(n, MaxStaleClaim), nil
}

// normTime returns t in UTC truncated to microseconds, the precision both
// stores keep.
func normTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// classify explains why an update keyed by (key, owner, pending) touched no
// row, given the current record (or a lookup error).
func classify(cur Record, err error) error {
	switch {
	case err != nil:
		return err
	case cur.Outcome != Pending:
		return ErrFinished
	default:
		return ErrNotOwner
	}
}

// bucketFor picks the Stats bucket width for since.
func bucketFor(since, now time.Time) time.Duration {
	if !since.IsZero() && now.Sub(since) <= 48*time.Hour {
		return time.Hour
	}
	return 24 * time.Hour
}

// statsPlan splits a Stats range into what each source counts: whole
// days from the daily counts, whole hours from the hourly counts, and the
// rows of the partial hour after since. Zero times mean "no bound".
type statsPlan struct {
	daily            bool
	dayFrom          time.Time // zero: every day
	hourly           bool
	hourFrom, hourTo time.Time // hourTo zero: no upper bound
	raw              bool
	rawFrom, rawTo   time.Time
}

func planStats(since time.Time, bucket time.Duration) statsPlan {
	if since.IsZero() {
		return statsPlan{daily: true}
	}
	since = since.UTC()
	h := since.Truncate(time.Hour)
	if h.Before(since) {
		h = h.Add(time.Hour)
	}
	p := statsPlan{hourly: true, hourFrom: h, raw: h.After(since), rawFrom: since, rawTo: h}
	if bucket == time.Hour {
		return p
	}
	d := time.Date(h.Year(), h.Month(), h.Day(), 0, 0, 0, 0, time.UTC)
	if d.Before(h) {
		d = d.AddDate(0, 0, 1)
	}
	p.daily, p.dayFrom, p.hourTo = true, d, d
	return p
}

// statRow is one group of the Stats query: a count of one dimension
// (dim "outcome" or "provider" with k1 its value; "channel" with k1, k2,
// k3 the platform, workspace and channel) in one time bucket.
type statRow struct {
	dim, k1, k2, k3 string
	bucket          string // "2006-01-02" or "2006-01-02T15", UTC
	n               int
}

func newStats(since time.Time, bucket time.Duration) Stats {
	return Stats{
		Since:      since,
		ByOutcome:  map[Outcome]int{},
		ByProvider: map[string]int{},
		ByPlatform: map[string]int{},
		ByChannel:  []ChannelCount{},
		Bucket:     bucket,
		Buckets:    []Bucket{},
	}
}

// aggregate folds grouped rows into st. Rows of one group may come more
// than once (counts and the rows of a partial hour); they add up.
func aggregate(st *Stats, rows []statRow) error {
	layout := "2006-01-02"
	if st.Bucket == time.Hour {
		layout = "2006-01-02T15"
	}
	chans := map[[3]string]int{}
	buckets := map[time.Time]*Bucket{}
	for _, r := range rows {
		if r.n == 0 {
			continue
		}
		switch r.dim {
		case "provider":
			st.ByProvider[r.k1] += r.n
			continue
		case "channel":
			st.ByPlatform[r.k1] += r.n
			chans[[3]string{r.k1, r.k2, r.k3}] += r.n
			continue
		}
		st.Total += r.n
		st.ByOutcome[Outcome(r.k1)] += r.n
		start, err := time.ParseInLocation(layout, r.bucket, time.UTC)
		if err != nil {
			return fmt.Errorf("parse stats bucket: %w", err)
		}
		b := buckets[start]
		if b == nil {
			b = &Bucket{Start: start, ByOutcome: map[Outcome]int{}}
			buckets[start] = b
		}
		b.Total += r.n
		b.ByOutcome[Outcome(r.k1)] += r.n
	}
	for k, n := range chans {
		st.ByChannel = append(st.ByChannel, ChannelCount{Platform: k[0], Workspace: k[1], Channel: k[2], Count: n})
	}
	sort.Slice(st.ByChannel, func(i, j int) bool {
		a, b := st.ByChannel[i], st.ByChannel[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		if a.Platform != b.Platform {
			return a.Platform < b.Platform
		}
		if a.Workspace != b.Workspace {
			return a.Workspace < b.Workspace
		}
		return a.Channel < b.Channel
	})
	for _, b := range buckets {
		st.Buckets = append(st.Buckets, *b)
	}
	sort.Slice(st.Buckets, func(i, j int) bool { return st.Buckets[i].Start.Before(st.Buckets[j].Start) })
	return nil
}

// columns lists the takedowns table's columns in scan order. Both stores
// share it so that a record round-trips identically.
const columns = `platform, workspace, channel, message_id, revision, occurred_at, poster, rule, provider, masked, fingerprint, lang, outcome, attempts, detail, owner, lease_until, updated_at, action, result, notified, next_attempt_at, claimed_at, later_revisions, last_revision`

// createMessageTakedowns makes the table that names, for each message
// taken down, the revision whose record holds its takedown (both stores'
// migration 4: never to be changed, a later migration alters it).
const createMessageTakedowns = `CREATE TABLE message_takedowns (
		platform   TEXT NOT NULL,
		workspace  TEXT NOT NULL,
		channel    TEXT NOT NULL,
		message_id TEXT NOT NULL,
		revision   TEXT NOT NULL,
		PRIMARY KEY (platform, workspace, channel, message_id)
	)`

// The actions a record can be claimed for.
const (
	ActionTakedown = "takedown"
	ActionWarn     = "warn"
)

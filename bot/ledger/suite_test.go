package ledger

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// backend lets one suite run against every store.
type backend struct {
	name string
	// newDB prepares an empty database and returns its address; it is
	// removed when the test ends.
	newDB func(t testing.TB) string
	// open opens a Store on a database from newDB; it is closed when the
	// test ends (closing it earlier is fine).
	open func(t testing.TB, addr string) Store
	// dump returns every row of every ledger table as column → text.
	dump func(t testing.TB, s Store) map[string][]map[string]string
	// schemaVersions returns the rows of schema_version.
	schemaVersions func(t testing.TB, s Store) []int
	// old builds at addr a database of schema version 2 and runs stmts
	// on it, as an earlier release left it.
	old func(t testing.TB, addr string, stmts ...string)
	// seed inserts n takedowns evenly from from to to, in one statement.
	seed func(t testing.TB, s Store, n int, from, to time.Time)
}

func (b backend) fresh(t testing.TB) (Store, string) {
	addr := b.newDB(t)
	return b.open(t, addr), addr
}

func randHex(t testing.TB, n int) string {
	t.Helper()
	buf := make([]byte, n)
	if _, err := rand.Read(buf); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(buf)
}

// fingerprint computes what the core stores: HMAC-SHA256 hex of a secret.
func fingerprint(key []byte, secret string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(secret))
	return hex.EncodeToString(m.Sum(nil))
}

func sample(i int, platform string) Record {
	return Record{
		Key: Key{
			Platform:  platform,
			Workspace: "T0001",
			Channel:   fmt.Sprintf("C%03d", i%3),
			MessageID: fmt.Sprintf("1700000000.%06d", i),
			Revision:  "",
		},
		Poster:      fmt.Sprintf("U%04d", i),
		Rule:        "openai-api-key",
		Provider:    "openai",
		Masked:      "sk-proj-…" + fmt.Sprintf("%04d", i),
		Fingerprint: fingerprint([]byte("test-key-0123456789"), fmt.Sprint("secret", i)),
		Lang:        "en",
	}
}

// runConcurrently runs n goroutines and waits for them.
func runConcurrently(n int, f func(i int)) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			f(i)
		}()
	}
	close(start)
	wg.Wait()
}

// runSuite is the one test suite every Store must pass.
func runSuite(t *testing.T, b backend) {
	tests := []struct {
		name string
		run  func(t *testing.T, b backend)
	}{
		{"claim once then duplicate refused", testClaimDuplicate},
		{"concurrent claims one winner", testConcurrentClaim},
		{"two replicas one winner", testReplicaClaim},
		{"finish only by owner", testFinishOwner},
		{"extend lease", testExtend},
		{"stale leases taken over once", testClaimStale},
		{"stale leases of one platform", testClaimStalePlatform},
		{"action kept for resuming", testAction},
		{"finished records never reclaimed", testFinishedNotReclaimed},
		{"seen event once", testSeenEvent},
		{"list", testList},
		{"stats", testStats},
		{"bad input", testBadInput},
		{"restart keeps pending work", testRestart},
		{"schema migration idempotent", testMigration},
		{"audit rows hold only what was given", testAuditContents},
		{"progress and rescheduling", testProgress},
		{"own earlier work claimed at once", testClaimOwned},
		{"expired lease taken over by a replica", testReplicaTakeover},
		{"stats equal a count of the rows", testStatsMatchRows},
		{"migration from version 2 keeps rows and counts", testMigrateFromV2},
		{"a message is taken down once, whatever its revisions", testRevisions},
		{"revisions claimed at once on replicas: one takedown", testRevisionRace},
		{"warnings of later revisions racing a takedown: no warning", testWarnRevisionRace},
		{"migration: the first takedown of a message holds it", testMigrateRevisions},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, b) })
	}
}

func testClaimDuplicate(t *testing.T, b backend) {
	ctx := context.Background()
	s, _ := b.fresh(t)
	rec := sample(1, "slack")
	rec.Time = time.Date(2025, 3, 4, 5, 6, 7, 891234567, time.UTC)
	before := time.Now().Add(-time.Second)

	claimed, got, err := s.Claim(ctx, rec, "replica-a", time.Minute)
	if err != nil || !claimed {
		t.Fatalf("first claim: claimed=%v err=%v", claimed, err)
	}
	if got.Outcome != Pending || got.Owner != "replica-a" || got.Key != rec.Key || got.Poster != rec.Poster ||
		got.Masked != rec.Masked || got.Fingerprint != rec.Fingerprint {
		t.Fatalf("claimed record = %+v", got)
	}
	if !got.Time.Equal(normTime(rec.Time)) {
		t.Errorf("time = %v, want %v", got.Time, normTime(rec.Time))
	}
	if got.LeaseUntil.Before(before.Add(time.Minute)) || got.LeaseUntil.After(time.Now().Add(time.Minute+time.Second)) {
		t.Errorf("lease until %v, want about a minute from now", got.LeaseUntil)
	}

	dup := rec
	dup.Poster = "someone-else"
	claimed, existing, err := s.Claim(ctx, dup, "replica-b", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if claimed {
		t.Fatal("duplicate claim succeeded")
	}
	if existing.Owner != "replica-a" || existing.Poster != rec.Poster || existing.Outcome != Pending {
		t.Errorf("existing = %+v, want the first claim", existing)
	}

	if err := s.Finish(ctx, rec.Key, "replica-a", Deleted, 1, ""); err != nil {
		t.Fatal(err)
	}
	claimed, existing, err = s.Claim(ctx, rec, "replica-a", time.Minute)
	if err != nil || claimed {
		t.Fatalf("claim after finish: claimed=%v err=%v", claimed, err)
	}
	if existing.Outcome != Deleted {
		t.Errorf("existing outcome = %q, want deleted", existing.Outcome)
	}

	// A new revision of a message taken down is recorded against its
	// takedown, not taken down again.
	edited := rec
	edited.Revision = "2"
	claimed, existing, err = s.Claim(ctx, edited, "replica-b", time.Minute)
	if err != nil || claimed {
		t.Fatalf("claim of new revision: claimed=%v err=%v", claimed, err)
	}
	if existing.Key != rec.Key || existing.Outcome != Deleted || existing.LaterRevisions != 1 || existing.LastRevision != "2" {
		t.Errorf("new revision recorded as %+v, want against the takedown", existing)
	}
}

// testRevisions checks that a message is taken down once, whatever its
// revisions, and that a warning holds nothing.
func testRevisions(t *testing.T, b backend) {
	ctx := context.Background()
	s, _ := b.fresh(t)
	rev := func(i int, action, revision string) Record {
		r := sample(i, "slack")
		r.Action, r.Revision = action, revision
		return r
	}
	steps := []struct {
		name     string
		rec      Record
		claimed  bool
		holder   string // revision of the record returned
		later    int
		finish   Outcome // finish the claim with it (when claimed)
		revision string  // LastRevision of the record returned
	}{
		{"original, taken down", rev(1, ActionTakedown, ""), true, "", 0, Pending, ""},
		{"edit while pending", rev(1, ActionTakedown, "e1"), false, "", 1, "", "e1"},
		{"the same edit again counts once", rev(1, ActionTakedown, "e1"), false, "", 1, "", "e1"},
		{"a warning-level edit", rev(1, ActionWarn, "e2"), false, "", 2, "", "e2"},
		{"original again (duplicate)", rev(1, ActionTakedown, ""), false, "", 2, "", "e2"},
		{"warned message", rev(2, ActionWarn, ""), true, "", 0, Warned, ""},
		{"its edit with a key is taken down", rev(2, ActionTakedown, "e1"), true, "e1", 0, Deleted, ""},
		{"and its next edit recorded against that", rev(2, ActionWarn, "e2"), false, "e1", 1, "", "e2"},
		{"a warned edit of a warned message is warned", rev(3, ActionWarn, ""), true, "", 0, Warned, ""},
		{"", rev(3, ActionWarn, "e1"), true, "e1", 0, Warned, ""},
		{"a warned revision delivered again as a takedown", rev(3, ActionTakedown, "e1"), false, "e1", 0, "", ""},
		{"holds nothing: a later edit with a key is taken down", rev(3, ActionTakedown, "e2"), true, "e2", 0, Deleted, ""},
		{"an edit taken down before its original arrives", rev(4, ActionTakedown, "e1"), true, "e1", 0, Deleted, ""},
		{"the original, delivered late, counts", rev(4, ActionTakedown, ""), false, "e1", 1, "", ""},
		{"and again counts once", rev(4, ActionWarn, ""), false, "e1", 1, "", ""},
		{"then a later edit", rev(4, ActionTakedown, "e2"), false, "e1", 2, "", "e2"},
	}
	for _, st := range steps {
		claimed, got, err := s.Claim(ctx, st.rec, "p", time.Minute)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if claimed != st.claimed || got.MessageID != st.rec.MessageID || got.Revision != st.holder ||
			got.LaterRevisions != st.later || got.LastRevision != st.revision {
			t.Errorf("%s: claimed=%v record %s rev %q later %d last %q; want claimed=%v rev %q later %d last %q", st.name,
				claimed, got.MessageID, got.Revision, got.LaterRevisions, got.LastRevision, st.claimed, st.holder, st.later, st.revision)
		}
		if claimed && st.finish != Pending {
			if err := s.Finish(ctx, st.rec.Key, "p", st.finish, 1, ""); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Counted once each: the revisions recorded against a takedown are
	// no takedowns.
	stats, err := s.Stats(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if stats.Total != 7 || stats.ByOutcome[Pending] != 1 || stats.ByOutcome[Deleted] != 3 || stats.ByOutcome[Warned] != 3 {
		t.Errorf("stats %+v, want 7 rows: 1 pending, 3 deleted, 3 warned", stats)
	}
}

// testRevisionRace has replicas claim different revisions of one message
// at once: one takedown, the others recorded against it.
func testRevisionRace(t *testing.T, b backend) {
	ctx := context.Background()
	a, addr := b.fresh(t)
	stores := []Store{a, b.open(t, addr)}
	const n = 8
	var mu sync.Mutex
	var winners []string
	runConcurrently(n, func(i int) {
		rec := sample(5, "discord")
		rec.Revision = fmt.Sprintf("r%d", i)
		claimed, _, err := stores[i%2].Claim(ctx, rec, fmt.Sprintf("owner-%d", i), time.Minute)
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			t.Errorf("claim %d: %v", i, err)
		} else if claimed {
			winners = append(winners, rec.Revision)
		}
	})
	if len(winners) != 1 {
		t.Fatalf("%d revisions taken down (%v), want 1", len(winners), winners)
	}
	k := sample(5, "discord").Key
	k.Revision = winners[0]
	got, err := a.Get(ctx, k)
	if err != nil || got.LaterRevisions != n-1 {
		t.Errorf("takedown %+v %v, want %d later revisions recorded against it", got, err, n-1)
	}
}

// testWarnRevisionRace claims the takedown of a message and, once that
// claim holds the message, warnings of later revisions of it on two
// replicas: each warning is recorded against the takedown, none is
// claimed (the poster gets the takedown's notice, no warning besides).
// Many rounds, since the rivals are only started in that window.
func testWarnRevisionRace(t *testing.T, b backend) {
	ctx := context.Background()
	a, addr := b.fresh(t)
	stores := []Store{a, b.open(t, addr)}
	const rounds, warnings = 100, 8
	var bad []string
	for round := range rounds {
		takedown := sample(1000+round, "slack")
		takedown.Action = ActionTakedown
		held := make(chan struct{})
		var once sync.Once
		release := func() { once.Do(func() { close(held) }) }
		var started sync.WaitGroup
		started.Add(warnings)
		// The takedown's claim lets the warnings go once it holds the
		// message, and goes on once they all are on their way.
		hook := withHeldHook(ctx, func() { release(); started.Wait() })
		var mu sync.Mutex
		var warned []string
		tookDown := false
		runConcurrently(warnings+1, func(i int) {
			if i == warnings {
				defer release() // a claim that failed early frees the warnings
				claimed, _, err := stores[0].Claim(hook, takedown, "replica-a", time.Minute)
				if err != nil {
					t.Errorf("round %d: takedown claim: %v", round, err)
				}
				tookDown = claimed
				return
			}
			<-held
			started.Done()
			rec := takedown
			rec.Action, rec.Revision = ActionWarn, fmt.Sprintf("e%d", i)
			claimed, got, err := stores[(i+1)%2].Claim(ctx, rec, "replica-b", time.Minute)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				t.Errorf("round %d: warning claim %d: %v", round, i, err)
			case claimed:
				warned = append(warned, rec.Revision)
			case got.Revision != takedown.Revision:
				t.Errorf("round %d: warning %d recorded against revision %q, want the takedown's", round, i, got.Revision)
			}
		})
		got, err := a.Get(ctx, takedown.Key)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		if !tookDown || len(warned) > 0 || got.LaterRevisions != warnings {
			bad = append(bad, fmt.Sprintf("round %d: taken down %v, warned %v, %d later revisions", round, tookDown, warned, got.LaterRevisions))
		}
	}
	if len(bad) > 0 {
		t.Errorf("%d of %d rounds gave a warning besides the takedown (want the takedown only, %d later revisions), e.g. %s",
			len(bad), rounds, warnings, bad[0])
	}
}

// claimRace has n goroutines claim one key through the given stores and
// returns the winning owners and the owners seen by losers.
func claimRace(t *testing.T, stores []Store, n int) (winners []string, seen map[string]int) {
	t.Helper()
	ctx := context.Background()
	rec := sample(7, "discord")
	var mu sync.Mutex
	seen = map[string]int{}
	runConcurrently(n, func(i int) {
		owner := fmt.Sprintf("owner-%02d", i)
		claimed, existing, err := stores[i%len(stores)].Claim(ctx, rec, owner, time.Minute)
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			t.Errorf("claim %d: %v", i, err)
			return
		}
		if claimed {
			winners = append(winners, owner)
		} else {
			seen[existing.Owner]++
		}
	})
	return winners, seen
}

func testConcurrentClaim(t *testing.T, b backend) {
	s, _ := b.fresh(t)
	winners, seen := claimRace(t, []Store{s}, 50)
	if len(winners) != 1 {
		t.Fatalf("winners = %v, want exactly one", winners)
	}
	if seen[winners[0]] != 49 || len(seen) != 1 {
		t.Errorf("losers saw owners %v, want all 49 to see %s", seen, winners[0])
	}
}

func testReplicaClaim(t *testing.T, b backend) {
	a, addr := b.fresh(t)
	c := b.open(t, addr)
	winners, seen := claimRace(t, []Store{a, c}, 50)
	if len(winners) != 1 {
		t.Fatalf("winners = %v, want exactly one across two replicas", winners)
	}
	if seen[winners[0]] != 49 {
		t.Errorf("losers saw owners %v, want all 49 to see %s", seen, winners[0])
	}
	// Each replica reads the other's record.
	for _, s := range []Store{a, c} {
		got, err := s.Get(context.Background(), sample(7, "discord").Key)
		if err != nil || got.Owner != winners[0] {
			t.Errorf("get = %+v, %v; want owner %s", got, err, winners[0])
		}
	}
}

func testFinishOwner(t *testing.T, b backend) {
	ctx := context.Background()
	s, _ := b.fresh(t)
	rec := sample(2, "slack")
	if _, _, err := s.Claim(ctx, rec, "owner-a", time.Minute); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		key     Key
		owner   string
		outcome Outcome
		want    error
	}{
		{"other owner", rec.Key, "owner-b", Deleted, ErrNotOwner},
		{"pending is not final", rec.Key, "owner-a", Pending, ErrInvalid},
		{"unknown outcome", rec.Key, "owner-a", Outcome("vanished"), ErrInvalid},
		{"unknown key", sample(99, "slack").Key, "owner-a", Deleted, ErrNotFound},
		{"owner", rec.Key, "owner-a", Escalated, nil},
		{"again", rec.Key, "owner-a", Deleted, ErrFinished},
		{"other owner after finish", rec.Key, "owner-b", Deleted, ErrFinished},
	}
	for _, tc := range tests {
		err := s.Finish(ctx, tc.key, tc.owner, tc.outcome, 3, "missing permission: chat:write")
		if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
			t.Errorf("%s: Finish err = %v, want %v", tc.name, err, tc.want)
		}
	}
	got, err := s.Get(ctx, rec.Key)
	if err != nil {
		t.Fatal(err)
	}
	if got.Outcome != Escalated || got.Attempts != 3 || got.Detail != "missing permission: chat:write" ||
		got.Owner != "owner-a" || !got.LeaseUntil.IsZero() {
		t.Errorf("finished record = %+v", got)
	}
}

func testExtend(t *testing.T, b backend) {
	ctx := context.Background()
	s, _ := b.fresh(t)
	rec := sample(3, "slack")
	_, first, err := s.Claim(ctx, rec, "owner-a", -time.Second) // already expired
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Extend(ctx, rec.Key, "owner-b", time.Hour); !errors.Is(err, ErrNotOwner) {
		t.Errorf("extend by other owner: %v, want ErrNotOwner", err)
	}
	if err := s.Extend(ctx, rec.Key, "owner-a", time.Hour); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(ctx, rec.Key)
	if err != nil {
		t.Fatal(err)
	}
	if !got.LeaseUntil.After(first.LeaseUntil.Add(59 * time.Minute)) {
		t.Errorf("lease until %v after extend, was %v", got.LeaseUntil, first.LeaseUntil)
	}
	// The extended lease protects the record from takeover.
	if stale, err := s.ClaimStale(ctx, "", "owner-b", time.Minute, 10); err != nil || len(stale) != 0 {
		t.Errorf("ClaimStale after extend = %v, %v; want none", stale, err)
	}
	if err := s.Finish(ctx, rec.Key, "owner-a", Deleted, 1, ""); err != nil {
		t.Fatal(err)
	}
	if err := s.Extend(ctx, rec.Key, "owner-a", time.Hour); !errors.Is(err, ErrFinished) {
		t.Errorf("extend after finish: %v, want ErrFinished", err)
	}
	if err := s.Extend(ctx, sample(98, "slack").Key, "owner-a", time.Hour); !errors.Is(err, ErrNotFound) {
		t.Errorf("extend unknown: %v, want ErrNotFound", err)
	}
}

func testClaimStale(t *testing.T, b backend) {
	ctx := context.Background()
	a, addr := b.fresh(t)
	c := b.open(t, addr)
	const expired, live, finished = 23, 5, 4
	want := map[Key]bool{}
	for i := range expired {
		rec := sample(i, "slack")
		// Leases that ran out just now and a while ago, both expired at
		// the claim: nothing to wait for.
		lease := -time.Millisecond
		if i%2 == 0 {
			lease = -time.Second
		}
		if _, _, err := a.Claim(ctx, rec, "crashed", lease); err != nil {
			t.Fatal(err)
		}
		want[rec.Key] = true
	}
	for i := range live {
		if _, _, err := a.Claim(ctx, sample(100+i, "slack"), "alive", time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	for i := range finished {
		rec := sample(200+i, "slack")
		if _, _, err := a.Claim(ctx, rec, "done", -time.Second); err != nil {
			t.Fatal(err)
		}
		if err := a.Finish(ctx, rec.Key, "done", Deleted, 1, ""); err != nil {
			t.Fatal(err)
		}
	}

	var mu sync.Mutex
	taken := map[Key][]string{}
	runConcurrently(8, func(i int) {
		s := []Store{a, c}[i%2]
		owner := fmt.Sprintf("rescuer-%d", i)
		for {
			recs, err := s.ClaimStale(ctx, "", owner, time.Hour, 3)
			if err != nil {
				t.Errorf("ClaimStale: %v", err)
				return
			}
			if len(recs) == 0 {
				return
			}
			mu.Lock()
			for _, r := range recs {
				if r.Owner != owner || r.Outcome != Pending || !r.LeaseUntil.After(time.Now().Add(50*time.Minute)) {
					t.Errorf("taken record = %+v", r)
				}
				taken[r.Key] = append(taken[r.Key], owner)
			}
			mu.Unlock()
		}
	})
	if len(taken) != expired {
		t.Errorf("took %d records, want %d", len(taken), expired)
	}
	for k, owners := range taken {
		if !want[k] {
			t.Errorf("took %v, which was live or finished", k)
		}
		if len(owners) != 1 {
			t.Errorf("%v taken by %v, want exactly one", k, owners)
		}
	}
	// The crashed owner can no longer finish; the rescuer can.
	var k Key
	for k = range taken {
		break
	}
	if err := a.Finish(ctx, k, "crashed", Deleted, 1, ""); !errors.Is(err, ErrNotOwner) {
		t.Errorf("finish by crashed owner: %v, want ErrNotOwner", err)
	}
	if err := c.Finish(ctx, k, taken[k][0], Deleted, 2, ""); err != nil {
		t.Errorf("finish by rescuer: %v", err)
	}
}

func testFinishedNotReclaimed(t *testing.T, b backend) {
	ctx := context.Background()
	s, _ := b.fresh(t)
	outcomes := []Outcome{Deleted, Warned, Escalated, Failed, Allowed}
	for i, o := range outcomes {
		rec := sample(i, "discord")
		if _, _, err := s.Claim(ctx, rec, "p1", -time.Minute); err != nil {
			t.Fatal(err)
		}
		if err := s.Finish(ctx, rec.Key, "p1", o, 1, ""); err != nil {
			t.Fatal(err)
		}
	}
	stale, err := s.ClaimStale(ctx, "", "p2", time.Minute, 100)
	if err != nil || len(stale) != 0 {
		t.Fatalf("ClaimStale = %v, %v; want none", stale, err)
	}
	for i, o := range outcomes {
		claimed, existing, err := s.Claim(ctx, sample(i, "discord"), "p2", time.Minute)
		if err != nil || claimed || existing.Outcome != o {
			t.Errorf("reclaim %s: claimed=%v outcome=%q err=%v", o, claimed, existing.Outcome, err)
		}
	}
}

func testSeenEvent(t *testing.T, b backend) {
	ctx := context.Background()
	a, addr := b.fresh(t)
	c := b.open(t, addr)
	var mu sync.Mutex
	firsts := 0
	runConcurrently(50, func(i int) {
		first, err := []Store{a, c}[i%2].SeenEvent(ctx, "slack", "Ev0123ABCD")
		if err != nil {
			t.Errorf("SeenEvent: %v", err)
		}
		if first {
			mu.Lock()
			firsts++
			mu.Unlock()
		}
	})
	if firsts != 1 {
		t.Fatalf("first=true %d times, want 1", firsts)
	}
	if first, err := a.SeenEvent(ctx, "discord", "Ev0123ABCD"); err != nil || !first {
		t.Errorf("same id on another platform: first=%v err=%v", first, err)
	}
	if first, err := c.SeenEvent(ctx, "slack", "Ev0123ABCD"); err != nil || first {
		t.Errorf("repeat: first=%v err=%v", first, err)
	}
	if n, err := a.PruneEvents(ctx, time.Now().Add(-time.Hour)); err != nil || n != 0 {
		t.Errorf("prune of an hour ago removed %d (%v), want 0", n, err)
	}
	if n, err := a.PruneEvents(ctx, time.Now().Add(time.Hour)); err != nil || n != 2 {
		t.Errorf("prune removed %d (%v), want 2", n, err)
	}
	if first, err := a.SeenEvent(ctx, "slack", "Ev0123ABCD"); err != nil || !first {
		t.Errorf("after prune: first=%v err=%v", first, err)
	}
}

func testList(t *testing.T, b backend) {
	ctx := context.Background()
	s, _ := b.fresh(t)
	base := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	var all []Record
	for i := range 6 {
		platform := "slack"
		if i%2 == 1 {
			platform = "discord"
		}
		rec := sample(i, platform)
		rec.Time = base.Add(time.Duration(i) * time.Minute).Add(123456 * time.Nanosecond)
		rec.Lang = []string{"en", "zh-Hans"}[i%2]
		if _, _, err := s.Claim(ctx, rec, "p", time.Minute); err != nil {
			t.Fatal(err)
		}
		if i < 4 {
			if err := s.Finish(ctx, rec.Key, "p", Deleted, i+1, fmt.Sprint("reason ", i)); err != nil {
				t.Fatal(err)
			}
		}
		all = append(all, rec)
	}
	keys := func(rs []Record) []string {
		var out []string
		for _, r := range rs {
			out = append(out, r.MessageID)
		}
		return out
	}
	ids := func(is ...int) []string {
		var out []string
		for _, i := range is {
			out = append(out, all[i].MessageID)
		}
		return out
	}
	tests := []struct {
		name string
		f    Filter
		want []string
	}{
		{"all newest first", Filter{}, ids(5, 4, 3, 2, 1, 0)},
		{"limit", Filter{Limit: 2}, ids(5, 4)},
		{"platform", Filter{Platform: "discord"}, ids(5, 3, 1)},
		{"since inclusive", Filter{Since: all[3].Time}, ids(5, 4, 3)},
		{"since and platform", Filter{Since: all[2].Time, Platform: "slack"}, ids(4, 2)},
		{"unknown platform", Filter{Platform: "irc"}, nil},
	}
	for _, tc := range tests {
		got, err := s.List(ctx, tc.f)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !slices.Equal(keys(got), tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, keys(got), tc.want)
		}
	}
	// Every field round-trips.
	got, err := s.List(ctx, Filter{Platform: "discord", Limit: 1})
	if err != nil || len(got) != 1 {
		t.Fatalf("list: %v %v", got, err)
	}
	w := all[5]
	g := got[0]
	if g.Key != w.Key || !g.Time.Equal(normTime(w.Time)) || g.Poster != w.Poster || g.Rule != w.Rule ||
		g.Provider != w.Provider || g.Masked != w.Masked || g.Fingerprint != w.Fingerprint || g.Lang != "zh-Hans" ||
		g.Outcome != Pending || g.Owner != "p" || g.UpdatedAt.IsZero() || g.LeaseUntil.IsZero() {
		t.Errorf("round trip: got %+v, want %+v", g, w)
	}
	got, err = s.List(ctx, Filter{Limit: 6})
	if err != nil {
		t.Fatal(err)
	}
	if g := got[2]; g.Outcome != Deleted || g.Attempts != 4 || g.Detail != "reason 3" || !g.LeaseUntil.IsZero() {
		t.Errorf("finished round trip: %+v", g)
	}
}

func testStats(t *testing.T, b backend) {
	ctx := context.Background()
	s, _ := b.fresh(t)
	hour := time.Now().UTC().Truncate(time.Hour).Add(-5 * time.Hour)
	type row struct {
		platform, channel, provider string
		at                          time.Time
		outcome                     Outcome
	}
	rows := []row{
		{"slack", "C1", "openai", hour.Add(10 * time.Minute), Deleted},
		{"slack", "C1", "openai", hour.Add(20 * time.Minute), Deleted},
		{"slack", "C2", "anthropic", hour.Add(30 * time.Minute), Escalated},
		{"discord", "D1", "openai", hour.Add(2*time.Hour + 5*time.Minute), Deleted},
		{"discord", "D1", "github", hour.Add(2*time.Hour + 6*time.Minute), Pending},
		{"slack", "C1", "openai", hour.Add(-72 * time.Hour), Failed}, // before since
	}
	for i, r := range rows {
		rec := sample(i, r.platform)
		rec.Channel, rec.Provider, rec.Time = r.channel, r.provider, r.at
		if _, _, err := s.Claim(ctx, rec, "p", time.Minute); err != nil {
			t.Fatal(err)
		}
		if r.outcome != Pending {
			if err := s.Finish(ctx, rec.Key, "p", r.outcome, 1, ""); err != nil {
				t.Fatal(err)
			}
		}
	}
	st, err := s.Stats(ctx, hour)
	if err != nil {
		t.Fatal(err)
	}
	if st.Total != 5 || st.Bucket != time.Hour {
		t.Errorf("total %d bucket %v, want 5, 1h", st.Total, st.Bucket)
	}
	wantOutcome := map[Outcome]int{Deleted: 3, Escalated: 1, Pending: 1}
	if !mapsEqual(st.ByOutcome, wantOutcome) {
		t.Errorf("by outcome %v, want %v", st.ByOutcome, wantOutcome)
	}
	if want := map[string]int{"openai": 3, "anthropic": 1, "github": 1}; !mapsEqual(st.ByProvider, want) {
		t.Errorf("by provider %v, want %v", st.ByProvider, want)
	}
	if want := map[string]int{"slack": 3, "discord": 2}; !mapsEqual(st.ByPlatform, want) {
		t.Errorf("by platform %v, want %v", st.ByPlatform, want)
	}
	wantChans := []ChannelCount{
		{"discord", "T0001", "D1", 2},
		{"slack", "T0001", "C1", 2},
		{"slack", "T0001", "C2", 1},
	}
	if !slices.Equal(st.ByChannel, wantChans) {
		t.Errorf("by channel %v, want %v", st.ByChannel, wantChans)
	}
	if len(st.Buckets) != 2 {
		t.Fatalf("buckets %+v, want 2", st.Buckets)
	}
	if b0 := st.Buckets[0]; !b0.Start.Equal(hour) || b0.Total != 3 || b0.ByOutcome[Deleted] != 2 || b0.ByOutcome[Escalated] != 1 {
		t.Errorf("first bucket %+v", b0)
	}
	if b1 := st.Buckets[1]; !b1.Start.Equal(hour.Add(2*time.Hour)) || b1.Total != 2 || b1.ByOutcome[Pending] != 1 {
		t.Errorf("second bucket %+v", b1)
	}

	all, err := s.Stats(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if all.Total != 6 || all.Bucket != 24*time.Hour || all.ByOutcome[Failed] != 1 {
		t.Errorf("all-time stats %+v", all)
	}
	var sum int
	for i, bk := range all.Buckets {
		sum += bk.Total
		if bk.Start.Hour() != 0 || (i > 0 && !bk.Start.After(all.Buckets[i-1].Start)) {
			t.Errorf("daily bucket %d starts %v", i, bk.Start)
		}
	}
	if sum != 6 {
		t.Errorf("daily buckets hold %d, want 6", sum)
	}

	empty, _ := b.fresh(t)
	st, err = empty.Stats(ctx, hour)
	if err != nil || st.Total != 0 || st.ByOutcome == nil || st.Buckets == nil {
		t.Errorf("empty stats %+v, %v", st, err)
	}
}

func mapsEqual[K comparable](a, b map[K]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func testBadInput(t *testing.T, b backend) {
	ctx := context.Background()
	s, _ := b.fresh(t)
	huge := strings.Repeat("x", 10_000)
	hostile := "C1'); DROP TABLE takedowns; --"
	base := sample(1, "slack")
	with := func(f func(r *Record)) Record { r := base; f(&r); return r }
	tests := []struct {
		name  string
		rec   Record
		owner string
	}{
		{"empty platform", with(func(r *Record) { r.Platform = "" }), "p"},
		{"empty message id", with(func(r *Record) { r.MessageID = "" }), "p"},
		{"huge message id", with(func(r *Record) { r.MessageID = huge }), "p"},
		{"invalid utf-8 channel", with(func(r *Record) { r.Channel = "C\xff\xfe" }), "p"},
		{"nul in workspace", with(func(r *Record) { r.Workspace = "T\x00" }), "p"},
		{"fingerprint not hex", with(func(r *Record) { r.Fingerprint = "sk-live-abcdef" }), "p"},
		{"fingerprint upper case", with(func(r *Record) { r.Fingerprint = strings.ToUpper(base.Fingerprint) }), "p"},
		{"empty owner", base, ""},
		{"huge owner", base, huge},
	}
	for _, tc := range tests {
		_, _, err := s.Claim(ctx, tc.rec, tc.owner, time.Minute)
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", tc.name, err)
			continue
		}
		if msg := err.Error(); strings.Contains(msg, huge) || strings.Contains(msg, "sk-live") || strings.Contains(msg, "\xff") {
			t.Errorf("%s: error quotes the input: %.80q", tc.name, msg)
		}
	}
	if got, _ := s.List(ctx, Filter{}); len(got) != 0 {
		t.Errorf("rejected claims stored %d records", len(got))
	}

	// Hostile but valid text is stored verbatim; descriptive fields are
	// repaired rather than refused so that a takedown is never lost.
	odd := with(func(r *Record) {
		r.Channel = hostile
		r.Poster = "U\xff1\x00"
		r.Detail = huge
		r.Masked = strings.Repeat("m", 200)
	})
	claimed, got, err := s.Claim(ctx, odd, "p", time.Minute)
	if err != nil || !claimed {
		t.Fatalf("claim of odd record: %v %v", claimed, err)
	}
	if got.Channel != hostile || got.Poster != "U\uFFFD1" || len(got.Detail) > maxDetail || len(got.Masked) > maxMasked {
		t.Errorf("odd record stored as %+v", got)
	}
	if err := s.Finish(ctx, odd.Key, "p", Escalated, 1, "cannot delete: "+huge+"\xff"); err != nil {
		t.Fatalf("finish with a huge detail: %v", err)
	}
	if got, err := s.Get(ctx, odd.Key); err != nil || len(got.Detail) > maxDetail || !strings.HasPrefix(got.Detail, "cannot delete: xxx") {
		t.Errorf("huge detail stored as %.40q (%d bytes), %v", got.Detail, len(got.Detail), err)
	}

	if _, err := s.SeenEvent(ctx, "slack", ""); !errors.Is(err, ErrInvalid) {
		t.Errorf("empty event id: %v", err)
	}
	if _, err := s.SeenEvent(ctx, "", "Ev1"); !errors.Is(err, ErrInvalid) {
		t.Errorf("empty event platform: %v", err)
	}
	if _, err := s.SeenEvent(ctx, "slack", huge); !errors.Is(err, ErrInvalid) {
		t.Errorf("huge event id: %v", err)
	}
	if _, err := s.ClaimStale(ctx, "", "p", time.Minute, 0); !errors.Is(err, ErrInvalid) {
		t.Errorf("ClaimStale limit 0: %v", err)
	}
	if _, err := s.Get(ctx, Key{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("Get empty key: %v", err)
	}
	if err := s.Finish(ctx, base.Key, "p", Deleted, -1, ""); !errors.Is(err, ErrInvalid) {
		t.Errorf("negative attempts: %v", err)
	}
	// Nonsense times and leases are bounded, not stored as is.
	before := time.Now().Add(-time.Minute)
	for i, at := range []time.Time{time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC), time.Date(12000, 1, 1, 0, 0, 0, 0, time.UTC), time.Unix(-1e12, 0)} {
		rec := sample(500+i, "slack")
		rec.Time = at
		_, got, err := s.Claim(ctx, rec, "p", time.Duration(1<<62))
		if err != nil {
			t.Fatalf("claim with time %v: %v", at, err)
		}
		if got.Time.Before(before) || got.Time.After(time.Now().Add(time.Minute)) {
			t.Errorf("time %v stored as %v, want now", at, got.Time)
		}
		if got.LeaseUntil.After(time.Now().Add(maxLease + time.Hour)) {
			t.Errorf("huge lease stored as %v", got.LeaseUntil)
		}
	}
	if err := s.Extend(ctx, sample(500, "slack").Key, "p", -time.Duration(1<<62)); err != nil {
		t.Errorf("extend with a huge negative lease: %v", err)
	}
	if got, err := s.List(ctx, Filter{Limit: 1 << 30}); err != nil || len(got) != 4 {
		t.Errorf("huge list limit: %d records, %v", len(got), err)
	}
}

func testRestart(t *testing.T, b backend) {
	ctx := context.Background()
	s, addr := b.fresh(t)
	pending, done := sample(1, "slack"), sample(2, "slack")
	// Its lease runs out before the restart: it is expired at the claim.
	if _, _, err := s.Claim(ctx, pending, "before-restart", -time.Second); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Claim(ctx, done, "before-restart", time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := s.Finish(ctx, done.Key, "before-restart", Deleted, 1, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SeenEvent(ctx, "slack", "Ev1"); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = b.open(t, addr)
	if err := s.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(ctx, done.Key)
	if err != nil || got.Outcome != Deleted {
		t.Errorf("finished record after restart: %+v %v", got, err)
	}
	if first, err := s.SeenEvent(ctx, "slack", "Ev1"); err != nil || first {
		t.Errorf("event after restart: first=%v err=%v", first, err)
	}
	stale, err := s.ClaimStale(ctx, "", "after-restart", time.Minute, 10)
	if err != nil || len(stale) != 1 || stale[0].Key != pending.Key || stale[0].Poster != pending.Poster {
		t.Fatalf("pending work after restart: %+v %v", stale, err)
	}
	if err := s.Finish(ctx, pending.Key, "after-restart", Deleted, 2, ""); err != nil {
		t.Fatal(err)
	}
}

func testMigration(t *testing.T, b backend) {
	s, addr := b.fresh(t)
	again := b.open(t, addr)
	if v := b.schemaVersions(t, again); !slices.Equal(v, []int{1, 2, 3, 4}) {
		t.Errorf("schema versions %v, want [1 2 3 4]", v)
	}
	if _, _, err := s.Claim(context.Background(), sample(1, "slack"), "p", time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, err := again.Get(context.Background(), sample(1, "slack").Key); err != nil {
		t.Error(err)
	}
}

// wantColumns is the complete schema: anything else is a surprise.
var wantColumns = map[string][]string{
	"schema_version":        {"applied_at", "version"},
	"seen_events":           {"event_id", "platform", "seen_at"},
	"takedown_counts":       {"dim", "hour", "k1", "k2", "k3", "n"},
	"takedown_counts_daily": {"day", "dim", "k1", "k2", "k3", "n"},
	"message_takedowns":     {"channel", "message_id", "platform", "revision", "workspace"},
	"takedowns": {"action", "attempts", "channel", "claimed_at", "detail", "fingerprint", "lang", "last_revision", "later_revisions", "lease_until", "masked", "message_id",
		"next_attempt_at", "notified", "occurred_at", "outcome", "owner", "platform", "poster", "provider", "result", "revision", "rule", "updated_at", "workspace"},
}

// testAuditContents plants takedowns of secrets the store never sees and
// checks that a full dump holds exactly the columns and values given.
func testAuditContents(t *testing.T, b backend) {
	ctx := context.Background()
	s, _ := b.fresh(t)
	key := []byte("per-install-test-key-" + randHex(t, 8))
	var secrets []string
	planted := map[string]Record{}
	for i := range 3 {
		secret := "sk-proj-" + randHex(t, 24)
		secrets = append(secrets, secret)
		rec := sample(i, "slack")
		rec.Masked = secret[:8] + "…" + secret[len(secret)-4:]
		rec.Fingerprint = fingerprint(key, secret)
		rec.Time = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
		if _, _, err := s.Claim(ctx, rec, "p", time.Minute); err != nil {
			t.Fatal(err)
		}
		if err := s.Finish(ctx, rec.Key, "p", Deleted, 1, "deleted"); err != nil {
			t.Fatal(err)
		}
		planted[rec.MessageID] = rec
	}
	if _, err := s.SeenEvent(ctx, "slack", "Ev9"); err != nil {
		t.Fatal(err)
	}

	dump := b.dump(t, s)
	for table, want := range wantColumns {
		rows := dump[table]
		if len(rows) == 0 {
			t.Errorf("table %s is empty", table)
			continue
		}
		for _, row := range rows {
			var cols []string
			for c := range row {
				cols = append(cols, c)
			}
			slices.Sort(cols)
			if !slices.Equal(cols, want) {
				t.Errorf("%s columns %v, want %v", table, cols, want)
			}
		}
	}
	for table := range dump {
		if _, ok := wantColumns[table]; !ok {
			t.Errorf("surprise table %s", table)
		}
	}
	if len(dump["takedowns"]) != len(planted) {
		t.Fatalf("takedowns rows = %d, want %d", len(dump["takedowns"]), len(planted))
	}
	for _, row := range dump["takedowns"] {
		rec, ok := planted[row["message_id"]]
		if !ok {
			t.Errorf("unplanted row %v", row)
			continue
		}
		given := map[string]string{
			"platform": rec.Platform, "workspace": rec.Workspace, "channel": rec.Channel,
			"message_id": rec.MessageID, "revision": rec.Revision, "poster": rec.Poster, "rule": rec.Rule,
			"provider": rec.Provider, "masked": rec.Masked, "fingerprint": rec.Fingerprint, "lang": rec.Lang,
			"outcome": "deleted", "attempts": "1", "detail": "deleted", "owner": "p", "lease_until": "",
		}
		for c, v := range given {
			if row[c] != v {
				t.Errorf("%s = %q, want %q", c, row[c], v)
			}
		}
		if !strings.HasPrefix(row["occurred_at"], "2025-01-02") || row["updated_at"] == "" {
			t.Errorf("times occurred_at=%q updated_at=%q", row["occurred_at"], row["updated_at"])
		}
	}
	for table, rows := range dump {
		for _, row := range rows {
			for c, v := range row {
				for _, secret := range secrets {
					if strings.Contains(v, secret) || strings.Contains(v, secret[8:len(secret)-4]) {
						t.Errorf("%s.%s holds a secret", table, c)
					}
				}
			}
		}
	}
}

func testClaimStalePlatform(t *testing.T, b backend) {
	ctx := context.Background()
	s, _ := b.fresh(t)
	for i, p := range []string{"slack", "discord", "slack"} {
		if _, _, err := s.Claim(ctx, sample(i, p), "crashed", -time.Second); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.ClaimStale(ctx, "discord", "d", time.Minute, 10)
	if err != nil || len(got) != 1 || got[0].Platform != "discord" {
		t.Fatalf("ClaimStale(discord) = %+v, %v; want the discord record", got, err)
	}
	got, err = s.ClaimStale(ctx, "slack", "s", time.Minute, 10)
	if err != nil || len(got) != 2 {
		t.Fatalf("ClaimStale(slack) = %d records, %v; want 2", len(got), err)
	}
	for _, r := range got {
		if r.Platform != "slack" || r.Owner != "s" {
			t.Errorf("ClaimStale(slack) took %+v", r)
		}
	}
}

func testAction(t *testing.T, b backend) {
	ctx := context.Background()
	s, _ := b.fresh(t)
	warn := sample(1, "slack")
	warn.Action = ActionWarn
	if _, got, err := s.Claim(ctx, warn, "crashed", -time.Second); err != nil || got.Action != ActionWarn {
		t.Fatalf("claim warn = %+v, %v", got, err)
	}
	if _, got, err := s.Claim(ctx, sample(2, "slack"), "crashed", -time.Second); err != nil || got.Action != ActionTakedown {
		t.Fatalf("claim without action = %q, %v; want takedown", got.Action, err)
	}
	stale, err := s.ClaimStale(ctx, "slack", "resumer", time.Minute, 10)
	if err != nil || len(stale) != 2 {
		t.Fatalf("ClaimStale = %d, %v", len(stale), err)
	}
	for _, r := range stale {
		if want := map[string]string{warn.MessageID: ActionWarn}[r.MessageID]; want != "" && r.Action != want {
			t.Errorf("resumed %s with action %q, want %q", r.MessageID, r.Action, want)
		}
	}
	bad := sample(3, "slack")
	bad.Action = "explode"
	if _, _, err := s.Claim(ctx, bad, "p", time.Minute); !errors.Is(err, ErrInvalid) {
		t.Errorf("claim with a bad action: %v, want ErrInvalid", err)
	}
}

func testProgress(t *testing.T, b backend) {
	ctx := context.Background()
	s, _ := b.fresh(t)
	rec := sample(1, "slack")
	if _, _, err := s.Claim(ctx, rec, "p1", time.Minute); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Get(ctx, rec.Key)
	if got.Notified != 0 || got.Result != "" || !got.NextAttempt.IsZero() || got.ClaimedAt.IsZero() {
		t.Fatalf("new claim %+v, want no progress and a claim time", got)
	}
	// A failed attempt: rescheduled, lease released at the next attempt.
	at := time.Now().Add(-time.Second).UTC().Truncate(time.Microsecond)
	if err := s.Reschedule(ctx, rec.Key, "p1", Progress{Attempts: 1, Detail: "delete failed: internal_error"}, at); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Get(ctx, rec.Key)
	if got.Outcome != Pending || got.Attempts != 1 || !got.NextAttempt.Equal(at) || !got.LeaseUntil.Equal(at) || got.Detail != "delete failed: internal_error" {
		t.Fatalf("rescheduled %+v", got)
	}
	// Due: any replica's sweep takes it, with its progress.
	stale, err := s.ClaimStale(ctx, "", "p2", time.Minute, 10)
	if err != nil || len(stale) != 1 || stale[0].Attempts != 1 {
		t.Fatalf("due takedown not taken over: %+v %v", stale, err)
	}
	p := Progress{Result: Deleted, Notified: NotifiedPoster, Attempts: 2}
	if err := s.Save(ctx, rec.Key, "p1", p); !errors.Is(err, ErrNotOwner) {
		t.Errorf("save by the old owner: %v, want ErrNotOwner", err)
	}
	if err := s.Save(ctx, rec.Key, "p2", p); err != nil {
		t.Fatal(err)
	}
	if got, _ = s.Get(ctx, rec.Key); got.Progress() != p || got.Outcome != Pending {
		t.Errorf("saved progress %+v, want %+v", got.Progress(), p)
	}
	for _, bad := range []Progress{{Result: Pending}, {Result: "gone"}, {Notified: 4}, {Attempts: -1}} {
		if err := s.Save(ctx, rec.Key, "p2", bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("save %+v: %v, want ErrInvalid", bad, err)
		}
	}
	if err := s.Reschedule(ctx, rec.Key, "p2", p, time.Time{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("reschedule to no time: %v, want ErrInvalid", err)
	}
	if err := s.Finish(ctx, rec.Key, "p2", Deleted, 2, ""); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(ctx, rec.Key, "p2", p); !errors.Is(err, ErrFinished) {
		t.Errorf("save after finish: %v, want ErrFinished", err)
	}
}

func testClaimOwned(t *testing.T, b backend) {
	ctx := context.Background()
	s, _ := b.fresh(t)
	mine, later, other, live := sample(1, "slack"), sample(2, "slack"), sample(3, "slack"), sample(4, "slack")
	for _, c := range []struct {
		rec   Record
		owner string
	}{{mine, "host-a/100"}, {later, "host-a/100"}, {other, "host-b/7"}, {live, "host-a/200"}} {
		if _, _, err := s.Claim(ctx, c.rec, c.owner, time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Reschedule(ctx, later.Key, "host-a/100", Progress{Attempts: 1}, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	// host-a restarted as pid 200: it takes its earlier run's due work at
	// once, leases still live; not another host's, not what is not due.
	got, err := s.ClaimOwned(ctx, "slack", "host-a/", "host-a/200", time.Minute, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Key != mine.Key || got[0].Owner != "host-a/200" {
		t.Fatalf("claimed %+v, want only %v", got, mine.Key)
	}
	if again, err := s.ClaimOwned(ctx, "slack", "host-a/", "host-a/200", time.Minute, 10); err != nil || len(again) != 0 {
		t.Errorf("second claim took %d (%v), want none", len(again), err)
	}
	if _, err := s.ClaimOwned(ctx, "slack", "", "host-a/200", time.Minute, 10); !errors.Is(err, ErrInvalid) {
		t.Errorf("empty prefix: %v, want ErrInvalid", err)
	}
}

// setLease moves a pending record's lease, as time passing would.
func setLease(t *testing.T, s Store, key Key, owner string, lease time.Duration) {
	t.Helper()
	if err := s.Extend(context.Background(), key, owner, lease); err != nil {
		t.Fatal(err)
	}
}

func testReplicaTakeover(t *testing.T, b backend) {
	ctx := context.Background()
	addr := b.newDB(t)
	r1, r2 := b.open(t, addr), b.open(t, addr)
	const n = 12
	for i := range n {
		if _, _, err := r1.Claim(ctx, sample(i, "slack"), "replica-1", 30*time.Second); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := r2.ClaimStale(ctx, "", "replica-2", 30*time.Second, 100); err != nil || len(got) != 0 {
		t.Fatalf("live leases taken over: %d %v", len(got), err)
	}
	// replica-1 stops renewing: its leases expire.
	for i := range n {
		setLease(t, r1, sample(i, "slack").Key, "replica-1", -time.Second)
	}
	// Taken over in bounded batches, each record once.
	seen := map[Key]bool{}
	for batch := 0; len(seen) < n; batch++ {
		got, err := r2.ClaimStale(ctx, "", "replica-2", 30*time.Second, 5)
		if err != nil || len(got) == 0 || len(got) > 5 {
			t.Fatalf("batch %d: %d records (%v)", batch, len(got), err)
		}
		for _, r := range got {
			if seen[r.Key] {
				t.Fatalf("%v taken over twice", r.Key)
			}
			seen[r.Key] = true
		}
	}
	if err := r1.Finish(ctx, sample(0, "slack").Key, "replica-1", Deleted, 1, ""); !errors.Is(err, ErrNotOwner) {
		t.Errorf("the old owner finished a taken-over record: %v", err)
	}
}

// testStatsMatchRows checks the aggregate against a count of List's rows
// for several windows, with outcomes changing after the claim.
func testStatsMatchRows(t *testing.T, b backend) {
	ctx := context.Background()
	s, _ := b.fresh(t)
	now := time.Now().UTC()
	providers := []string{"openai", "anthropic", "github"}
	outcomes := []Outcome{Pending, Deleted, Escalated, Failed, Warned}
	for i := range 90 {
		rec := sample(i, []string{"slack", "discord"}[i%2])
		rec.Provider = providers[i%3]
		rec.Channel = fmt.Sprintf("C%d", i%4)
		rec.Time = now.Add(-time.Duration(i*37) * time.Minute)
		if _, _, err := s.Claim(ctx, rec, "p", time.Minute); err != nil {
			t.Fatal(err)
		}
		if o := outcomes[i%5]; o != Pending {
			if err := s.Finish(ctx, rec.Key, "p", o, 1, ""); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, since := range []time.Time{{}, now.Add(-90 * time.Minute), now.Add(-13*time.Hour - 17*time.Minute), now.Add(-30 * time.Hour).Truncate(time.Hour), now.Add(-52*time.Hour - 7*time.Minute)} {
		st, err := s.Stats(ctx, since)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := s.List(ctx, Filter{Since: since, Limit: MaxListLimit})
		if err != nil {
			t.Fatal(err)
		}
		want := newStats(since, st.Bucket)
		var groups []statRow
		layout := "2006-01-02"
		if st.Bucket == time.Hour {
			layout = "2006-01-02T15"
		}
		for _, r := range rows {
			bk := r.Time.UTC().Format(layout)
			groups = append(groups, statRow{dim: "outcome", k1: string(r.Outcome), bucket: bk, n: 1},
				statRow{dim: "provider", k1: r.Provider, bucket: bk, n: 1},
				statRow{dim: "channel", k1: r.Platform, k2: r.Workspace, k3: r.Channel, bucket: bk, n: 1})
		}
		if err := aggregate(&want, groups); err != nil {
			t.Fatal(err)
		}
		if st.Total != len(rows) || !mapsEqual(st.ByOutcome, want.ByOutcome) || !mapsEqual(st.ByProvider, want.ByProvider) ||
			!mapsEqual(st.ByPlatform, want.ByPlatform) || !slices.Equal(st.ByChannel, want.ByChannel) || len(st.Buckets) != len(want.Buckets) {
			t.Errorf("since %v: stats %+v\nwant %+v", since, st, want)
			continue
		}
		for i := range st.Buckets {
			if g, w := st.Buckets[i], want.Buckets[i]; !g.Start.Equal(w.Start) || g.Total != w.Total || !mapsEqual(g.ByOutcome, w.ByOutcome) {
				t.Errorf("since %v: bucket %d = %+v, want %+v", since, i, g, w)
			}
		}
	}
}

func testMigrateFromV2(t *testing.T, b backend) {
	ctx := context.Background()
	addr := b.newDB(t)
	cols := `platform, workspace, channel, message_id, revision, occurred_at, poster, rule, provider, masked, fingerprint, lang, outcome, attempts, detail, owner, lease_until, updated_at, action`
	b.old(t, addr,
		`INSERT INTO takedowns (`+cols+`) VALUES ('slack', 'T1', 'C1', 'm1', '', '2026-11-30T10:15:00.000000Z', 'U1', 'r', 'openai', 'sk-…abcd', '', 'en', 'deleted', 1, '', 'old/1', NULL, '2026-11-30T10:16:00.000000Z', 'takedown')`,
		`INSERT INTO takedowns (`+cols+`) VALUES ('slack', 'T1', 'C1', 'm2', '', '2026-11-30T10:45:00.000000Z', 'U1', 'r', 'github', 'ghp_…abcd', '', 'en', 'pending', 0, '', 'old/1', '2026-11-30T10:50:00.000000Z', '2026-11-30T10:45:00.000000Z', 'takedown')`)
	s := b.open(t, addr)
	if v := b.schemaVersions(t, s); !slices.Equal(v, []int{1, 2, 3, 4}) {
		t.Fatalf("schema versions %v, want [1 2 3 4]", v)
	}
	done, err := s.Get(ctx, Key{Platform: "slack", Workspace: "T1", Channel: "C1", MessageID: "m1"})
	if err != nil || done.Outcome != Deleted || done.Notified != NotifiedPoster|NotifiedSecurity || !done.ClaimedAt.Equal(done.UpdatedAt) {
		t.Errorf("migrated finished record %+v %v", done, err)
	}
	// The old pending record resumes like a new one.
	got, err := s.ClaimStale(ctx, "slack", "new/2", time.Minute, 10)
	if err != nil || len(got) != 1 || got[0].MessageID != "m2" {
		t.Fatalf("old pending record not resumed: %+v %v", got, err)
	}
	if err := s.Finish(ctx, got[0].Key, "new/2", Deleted, 1, ""); err != nil {
		t.Fatal(err)
	}
	st, err := s.Stats(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Total != 2 || st.ByOutcome[Deleted] != 2 || st.ByProvider["github"] != 1 || len(st.ByChannel) != 1 || st.ByChannel[0].Count != 2 {
		t.Errorf("stats after migration %+v", st)
	}
}

// testMigrateRevisions opens a ledger whose earlier release took one
// message down twice (two revisions): the first claimed holds the
// message, and a later edit is recorded against it.
func testMigrateRevisions(t *testing.T, b backend) {
	ctx := context.Background()
	addr := b.newDB(t)
	// A finished row of an earlier release (schema version 2).
	row := func(message, revision, outcome, updated, action string) string {
		return fmt.Sprintf(`INSERT INTO takedowns (platform, workspace, channel, message_id, revision, occurred_at, poster, rule, provider,
			masked, fingerprint, lang, outcome, attempts, detail, owner, lease_until, updated_at, action)
			VALUES ('slack', 'T1', 'C1', '%s', '%s', '2026-11-30T10:15:00.000000Z', 'U1', 'r', 'openai',
			'sk-…abcd', '', 'en', '%s', 1, '', 'old/1', NULL, '%s', '%s')`, message, revision, outcome, updated, action)
	}
	b.old(t, addr,
		row("m1", "1700000005.000000", "deleted", "2026-11-30T10:20:00.000000Z", "takedown"),
		row("m1", "", "deleted", "2026-11-30T10:16:00.000000Z", "takedown"),
		row("m2", "", "warned", "2026-11-30T10:16:00.000000Z", "warn"))
	s := b.open(t, addr)
	edit := Record{Key: Key{Platform: "slack", Workspace: "T1", Channel: "C1", MessageID: "m1", Revision: "1700000009.000000"}, Action: ActionTakedown}
	claimed, got, err := s.Claim(ctx, edit, "new/2", time.Minute)
	if err != nil || claimed || got.Revision != "" || got.LaterRevisions != 1 {
		t.Errorf("edit after migration: claimed=%v %+v %v; want recorded against the first takedown", claimed, got, err)
	}
	// A warning held nothing: an edit with a key is taken down.
	edit.MessageID = "m2"
	if claimed, _, err := s.Claim(ctx, edit, "new/2", time.Minute); err != nil || !claimed {
		t.Errorf("edit of a warned message after migration: claimed=%v %v; want a takedown", claimed, err)
	}
}

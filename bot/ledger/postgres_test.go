package ledger

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tokenbot/tokenbot/bot/bottest/pgtest"
)

const defaultTestDatabaseURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

var (
	pgProbeOnce sync.Once
	pgProbeErr  error
)

func testDatabaseURL() string {
	if u := os.Getenv("TOKENBOT_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return defaultTestDatabaseURL
}

// requirePostgres skips (or, in CI, fails) when PostgreSQL is unreachable.
func requirePostgres(t testing.TB) {
	t.Helper()
	pgProbeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, testDatabaseURL())
		if err != nil {
			pgProbeErr = err
			return
		}
		pgProbeErr = conn.Ping(ctx)
		conn.Close(ctx)
	})
	if pgProbeErr == nil {
		return
	}
	msg := fmt.Sprintf("PostgreSQL unreachable (set TOKENBOT_TEST_DATABASE_URL; default %s): %v", defaultTestDatabaseURL, pgProbeErr)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// newPostgresDB creates a schema of its own for one test, so that parallel
// runs never collide, and drops it afterwards.
func newPostgresDB(t testing.TB) string {
	t.Helper()
	requirePostgres(t)
	return pgtest.Schema(t, testDatabaseURL())
}

func openPostgres(t testing.TB, addr string) Store {
	t.Helper()
	s, err := OpenPostgres(context.Background(), addr)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func postgresBackend() backend {
	return backend{
		name:  "postgres",
		newDB: newPostgresDB,
		open:  openPostgres,
		dump: func(t testing.TB, s Store) map[string][]map[string]string {
			t.Helper()
			return dumpPostgres(t, s.(*Postgres).pool)
		},
		schemaVersions: func(t testing.TB, s Store) []int {
			t.Helper()
			rows, err := s.(*Postgres).pool.Query(context.Background(), `SELECT version FROM schema_version ORDER BY version`)
			if err != nil {
				t.Fatal(err)
			}
			out, err := pgx.CollectRows(rows, pgx.RowTo[int32])
			if err != nil {
				t.Fatal(err)
			}
			var vs []int
			for _, v := range out {
				vs = append(vs, int(v))
			}
			return vs
		},
		seed: func(t testing.TB, s Store, n int, from, to time.Time) {
			t.Helper()
			ctx := context.Background()
			step := to.Sub(from).Microseconds() / int64(n)
			// One transaction with the trigger off and the counts filled
			// after, as the migration does: the trigger's counters,
			// updated thousands of times in one transaction, would each
			// grow a chain of row versions.
			tx, err := s.(*Postgres).pool.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback(ctx)
			for _, q := range []string{`ALTER TABLE takedowns DISABLE TRIGGER takedowns_count`,
				`INSERT INTO takedowns (` + columns + `)
				SELECT CASE n % 2 WHEN 0 THEN 'slack' ELSE 'discord' END, 'T1', 'C' || (n % 20), 'm' || n, '',
					$2::timestamptz + n * $3::bigint * interval '1 microsecond', 'U' || (n % 300), 'rule',
					'p' || (n % 5), 'sk-…abcd', '', 'en',
					CASE n % 10 WHEN 0 THEN 'escalated' WHEN 1 THEN 'warned' WHEN 2 THEN 'failed' ELSE 'deleted' END,
					1, '', 'seed', NULL, $4, 'takedown', 'deleted', 3, NULL, $4, 0, ''
				FROM generate_series(0, $1::int - 1) AS n`,
				`ALTER TABLE takedowns ENABLE TRIGGER takedowns_count`, pgCountsBackfill} {
				var args []any
				if strings.Contains(q, "$1") {
					args = []any{n, from, step, to}
				}
				if _, err := tx.Exec(ctx, q, args...); err != nil {
					t.Fatal(err)
				}
			}
			if err := tx.Commit(ctx); err != nil {
				t.Fatal(err)
			}
			// What autovacuum does after a bulk load in production.
			if _, err := s.(*Postgres).pool.Exec(ctx, `ANALYZE`); err != nil {
				t.Fatal(err)
			}
		},
		old: func(t testing.TB, addr string, stmts ...string) {
			t.Helper()
			ctx := context.Background()
			conn, err := pgx.Connect(ctx, addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close(ctx)
			all := append([]string{`CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)`},
				postgresMigrations[:2]...)
			all = append(all, `INSERT INTO schema_version VALUES (1, now()), (2, now())`)
			for _, q := range append(all, stmts...) {
				if _, err := conn.Exec(ctx, q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
		},
	}
}

func TestPostgres(t *testing.T) {
	requirePostgres(t)
	runSuite(t, postgresBackend())
}

// dumpPostgres returns SELECT * of every table in the store's schema, each
// value as text (NULL as "").
func dumpPostgres(t testing.TB, pool *pgxpool.Pool) map[string][]map[string]string {
	t.Helper()
	ctx := context.Background()
	rows, err := pool.Query(ctx, `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`)
	if err != nil {
		t.Fatal(err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]map[string]string{}
	for _, table := range tables {
		rows, err := pool.Query(ctx, `SELECT * FROM `+pgx.Identifier{table}.Sanitize())
		if err != nil {
			t.Fatal(err)
		}
		out[table] = []map[string]string{}
		for rows.Next() {
			vals, err := rows.Values()
			if err != nil {
				t.Fatal(err)
			}
			row := map[string]string{}
			for i, fd := range rows.FieldDescriptions() {
				switch v := vals[i].(type) {
				case nil:
					row[fd.Name] = ""
				case time.Time:
					row[fd.Name] = v.UTC().Format(time.RFC3339Nano)
				default:
					row[fd.Name] = fmt.Sprint(v)
				}
			}
			out[table] = append(out[table], row)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// TestPostgresMigrationRace opens several replicas on one empty schema at
// once: each must come up, and the schema must be created once.
func TestPostgresMigrationRace(t *testing.T) {
	addr := newPostgresDB(t)
	stores := make([]Store, 4)
	errs := make([]error, 4)
	runConcurrently(4, func(i int) {
		s, err := OpenPostgres(context.Background(), addr)
		stores[i], errs[i] = s, err
	})
	for i, err := range errs {
		if err != nil {
			t.Errorf("replica %d: %v", i, err)
			continue
		}
		defer stores[i].Close()
	}
	if t.Failed() {
		return
	}
	if v := postgresBackend().schemaVersions(t, stores[0]); !slices.Equal(v, []int{1, 2, 3, 4}) {
		t.Errorf("schema versions %v, want [1 2 3 4]", v)
	}
}

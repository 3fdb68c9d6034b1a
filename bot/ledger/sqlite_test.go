package ledger

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func sqliteBackend() backend {
	return backend{
		name: "sqlite",
		newDB: func(t testing.TB) string {
			return filepath.Join(t.TempDir(), "state", "ledger.db")
		},
		open: func(t testing.TB, addr string) Store {
			t.Helper()
			s, err := OpenSQLite(context.Background(), addr)
			if err != nil {
				t.Fatalf("open sqlite: %v", err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		},
		dump: func(t testing.TB, s Store) map[string][]map[string]string {
			t.Helper()
			return dumpSQL(t, s.(*SQLite).db)
		},
		schemaVersions: func(t testing.TB, s Store) []int {
			t.Helper()
			return versions(t, s.(*SQLite).db)
		},
		seed: func(t testing.TB, s Store, n int, from, to time.Time) {
			t.Helper()
			step := to.Sub(from).Seconds() / float64(n)
			if _, err := s.(*SQLite).db.Exec(`WITH RECURSIVE i(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM i WHERE n + 1 < ?1)
				INSERT INTO takedowns (`+columns+`)
				SELECT CASE n % 2 WHEN 0 THEN 'slack' ELSE 'discord' END, 'T1', 'C' || (n % 20), 'm' || n, '',
					strftime('%Y-%m-%dT%H:%M:%S', ?2 + n * ?3, 'unixepoch') || '.000000Z', 'U' || (n % 300), 'rule',
					'p' || (n % 5), 'sk-…abcd', '', 'en',
					CASE n % 10 WHEN 0 THEN 'escalated' WHEN 1 THEN 'warned' WHEN 2 THEN 'failed' ELSE 'deleted' END,
					1, '', 'seed', NULL, ?4, 'takedown', 'deleted', 3, NULL, ?4, 0, ''
				FROM i`, n, from.Unix(), step, sqliteFormat(to)); err != nil {
				t.Fatal(err)
			}
		},
		old: func(t testing.TB, addr string, stmts ...string) {
			t.Helper()
			if err := os.MkdirAll(filepath.Dir(addr), 0o700); err != nil {
				t.Fatal(err)
			}
			db, err := sql.Open("sqlite", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			all := append([]string{`CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)`},
				sqliteMigrations[:2]...)
			all = append(all, `INSERT INTO schema_version VALUES (1, '2026-01-01T00:00:00.000000Z'), (2, '2026-01-01T00:00:00.000000Z')`)
			for _, q := range append(all, stmts...) {
				if _, err := db.Exec(q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
		},
	}
}

func TestSQLite(t *testing.T) { runSuite(t, sqliteBackend()) }

func dumpSQL(t testing.TB, db *sql.DB) map[string][]map[string]string {
	t.Helper()
	ctx := context.Background()
	rows, err := db.QueryContext(ctx, `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, n)
	}
	rows.Close()
	out := map[string][]map[string]string{}
	for _, table := range tables {
		rows, err := db.QueryContext(ctx, `SELECT * FROM "`+table+`"`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		out[table] = []map[string]string{}
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			row := map[string]string{}
			for i, c := range cols {
				switch v := vals[i].(type) {
				case nil:
					row[c] = ""
				case []byte:
					row[c] = string(v)
				default:
					row[c] = fmt.Sprint(v)
				}
			}
			out[table] = append(out[table], row)
		}
		rows.Close()
	}
	return out
}

func versions(t testing.TB, db *sql.DB) []int {
	t.Helper()
	rows, err := db.Query(`SELECT version FROM schema_version ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

// TestSQLiteFile checks the file itself: its place and mode, WAL mode,
// and that its raw bytes hold the masked previews given but no secret.
func TestSQLiteFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "nested", "dir", "ledger.db")
	s, err := OpenSQLite(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Claim(ctx, sample(9, "slack"), "p", time.Minute); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{path, path + "-wal", path + "-shm"} {
		info, err := os.Stat(f)
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
		} else if info.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", filepath.Base(f), info.Mode().Perm())
		}
	}
	var mode string
	if err := s.db.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal mode %q (%v), want wal", mode, err)
	}
	var busy int
	if err := s.db.QueryRow(`PRAGMA busy_timeout`).Scan(&busy); err != nil || busy < 1000 {
		t.Errorf("busy timeout %d (%v)", busy, err)
	}

	key := []byte("raw-file-test-key")
	var secrets, masks []string
	for i := range 3 {
		secret := fmt.Sprintf("ghp_%s", randHex(t, 18))
		secrets = append(secrets, secret)
		rec := sample(i, "slack")
		rec.Masked = "ghp_…" + secret[len(secret)-4:] + fmt.Sprintf("#%d", i)
		rec.Fingerprint = fingerprint(key, secret)
		masks = append(masks, rec.Masked)
		if _, _, err := s.Claim(ctx, rec, "p", time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if wal, err := os.ReadFile(path + "-wal"); err == nil {
		raw = append(raw, wal...)
	}
	for i, m := range masks {
		if !bytes.Contains(raw, []byte(m)) {
			t.Errorf("raw file lacks planted preview %d; the scan below would prove nothing", i)
		}
	}
	for i, secret := range secrets {
		if bytes.Contains(raw, []byte(secret)) || bytes.Contains(raw, []byte(secret[4:len(secret)-4])) {
			t.Errorf("raw file holds secret %d", i)
		}
	}
}

func TestOpenSQLiteBadPath(t *testing.T) {
	for _, p := range []string{"", "ledger.db?_pragma=journal_mode(off)", ":memory:", "file:ledger.db", "a\x00b"} {
		if s, err := OpenSQLite(context.Background(), p); err == nil {
			s.Close()
			t.Errorf("OpenSQLite(%q) succeeded", p)
		}
	}
	blocker := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenSQLite(context.Background(), filepath.Join(blocker, "ledger.db")); err == nil {
		t.Error("OpenSQLite under a regular file succeeded")
	}
}

func TestOpenChoosesStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ledger.db")
	s, err := Open(context.Background(), "", path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, ok := s.(*SQLite); !ok {
		t.Errorf("Open without a database URL = %T, want *SQLite", s)
	}
	if _, err := Open(context.Background(), "postgres://u:hunter2@[bad", path); err == nil {
		t.Error("Open with a bad URL succeeded")
	} else if bytes.Contains([]byte(err.Error()), []byte("hunter2")) {
		t.Errorf("error quotes the password: %v", err)
	}
}

package bottest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tokenbot/tokenbot/bot/ledger"
)

// Postgres opens a ledger on the PostgreSQL server that
// TOKENBOT_TEST_DATABASE_URL names (a postgres:// URL), in a schema of its
// own that is dropped when the test ends. It skips the test when the
// variable is unset.
func Postgres(t testing.TB) ledger.Store {
	t.Helper()
	dsn := os.Getenv("TOKENBOT_TEST_DATABASE_URL")
	if dsn == "" {
		t.Skip("TOKENBOT_TEST_DATABASE_URL is not set")
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "bottest_" + hex.EncodeToString(b)
	admin := func(sql string) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatalf("connect to the test database: %v", err)
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	admin("CREATE SCHEMA " + schema)
	t.Cleanup(func() { admin("DROP SCHEMA " + schema + " CASCADE") })
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("TOKENBOT_TEST_DATABASE_URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	s, err := ledger.OpenPostgres(context.Background(), u.String())
	if err != nil {
		t.Fatalf("open the PostgreSQL ledger: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

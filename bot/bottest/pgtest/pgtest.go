// Package pgtest gives a test a PostgreSQL schema of its own. It imports
// nothing of the bot, so that bot/ledger's own tests can use it as well as
// bot/bottest.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Schema creates a schema of its own for one test on the server dsn names
// (a postgres:// URL or a key=value string), so that parallel runs never
// collide, drops it when the test ends, and returns dsn with that schema
// as its search_path.
func Schema(t testing.TB, dsn string) string {
	t.Helper()
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	Exec(t, dsn, "CREATE SCHEMA "+schema)
	t.Cleanup(func() { Exec(t, dsn, "DROP SCHEMA "+schema+" CASCADE") })
	return WithSearchPath(t, dsn, schema)
}

// Exec runs sql on its own connection to dsn, failing the test on error.
func Exec(t testing.TB, dsn, sql string) {
	t.Helper()
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

// WithSearchPath adds search_path=schema to a URL or key=value string.
func WithSearchPath(t testing.TB, dsn, schema string) string {
	t.Helper()
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatalf("parse the test database URL: %v", err)
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return dsn + " search_path=" + schema
}

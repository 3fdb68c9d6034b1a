package bottest

import (
	"context"
	"os"
	"testing"

	"github.com/tokenbot/tokenbot/bot/bottest/pgtest"
	"github.com/tokenbot/tokenbot/bot/ledger"
)

// Postgres opens a ledger on the PostgreSQL server that
// TOKENBOT_TEST_DATABASE_URL names, in a schema of its own that is dropped
// when the test ends. It skips the test when the variable is unset.
func Postgres(t testing.TB) ledger.Store {
	t.Helper()
	dsn := os.Getenv("TOKENBOT_TEST_DATABASE_URL")
	if dsn == "" {
		t.Skip("TOKENBOT_TEST_DATABASE_URL is not set")
	}
	s, err := ledger.OpenPostgres(context.Background(), pgtest.Schema(t, dsn))
	if err != nil {
		t.Fatalf("open the PostgreSQL ledger: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

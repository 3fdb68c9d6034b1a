// Package bottest builds tokenbot's real core for adapter tests: the
// embedded FAQ, the model table, the leak rules and policy, and a ledger in
// a temporary SQLite file, with every log line captured so that tests can
// search it for planted secrets.
package bottest

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/tokenbot/tokenbot/bot"
	"github.com/tokenbot/tokenbot/bot/estimate"
	"github.com/tokenbot/tokenbot/bot/leaks"
	"github.com/tokenbot/tokenbot/bot/ledger"
	"github.com/tokenbot/tokenbot/bot/metrics"
	"github.com/tokenbot/tokenbot/bot/tokens"
	"github.com/tokenbot/tokenbot/knowledge"
)

// Options adjusts the core.
type Options struct {
	// SecurityChannel receives takedown notices (default "security").
	SecurityChannel string
	// PassiveChannels enables passive answers there.
	PassiveChannels []string
	// Store replaces the temporary SQLite ledger (for example PostgreSQL).
	Store ledger.Store
}

// Core is a real tokenbot core.
type Core struct {
	Router *bot.Router
	Store  ledger.Store
	Log    *slog.Logger
	// Metrics observes every Dispatcher made by Dispatcher.
	Metrics *metrics.Metrics
	logs    *Buffer
}

var (
	once    sync.Once
	faq     *knowledge.Index
	catalog *tokens.Catalog
	scanner *leaks.Scanner
	counter *tokens.Counter
	initErr error
)

// shared builds the read-only parts once per test binary: they are safe for
// concurrent use and slow to build.
func shared() error {
	once.Do(func() {
		entries, err := knowledge.Load(knowledge.Embedded())
		if err != nil {
			initErr = err
			return
		}
		if faq, err = knowledge.NewIndex(entries, knowledge.Options{}); err != nil {
			initErr = err
			return
		}
		if catalog, err = tokens.DefaultCatalog(); err != nil {
			initErr = err
			return
		}
		if scanner, err = leaks.DefaultScanner(); err != nil {
			initErr = err
			return
		}
		counter = tokens.NewCounter(tokens.Options{})
	})
	return initErr
}

// New builds a core for one test.
func New(t testing.TB, opts Options) *Core {
	t.Helper()
	if err := shared(); err != nil {
		t.Fatalf("build core: %v", err)
	}
	store := opts.Store
	if store == nil {
		s, err := ledger.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "ledger.db"))
		if err != nil {
			t.Fatalf("open ledger: %v", err)
		}
		t.Cleanup(func() { s.Close() })
		store = s
	}
	sec := opts.SecurityChannel
	if sec == "" {
		sec = "security"
	}
	var models []tokens.Model
	for _, id := range []string{"gpt-4o", "gpt-4o-mini", "claude-sonnet-4.5"} {
		m, err := catalog.Lookup(id)
		if err != nil {
			t.Fatalf("model %s: %v", id, err)
		}
		models = append(models, m)
	}
	logs := &Buffer{}
	return &Core{
		Router: &bot.Router{FAQ: faq, Counter: counter, Catalog: catalog, Models: models, Scanner: scanner,
			Policy: leaks.DefaultPolicy(), FingerprintKey: []byte("bottest-fingerprint-key-0123456789"),
			SecurityChannel: sec, PassiveChannels: opts.PassiveChannels, MaxPieces: 200,
			Estimates: &estimate.Answerer{Catalog: catalog, Counter: counter}},
		Store:   store,
		Log:     slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Metrics: metrics.New(metrics.Options{Registry: prometheus.NewRegistry()}),
		logs:    logs,
	}
}

// Dispatcher returns a dispatcher on this core for one platform's executor.
// Retries wait 1ms instead of their real backoff.
func (c *Core) Dispatcher(exec bot.Executor) *bot.Dispatcher {
	return &bot.Dispatcher{Router: c.Router, Ledger: c.Store, Exec: exec, Log: c.Log, Observer: c.Metrics, Owner: "bottest",
		Lease: time.Minute, Backoff: time.Millisecond}
}

// AssertNoEcho fails t when secret shows, beyond what a masked preview may
// (see Leaked), in any output of the core (its logs, its ledger's rows, its
// metrics and their list of unanswered questions) or in one of outputs,
// named by what they are (requests to a platform, HTTP answers…).
func (c *Core) AssertNoEcho(t testing.TB, secret string, outputs map[string]string) {
	t.Helper()
	all := map[string]string{"logs": c.Logs()}
	recs, err := c.Store.List(context.Background(), ledger.Filter{Limit: ledger.MaxListLimit})
	if err != nil {
		t.Fatalf("list the ledger: %v", err)
	}
	all["ledger rows"] = fmt.Sprintf("%+v", recs)
	rec := httptest.NewRecorder()
	c.Metrics.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	all["metrics"] = rec.Body.String()
	all["unanswered questions"] = fmt.Sprintf("%+v", c.Metrics.Unanswered())
	maps.Copy(all, outputs)
	for where, out := range all {
		if w := Leaked(out, secret); w != "" {
			t.Errorf("the %s repeat %q of a planted key", where, w)
		}
	}
}

// Logs returns every log line written so far.
func (c *Core) Logs() string { return c.logs.String() }

// Buffer is a bytes.Buffer safe for concurrent writers and readers, for
// capturing a server's output in a test.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *Buffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *Buffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tokenbot/tokenbot/bot"
	"github.com/tokenbot/tokenbot/bot/config"
	"github.com/tokenbot/tokenbot/bot/estimate"
	"github.com/tokenbot/tokenbot/bot/leaks"
	"github.com/tokenbot/tokenbot/bot/ledger"
	"github.com/tokenbot/tokenbot/bot/tokens"
	"github.com/tokenbot/tokenbot/knowledge"
)

// parseConfig parses a subcommand's flags and loads the configuration its
// --config flag names.
func parseConfig(e *env, fs *flag.FlagSet, cfgPath *string, args []string) (*config.Config, error) {
	if err := parse(fs, args); err != nil {
		return nil, err
	}
	return loadConfig(e, *cfgPath)
}

// loadConfig reads the configuration and applies the environment's
// overrides.
func loadConfig(e *env, path string) (*config.Config, error) {
	cfg, err := config.Load(path)
	if err != nil {
		return nil, err
	}
	if v := e.getenv("TOKENBOT_DATA_DIR"); v != "" {
		cfg.DataDir = v
	}
	if v := e.getenv("TOKENBOT_ADDR"); v != "" {
		cfg.Serve.Addr = v
	}
	return cfg, cfg.Validate()
}

// newLogger logs to stderr at TOKENBOT_LOG_LEVEL (debug, info, warn, error).
func newLogger(e *env, def slog.Level) *slog.Logger {
	level := def
	if v := e.getenv("TOKENBOT_LOG_LEVEL"); v != "" {
		_ = level.UnmarshalText([]byte(v))
	}
	return slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: level}))
}

func loadFAQ(cfg *config.Config) (*knowledge.Index, error) {
	fsys := knowledge.Embedded()
	if cfg.FAQDir != "" {
		fsys = os.DirFS(cfg.FAQDir)
	}
	entries, err := knowledge.Load(fsys)
	if err != nil {
		return nil, fmt.Errorf("load FAQ: %w", err)
	}
	return knowledge.NewIndex(entries, knowledge.Options{PassiveMinScore: cfg.PassiveMinScore})
}

func loadCatalog(cfg *config.Config) (*tokens.Catalog, error) {
	if cfg.Tokens.ModelsFile == "" {
		return tokens.DefaultCatalog()
	}
	data, err := os.ReadFile(cfg.Tokens.ModelsFile)
	if err != nil {
		return nil, fmt.Errorf("read models: %w", err)
	}
	cat, err := tokens.LoadCatalog(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cfg.Tokens.ModelsFile, err)
	}
	return cat, nil
}

// lookupModels resolves model names with lookup (the catalog's strict
// Lookup for configuration, Resolve for names users type); an unknown one
// is an error naming the closest known ids.
func lookupModels(names []string, lookup func(string) (tokens.Model, error)) ([]tokens.Model, error) {
	models := make([]tokens.Model, 0, len(names))
	for _, n := range names {
		m, err := lookup(n)
		if err != nil {
			return nil, err
		}
		models = append(models, m)
	}
	return models, nil
}

func loadScanner(cfg *config.Config) (*leaks.Scanner, error) {
	if cfg.Leaks.RulesFile == "" {
		return leaks.DefaultScanner()
	}
	data, err := os.ReadFile(cfg.Leaks.RulesFile)
	if err != nil {
		return nil, fmt.Errorf("read leak rules: %w", err)
	}
	s, err := leaks.NewScanner(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cfg.Leaks.RulesFile, err)
	}
	return s, nil
}

// openLedger opens PostgreSQL when DATABASE_URL is set, else the SQLite
// file in the data directory, and loads the fingerprint key.
func openLedger(ctx context.Context, e *env, cfg *config.Config) (ledger.Store, []byte, error) {
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, nil, fmt.Errorf("data dir: %w", err)
	}
	key, ok, err := ledger.KeyFromEnv()
	if err != nil {
		return nil, nil, err
	}
	if !ok {
		if key, err = ledger.LoadOrCreateKey(filepath.Join(cfg.DataDir, "fingerprint.key")); err != nil {
			return nil, nil, err
		}
	}
	store, err := ledger.Open(ctx, strings.TrimSpace(e.getenv("DATABASE_URL")), filepath.Join(cfg.DataDir, "ledger.db"))
	if err != nil {
		return nil, nil, fmt.Errorf("open ledger: %w", err)
	}
	return store, key, nil
}

// core is everything the bot needs, built once per process.
type core struct {
	cfg     *config.Config
	faq     *knowledge.Index
	counter *tokens.Counter
	catalog *tokens.Catalog
	store   ledger.Store
	router  *bot.Router
	// owner names this process in ledger leases: its instance, a slash,
	// its pid and start time (a container's pid is the same at every
	// start). instance is that prefix with the slash.
	owner, instance string
}

func newCore(ctx context.Context, e *env, cfg *config.Config) (*core, error) {
	faq, err := loadFAQ(cfg)
	if err != nil {
		return nil, err
	}
	cat, err := loadCatalog(cfg)
	if err != nil {
		return nil, err
	}
	models, err := lookupModels(cfg.Tokens.Models, cat.Lookup)
	if err != nil {
		return nil, fmt.Errorf("tokens.models: %w", err)
	}
	scanner, err := loadScanner(cfg)
	if err != nil {
		return nil, err
	}
	store, key, err := openLedger(ctx, e, cfg)
	if err != nil {
		return nil, err
	}
	// Not warmed here: serve loads the encoders before it listens, chat
	// in the background (see warm).
	counter := tokens.NewCounter(tokens.Options{MaxBytes: cfg.Tokens.MaxBytes})
	if cfg.Prices.URL != "" {
		go cat.KeepFresh(ctx, &http.Client{}, cfg.Prices.URL, newLogger(e, slog.LevelInfo))
	}
	// The instance names this process across restarts, so that a restart
	// resumes its own pending takedowns at once: the host name unless
	// TOKENBOT_INSTANCE says otherwise (processes sharing one ledger on
	// one host each need their own).
	instance := e.getenv("TOKENBOT_INSTANCE")
	if instance == "" {
		instance, _ = os.Hostname()
	}
	return &core{cfg: cfg, faq: faq, counter: counter, catalog: cat, store: store, owner: fmt.Sprintf("%s/%d.%x", instance, os.Getpid(), time.Now().UnixNano()),
		instance: instance + "/", router: &bot.Router{
			FAQ: faq, Counter: counter, Catalog: cat, Models: models, Scanner: scanner, Policy: cfg.Leaks.Policy,
			FingerprintKey: key, SecurityChannel: cfg.SecurityChannel, SecurityLang: cfg.SecurityLang, PassiveChannels: cfg.PassiveChannels,
			MaxPieces: cfg.Tokens.MaxPieces, Estimates: &estimate.Answerer{Catalog: cat, Counter: counter},
		}}, nil
}

// dispatcher makes the core's dispatcher for one platform.
func (c *core) dispatcher(log *slog.Logger, exec bot.Executor) *bot.Dispatcher {
	t := c.cfg.Takedowns
	return &bot.Dispatcher{Router: c.router, Ledger: c.store, Exec: exec, Log: log, Owner: c.owner, Instance: c.instance,
		Lease: t.Lease, Deadline: t.Deadline, Backoff: t.Backoff, MaxBackoff: t.MaxBackoff, MaxRetryAfter: t.MaxRetryAfter,
		Timeout: t.Timeout, Concurrency: t.Concurrency}
}

func (c *core) Close() error { return c.store.Close() }

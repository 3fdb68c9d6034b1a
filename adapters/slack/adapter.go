// Package slack is tokenbot's Slack adapter. It receives events through
// Socket Mode or the HTTP Events API (signed requests), turns them into
// bot.Events, and carries out the core's actions through the Web API:
// replies in threads, ephemeral /tokens reports in Block Kit, takedowns of
// leaked keys with the admin token, direct messages and channel notices.
package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"time"

	slackapi "github.com/slack-go/slack"

	"github.com/tokenbot/tokenbot/bot"
	"github.com/tokenbot/tokenbot/bot/retry"
)

// Platform is the platform name of Slack events.
const Platform = "slack"

// Adapter connects tokenbot to one Slack workspace. It is safe for
// concurrent use.
type Adapter struct {
	cfg    Config
	api    *slackapi.Client // bot token
	admin  *slackapi.Client // admin user token; nil without one
	http   *http.Client
	log    *slog.Logger
	apiURL *url.URL

	// sleep waits between local retries of reads (files, users); tests
	// replace it.
	sleep func(ctx context.Context, d time.Duration) error

	selfMu sync.Mutex
	self   *identity

	users    *cache // user id → display name
	chanName *cache // channel id → name
	chanID   *cache // channel name → id
	dms      *cache // user id → DM channel id
	files    *cache // channel/ts → file ids of the message, to delete with it
	texts    *bot.FileCache

	listMu   sync.Mutex
	listedAt time.Time

	wg       sync.WaitGroup // Socket Mode envelopes being taken
	inFlight chan struct{}  // bounds them
}

type identity struct {
	UserID, BotID, TeamID string
}

// New builds an adapter. Deliveries are de-duplicated by the Intake they
// are handed to.
func New(cfg Config, log *slog.Logger) (*Adapter, error) {
	if cfg.MaxFileBytes == 0 {
		cfg.MaxFileBytes = DefaultMaxFileBytes
	}
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.Default()
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	u, err := url.Parse(cfg.apiURL())
	if err != nil {
		return nil, fmt.Errorf("%s is malformed: %w", EnvAPIURL, errors.Unwrap(err))
	}
	opts := []slackapi.Option{slackapi.OptionAPIURL(cfg.apiURL()), slackapi.OptionHTTPClient(hc)}
	a := &Adapter{
		cfg:      cfg,
		api:      slackapi.New(cfg.BotToken, append(opts, slackapi.OptionAppLevelToken(cfg.AppToken))...),
		http:     hc,
		log:      log.With("platform", Platform),
		apiURL:   u,
		sleep:    retry.Sleep,
		users:    newCache(5000),
		chanName: newCache(5000),
		chanID:   newCache(5000),
		dms:      newCache(5000),
		files:    newCache(2000),
		texts:    bot.NewFileCache(bot.DefaultFileCacheBytes),
		inFlight: make(chan struct{}, maxInFlight),
	}
	if cfg.AdminToken != "" {
		a.admin = slackapi.New(cfg.AdminToken, opts...)
	}
	return a, nil
}

// Check calls auth.test with the bot token, and with the admin token when
// set, so that a revoked or mistyped token is reported at start-up. Its
// errors name the variable, never the token.
func (a *Adapter) Check(ctx context.Context) error {
	id, err := a.identity(ctx)
	if err != nil {
		return err
	}
	if a.admin == nil {
		a.log.Warn("no admin token: leaked keys in other people's messages will be escalated, not deleted", "variable", EnvAdminToken)
		return nil
	}
	res, err := a.admin.AuthTestContext(ctx)
	if err != nil {
		return fmt.Errorf("%s rejected by Slack: %w", EnvAdminToken, mapErr(err))
	}
	if res.TeamID != "" && id.TeamID != "" && res.TeamID != id.TeamID {
		return fmt.Errorf("%s belongs to another workspace than %s", EnvAdminToken, EnvBotToken)
	}
	return nil
}

// identity returns the bot's own ids (auth.test), fetched once.
func (a *Adapter) identity(ctx context.Context) (identity, error) {
	a.selfMu.Lock()
	defer a.selfMu.Unlock()
	if a.self != nil {
		return *a.self, nil
	}
	res, err := a.api.AuthTestContext(ctx)
	if err != nil {
		return identity{}, fmt.Errorf("%s rejected by Slack (auth.test): %w", EnvBotToken, mapErr(err))
	}
	a.self = &identity{UserID: res.UserID, BotID: res.BotID, TeamID: res.TeamID}
	return *a.self, nil
}

// readPolicy is the retry policy of reads: four tries, waits from a
// quarter second, a platform's Retry-After waited up to a minute.
var readPolicy = retry.Policy{Base: 250 * time.Millisecond, Max: 4 * time.Second, MaxRetryAfter: time.Minute, Attempts: 4}

// retryRead runs a read-only call, waiting out rate limits and transient
// failures a few times, so that a burst of events does not drop a file or
// a name.
func (a *Adapter) retryRead(ctx context.Context, what string, f func() error) error {
	p := readPolicy
	p.Sleep = a.sleep
	return p.Do(ctx, func(context.Context) error { return mapErr(f()) }, bot.Retryable,
		func(i int, wait time.Duration, err error) {
			a.log.Warn("slack read failed, retrying", "call", what, "attempt", i, "wait", wait, "err", err)
		})
}

// cache is a small bounded map; it forgets everything when full.
type cache struct {
	mu  sync.Mutex
	max int
	m   map[string]any
}

func newCache(max int) *cache { return &cache{max: max, m: map[string]any{}} }

func (c *cache) get(k string) (any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[k]
	return v, ok
}

func (c *cache) put(k string, v any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= c.max {
		clear(c.m)
	}
	c.m[k] = v
}

func (c *cache) del(k string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, k)
}

// Package web is tokenbot's web playground: a page that behaves like a
// team channel on the real core (platform "web"), a tokenizer view, a
// takedown dashboard with its admin login, and the JSON API behind them.
// Handler serves these routes; the process mounts it on its HTTP server
// next to /healthz, /readyz, /metrics and the platforms' webhooks (see
// cmd/tokenbot), and guards /metrics with Admin.
//
// Unless the process listens on loopback only (Config.Loopback), the
// dashboard, the audit and stats API and the security channel require the
// admin token, and New refuses to start without one. Every asset is
// embedded; the pages load nothing from another origin.
package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tokenbot/tokenbot/bot"
	"github.com/tokenbot/tokenbot/bot/ledger"
	"github.com/tokenbot/tokenbot/bot/metrics"
	"golang.org/x/sync/semaphore"
)

// Platform is the platform name of playground events.
const Platform = "web"

// Defaults.
const (
	DefaultMaxBodyBytes = 2 << 20 // a /tokens text at the counter's 1 MiB limit, JSON-escaped
	DefaultChannel      = "general"
	// MaxMessageBytes bounds a chat message that is not a /tokens command.
	MaxMessageBytes = 16 << 10
	// MinAdminTokenLen is the shortest admin token accepted.
	MinAdminTokenLen = 16
)

// Config configures the playground. AdminToken comes from the environment
// (TOKENBOT_ADMIN_TOKEN), never from a file.
type Config struct {
	// Loopback says that the process's HTTP server listens on loopback
	// addresses only. Without it the admin token is required: the rule
	// follows the address the server is exposed on, not where a request
	// comes from (behind a proxy every request is local).
	Loopback bool
	// AdminToken guards the dashboard, audit API, security channel and
	// whatever the process guards with Admin (/metrics). Required unless
	// Loopback; when set, it is enforced on loopback too.
	AdminToken string
	// MaxBodyBytes bounds a request body (default 2 MiB); larger gets 413.
	MaxBodyBytes int64
	// TrustedProxies are the reverse proxies whose X-Forwarded-Proto and
	// X-Forwarded-For are believed (serve.trusted_proxies).
	TrustedProxies []netip.Prefix
	// MaxInflightBytes bounds the request bodies of every client together
	// (default 8 × MaxBodyBytes); a request beyond it gets 503.
	MaxInflightBytes int64
	// Channel is the playground channel (default "general").
	Channel string
	// Workspace names the playground in audit rows (default "playground").
	Workspace string
}

// Deps are the parts of the core the playground runs on.
type Deps struct {
	Router  *bot.Router
	Store   ledger.Store
	Metrics *metrics.Metrics // optional: the dashboard counters
	Log     *slog.Logger
	// Owner names this process in ledger leases (default host/pid).
	Owner string
}

// Server is the playground. Build it with New, mount Handler, call Resume
// once before serving and Wait after the HTTP server has shut down.
type Server struct {
	cfg     Config
	deps    Deps
	log     *slog.Logger
	router  *bot.Router
	disp    *bot.Dispatcher
	chans   *channels
	handler http.Handler
	// sessions are the admin logins; the cookie holds a session id, never
	// the token.
	sessions *sessions
	inflight sync.WaitGroup
	// posts limits messages and /tokens per client; logins limits admin
	// token guesses.
	posts, logins *limiter
	// inflightBytes is the budget of request bytes (see budget).
	inflightBytes *semaphore.Weighted
	idPrefix      string
	seq           struct {
		sync.Mutex
		n int64
	}
}

// New checks the configuration. It refuses to serve the dashboard beyond
// loopback without an admin token.
func New(cfg Config, deps Deps) (*Server, error) {
	if deps.Router == nil || deps.Store == nil {
		return nil, errors.New("web: router and ledger store are required")
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.MaxInflightBytes < cfg.MaxBodyBytes {
		cfg.MaxInflightBytes = 8 * cfg.MaxBodyBytes
	}
	if cfg.Channel == "" {
		cfg.Channel = DefaultChannel
	}
	if cfg.Workspace == "" {
		cfg.Workspace = "playground"
	}
	cfg.AdminToken = strings.TrimSpace(cfg.AdminToken)
	switch {
	case !cfg.Loopback && cfg.AdminToken == "":
		return nil, fmt.Errorf("web: refusing to serve the dashboard on a non-loopback address without an admin token: "+
			"set TOKENBOT_ADMIN_TOKEN (at least %d characters) or listen on 127.0.0.1", MinAdminTokenLen)
	case cfg.AdminToken != "" && len(cfg.AdminToken) < MinAdminTokenLen:
		return nil, fmt.Errorf("web: TOKENBOT_ADMIN_TOKEN is too short: use at least %d characters", MinAdminTokenLen)
	}
	log := deps.Log
	if log == nil {
		log = slog.Default()
	}
	// The playground channel is passive-enabled: the router answers
	// confident questions there even when the bot was not addressed.
	r := *deps.Router
	r.PassiveChannels = append(append([]string(nil), deps.Router.PassiveChannels...), cfg.Channel)
	s := &Server{cfg: cfg, deps: deps, log: log, router: &r,
		chans: newChannels(cfg.Channel, r.SecurityChannel),
		posts: newLimiter(5, 30), logins: newLimiter(1.0/6, 5), inflightBytes: semaphore.NewWeighted(cfg.MaxInflightBytes),
		sessions: newSessions()}
	owner := deps.Owner
	if owner == "" {
		h, _ := os.Hostname()
		owner = fmt.Sprintf("%s/%d/web", h, os.Getpid())
	}
	s.disp = &bot.Dispatcher{Router: &r, Ledger: deps.Store, Exec: s, Log: log, Owner: owner}
	if deps.Metrics != nil {
		s.disp.Observer = deps.Metrics
	}
	var rnd [4]byte
	_, _ = rand.Read(rnd[:])
	// Message ids stay unique across restarts, so that a new message never
	// collides with a takedown recorded by an earlier run.
	s.idPrefix = strconv.FormatInt(time.Now().Unix(), 36) + hex.EncodeToString(rnd[:])
	s.handler = s.routes()
	return s, nil
}

// Handler serves the playground's routes: its pages, static assets and
// /api/. Every path it does not know gets the API's JSON 404.
func (s *Server) Handler() http.Handler { return s.handler }

// Resume finishes the playground takedowns an earlier run left pending in
// the ledger, and logs what it did.
func (s *Server) Resume(ctx context.Context) {
	if n, err := s.disp.Resume(ctx, Platform); err != nil {
		s.log.Warn("resuming pending web takedowns failed", "err", err)
	} else if n > 0 {
		s.log.Info("resumed pending web takedowns", "count", n)
	}
}

// Wait returns once every takedown a message started is finished and
// recorded. Call it after the HTTP server has shut down: a takedown once
// started outlives its request.
func (s *Server) Wait() { s.inflight.Wait() }

// AdminRequired reports whether an admin token is set (New trims it):
// admin routes then need it, and the server answers under any host name.
func (s *Server) AdminRequired() bool { return s.cfg.AdminToken != "" }

// nextID returns a new message id.
func (s *Server) nextID() string {
	s.seq.Lock()
	defer s.seq.Unlock()
	s.seq.n++
	return s.idPrefix + "-" + strconv.FormatInt(s.seq.n, 10)
}

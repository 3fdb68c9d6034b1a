// Package web is tokenbot's local web surface: a playground that behaves
// like a team channel on the real core (platform "web"), a tokenizer view,
// a takedown dashboard, the JSON API behind them, and the health, readiness
// and Prometheus endpoints.
//
// It listens on loopback by default. On any other address the dashboard,
// the audit and stats API, the security channel and /metrics require the
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
	"net"
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
	DefaultAddr         = "127.0.0.1:8080"
	DefaultMaxBodyBytes = 2 << 20 // a /tokens text at the counter's 1 MiB limit, JSON-escaped
	DefaultChannel      = "general"
	// MaxMessageBytes bounds a chat message that is not a /tokens command.
	MaxMessageBytes = 16 << 10
	// MinAdminTokenLen is the shortest admin token accepted.
	MinAdminTokenLen = 16
)

// Config configures the server. AdminToken comes from the environment
// (TOKENBOT_ADMIN_TOKEN), never from a file.
type Config struct {
	// Addr is the listen address, host:port (default 127.0.0.1:8080).
	// Port 0 picks a free port; URL reports it.
	Addr string
	// AdminToken guards the dashboard, audit API, security channel and
	// metrics. Required unless Addr is a loopback address; when set, it is
	// enforced on loopback too.
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
	// ShutdownTimeout bounds how long Run waits for open requests when
	// ctx ends (default 30s); takedowns already started are always
	// finished.
	ShutdownTimeout time.Duration
}

// Deps are the parts of the core the server runs on.
type Deps struct {
	Router  *bot.Router
	Store   ledger.Store
	Metrics *metrics.Metrics // optional: /metrics and the dashboard counters
	// Ready reports whether the FAQ index, encoders and ledger are ready;
	// nil pings Store.
	Ready func(context.Context) error
	Log   *slog.Logger
	// Platforms serves every path the web surface does not (for example
	// /slack/events); it gets no admin, host or CSRF checks of ours.
	Platforms http.Handler
	// Owner names this process in ledger leases (default host/pid).
	Owner string
}

// Server is the web surface. Build it with New and run it with Run.
type Server struct {
	cfg      Config
	deps     Deps
	log      *slog.Logger
	router   *bot.Router
	disp     *bot.Dispatcher
	chans    *channels
	handler  http.Handler
	ln       net.Listener
	url      string
	loopback bool
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

// New checks the configuration and binds the address (so that URL is
// known and a busy port fails here). It refuses a non-loopback address
// without an admin token. Call Run to serve, or Close to release the
// address without serving.
func New(cfg Config, deps Deps) (*Server, error) {
	if deps.Router == nil || deps.Store == nil {
		return nil, errors.New("web: router and ledger store are required")
	}
	if cfg.Addr == "" {
		cfg.Addr = DefaultAddr
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
	if cfg.ShutdownTimeout <= 0 {
		cfg.ShutdownTimeout = 30 * time.Second
	}
	host, _, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("web: listen address %q: want host:port, e.g. 127.0.0.1:8080: %w", cfg.Addr, err)
	}
	loopback := isLoopbackHost(host)
	cfg.AdminToken = strings.TrimSpace(cfg.AdminToken)
	switch {
	case !loopback && cfg.AdminToken == "":
		return nil, fmt.Errorf("web: refusing to serve the dashboard on non-loopback address %s without an admin token: "+
			"set TOKENBOT_ADMIN_TOKEN (at least %d characters) or listen on 127.0.0.1", cfg.Addr, MinAdminTokenLen)
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
	s := &Server{cfg: cfg, deps: deps, log: log, router: &r, loopback: loopback,
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
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("web: listen: %w", err)
	}
	s.ln = ln
	s.url = "http://" + urlHost(host, ln.Addr())
	return s, nil
}

// URL is the address to open in a browser, e.g. http://127.0.0.1:8080.
func (s *Server) URL() string { return s.url }

// Handler returns the server's HTTP handler (for tests and embedding).
func (s *Server) Handler() http.Handler { return s.handler }

// Close releases the address when Run was not called.
func (s *Server) Close() error { return s.ln.Close() }

// Run serves until ctx ends, then stops accepting connections, waits up to
// ShutdownTimeout for open requests, and always waits for takedowns in
// flight to be finished and recorded. It prints nothing.
func (s *Server) Run(ctx context.Context) error {
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    32 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	if n, err := s.disp.Resume(ctx, Platform); err != nil {
		s.log.Warn("resuming pending web takedowns failed", "err", err)
	} else if n > 0 {
		s.log.Info("resumed pending web takedowns", "count", n)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(s.ln) }()
	select {
	case err := <-errc:
		s.inflight.Wait()
		return fmt.Errorf("web: serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	s.inflight.Wait()
	if err != nil {
		return fmt.Errorf("web: shutdown: %w", err)
	}
	return nil
}

// adminRequired reports whether admin routes need the token.
func (s *Server) adminRequired() bool { return s.cfg.AdminToken != "" }

func isLoopbackHost(host string) bool {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(h, "[]"))
	return ip != nil && ip.IsLoopback()
}

// urlHost is the host:port to print: the configured host, or 127.0.0.1
// when the server listens on every interface.
func urlHost(host string, addr net.Addr) string {
	port := "0"
	if ta, ok := addr.(*net.TCPAddr); ok {
		port = strconv.Itoa(ta.Port)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

// nextID returns a new message id.
func (s *Server) nextID() string {
	s.seq.Lock()
	defer s.seq.Unlock()
	s.seq.n++
	return s.idPrefix + "-" + strconv.FormatInt(s.seq.n, 10)
}

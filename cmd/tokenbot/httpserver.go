package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/tokenbot/tokenbot/adapters/web"
	"github.com/tokenbot/tokenbot/adapters/web/webhttp"
	"github.com/tokenbot/tokenbot/bot/metrics"
)

// httpRoutes is what the process serves over HTTP: its own health,
// readiness and metrics endpoints, the platforms' webhooks, and the web
// playground for every other path.
type httpRoutes struct {
	// Playground serves every path not named here; it also guards
	// /metrics (admin token or dashboard login, host checks).
	Playground *web.Server
	// Webhooks maps a path prefix ("/slack/") to a platform's handler. They
	// get none of the playground's checks: each verifies its own requests
	// (Slack's signing secret).
	Webhooks map[string]http.Handler
	Metrics  *metrics.Metrics // nil: /metrics answers 404
	// Ready reports whether the FAQ index, encoders and ledger are ready.
	Ready func(context.Context) error
	// Explain says why /readyz is not ready (only when no admin token is
	// set: the server then answers on loopback only).
	Explain bool
	Log     *slog.Logger
}

// opsPaths are the process's own endpoints.
var opsPaths = []string{"/healthz", "/readyz", "/metrics"}

// handler is the process's route table. The operations endpoints have a
// table of their own, so that a wrong method there gets 405 with Allow
// instead of the playground's 404.
func (h httpRoutes) handler() http.Handler {
	ops := http.NewServeMux()
	ops.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		webhttp.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	ops.HandleFunc("GET /readyz", h.readyz)
	ops.Handle("GET /metrics", h.Playground.Admin(http.HandlerFunc(h.metrics)))
	opsHandler := webhttp.SecurityHeaders(webhttp.Routes(ops))

	root := http.NewServeMux()
	for _, p := range opsPaths {
		root.Handle(p, opsHandler)
	}
	for prefix, wh := range h.Webhooks {
		root.Handle(prefix, webhttp.SecurityHeaders(wh))
	}
	root.Handle("/", h.Playground.Handler())
	return root
}

func (h httpRoutes) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	if err := h.Ready(ctx); err != nil {
		h.Log.Warn("not ready", "err", err)
		reason := "see the server log"
		if h.Explain {
			reason = err.Error()
		}
		webhttp.WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "not ready", "error": reason})
		return
	}
	webhttp.WriteJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

func (h httpRoutes) metrics(w http.ResponseWriter, r *http.Request) {
	if h.Metrics == nil {
		webhttp.Fail(w, http.StatusNotFound, "not_found", "metrics are not enabled")
		return
	}
	h.Metrics.Handler().ServeHTTP(w, r)
}

// httpServer is the process's one HTTP listener.
type httpServer struct {
	ln  net.Listener
	url string
	srv *http.Server
	// shutdownTimeout bounds how long Run waits for open requests.
	shutdownTimeout time.Duration
	// drain runs after shutdown: it waits for work the handlers started
	// that outlives its request (the playground's takedowns).
	drain func()
}

// listenHost checks a listen address, host:port, and reports whether its
// host is a loopback one.
func listenHost(addr string) (host string, loopback bool, err error) {
	host, _, err = net.SplitHostPort(addr)
	if err != nil {
		return "", false, fmt.Errorf("listen address %q: want host:port, e.g. 127.0.0.1:8080: %w", addr, err)
	}
	return host, webhttp.IsLoopbackHost(host), nil
}

// newHTTPServer binds addr, so that URL is known and a busy port fails
// here. Call Run to serve, or Close to release the address.
func newHTTPServer(addr string, h http.Handler, log *slog.Logger, drain func()) (*httpServer, error) {
	host, _, err := listenHost(addr)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	s := &httpServer{ln: ln, url: "http://" + urlHost(host, ln.Addr()), shutdownTimeout: 30 * time.Second, drain: drain}
	s.srv = &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    32 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	return s, nil
}

// URL is the address to open in a browser, e.g. http://127.0.0.1:8080.
func (s *httpServer) URL() string { return s.url }

// Run serves until ctx ends, then stops accepting connections, waits up to
// the shutdown timeout for open requests, and then for drain.
func (s *httpServer) Run(ctx context.Context) error {
	s.srv.BaseContext = func(net.Listener) context.Context { return context.WithoutCancel(ctx) }
	errc := make(chan error, 1)
	go func() { errc <- s.srv.Serve(s.ln) }()
	select {
	case err := <-errc:
		s.drain()
		return fmt.Errorf("http: serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.shutdownTimeout)
	defer cancel()
	err := s.srv.Shutdown(sctx)
	s.drain()
	if err != nil {
		return fmt.Errorf("http: shutdown: %w", err)
	}
	return nil
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

package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokenbot/tokenbot/adapters/web"
	"github.com/tokenbot/tokenbot/adapters/web/webhttp"
	"github.com/tokenbot/tokenbot/bot/bottest"
	"github.com/tokenbot/tokenbot/bot/ledger"
)

const testAdminToken = "test-admin-token-0123456789"

// processServer is the process's HTTP server on a real core, serving on
// 127.0.0.1 until the test ends.
type processServer struct {
	core *bottest.Core
	pg   *web.Server
	hs   *httpServer
	// slack counts the requests that reached the Slack webhook.
	slack struct {
		sync.Mutex
		paths []string
	}
	stop func() error
}

type serverOptions struct {
	adminToken string
	ready      func(context.Context) error
	// store wraps the core's ledger (nil: the ledger as it is).
	store func(ledger.Store) ledger.Store
}

func startProcessServer(t *testing.T, opt serverOptions) *processServer {
	t.Helper()
	ps := &processServer{core: bottest.New(t, bottest.Options{})}
	store := ps.core.Store
	if opt.store != nil {
		store = opt.store(store)
	}
	pg, err := web.New(web.Config{Loopback: opt.adminToken == "", AdminToken: opt.adminToken},
		web.Deps{Router: ps.core.Router, Store: store, Metrics: ps.core.Metrics, Log: ps.core.Log, Owner: "http-test"})
	if err != nil {
		t.Fatal(err)
	}
	ps.pg = pg
	ready := opt.ready
	if ready == nil {
		ready = store.Ping
	}
	slack := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ps.slack.Lock()
		ps.slack.paths = append(ps.slack.paths, r.Method+" "+r.URL.Path)
		ps.slack.Unlock()
		w.WriteHeader(http.StatusOK)
	})
	routes := httpRoutes{Playground: pg, Webhooks: map[string]http.Handler{"/slack/": slack}, Metrics: ps.core.Metrics,
		Ready: ready, Explain: !pg.AdminRequired(), Log: ps.core.Log}
	hs, err := newHTTPServer("127.0.0.1:0", routes.handler(), ps.core.Log, pg.Wait)
	if err != nil {
		t.Fatal(err)
	}
	ps.hs = hs
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- hs.Run(ctx) }()
	var once sync.Once
	var runErr error
	ps.stop = func() error {
		once.Do(func() { cancel(); runErr = <-done })
		return runErr
	}
	t.Cleanup(func() { _ = ps.stop() })
	return ps
}

type httpAnswer struct {
	status int
	header http.Header
	body   string
}

func (ps *processServer) do(t *testing.T, method, path, body string, header map[string]string) httpAnswer {
	t.Helper()
	req, err := http.NewRequest(method, ps.hs.URL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return httpAnswer{status: res.StatusCode, header: res.Header, body: string(b)}
}

// The process's server routes each path to its owner: its own endpoints,
// the Slack webhook, the playground; every answer carries the security
// headers, and a wrong method or an unknown path gets the API's JSON error.
func TestHTTPRoutes(t *testing.T) {
	ps := startProcessServer(t, serverOptions{})
	tests := []struct {
		name, method, path string
		status             int
		want               string // in the body
		allow              string
	}{
		{"health", "GET", "/healthz", 200, `"status":"ok"`, ""},
		{"readiness", "GET", "/readyz", 200, `"status":"ready"`, ""},
		{"metrics on loopback without a token", "GET", "/metrics", 200, "# TYPE ", ""},
		{"the playground page", "GET", "/", 200, "<html", ""},
		{"the playground API", "GET", "/api/session", 200, `"channel":"general"`, ""},
		{"Slack's webhook", "POST", "/slack/events", 200, "", ""},
		{"wrong method on health", "POST", "/healthz", 405, `"code":"method_not_allowed"`, "GET, HEAD"},
		{"wrong method on metrics", "DELETE", "/metrics", 405, `"code":"method_not_allowed"`, "GET, HEAD"},
		{"wrong method on the API", "GET", "/api/tokens", 405, `"code":"method_not_allowed"`, "POST"},
		{"unknown path", "GET", "/nope", 404, `"code":"not_found"`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := ps.do(t, tt.method, tt.path, "", nil)
			if res.status != tt.status || !strings.Contains(res.body, tt.want) {
				t.Fatalf("%s %s = %d %.200s; want %d with %s", tt.method, tt.path, res.status, res.body, tt.status, tt.want)
			}
			if got := res.header.Get("Allow"); got != tt.allow {
				t.Errorf("Allow %q, want %q", got, tt.allow)
			}
			h := res.header
			if !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") || h.Get("X-Frame-Options") != "DENY" ||
				h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "no-referrer" {
				t.Errorf("security headers: %v", h)
			}
			if tt.status >= 400 {
				var e webhttp.Error
				if err := json.Unmarshal([]byte(res.body), &e); err != nil || e.Status != tt.status || e.Error == "" {
					t.Errorf("error body %q: %v", res.body, err)
				}
			}
		})
	}
	ps.slack.Lock()
	defer ps.slack.Unlock()
	if len(ps.slack.paths) != 1 || ps.slack.paths[0] != "POST /slack/events" {
		t.Errorf("the Slack webhook got %v, want its one request", ps.slack.paths)
	}
}

// /metrics is guarded as the dashboard is: on loopback without a token,
// only requests addressed to a loopback name (no DNS rebinding); with a
// token, only an admin's, from any name. Health stays open.
func TestHTTPMetricsGuard(t *testing.T) {
	local := startProcessServer(t, serverOptions{})
	if res := local.do(t, "GET", "/metrics", "", map[string]string{"Host": "evil.example:8080"}); res.status != 403 || !strings.Contains(res.body, "host_not_allowed") {
		t.Errorf("metrics by another name without a token: %d %s", res.status, res.body)
	}

	ps := startProcessServer(t, serverOptions{adminToken: testAdminToken})
	bearer := map[string]string{"Authorization": "Bearer " + testAdminToken}
	tests := []struct {
		name, path string
		header     map[string]string
		status     int
	}{
		{"metrics without the token", "/metrics", nil, 401},
		{"metrics with a wrong token", "/metrics", map[string]string{"Authorization": "Bearer wrong-token-wrong-token"}, 401},
		{"metrics with the token", "/metrics", bearer, 200},
		{"metrics with the token by name", "/metrics", map[string]string{"Authorization": bearer["Authorization"], "Host": "tokenbot.example.com"}, 200},
		{"health by name", "/healthz", map[string]string{"Host": "tokenbot.example.com"}, 200},
		{"readiness by name", "/readyz", map[string]string{"Host": "tokenbot.example.com"}, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := ps.do(t, "GET", tt.path, "", tt.header)
			if res.status != tt.status {
				t.Fatalf("GET %s = %d, want %d: %.200s", tt.path, res.status, tt.status, res.body)
			}
			if tt.status == 401 && res.header.Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
		})
	}
	if strings.Contains(ps.core.Logs(), testAdminToken) {
		t.Error("the admin token is in the log")
	}
}

// /readyz says 503 while something is not ready; the reason is shown only
// on loopback (no admin token), and logged.
func TestReadyzReportsNotReady(t *testing.T) {
	notReady := func(context.Context) error { return errors.New("encoders loading") }
	for _, tt := range []struct {
		name, token string
		reason      string
	}{
		{"on loopback", "", "encoders loading"},
		{"with an admin token", testAdminToken, "see the server log"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ps := startProcessServer(t, serverOptions{adminToken: tt.token, ready: notReady})
			res := ps.do(t, "GET", "/readyz", "", nil)
			var body map[string]string
			if err := json.Unmarshal([]byte(res.body), &body); err != nil || res.status != 503 || body["error"] != tt.reason {
				t.Errorf("readyz: %d %s; want 503 saying %q", res.status, res.body, tt.reason)
			}
			if !strings.Contains(ps.core.Logs(), "encoders loading") {
				t.Error("the reason is not logged")
			}
		})
	}
}

// /metrics counts what the playground handled, and repeats neither the
// question asked nor a key posted.
func TestMetricsCountThePlayground(t *testing.T) {
	ps := startProcessServer(t, serverOptions{})
	key := bottest.AnthropicKey(41)
	post := map[string]string{"Content-Type": "application/json", web.CSRFHeader: "1"}
	for _, text := range []string{"@tokenbot What is an AI token?", "prod key " + key} {
		if res := ps.do(t, "POST", "/api/messages", `{"text":"`+text+`"}`, post); res.status != 201 {
			t.Fatalf("post %q: %d %s", text, res.status, res.body)
		}
	}
	res := ps.do(t, "GET", "/metrics", "", nil)
	for _, want := range []string{`tokenbot_events_total{kind="mention",platform="web"} 1`, `tokenbot_faq_answers_total{lang="en",result="hit"`,
		"tokenbot_handle_seconds_count", `tokenbot_takedowns_total`} {
		if !strings.Contains(res.body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	ps.core.AssertNoEcho(t, key, map[string]string{"/metrics": res.body})
	if strings.Contains(res.body, "AI token?") {
		t.Error("metrics contain the question")
	}
}

// slowStore holds takedown claims until released.
type slowStore struct {
	ledger.Store
	claimed chan struct{}
	release chan struct{}
	once    sync.Once
}

func (s *slowStore) Claim(ctx context.Context, rec ledger.Record, owner string, lease time.Duration) (bool, ledger.Record, error) {
	s.once.Do(func() { close(s.claimed) })
	<-s.release
	return s.Store.Claim(ctx, rec, owner, lease)
}

// SIGINT while a playground takedown is in flight: Run returns only once
// it is finished and recorded, and the request gets its answer.
func TestHTTPShutdownFinishesInFlightTakedown(t *testing.T) {
	store := &slowStore{claimed: make(chan struct{}), release: make(chan struct{})}
	ps := startProcessServer(t, serverOptions{store: func(s ledger.Store) ledger.Store { store.Store = s; return store }})
	posted := make(chan httpAnswer, 1)
	go func() {
		posted <- ps.do(t, "POST", "/api/messages", `{"text":"key `+bottest.GitHubToken(7)+`"}`,
			map[string]string{"Content-Type": "application/json", web.CSRFHeader: "1"})
	}()
	<-store.claimed
	stopped := make(chan error, 1)
	go func() { stopped <- ps.stop() }()
	close(store.release)
	if err := <-stopped; err != nil {
		t.Fatalf("Run: %v", err)
	}
	recs, err := store.List(context.Background(), ledger.Filter{})
	if err != nil || len(recs) != 1 || recs[0].Outcome != ledger.Deleted {
		t.Fatalf("ledger after shutdown: %+v %v", recs, err)
	}
	if res := <-posted; res.status != 201 {
		t.Errorf("in-flight request: %d %s", res.status, res.body)
	}
}

func TestListenAddress(t *testing.T) {
	tests := []struct {
		addr     string
		loopback bool
		url      string // the host printed; "" when the address is refused
	}{
		{"127.0.0.1:0", true, "127.0.0.1"},
		{"localhost:0", true, "localhost"},
		{"[::1]:0", true, "[::1]"},
		{"0.0.0.0:0", false, "127.0.0.1"},
		{":0", false, "127.0.0.1"},
		{"8080", false, ""},
		{"", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			host, loopback, err := listenHost(tt.addr)
			if tt.url == "" {
				if err == nil || !strings.Contains(err.Error(), "host:port") {
					t.Fatalf("listenHost(%q) = %v, want an error asking for host:port", tt.addr, err)
				}
				return
			}
			if err != nil || loopback != tt.loopback {
				t.Fatalf("listenHost(%q) = %v, %v; want loopback %v", tt.addr, loopback, err, tt.loopback)
			}
			got := urlHost(host, &net.TCPAddr{Port: 8080})
			if want := tt.url + ":8080"; got != want {
				t.Errorf("URL host %q, want %q", got, want)
			}
		})
	}
}

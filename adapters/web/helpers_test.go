package web

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokenbot/tokenbot/bot/bottest"
	"github.com/tokenbot/tokenbot/bot/metrics"
)

// recorder keeps a copy of every response body the server sends.
type recorder struct {
	mu   sync.Mutex
	body bytes.Buffer
	n    int
}

func (rec *recorder) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(&teeWriter{ResponseWriter: w, rec: rec}, r)
		rec.mu.Lock()
		rec.n++
		rec.body.WriteString("\n")
		rec.mu.Unlock()
	})
}

func (rec *recorder) String() string {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return rec.body.String()
}

func (rec *recorder) count() int {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return rec.n
}

type teeWriter struct {
	http.ResponseWriter
	rec *recorder
}

func (t *teeWriter) Write(p []byte) (int, error) {
	t.rec.mu.Lock()
	t.rec.body.Write(p)
	t.rec.mu.Unlock()
	return t.ResponseWriter.Write(p)
}

func (t *teeWriter) Flush() {
	if f, ok := t.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// testServer is the playground on a real core, served over HTTP on
// loopback.
type testServer struct {
	*Server
	core    *bottest.Core
	metrics *metrics.Metrics
	rec     *recorder
	http    *httptest.Server
}

// startServer serves the playground; without an admin token it is on
// loopback only, as the process would have it.
func startServer(t testing.TB, cfg Config, opts bottest.Options) *testServer {
	t.Helper()
	if cfg.AdminToken == "" {
		cfg.Loopback = true
	}
	core := bottest.New(t, opts)
	m := core.Metrics
	s, err := New(cfg, Deps{Router: core.Router, Store: core.Store, Metrics: m, Log: core.Log, Owner: "web-test"})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ts := &testServer{Server: s, core: core, metrics: m, rec: &recorder{}}
	s.handler = ts.rec.wrap(s.handler)
	ts.http = httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		ts.http.Close()
		s.Wait()
	})
	return ts
}

// URL is the playground's address, http://127.0.0.1:port.
func (ts *testServer) URL() string { return ts.http.URL }

// client is a browser-like API client with its own cookies (one viewer).
type client struct {
	t    testing.TB
	base string
	hc   *http.Client
}

func newClient(t testing.TB, base string) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, base: base, hc: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

func (c *client) do(method, path string, body io.Reader, header map[string]string) response {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	for k, v := range header {
		if strings.EqualFold(k, "Host") {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	res, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, header: res.Header, body: b}
}

func (c *client) get(path string) response { return c.do("GET", path, nil, nil) }

func (c *client) post(path string, v any) response {
	c.t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.do("POST", path, bytes.NewReader(b), map[string]string{"Content-Type": "application/json", CSRFHeader: "1"})
}

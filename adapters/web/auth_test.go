package web

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

const authToken = "test-admin-token-0123456789"

func authRequest(method, path, body string, header map[string]string) *http.Request {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.RemoteAddr = "127.0.0.1:40000"
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return req
}

func do(s *Server, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	return rec
}

// Wrong admin credentials are guesses on every path: after the budget the
// client is refused with 429 and Retry-After, even with the right token,
// and each refusal is logged with path, client and count, never the guess.
func TestAdminGuessesLimited(t *testing.T) {
	s, _, logs := newBareServer(t, Config{AdminToken: authToken, TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
	form := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	tests := []struct {
		name, client string
		wrong, right func(client string) *http.Request
	}{
		{"bearer on the audit API", "198.51.100.1",
			func(c string) *http.Request {
				return authRequest("GET", "/api/audit", "", map[string]string{"Authorization": "Bearer guess-guess-guess-0001", "X-Forwarded-For": c})
			},
			func(c string) *http.Request {
				return authRequest("GET", "/api/audit", "", map[string]string{"Authorization": "Bearer " + authToken, "X-Forwarded-For": c})
			}},
		{"cookie on the stats API", "198.51.100.2",
			func(c string) *http.Request {
				r := authRequest("GET", "/api/stats", "", map[string]string{"X-Forwarded-For": c})
				r.AddCookie(&http.Cookie{Name: adminCookie, Value: "guess-guess-guess-0002"})
				return r
			},
			func(c string) *http.Request {
				return authRequest("GET", "/api/stats", "", map[string]string{"Authorization": "Bearer " + authToken, "X-Forwarded-For": c})
			}},
		{"login form", "198.51.100.3",
			func(c string) *http.Request {
				return authRequest("POST", "/login", "token=guess-guess-guess-0003", map[string]string{"Content-Type": form["Content-Type"], "X-Forwarded-For": c})
			},
			func(c string) *http.Request {
				return authRequest("POST", "/login", "token="+authToken, map[string]string{"Content-Type": form["Content-Type"], "X-Forwarded-For": c})
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i := 0; i < 5; i++ {
				if rec := do(s, tt.wrong(tt.client)); rec.Code == http.StatusOK || rec.Code == http.StatusTooManyRequests {
					t.Fatalf("wrong credential %d: status %d", i+1, rec.Code)
				}
			}
			for _, req := range []*http.Request{tt.wrong(tt.client), tt.right(tt.client)} {
				rec := do(s, req)
				if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" {
					t.Errorf("after 5 wrong credentials: status %d, Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
				}
			}
			// Another client keeps its own budget.
			if rec := do(s, tt.right("203.0.113.9")); rec.Code != http.StatusOK && rec.Code != http.StatusSeeOther {
				t.Errorf("another client with the token: status %d", rec.Code)
			}
			l := logs()
			if !strings.Contains(l, "remote="+tt.client) || !strings.Contains(l, "failures=5") || strings.Contains(l, "guess-guess") {
				t.Errorf("log lacks the client and count, or holds the guess:\n%s", l)
			}
		})
	}
}

// Logging out ends the session on the server: the old cookie no longer
// works.
func TestLogoutEndsSession(t *testing.T) {
	s, _, _ := newBareServer(t, Config{AdminToken: authToken})
	rec := do(s, authRequest("POST", "/login", "token="+authToken, map[string]string{"Content-Type": "application/x-www-form-urlencoded"}))
	cookies := rec.Result().Cookies()
	if rec.Code != http.StatusSeeOther || len(cookies) != 1 || cookies[0].Value == authToken {
		t.Fatalf("login: %d %v", rec.Code, cookies)
	}
	audit := func() int {
		r := authRequest("GET", "/api/audit", "", nil)
		r.AddCookie(cookies[0])
		return do(s, r).Code
	}
	if code := audit(); code != http.StatusOK {
		t.Fatalf("audit with the session: %d", code)
	}
	out := authRequest("POST", "/logout", "", nil)
	out.AddCookie(cookies[0])
	if rec := do(s, out); rec.Code != http.StatusSeeOther {
		t.Fatalf("logout: %d", rec.Code)
	}
	if code := audit(); code != http.StatusUnauthorized {
		t.Errorf("audit with the cookie after logout: %d, want 401", code)
	}
}

// Cookies are Secure when the request came over TLS, directly or through
// a trusted proxy's X-Forwarded-Proto; the header from anyone else is
// ignored.
func TestSecureCookies(t *testing.T) {
	proxy := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	tests := []struct {
		name    string
		proxies []netip.Prefix
		remote  string
		proto   string
		tls     bool
		want    bool
	}{
		{"plain HTTP", nil, "127.0.0.1:1", "", false, false},
		{"direct TLS", nil, "127.0.0.1:1", "", true, true},
		{"trusted proxy says https", proxy, "10.1.2.3:1", "https", false, true},
		{"trusted proxy says http", proxy, "10.1.2.3:1", "http", false, false},
		{"untrusted address says https", proxy, "192.0.2.7:1", "https", false, false},
		{"no proxy configured", nil, "10.1.2.3:1", "https", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _, _ := newBareServer(t, Config{AdminToken: authToken, TrustedProxies: tt.proxies})
			for _, req := range []*http.Request{
				authRequest("POST", "/login", "token="+authToken, map[string]string{"Content-Type": "application/x-www-form-urlencoded"}),
				authRequest("GET", "/api/session", "", nil),
			} {
				req.RemoteAddr = tt.remote
				if tt.proto != "" {
					req.Header.Set("X-Forwarded-Proto", tt.proto)
				}
				if tt.tls {
					req = httptest.NewRequest(req.Method, "https://example.com"+req.URL.Path, strings.NewReader("token="+authToken))
					req.RemoteAddr = tt.remote
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				}
				cookies := do(s, req).Result().Cookies()
				if len(cookies) != 1 || cookies[0].Secure != tt.want {
					t.Errorf("%s %s: cookies %v, want Secure=%v", req.Method, req.URL.Path, cookies, tt.want)
				}
			}
		})
	}
}

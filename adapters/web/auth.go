package web

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"
)

// sessionTTL is how long an admin login lasts.
const sessionTTL = 12 * time.Hour

// sessions are the admin logins: a random id per login, so that logging out
// ends that login on the server and an old cookie no longer works.
type sessions struct {
	mu  sync.Mutex
	ids map[string]time.Time // id → expiry
	now func() time.Time
}

func newSessions() *sessions { return &sessions{ids: map[string]time.Time{}, now: time.Now} }

// create starts a session and returns its id.
func (ss *sessions) create() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	id := hex.EncodeToString(b[:])
	ss.mu.Lock()
	defer ss.mu.Unlock()
	now := ss.now()
	for k, exp := range ss.ids {
		if now.After(exp) {
			delete(ss.ids, k)
		}
	}
	ss.ids[id] = now.Add(sessionTTL)
	return id
}

// valid reports whether id is a live session. The map lookup by the id
// itself leaks nothing an attacker can use: ids are 256 random bits.
func (ss *sessions) valid(id string) bool {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	exp, ok := ss.ids[id]
	return ok && ss.now().Before(exp)
}

func (ss *sessions) end(id string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	delete(ss.ids, id)
}

// checkAdmin reports whether r carries the admin token (Bearer) or a live
// session cookie. Every wrong credential, whatever its path, counts as a
// guess against the client's budget and is logged (path, client, count;
// never the guess); a client out of budget is refused without a check and
// wait says for how long. Without an admin token configured (loopback
// only), everyone is admin.
func (s *Server) checkAdmin(r *http.Request) (ok bool, wait time.Duration) {
	if !s.AdminRequired() {
		return true, 0
	}
	if auth := r.Header.Get("Authorization"); auth != "" {
		scheme, tok, _ := strings.Cut(auth, " ")
		return s.guess(r, "bearer", func() bool {
			return strings.EqualFold(scheme, "Bearer") && equalSecret(strings.TrimSpace(tok), s.cfg.AdminToken)
		})
	}
	if c, err := r.Cookie(adminCookie); err == nil {
		return s.guess(r, "cookie", func() bool { return s.sessions.valid(c.Value) })
	}
	return false, 0
}

// guess runs check unless the client is out of guesses, and counts a
// failure.
func (s *Server) guess(r *http.Request, via string, check func() bool) (bool, time.Duration) {
	client := s.clientAddr(r)
	if wait := s.logins.wait(client); wait > 0 {
		return false, wait
	}
	if check() {
		return true, 0
	}
	n := s.logins.fail(client)
	s.log.Warn("admin credential refused", "via", via, "path", r.URL.Path, "remote", client, "failures", n)
	return false, 0
}

// isAdmin is checkAdmin without the wait.
func (s *Server) isAdmin(r *http.Request) bool {
	ok, _ := s.checkAdmin(r)
	return ok
}

// fromTrustedProxy reports whether r came straight from a configured
// reverse proxy.
func (s *Server) fromTrustedProxy(r *http.Request) bool {
	if len(s.cfg.TrustedProxies) == 0 {
		return false
	}
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(ap.Addr().Unmap()) {
			return true
		}
	}
	return false
}

// clientAddr is the client's IP: the peer's, or behind a trusted proxy the
// last address it appended to X-Forwarded-For.
func (s *Server) clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if s.fromTrustedProxy(r) {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			last := xff[len(xff)-1]
			last = strings.TrimSpace(last[strings.LastIndexByte(last, ',')+1:])
			if a, err := netip.ParseAddr(last); err == nil {
				return a.Unmap().String()
			}
		}
	}
	return host
}

// secure reports whether the browser reached us over TLS: directly, or
// through a trusted proxy that says so with X-Forwarded-Proto.
func (s *Server) secure(r *http.Request) bool {
	return r.TLS != nil || (s.fromTrustedProxy(r) && strings.EqualFold(strings.TrimSpace(r.Header.Get("X-Forwarded-Proto")), "https"))
}

// tooMany answers 429 for a wait: Retry-After and the message give the
// same whole seconds, rounded up (a wait under a second is not "0s").
func tooMany(w http.ResponseWriter, wait time.Duration, what string) {
	secs := int(math.Ceil(wait.Seconds()))
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	fail(w, http.StatusTooManyRequests, "rate_limited", "%s; retry in %s", what, time.Duration(secs)*time.Second)
}

// equalSecret compares in constant time (hashing first hides the length).
func equalSecret(a, b string) bool {
	ha, hb := sha256.Sum256([]byte(a)), sha256.Sum256([]byte(b))
	return subtle.ConstantTimeCompare(ha[:], hb[:]) == 1
}

// adminAPI answers 401 unless the request is an admin's.
func (s *Server) adminAPI(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ok, wait := s.checkAdmin(r)
		if wait > 0 {
			tooMany(w, wait, "too many wrong admin credentials")
			return
		}
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="tokenbot"`)
			fail(w, http.StatusUnauthorized, "unauthorized", "admin token required: send Authorization: Bearer <TOKENBOT_ADMIN_TOKEN> or log in at /login")
			return
		}
		h(w, r)
	}
}

// Admin guards h as the dashboard's API is guarded: the host and origin
// checks of the playground's routes, then the admin token or a dashboard
// login (401 without, 429 after too many wrong ones). The process guards
// /metrics with it.
func (s *Server) Admin(h http.Handler) http.Handler {
	return s.guard(s.adminAPI(h.ServeHTTP))
}

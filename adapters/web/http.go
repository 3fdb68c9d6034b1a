package web

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tokenbot/tokenbot/bot"
)

// Cookie and header names.
const (
	viewerCookie = "tokenbot_viewer"
	adminCookie  = "tokenbot_admin"
	// CSRFHeader must accompany every state-changing API request; a
	// cross-site form or a simple cross-origin fetch cannot set it.
	CSRFHeader = "X-Tokenbot-Request"
)

// contentSecurityPolicy allows only the server's own scripts, styles and
// connections: no inline script, no inline style attribute, no framing.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// apiError is the body of every error response.
type apiError struct {
	Error  string `json:"error"`
	Code   string `json:"code"`
	Status int    `json:"status"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(true)
	if err := enc.Encode(v); err != nil {
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`{"error":"could not encode the response","code":"internal","status":500}` + "\n")
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// fail writes a JSON error. The message must hold no user text.
func fail(w http.ResponseWriter, status int, code, format string, args ...any) {
	writeJSON(w, status, apiError{Error: fmt.Sprintf(format, args...), Code: code, Status: status})
}

// methods dispatches on the request method and answers 405 with Allow for
// any other.
func methods(handlers map[string]http.HandlerFunc) http.HandlerFunc {
	allow := make([]string, 0, len(handlers)+1)
	for m := range handlers {
		allow = append(allow, m)
	}
	if _, ok := handlers[http.MethodGet]; ok {
		if _, ok := handlers[http.MethodHead]; !ok {
			allow = append(allow, http.MethodHead)
		}
	}
	allowed := strings.Join(sortedMethods(allow), ", ")
	return func(w http.ResponseWriter, r *http.Request) {
		h, ok := handlers[r.Method]
		if !ok && r.Method == http.MethodHead {
			h, ok = handlers[http.MethodGet]
		}
		if !ok {
			w.Header().Set("Allow", allowed)
			fail(w, http.StatusMethodNotAllowed, "method_not_allowed", "method %s is not allowed here; use %s", r.Method, allowed)
			return
		}
		h(w, r)
	}
}

func sortedMethods(ms []string) []string {
	order := []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"}
	out := make([]string, 0, len(ms))
	for _, o := range order {
		for _, m := range ms {
			if m == o {
				out = append(out, m)
			}
		}
	}
	return out
}

// decode reads a JSON request body into v, answering 415, 413 or 400
// itself when it cannot. It returns false when it has answered.
func (s *Server) decode(w http.ResponseWriter, r *http.Request, v any) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		fail(w, http.StatusUnsupportedMediaType, "unsupported_media_type", "send the request body as application/json")
		return false
	}
	if r.ContentLength > s.cfg.MaxBodyBytes {
		fail(w, http.StatusRequestEntityTooLarge, "too_large", "request body is larger than %d bytes", s.cfg.MaxBodyBytes)
		return false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			fail(w, http.StatusRequestEntityTooLarge, "too_large", "request body is larger than %d bytes", s.cfg.MaxBodyBytes)
			return false
		}
		fail(w, http.StatusBadRequest, "bad_request", "could not read the request body")
		return false
	}
	if len(bytes.TrimSpace(body)) == 0 {
		fail(w, http.StatusBadRequest, "bad_request", "request body is empty: send a JSON object")
		return false
	}
	if !utf8.Valid(body) {
		fail(w, http.StatusBadRequest, "invalid_utf8", "request body is not valid UTF-8")
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			fail(w, http.StatusBadRequest, "bad_json", "request body is not valid JSON (at byte %d)", syn.Offset)
		case errors.As(err, &typ):
			fail(w, http.StatusBadRequest, "bad_json", "field %q must be a %s", typ.Field, typ.Type)
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			field, _ := bot.Redact(r.Context(), s.router.Scanner, strings.TrimPrefix(err.Error(), "json: unknown field "))
			fail(w, http.StatusBadRequest, "bad_json", "unknown field %s", bot.Clip(field, 80))
		default:
			fail(w, http.StatusBadRequest, "bad_json", "request body is not a valid JSON object")
		}
		return false
	}
	if dec.More() {
		fail(w, http.StatusBadRequest, "bad_json", "request body holds more than one JSON value")
		return false
	}
	return true
}

// securityHeaders sets the headers every response carries.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
		next.ServeHTTP(w, r)
	})
}

// guard protects the web surface's own routes: without an admin token the
// server only answers requests addressed to a loopback host name (a DNS
// rebinding page or a tunnel cannot reach it), and state-changing requests
// must come from this origin and, for the API, carry CSRFHeader.
func (s *Server) guard(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fail(w, http.StatusForbidden, "cross_origin", "cross-origin request refused")
	}))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.adminRequired() && !loopbackRequestHost(r.Host) {
			fail(w, http.StatusForbidden, "host_not_allowed",
				"this server has no admin token and only answers on localhost; set TOKENBOT_ADMIN_TOKEN to serve it under another name")
			return
		}
		if !safeMethod(r.Method) {
			if err := cop.Check(r); err != nil {
				fail(w, http.StatusForbidden, "cross_origin", "cross-origin request refused")
				return
			}
			if strings.HasPrefix(r.URL.Path, "/api/") && r.Header.Get(CSRFHeader) == "" {
				fail(w, http.StatusForbidden, "csrf", "state-changing requests must carry the %s header", CSRFHeader)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

func loopbackRequestHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	return isLoopbackHost(host)
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

// viewer returns the playground user id of the browser, setting a new
// session cookie when it has none. The cookie is a random secret; the user
// id is derived from it, so that the id shown in notices and audit rows
// cannot be replayed as a cookie to read someone's private replies.
func (s *Server) viewer(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(viewerCookie); err == nil && validViewer(c.Value) {
		return userID(c.Value)
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	secret := hex.EncodeToString(b[:])
	http.SetCookie(w, &http.Cookie{Name: viewerCookie, Value: secret, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: s.secure(r), MaxAge: int((30 * 24 * time.Hour).Seconds())})
	return userID(secret)
}

// userID is the public id of a viewer session.
func userID(secret string) string {
	sum := sha256.Sum256([]byte("tokenbot web user\x00" + secret))
	return "w" + hex.EncodeToString(sum[:8])
}

func validViewer(v string) bool {
	if len(v) != 32 {
		return false
	}
	_, err := hex.DecodeString(v)
	return err == nil
}

// Package webhttp holds what every HTTP endpoint of tokenbot shares, the
// process's own (health, readiness, metrics) and the web playground's: the
// JSON answer and error shape, the security headers, the JSON answer of a
// route table to an unknown path or a wrong method, and what counts as a
// loopback host.
package webhttp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
)

// Error is the body of every error response.
type Error struct {
	Error  string `json:"error"`
	Code   string `json:"code"`
	Status int    `json:"status"`
}

// WriteJSON answers v as JSON, never cached.
func WriteJSON(w http.ResponseWriter, status int, v any) {
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

// Fail answers a JSON Error. The message must hold no user text.
func Fail(w http.ResponseWriter, status int, code, format string, args ...any) {
	WriteJSON(w, status, Error{Error: fmt.Sprintf(format, args...), Code: code, Status: status})
}

// contentSecurityPolicy allows only the server's own scripts, styles and
// connections: no inline script, no inline style attribute, no framing.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// SecurityHeaders sets the headers every response carries.
func SecurityHeaders(next http.Handler) http.Handler {
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

// Routes serves mux, a table of method patterns ("GET /healthz"), and
// answers in the JSON error shape where the mux itself would answer in
// plain text: 404 when no pattern matches the path, 405 (with the mux's
// Allow header) when none matches the method.
func Routes(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := mux.Handler(r); pattern == "" {
			w = &muxError{ResponseWriter: w, method: r.Method}
		}
		mux.ServeHTTP(w, r)
	})
}

// muxError replaces the mux's plain-text 404 or 405 with the JSON one.
type muxError struct {
	http.ResponseWriter
	method string
	wrote  bool
}

func (m *muxError) WriteHeader(status int) {
	if m.wrote {
		return
	}
	m.wrote = true
	if status == http.StatusMethodNotAllowed {
		allow := m.Header().Get("Allow")
		Fail(m.ResponseWriter, status, "method_not_allowed", "method %s is not allowed here; use %s", m.method, allow)
		return
	}
	Fail(m.ResponseWriter, http.StatusNotFound, "not_found", "no such page or API endpoint; see the README for the list")
}

// Write drops the mux's plain-text body: WriteHeader wrote the JSON one.
func (m *muxError) Write(p []byte) (int, error) {
	m.WriteHeader(http.StatusNotFound)
	return len(p), nil
}

// IsLoopbackHost reports whether host (a name or an IP, without a port)
// names this machine only: localhost, *.localhost or a loopback IP.
func IsLoopbackHost(host string) bool {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(h, "[]"))
	return ip != nil && ip.IsLoopback()
}

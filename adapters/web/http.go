// The API's plumbing: request bodies, and the host, origin and CSRF checks.

package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/tokenbot/tokenbot/adapters/web/webhttp"
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

// writeJSON and fail answer in the API's shape (see webhttp).
func writeJSON(w http.ResponseWriter, status int, v any) { webhttp.WriteJSON(w, status, v) }

// fail writes a JSON error. The message must hold no user text.
func fail(w http.ResponseWriter, status int, code, format string, args ...any) {
	webhttp.Fail(w, status, code, format, args...)
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

// guard protects the playground's routes and what Admin guards: without an
// admin token it only answers requests addressed to a loopback host name
// (a DNS rebinding page or a tunnel cannot reach it), and state-changing
// requests must come from this origin and, for the API, carry CSRFHeader.
func (s *Server) guard(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fail(w, http.StatusForbidden, "cross_origin", "cross-origin request refused")
	}))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.AdminRequired() && !loopbackRequestHost(r.Host) {
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
	return webhttp.IsLoopbackHost(host)
}

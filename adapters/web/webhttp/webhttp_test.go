package webhttp

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestRoutesAnswerJSON(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("POST /api/tokens", func(w http.ResponseWriter, r *http.Request) {
		Fail(w, http.StatusBadRequest, "empty", "text is empty")
	})
	h := SecurityHeaders(Routes(mux))
	tests := []struct {
		name, method, path string
		status             int
		code, allow        string
	}{
		{"a route", "GET", "/healthz", 200, "", ""},
		{"HEAD of a GET route", "HEAD", "/healthz", 200, "", ""},
		{"a route's own error", "POST", "/api/tokens", 400, "empty", ""},
		{"wrong method", "POST", "/healthz", 405, "method_not_allowed", "GET, HEAD"},
		{"wrong method on the API", "GET", "/api/tokens", 405, "method_not_allowed", "POST"},
		{"unknown path", "GET", "/nope", 404, "not_found", ""},
		{"unknown path, any method", "DELETE", "/api/nope", 404, "not_found", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.status, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type %q, want JSON", ct)
			}
			if rec.Header().Get("X-Frame-Options") != "DENY" || !strings.Contains(rec.Header().Get("Content-Security-Policy"), "default-src 'none'") {
				t.Errorf("security headers missing: %v", rec.Header())
			}
			if got := rec.Header().Get("Allow"); got != tt.allow {
				t.Errorf("Allow %q, want %q", got, tt.allow)
			}
			if tt.code == "" || tt.method == "HEAD" {
				return
			}
			var e Error
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil {
				t.Fatalf("body %q is not one JSON error: %v", rec.Body, err)
			}
			if e.Code != tt.code || e.Status != tt.status || e.Error == "" {
				t.Errorf("error %+v, want code %q", e, tt.code)
			}
		})
	}
}

func TestIsLoopbackHost(t *testing.T) {
	for host, want := range map[string]bool{
		"127.0.0.1": true, "127.0.0.2": true, "::1": true, "[::1]": true, "localhost": true, "LOCALHOST.": true,
		"app.localhost": true, "": false, "0.0.0.0": false, "::": false, "10.0.0.1": false, "example.com": false,
		"localhost.example.com": false,
	} {
		if got := IsLoopbackHost(host); got != want {
			t.Errorf("IsLoopbackHost(%q) = %v, want %v", host, got, want)
		}
	}
}

package tokens

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tokenbot/tokenbot/configs"
)

func TestRefresh(t *testing.T) {
	embedded, err := configs.FS.ReadFile(DefaultFile)
	if err != nil {
		t.Fatal(err)
	}
	newer := bytes.Replace(embedded, []byte(`"prices_as_of": "2026-09-23"`), []byte(`"prices_as_of": "2026-11-30"`), 1)
	newer = bytes.Replace(newer, []byte(`"id": "gpt-5.4",`), []byte(`"id": "gpt-5.4", "replacement": "gpt-5.5",`), 1)
	older := bytes.Replace(embedded, []byte(`"prices_as_of": "2026-09-23"`), []byte(`"prices_as_of": "2025-01-01"`), 1)
	handWritten := "prices_as_of: \"2026-12-01\"\nsources: [x]\nmodels:\n" + validRow
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    string // error substring; "" = refreshed
		log     string
	}{
		{"good", serve(newer), "", "using the downloaded one"},
		{"malformed", serve([]byte(`{"models": [`)), "parse model table", "keeping the one in use"},
		{"wrong schema", serve([]byte(`{"prices_as_of": "2026-12-01", "models": [{"id": "x"}]}`)), "sources: required", "keeping"},
		{"not generated", serve([]byte(handWritten)), "names no dataset", "keeping"},
		{"older", serve(older), "older than the 2026-09-23 in use", "keeping"},
		{"server error", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "down", http.StatusBadGateway) }, "HTTP 502", "keeping"},
		{"huge, declared", serve(bytes.Repeat([]byte(" "), MaxCatalogBytes+1)), "too large", "keeping"},
		{"huge, streamed", func(w http.ResponseWriter, r *http.Request) {
			chunk := bytes.Repeat([]byte(" "), 64<<10)
			for i := 0; i <= MaxCatalogBytes/len(chunk); i++ {
				if _, err := w.Write(chunk); err != nil {
					return
				}
				w.(http.Flusher).Flush()
			}
		}, "too large", "keeping"},
		{"slow", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusOK)
			w.(http.Flusher).Flush()
			<-r.Context().Done() // never sends the body
		}, "deadline exceeded", "keeping"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			defer srv.Close()
			cat, err := DefaultCatalog()
			if err != nil {
				t.Fatal(err)
			}
			var logs bytes.Buffer
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			if tt.name != "slow" {
				ctx = context.Background()
			}
			err = cat.Refresh(ctx, srv.Client(), srv.URL, slog.New(slog.NewTextHandler(&logs, nil)))
			if !strings.Contains(logs.String(), tt.log) {
				t.Errorf("log %q lacks %q", logs.String(), tt.log)
			}
			m, _ := cat.Lookup("gpt-5.4")
			if tt.want == "" {
				if err != nil || cat.PricesAsOf() != "2026-11-30" || m.Replacement != "gpt-5.5" {
					t.Errorf("refresh: %v; catalog as of %s, gpt-5.4 replacement %q", err, cat.PricesAsOf(), m.Replacement)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v; want %q", err, tt.want)
			}
			if tt.name == "slow" && !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("slow: err = %v; want a deadline", err)
			}
			if cat.PricesAsOf() != "2026-09-23" || m.Replacement != "" || m.InputPerMTok != 2.5 {
				t.Errorf("catalog changed after a failed refresh: as of %s, gpt-5.4 %+v", cat.PricesAsOf(), m)
			}
		})
	}
}

func serve(body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(body) }
}

// A URL that carries a credential (a password, a token in its query) is
// not repeated in errors: a failed download names the host only.
func TestFetchErrorHidesURLCredentials(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.URL
	srv.Close() // nothing listens: the request itself fails
	raw := strings.Replace(addr, "://", "://user:hunter2secret@", 1) + "/models.json?key=qz7TOKENvalue"
	_, err := Fetch(context.Background(), http.DefaultClient, raw)
	if err == nil {
		t.Fatal("Fetch from a closed server: no error")
	}
	for _, secret := range []string{"hunter2secret", "qz7TOKENvalue"} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("error %q repeats the URL's credential %q", err, secret)
		}
	}
}

package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

func TestHelpListsSubcommands(t *testing.T) {
	for _, arg := range []string{"--help", "-h", "help"} {
		code, out, stderr := tokenbot(t, t.TempDir(), "", arg)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", arg, code, stderr)
		}
		for _, c := range commands {
			if !strings.Contains(out, "  "+c.name+" ") {
				t.Errorf("%s does not list %s:\n%s", arg, c.name, out)
			}
		}
	}
}

func TestVersionLine(t *testing.T) {
	tests := []struct {
		name string
		info *debug.BuildInfo
		ok   bool
		want string
	}{
		{"no build info", nil, false, "tokenbot devel (commit unknown) unknown"},
		{"go build in a checkout", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"},
			Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "2006db0abc"}, {Key: "vcs.modified", Value: "true"}}},
			true, "tokenbot devel (commit 2006db0abc, modified) go1.26.8"},
		{"go install of a tag", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.3"}},
			true, "tokenbot v1.2.3 (commit unknown) go1.26.8"},
	}
	for _, tt := range tests {
		if got := versionLine(tt.info, tt.ok); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
	if code, out, _ := tokenbot(t, t.TempDir(), "", "version"); code != 0 || !strings.HasPrefix(out, "tokenbot ") || !strings.Contains(out, "(commit ") {
		t.Errorf("tokenbot version: exit %d, %q", code, out)
	}
}

// audit names the ledger it read and refuses one that does not exist,
// without creating it.
func TestAuditNeedsALedger(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "typo-data")
	code, out, stderr := tokenbot(t, dir, "", "audit")
	if code != 2 || !strings.Contains(stderr, "no ledger at "+filepath.Join(dir, "ledger.db")) || out != "" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("audit created %s", dir)
	}
	// After a run there is a ledger, and audit says which.
	if code, _, stderr := tokenbot(t, dir, "hello\n", "chat"); code != 0 {
		t.Fatalf("chat: %d %s", code, stderr)
	}
	if code, _, stderr := tokenbot(t, dir, "", "audit"); code != 0 || !strings.Contains(stderr, "ledger: "+filepath.Join(dir, "ledger.db")) {
		t.Errorf("audit after chat: exit %d, stderr %q", code, stderr)
	}
}

// The command line refuses what the API refuses.
func TestCLIRejectsBadInput(t *testing.T) {
	tests := []struct {
		name, stdin string
		args        []string
		want        string
	}{
		{"tokens: empty stdin", "", []string{"tokens"}, "empty"},
		{"tokens: blank argument", "", []string{"tokens", "  "}, "empty"},
		{"tokens: invalid UTF-8", "ab\xff\xfe", []string{"tokens"}, "not valid UTF-8"},
		{"tokens: over the limit", strings.Repeat("a", 1<<20+1), []string{"tokens", "-"}, "above the limit"},
		{"ask: invalid UTF-8", "", []string{"ask", "what is \xff"}, "not valid UTF-8"},
		{"ask: blank question", "", []string{"ask", " "}, "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := tokenbot(t, t.TempDir(), tt.stdin, tt.args...)
			if code != 2 || !strings.Contains(stderr, tt.want) || strings.Count(stderr, "\n") != 1 {
				t.Errorf("exit %d, stderr %q, want one line with %q", code, stderr, tt.want)
			}
		})
	}
}

func TestHealthcheck(t *testing.T) {
	for _, status := range []int{http.StatusOK, http.StatusServiceUnavailable} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/healthz" {
				http.NotFound(w, r)
				return
			}
			w.WriteHeader(status)
		}))
		addr := strings.Replace(strings.TrimPrefix(srv.URL, "http://"), "127.0.0.1", "0.0.0.0", 1)
		var out, errOut bytes.Buffer
		vars := map[string]string{"TOKENBOT_DATA_DIR": t.TempDir(), "TOKENBOT_ADDR": addr}
		code := run(context.Background(), &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut,
			getenv: func(k string) string { return vars[k] }}, []string{"healthcheck"})
		srv.Close()
		if want := map[int]int{200: 0, 503: 1}[status]; code != want {
			t.Errorf("server answers %d: exit %d, want %d (%s)", status, code, want, errOut.String())
		}
	}
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tokenbot/tokenbot/adapters/discord/discordtest"
	"github.com/tokenbot/tokenbot/adapters/slack/fakeslack"
	"github.com/tokenbot/tokenbot/bot/bottest"
)

const signingSecret = "e2e-signing-secret-0123456789abcdef"

// TestServe runs `tokenbot serve` with Slack over HTTP against a fake
// Slack: the web surface answers, Slack's endpoints are mounted on it, a
// leaked key is taken down once, and a cancelled context stops it cleanly.
func TestServe(t *testing.T) {
	fake := fakeslack.New(t)
	vars := map[string]string{
		"TOKENBOT_DATA_DIR":    t.TempDir(),
		"TOKENBOT_ADDR":        "127.0.0.1:0",
		"SLACK_BOT_TOKEN":      fakeslack.BotToken,
		"SLACK_ADMIN_TOKEN":    fakeslack.AdminToken,
		"SLACK_SIGNING_SECRET": signingSecret,
		"SLACK_API_URL":        fake.APIURL(),
	}
	sv := startServe(vars)
	out, errOut := &sv.out, &sv.errOut

	base := sv.url(t)
	// Ready as soon as it listens: the encoders were loaded before.
	if code := get(t, base+"/readyz"); code != http.StatusOK {
		t.Errorf("/readyz = %d once serve listens, want 200", code)
	}
	if code := get(t, base+"/healthz"); code != http.StatusOK {
		t.Errorf("/healthz = %d", code)
	}
	if code := get(t, base+"/metrics"); code != http.StatusOK {
		t.Errorf("/metrics = %d", code)
	}
	if resp, err := http.Get(base + "/metrics"); err != nil {
		t.Error(err)
	} else {
		m, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(m), "tokenbot_scan_failures_total 0") {
			t.Error("/metrics does not count the leak scanner's failures (tokenbot_scan_failures_total)")
		}
	}

	key := bottest.AnthropicKey(21)
	fake.AddMessage("C0GENERAL1", "1700000500.000100", "U0ALICE001")
	body, _ := json.Marshal(map[string]any{"type": "event_callback", "team_id": fakeslack.TeamID, "event_id": "EvServe1",
		"event": map[string]any{"type": "message", "channel": "C0GENERAL1", "channel_type": "channel", "user": "U0ALICE001",
			"ts": "1700000500.000100", "text": "prod key " + key}})
	for range 2 { // Slack's retry of the same event
		if code := postSigned(t, base+"/slack/events", body); code != http.StatusOK {
			t.Fatalf("POST /slack/events = %d", code)
		}
	}
	bottest.Eventually(t, "the takedown and its private notice", func() bool {
		return len(fake.Calls("chat.delete")) > 0 && len(fake.Calls("chat.postEphemeral")) > 0
	})
	sv.stop(t)
	if del := fake.Calls("chat.delete"); len(del) != 1 || del[0].Token != fakeslack.AdminToken {
		t.Errorf("chat.delete calls = %+v, want one with the admin token", del)
	}
	if strings.Contains(fake.Requests(), key) {
		t.Error("a request to Slack holds the leaked key")
	}
	// Neither the leaked key nor the bot's own secrets are ever printed.
	for _, secret := range []string{key, fakeslack.BotToken, fakeslack.AdminToken, signingSecret} {
		if strings.Contains(out.String()+errOut.String(), secret) {
			t.Errorf("stdout or the logs hold a secret (%.8s…)", secret)
		}
	}
	// The takedown is in the audit trail, masked.
	code, audit, _ := tokenbot(t, vars["TOKENBOT_DATA_DIR"], "", "audit", "--json")
	if code != 0 || !strings.Contains(audit, `"platform":"slack"`) || !strings.Contains(audit, `"outcome":"deleted"`) || strings.Contains(audit, key) {
		t.Errorf("audit = %d %q", code, audit)
	}
}

// serving is a `tokenbot serve` running in the test process.
type serving struct {
	out, errOut bottest.Buffer
	cancel      context.CancelFunc
	done        chan int
}

// startServe runs `tokenbot serve` with the environment vars.
func startServe(vars map[string]string) *serving {
	sv := &serving{done: make(chan int, 1)}
	e := &env{stdin: strings.NewReader(""), stdout: &sv.out, stderr: &sv.errOut, getenv: func(k string) string { return vars[k] }}
	ctx, cancel := context.WithCancel(context.Background())
	sv.cancel = cancel
	go func() { sv.done <- run(ctx, e, []string{"serve"}) }()
	return sv
}

// stop ends serve as a signal would, and checks that it exits cleanly.
func (sv *serving) stop(t *testing.T) {
	t.Helper()
	sv.cancel()
	select {
	case code := <-sv.done:
		if code != 0 {
			t.Errorf("serve exited %d: %s", code, sv.errOut.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop after its context ended")
	}
}

var servingURL = regexp.MustCompile(`http://127\.0\.0\.1:\d+`)

// url waits for serve to print the playground's address, and returns it.
func (sv *serving) url(t *testing.T) string {
	t.Helper()
	var base string
	bottest.Eventually(t, "serve to print its URL", func() bool {
		base = servingURL.FindString(sv.out.String())
		return base != ""
	})
	return base
}

func get(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func postSigned(t *testing.T, url string, body []byte) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	fakeslack.SignRequest(req, signingSecret, time.Now(), body)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func TestServeRefusesUnsafeStarts(t *testing.T) {
	tests := []struct {
		name string
		vars map[string]string
		args []string
		want string
	}{
		{"dashboard on a public address without an admin token", nil, []string{"serve", "--addr", "0.0.0.0:0"}, "TOKENBOT_ADMIN_TOKEN"},
		{"malformed Slack token", map[string]string{"SLACK_BOT_TOKEN": "xoxp-wrong-kind", "SLACK_APP_TOKEN": fakeslack.AppToken}, []string{"serve"}, "SLACK_BOT_TOKEN"},
		{"Slack without a transport", map[string]string{"SLACK_BOT_TOKEN": fakeslack.BotToken}, []string{"serve"}, "SLACK_"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vars := map[string]string{"TOKENBOT_DATA_DIR": t.TempDir(), "TOKENBOT_ADDR": "127.0.0.1:0"}
			for k, v := range tt.vars {
				vars[k] = v
			}
			var out, errOut bottest.Buffer
			e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut, getenv: func(k string) string { return vars[k] }}
			code := run(context.Background(), e, tt.args)
			msg := strings.TrimSpace(errOut.String())
			if code != 2 || !strings.Contains(msg, tt.want) || strings.Contains(msg, "\n") {
				t.Errorf("exit %d, stderr %q; want exit 2 and one line naming %s", code, msg, tt.want)
			}
			if strings.Contains(msg, "xoxp-wrong-kind") {
				t.Errorf("the error repeats the token's value")
			}
		})
	}
}

// TestServeDiscord runs `tokenbot serve` with Discord against a fake
// Discord gateway and REST API: a leaked key is deleted with an audit
// reason and recorded.
func TestServeDiscord(t *testing.T) {
	const guild, general = "900000000000000001", "900000000000000010"
	srv := discordtest.New(guild)
	defer srv.Close()
	srv.AddChannel(guild, general, "general")
	srv.AddChannel(guild, "900000000000000011", "security")
	vars := map[string]string{
		"TOKENBOT_DATA_DIR": t.TempDir(),
		"TOKENBOT_ADDR":     "127.0.0.1:0",
		"DISCORD_BOT_TOKEN": discordtest.Token,
		"DISCORD_API_URL":   srv.APIURL(),
	}
	sv := startServe(vars)
	out, errOut := &sv.out, &sv.errOut
	select {
	case <-srv.Connected():
	case code := <-sv.done:
		t.Fatalf("serve exited %d before connecting: %s", code, errOut.String())
	case <-time.After(bottest.WaitTimeout):
		t.Fatal("serve did not connect to the gateway")
	}
	key := bottest.GitHubToken(22)
	bob := discordtest.User{ID: "900000000000000100", Username: "bob"}
	// The adapter logs "gateway ready" once READY is handled (it knows the
	// bot's own id); a message sent after that is handled as a member's.
	bottest.Eventually(t, "READY handled", func() bool { return strings.Contains(errOut.String(), `msg="gateway ready"`) })
	srv.Dispatch("MESSAGE_CREATE", srv.Message(guild, general, bob, "ci token "+key))
	bottest.Eventually(t, "the leaked key deleted", func() bool { return len(srv.Deleted()) > 0 })
	sv.stop(t)
	for _, secret := range []string{key, discordtest.Token} {
		if strings.Contains(out.String()+errOut.String(), secret) {
			t.Errorf("stdout or the logs hold a secret (%.8s…)", secret)
		}
	}
	code, audit, _ := tokenbot(t, vars["TOKENBOT_DATA_DIR"], "", "audit", "--json")
	if code != 0 || !strings.Contains(audit, `"platform":"discord"`) || strings.Contains(audit, key) {
		t.Errorf("audit = %d %q", code, audit)
	}
}

// TestServeShutdownAbandonsToTheLedger stops serve while Slack holds its
// deletes: the queued takedowns are abandoned, serve says so and exits 1,
// and the next start of the same instance takes them down at once.
func TestServeShutdownAbandonsToTheLedger(t *testing.T) {
	fake := fakeslack.New(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "tokenbot.yaml")
	if err := os.WriteFile(cfg, []byte("takedowns:\n  workers: 1\n  shutdown_grace: 1ms\n  attempt_timeout: 200ms\n  backoff: 1ms\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{
		"TOKENBOT_DATA_DIR":    filepath.Join(dir, "data"),
		"TOKENBOT_CONFIG":      cfg,
		"TOKENBOT_INSTANCE":    "test-instance",
		"TOKENBOT_ADDR":        "127.0.0.1:0",
		"SLACK_BOT_TOKEN":      fakeslack.BotToken,
		"SLACK_ADMIN_TOKEN":    fakeslack.AdminToken,
		"SLACK_SIGNING_SECRET": signingSecret,
		"SLACK_API_URL":        fake.APIURL(),
	}
	release := fake.Hold("chat.delete")
	sv := startServe(vars)
	base := sv.url(t)
	key := bottest.AnthropicKey(22)
	var tss []string
	for i := range 3 {
		ts := fmt.Sprintf("1700000600.%06d", i)
		tss = append(tss, ts)
		fake.AddMessage("C0GENERAL1", ts, "U0ALICE001")
		body, _ := json.Marshal(map[string]any{"type": "event_callback", "team_id": fakeslack.TeamID, "event_id": "EvStop" + ts,
			"event": map[string]any{"type": "message", "channel": "C0GENERAL1", "channel_type": "channel", "user": "U0ALICE001",
				"ts": ts, "text": "prod key " + key}})
		if code := postSigned(t, base+"/slack/events", body); code != http.StatusOK {
			t.Fatalf("POST /slack/events = %d", code)
		}
	}
	bottest.Eventually(t, "a held delete", func() bool { return len(fake.Calls("chat.delete")) > 0 })
	sv.cancel()
	code := <-sv.done
	release()
	// How many events were still queued depends on when the held attempt
	// gave up; what matters is that the exit says so and nothing is lost.
	if code != 1 || !regexp.MustCompile(`abandoned [1-9]\d* queued events \([1-9]\d* takedowns left pending in the ledger\)`).MatchString(sv.errOut.String()) {
		t.Fatalf("serve exited %d, stderr %q; want 1 and the abandoned takedowns named", code, sv.errOut.String())
	}

	// The next start resumes them; done means recorded, not only gone from
	// the channel (the ledger is written after the platform answers).
	// The same instance with the default shutdown grace, so that its own
	// notices finish before it stops.
	again := startServe(maps.Collect(func(yield func(string, string) bool) {
		for k, v := range vars {
			if k == "TOKENBOT_CONFIG" {
				continue
			}
			if !yield(k, v) {
				return
			}
		}
	}))
	t.Cleanup(func() {
		if t.Failed() {
			_, audit, _ := tokenbot(t, vars["TOKENBOT_DATA_DIR"], "", "audit", "--json")
			t.Logf("audit: %s\nsecond start's log: %s", audit, again.errOut.String())
		}
	})
	var audit string
	bottest.Eventually(t, "three takedowns recorded as deleted", func() bool {
		_, audit, _ = tokenbot(t, vars["TOKENBOT_DATA_DIR"], "", "audit", "--json")
		return strings.Count(audit, `"outcome":"deleted"`) == 3
	})
	again.stop(t)
	for _, ts := range tss {
		if fake.HasMessage("C0GENERAL1", ts) {
			t.Errorf("message %s is still in the channel; audit: %s", ts, audit)
		}
	}
}

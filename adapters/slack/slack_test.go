package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tokenbot/tokenbot/adapters/slack/fakeslack"
	"github.com/tokenbot/tokenbot/bot"
	"github.com/tokenbot/tokenbot/bot/bottest"
	"github.com/tokenbot/tokenbot/bot/ledger"
)

const (
	signingSecret = "8f742231b10e8888abcd99yyyzzz85a5"
	general       = "C0GENERAL1"
	security      = "C0SECURITY"
	alice         = "U0ALICE001"
)

// Never-real keys, well-formed, generated from a fixed seed.
var (
	anthropicKey = bottest.AnthropicKey(42)
	githubToken  = bottest.GitHubToken(42)
	secrets      = []string{anthropicKey, githubToken}
)

type harness struct {
	t       *testing.T
	fake    *fakeslack.Server
	core    *bottest.Core
	a       *Adapter
	d       *bot.Dispatcher
	mu      sync.Mutex
	slept   []time.Duration
	planted []string
	answers bottest.Buffer // bodies of the answers to deliveries
}

type options struct {
	noAdmin bool
}

func newHarness(t *testing.T, o options) *harness {
	t.Helper()
	h := &harness{t: t, fake: fakeslack.New(t), core: bottest.New(t, bottest.Options{SecurityChannel: "security"})}
	cfg := Config{BotToken: fakeslack.BotToken, AppToken: fakeslack.AppToken, SigningSecret: signingSecret,
		AdminToken: fakeslack.AdminToken, APIURL: h.fake.APIURL(), MaxFileBytes: 4096, MaxBodyBytes: 64 << 10}
	if o.noAdmin {
		cfg.AdminToken = ""
	}
	a, err := New(cfg, h.core.Log)
	if err != nil {
		t.Fatal(err)
	}
	sleep := func(ctx context.Context, d time.Duration) error {
		h.mu.Lock()
		h.slept = append(h.slept, d)
		h.mu.Unlock()
		return ctx.Err()
	}
	a.sleep = sleep
	h.a = a
	h.d = h.core.Dispatcher(a)
	h.d.Now = func() time.Time { return time.Now().Add(-time.Hour) } // rescheduled attempts due at once
	t.Cleanup(func() {
		h.assertNoSecret()
		if t.Failed() {
			t.Logf("logs:\n%s", h.core.Logs())
		}
	})
	return h
}

// assertNoSecret searches every output for the planted keys: requests
// to Slack, answers to Slack's deliveries, logs, ledger rows and metrics.
func (h *harness) assertNoSecret() {
	h.t.Helper()
	h.mu.Lock()
	planted := append(slices.Clone(secrets), h.planted...)
	h.mu.Unlock()
	for _, s := range planted {
		h.core.AssertNoEcho(h.t, s, map[string]string{"requests to Slack": h.fake.Requests(), "answers to Slack": h.answers.String()})
	}
}

// plant adds keys to those assertNoSecret searches for.
func (h *harness) plant(keys ...string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.planted = append(h.planted, keys...)
}

func (h *harness) record(ch, ts, rev string) ledger.Record {
	h.t.Helper()
	rec, err := h.core.Store.Get(context.Background(), ledger.Key{Platform: Platform, Workspace: fakeslack.TeamID, Channel: ch, MessageID: ts, Revision: rev})
	if err != nil {
		h.t.Fatalf("ledger record %s/%s@%s: %v", ch, ts, rev, err)
	}
	return rec
}

// messageEvent builds an event_callback for a message and registers it in
// the fake workspace.
func (h *harness) messageEvent(eventID string, ev map[string]any) map[string]any {
	if ev["type"] == nil {
		ev["type"] = "message"
	}
	if ev["channel_type"] == nil {
		ev["channel_type"] = "channel"
	}
	if ts, ok := ev["ts"].(string); ok {
		if u, ok := ev["user"].(string); ok {
			h.fake.AddMessage(ev["channel"].(string), ts, u)
		}
	}
	return map[string]any{"type": "event_callback", "team_id": fakeslack.TeamID, "api_app_id": "A111",
		"event_id": eventID, "event_time": 1700000000, "event": ev}
}

// waitAcks waits until every envelope is acknowledged: the intake has
// taken each one.
func (h *harness) waitAcks(ids ...string) {
	h.t.Helper()
	bottest.Eventually(h.t, fmt.Sprintf("%d envelopes acknowledged", len(ids)), func() bool {
		acked := map[string]bool{}
		for _, id := range h.fake.Acks() {
			acked[id] = true
		}
		for _, id := range ids {
			if !acked[id] {
				return false
			}
		}
		return true
	})
}

// post sends a signed request to the HTTP handler.
func (h *harness) post(srv *httptest.Server, path, contentType string, body []byte, ts time.Time, extra http.Header) *http.Response {
	h.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, srv.URL+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	fakeslack.SignRequest(req, signingSecret, ts, body)
	for k, v := range extra {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Fprintf(&h.answers, "%d %s\n", resp.StatusCode, b)
	return resp
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

func TestSocketModeTakedownExactlyOnce(t *testing.T) {
	h := newHarness(t, options{})
	p := h.start()
	sock := h.socket(p)
	ev := h.messageEvent("Ev001", map[string]any{"channel": general, "user": alice, "ts": "1700000100.000100",
		"text": "here is our key " + anthropicKey + " for the demo"})
	ids := []string{
		sock.Send("events_api", ev, 0),
		sock.Send("events_api", ev, 1), // Slack's retry: same event_id
		sock.Send("events_api", ev, 2),
	}
	// Another delivery of the same message under a new event id (a
	// second app subscription, a replica): the ledger keeps it to one.
	ev2 := h.messageEvent("Ev002", map[string]any{"channel": general, "user": alice, "ts": "1700000100.000100",
		"text": "here is our key " + anthropicKey + " for the demo"})
	ids = append(ids, sock.Send("events_api", ev2, 0))
	h.waitAcks(ids...)
	h.drain(p)

	dels := h.fake.Calls("chat.delete")
	if len(dels) != 1 {
		t.Fatalf("chat.delete called %d times, want exactly 1", len(dels))
	}
	if dels[0].Token != fakeslack.AdminToken || dels[0].Params["channel"] != general || dels[0].Params["ts"] != "1700000100.000100" {
		t.Errorf("chat.delete = token admin? %v, channel %q, ts %q", dels[0].Token == fakeslack.AdminToken, dels[0].Params["channel"], dels[0].Params["ts"])
	}
	if h.fake.HasMessage(general, "1700000100.000100") {
		t.Error("the leaking message is still there")
	}
	eph := h.fake.Calls("chat.postEphemeral")
	if len(eph) != 1 || eph[0].Params["user"] != alice || eph[0].Params["channel"] != general {
		t.Fatalf("ephemeral notices = %+v, want one to alice in #general", eph)
	}
	if !strings.Contains(eph[0].Params["text"], "I removed your message") || !strings.Contains(eph[0].Params["text"], "platform.claude.com") && !strings.Contains(eph[0].Params["text"], "Anthropic") {
		t.Errorf("poster notice does not say the message was removed and how to revoke: %q", eph[0].Params["text"])
	}
	notices := postsTo(h.fake, security)
	if len(notices) != 1 || !strings.Contains(notices[0].Params["text"], "taken down") {
		t.Fatalf("security notices = %d, want 1 saying taken down", len(notices))
	}
	if rec := h.record(general, "1700000100.000100", ""); rec.Outcome != ledger.Deleted {
		t.Errorf("ledger outcome = %s, want deleted", rec.Outcome)
	}
}

func postsTo(f *fakeslack.Server, channel string) []fakeslack.Call {
	var out []fakeslack.Call
	for _, c := range f.Calls("chat.postMessage") {
		if c.Params["channel"] == channel {
			out = append(out, c)
		}
	}
	return out
}

func TestSocketModeReconnects(t *testing.T) {
	h := newHarness(t, options{})
	p := h.start()
	sock := h.socket(p)
	sock.Disconnect()
	sock2 := h.fake.WaitSocket(5 * time.Second)
	ev := h.messageEvent("Ev010", map[string]any{"channel": general, "user": alice, "ts": "1700000200.000100",
		"text": "token " + githubToken})
	h.waitAcks(sock2.Send("events_api", ev, 0))
	sock2.Drop()
	sock3 := h.fake.WaitSocket(5 * time.Second)
	ev = h.messageEvent("Ev011", map[string]any{"channel": general, "user": alice, "ts": "1700000201.000100",
		"text": "again " + anthropicKey})
	h.waitAcks(sock3.Send("events_api", ev, 0))
	h.drain(p)
	if n := h.fake.Connections(); n != 3 {
		t.Errorf("connections = %d, want 3", n)
	}
	if n := len(h.fake.Calls("chat.delete")); n != 2 {
		t.Errorf("chat.delete calls = %d after reconnects, want 2", n)
	}
}

func TestSocketModeSlashCommand(t *testing.T) {
	h := newHarness(t, options{})
	p := h.start()
	sock := h.socket(p)
	cmd := map[string]any{"team_id": fakeslack.TeamID, "channel_id": general, "channel_name": "general", "user_id": alice,
		"user_name": "alice", "command": "/tokens", "text": "model=gpt-4o Hello, world &amp; friends",
		"response_url": h.fake.ResponseURL("r1"), "trigger_id": "trig-1"}
	id := sock.Send("slash_commands", cmd, 0)
	h.waitAcks(id)
	h.drain(p)
	resp := h.fake.Calls("response_url")
	if len(resp) != 1 {
		t.Fatalf("response_url calls = %d, want 1", len(resp))
	}
	r := resp[0].Params
	if r["response_type"] != "ephemeral" {
		t.Errorf("response_type = %q, want ephemeral", r["response_type"])
	}
	blocks := r["blocks"]
	for _, want := range []string{"Token count", "o200k_base", "chars/token", "gpt-4o", "Token boundaries", "Hello", "·friends"} {
		if !strings.Contains(blocks, want) {
			t.Errorf("report blocks lack %q", want)
		}
	}
	if strings.Contains(blocks, "claude-sonnet") {
		t.Error("model=gpt-4o should price gpt-4o only")
	}
	// "Hello, world & friends" is 22 characters: Slack's &amp; escape
	// must not reach the counter.
	if !strings.Contains(blocks, "22 characters") {
		t.Error("the command text was not unescaped before counting")
	}
}

func TestSlashCommandWithKeyIsMasked(t *testing.T) {
	h := newHarness(t, options{})
	p := h.start()
	form := url.Values{"team_id": {fakeslack.TeamID}, "channel_id": {general}, "channel_name": {"general"}, "user_id": {alice},
		"user_name": {"alice"}, "command": {"/tokens"}, "text": {"my key is " + anthropicKey},
		"response_url": {h.fake.ResponseURL("r2")}, "trigger_id": {"trig-2"}}
	body := []byte(form.Encode())
	resp := h.post(p.srv, "/slack/commands", "application/x-www-form-urlencoded", body, time.Now(), nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	// The same command delivered twice (same trigger_id) is answered once.
	h.post(p.srv, "/slack/commands", "application/x-www-form-urlencoded", body, time.Now(), nil)
	h.drain(p)
	calls := h.fake.Calls("response_url")
	if len(calls) != 1 {
		t.Fatalf("response_url calls = %d, want 1", len(calls))
	}
	text := calls[0].Params["text"]
	if !strings.Contains(text, "rotate") || !strings.Contains(text, "sk-ant") {
		t.Errorf("reply should show the masked key and say to rotate it: %q", text)
	}
	if strings.Contains(calls[0].Params["blocks"], "Token boundaries") {
		t.Error("the boundary view would spell the key out")
	}
}

func TestResponseURLFailureFallsBackToEphemeral(t *testing.T) {
	h := newHarness(t, options{})
	h.fake.Fail("response_url", fakeslack.Failure{Status: http.StatusNotFound})
	err := h.a.Execute(context.Background(), bot.Action{Kind: bot.PrivateReply, Channel: general, User: alice,
		Text: "hello", Interaction: h.fake.ResponseURL("expired")})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(h.fake.Calls("chat.postEphemeral")); n != 1 {
		t.Errorf("chat.postEphemeral calls = %d, want 1", n)
	}
	// A response_url on a foreign host is never posted to.
	err = h.a.Execute(context.Background(), bot.Action{Kind: bot.PrivateReply, Channel: general, User: alice,
		Text: "hello", Interaction: "http://attacker.example/hook"})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(h.fake.Calls("chat.postEphemeral")); n != 2 {
		t.Errorf("chat.postEphemeral calls = %d, want 2", n)
	}
}

func TestHTTPEvents(t *testing.T) {
	h := newHarness(t, options{})

	t.Run("url_verification", func(t *testing.T) {
		srv := h.start().srv
		body := mustJSON(map[string]any{"type": "url_verification", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"})
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/slack/events", bytes.NewReader(body))
		fakeslack.SignRequest(req, signingSecret, time.Now(), body)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var buf bytes.Buffer
		buf.ReadFrom(resp.Body)
		if resp.StatusCode != 200 || buf.String() != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
			t.Errorf("challenge answer = %d %q", resp.StatusCode, buf.String())
		}
	})

	t.Run("retries take down once", func(t *testing.T) {
		p := h.start()
		body := mustJSON(h.messageEvent("Ev100", map[string]any{"channel": general, "user": alice, "ts": "1700000300.000100",
			"thread_ts": "1700000299.000100", "text": "CI token: " + githubToken}))
		for i := range 3 {
			extra := http.Header{}
			if i > 0 {
				extra.Set("X-Slack-Retry-Num", fmt.Sprint(i))
				extra.Set("X-Slack-Retry-Reason", "http_timeout")
			}
			if resp := h.post(p.srv, "/slack/events", "application/json", body, time.Now(), extra); resp.StatusCode != 200 {
				t.Fatalf("delivery %d: status %d", i, resp.StatusCode)
			}
		}
		h.drain(p)
		if n := len(h.fake.Calls("chat.delete")); n != 1 {
			t.Fatalf("chat.delete calls = %d, want 1", n)
		}
		eph := h.fake.Calls("chat.postEphemeral")
		if len(eph) != 1 || eph[0].Params["thread_ts"] != "1700000299.000100" {
			t.Errorf("the poster notice of a thread reply should go in the thread: %+v", eph)
		}
	})

	t.Run("edit that adds a key", func(t *testing.T) {
		p := h.start()
		h.fake.AddMessage(general, "1700000400.000100", alice)
		orig := h.messageEvent("Ev200", map[string]any{"channel": general, "user": alice, "ts": "1700000400.000100", "text": "deploying now"})
		edit := h.messageEvent("Ev201", map[string]any{"channel": general, "subtype": "message_changed", "hidden": true, "ts": "1700000410.000200",
			"message":          map[string]any{"type": "message", "user": alice, "ts": "1700000400.000100", "text": "deploying now with " + anthropicKey, "edited": map[string]any{"user": alice, "ts": "1700000410.000000"}},
			"previous_message": map[string]any{"type": "message", "user": alice, "ts": "1700000400.000100", "text": "deploying now"}})
		before := len(h.fake.Calls("chat.delete"))
		h.post(p.srv, "/slack/events", "application/json", mustJSON(orig), time.Now(), nil)
		h.post(p.srv, "/slack/events", "application/json", mustJSON(edit), time.Now(), nil)
		h.drain(p)
		dels := h.fake.Calls("chat.delete")[before:]
		if len(dels) != 1 || dels[0].Params["ts"] != "1700000400.000100" {
			t.Fatalf("edit takedown: chat.delete calls %+v", dels)
		}
		if rec := h.record(general, "1700000400.000100", "1700000410.000000"); rec.Outcome != ledger.Deleted {
			t.Errorf("edit outcome = %s", rec.Outcome)
		}
	})
}

func TestHTTPRejectsBadRequests(t *testing.T) {
	h := newHarness(t, options{})
	p := h.start()
	in := &countingIntake{Intake: p.in}
	srv := httptest.NewServer(h.a.IntakeHandler(in))
	defer srv.Close()
	body := mustJSON(h.messageEvent("Ev300", map[string]any{"channel": general, "user": alice, "ts": "1700000500.000100", "text": "hi"}))
	big := mustJSON(h.messageEvent("Ev301", map[string]any{"channel": general, "user": alice, "ts": "1700000501.000100", "text": strings.Repeat("a", 70<<10)}))
	_, goodSig := fakeslack.Sign(signingSecret, time.Now(), body)
	_, forged := fakeslack.Sign("not-the-signing-secret-0000", time.Now(), body)
	now := fmt.Sprint(time.Now().Unix())
	staleTS, staleSig := fakeslack.Sign(signingSecret, time.Now().Add(-10*time.Minute), body)
	bigTS, bigSig := fakeslack.Sign(signingSecret, time.Now(), big)

	cases := []struct {
		name    string
		body    []byte
		ts, sig string
		chunked bool
		want    int
		path    string
	}{
		{"no signature", body, "", "", false, 401, "/slack/events"},
		{"no timestamp", body, "", goodSig, false, 401, "/slack/events"},
		{"forged", body, now, forged, false, 401, "/slack/events"},
		{"tampered body", append(bytes.Clone(body[:len(body)-1]), ' ', '}'), now, goodSig, false, 401, "/slack/events"},
		{"stale", body, staleTS, staleSig, false, 401, "/slack/events"},
		{"malformed signature", body, now, "v0=zz", false, 401, "/slack/events"},
		{"forged command", []byte("command=%2Ftokens&text=hi"), now, forged, false, 401, "/slack/commands"},
		{"oversized", big, bigTS, bigSig, false, 413, "/slack/events"},
		{"oversized without length", big, bigTS, bigSig, true, 413, "/slack/events"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var rd interface{ Read([]byte) (int, error) } = bytes.NewReader(c.body)
			if c.chunked {
				rd = struct{ *bytes.Reader }{bytes.NewReader(c.body)} // hides Len: sent chunked
			}
			req, _ := http.NewRequest(http.MethodPost, srv.URL+c.path, rd)
			if c.ts != "" {
				req.Header.Set("X-Slack-Request-Timestamp", c.ts)
			}
			if c.sig != "" {
				req.Header.Set("X-Slack-Signature", c.sig)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != c.want {
				t.Errorf("status = %d, want %d", resp.StatusCode, c.want)
			}
		})
	}
	resp, err := http.Get(srv.URL + "/slack/events")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET status = %d, want 405", resp.StatusCode)
	}
	h.drain(p)
	if n := in.n.Load(); n != 0 {
		t.Errorf("%d rejected requests reached the core", n)
	}
	if n := len(h.fake.Calls("")); n != 0 {
		t.Errorf("rejected requests caused %d Slack API calls", n)
	}
}

// countingIntake counts the events handed to the intake.
type countingIntake struct {
	Intake
	n atomic.Int32
}

func (c *countingIntake) Submit(ctx context.Context, ev bot.Event, id string) error {
	c.n.Add(1)
	return c.Intake.Submit(ctx, ev, id)
}

func TestEscalationWithoutAdminToken(t *testing.T) {
	h := newHarness(t, options{noAdmin: true})
	p := h.start()
	h.post(p.srv, "/slack/events", "application/json", mustJSON(h.messageEvent("Ev400", map[string]any{
		"channel": general, "user": alice, "ts": "1700000600.000100", "text": "key: " + anthropicKey})), time.Now(), nil)
	h.drain(p)
	if n := len(h.fake.Calls("chat.delete")); n != 0 {
		t.Errorf("chat.delete called %d times without an admin token", n)
	}
	if !h.fake.HasMessage(general, "1700000600.000100") {
		t.Fatal("message vanished")
	}
	rec := h.record(general, "1700000600.000100", "")
	if rec.Outcome != ledger.Escalated || !strings.Contains(rec.Detail, EnvAdminToken) {
		t.Errorf("ledger = %s (%q), want escalated naming %s", rec.Outcome, rec.Detail, EnvAdminToken)
	}
	eph := h.fake.Calls("chat.postEphemeral")
	if len(eph) != 1 || !strings.Contains(eph[0].Params["text"], "could not delete") {
		t.Errorf("the poster should be told to delete it by hand: %+v", eph)
	}
	notices := postsTo(h.fake, security)
	if len(notices) != 1 || !strings.Contains(notices[0].Params["text"], "NOT deleted") {
		t.Errorf("the security channel should be told it was not deleted: %+v", notices)
	}
}

func TestCantDeleteEscalates(t *testing.T) {
	h := newHarness(t, options{})
	h.fake.Fail("chat.delete", fakeslack.Failure{Error: "cant_delete_message"})
	p := h.start()
	h.post(p.srv, "/slack/events", "application/json", mustJSON(h.messageEvent("Ev500", map[string]any{
		"channel": general, "user": alice, "ts": "1700000700.000100", "text": "key: " + githubToken})), time.Now(), nil)
	h.drain(p)
	if n := len(h.fake.Calls("chat.delete")); n != 1 {
		t.Errorf("chat.delete calls = %d, want 1 (permission errors are not retried)", n)
	}
	if rec := h.record(general, "1700000700.000100", ""); rec.Outcome != ledger.Escalated || !strings.Contains(rec.Detail, "cant_delete_message") {
		t.Errorf("ledger = %s (%q), want escalated", rec.Outcome, rec.Detail)
	}
}

func TestRateLimitedTakedownIsRetried(t *testing.T) {
	h := newHarness(t, options{})
	h.fake.Fail("chat.delete", fakeslack.Failure{Status: http.StatusTooManyRequests, RetryAfter: 7})
	p := h.start()
	h.post(p.srv, "/slack/events", "application/json", mustJSON(h.messageEvent("Ev600", map[string]any{
		"channel": general, "user": alice, "ts": "1700000800.000100", "text": "key: " + anthropicKey})), time.Now(), nil)
	h.drain(p)
	// The 429 reschedules the takedown in the ledger after Retry-After;
	// no worker waits.
	rec := h.record(general, "1700000800.000100", "")
	if rec.Outcome != ledger.Pending || rec.Attempts != 1 {
		t.Fatalf("ledger after the 429 = %s after %d attempts, want pending after 1", rec.Outcome, rec.Attempts)
	}
	if wait := rec.NextAttempt.Sub(time.Now().Add(-time.Hour)); wait < 6*time.Second || wait > 7*time.Second {
		t.Errorf("next attempt in %v, want Retry-After 7s", wait)
	}
	if n, err := h.d.Resume(context.Background(), Platform); err != nil || n != 1 {
		t.Fatalf("resume = %d, %v; want 1", n, err)
	}
	if n := len(h.fake.Calls("chat.delete")); n != 2 {
		t.Fatalf("chat.delete calls = %d, want 2 (429, then success)", n)
	}
	if h.fake.HasMessage(general, "1700000800.000100") {
		t.Error("message not deleted after the rate limit")
	}
	if n := len(h.fake.Calls("chat.postEphemeral")); n != 1 {
		t.Errorf("chat.postEphemeral calls = %d, want 1", n)
	}
	if rec := h.record(general, "1700000800.000100", ""); rec.Outcome != ledger.Deleted || rec.Attempts != 2 {
		t.Errorf("ledger = %s after %d attempts, want deleted after 2", rec.Outcome, rec.Attempts)
	}
}

func TestEphemeralImpossibleFallsBackToDM(t *testing.T) {
	h := newHarness(t, options{})
	h.fake.NotInChannel(general, alice)
	p := h.start()
	h.post(p.srv, "/slack/events", "application/json", mustJSON(h.messageEvent("Ev700", map[string]any{
		"channel": general, "user": alice, "ts": "1700000900.000100", "text": "key: " + githubToken})), time.Now(), nil)
	h.drain(p)
	if n := len(h.fake.Calls("conversations.open")); n != 1 {
		t.Fatalf("conversations.open calls = %d, want 1", n)
	}
	dm := postsTo(h.fake, "D0ALICE001")
	if len(dm) != 1 || !strings.Contains(dm[0].Params["text"], "I removed your message") {
		t.Errorf("direct message to the poster = %+v", dm)
	}
}

func TestSharedTextFileIsScannedAndDeleted(t *testing.T) {
	h := newHarness(t, options{})
	h.fake.AddFile(fakeslack.File{ID: "F0ENV00001", Name: ".env", Mimetype: "text/plain", Filetype: "text", Mode: "hosted",
		Content: "DEBUG=1\nANTHROPIC_API_KEY=" + anthropicKey + "\n"})
	h.fake.AddFile(fakeslack.File{ID: "F0PNG00001", Name: "shot.png", Mimetype: "image/png", Filetype: "png", Mode: "hosted", Content: "\x89PNG\x00"})
	h.fake.AddFile(fakeslack.File{ID: "F0BIG00001", Name: "big.txt", Mimetype: "text/plain", Filetype: "text", Mode: "hosted",
		Content: strings.Repeat("x", 5000) + githubToken})
	p := h.start()
	h.post(p.srv, "/slack/events", "application/json", mustJSON(h.messageEvent("Ev800", map[string]any{
		"channel": general, "user": alice, "ts": "1700001000.000100", "subtype": "file_share", "text": "config attached",
		"files": []map[string]any{{"id": "F0ENV00001"}, {"id": "F0PNG00001"}, {"id": "F0BIG00001"}}})), time.Now(), nil)
	h.drain(p)
	downloads := h.fake.Calls("file.download")
	if len(downloads) != 1 || downloads[0].Token != fakeslack.BotToken {
		t.Fatalf("downloads = %d (want only the .env, with the bot token)", len(downloads))
	}
	if n := len(h.fake.Calls("chat.delete")); n != 1 {
		t.Fatalf("chat.delete calls = %d, want 1", n)
	}
	if h.fake.HasFile("F0ENV00001") {
		t.Error("the leaking file is still shared")
	}
	fd := h.fake.Calls("files.delete")
	if len(fd) == 0 || fd[0].Token != fakeslack.AdminToken {
		t.Error("files.delete not called with the admin token")
	}
}

func TestQuestions(t *testing.T) {
	h := newHarness(t, options{})
	p := h.start()
	sock := h.socket(p)
	mention := h.messageEvent("Ev900", map[string]any{"type": "app_mention", "channel": general, "user": alice, "ts": "1700001100.000100",
		"text": "<@" + fakeslack.BotUserID + "> what is the difference between an API key and a token?"})
	// The message event of the same post: the app_mention answers it.
	same := h.messageEvent("Ev901", map[string]any{"channel": general, "user": alice, "ts": "1700001100.000100",
		"text": "<@" + fakeslack.BotUserID + "> what is the difference between an API key and a token?"})
	dm := h.messageEvent("Ev902", map[string]any{"channel": "D0ALICE001", "channel_type": "im", "user": alice, "ts": "1700001101.000100",
		"text": "什么是 API 密钥？"})
	own := h.messageEvent("Ev903", map[string]any{"channel": general, "user": fakeslack.BotUserID, "bot_id": fakeslack.BotID,
		"ts": "1700001102.000100", "text": "what is a token? " + githubToken})
	h.waitAcks(sock.Send("events_api", mention, 0), sock.Send("events_api", same, 0), sock.Send("events_api", dm, 0), sock.Send("events_api", own, 0))
	h.drain(p)

	replies := postsTo(h.fake, general)
	if len(replies) != 1 {
		t.Fatalf("replies in #general = %d, want 1", len(replies))
	}
	if replies[0].Params["thread_ts"] != "1700001100.000100" || replies[0].Token != fakeslack.BotToken {
		t.Errorf("the answer should be a thread reply from the bot: thread_ts %q", replies[0].Params["thread_ts"])
	}
	dms := postsTo(h.fake, "D0ALICE001")
	if len(dms) != 1 || dms[0].Params["thread_ts"] != "" {
		t.Fatalf("DM answers = %+v, want 1 outside a thread", dms)
	}
	if !strings.ContainsFunc(dms[0].Params["text"], func(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }) {
		t.Errorf("a Chinese question should get a Chinese answer: %q", dms[0].Params["text"])
	}
	if n := len(h.fake.Calls("chat.delete")); n != 0 {
		t.Errorf("the bot's own message was taken down")
	}
}

func TestExecuteMapsErrors(t *testing.T) {
	h := newHarness(t, options{})
	h.fake.AddMessage(general, "1.1", alice)
	del := bot.Action{Kind: bot.Delete, Channel: general, MessageID: "1.1"}
	cases := []struct {
		name string
		fail fakeslack.Failure
		act  bot.Action
		want error
	}{
		{"cant delete", fakeslack.Failure{Error: "cant_delete_message"}, del, bot.ErrPermission},
		{"missing scope", fakeslack.Failure{Error: "missing_scope"}, del, bot.ErrPermission},
		{"admin cannot see channel", fakeslack.Failure{Error: "channel_not_found"}, del, bot.ErrPermission},
		{"gone", fakeslack.Failure{Error: "message_not_found"}, del, bot.ErrNotFound},
		{"not in channel", fakeslack.Failure{Error: "user_not_in_channel"},
			bot.Action{Kind: bot.PrivateReply, Channel: general, User: alice, Text: "x"}, bot.ErrUnsupported},
		{"notice channel missing", fakeslack.Failure{Error: "channel_not_found"},
			bot.Action{Kind: bot.Notice, Channel: "C0NOPE0001", Text: "x"}, bot.ErrNotFound},
		{"unknown kind", fakeslack.Failure{}, bot.Action{Kind: bot.Takedown}, bot.ErrUnsupported},
	}
	methods := map[bot.ActionKind]string{bot.Delete: "chat.delete", bot.PrivateReply: "chat.postEphemeral", bot.Notice: "chat.postMessage"}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if m, ok := methods[c.act.Kind]; ok {
				h.fake.Fail(m, c.fail)
			}
			err := h.a.Execute(context.Background(), c.act)
			if !errors.Is(err, c.want) {
				t.Errorf("err = %v, want %v", err, c.want)
			}
		})
	}
	h.fake.Fail("chat.delete", fakeslack.Failure{Status: 429, RetryAfter: 30})
	var rl *bot.RateLimitError
	if err := h.a.Execute(context.Background(), del); !errors.As(err, &rl) || rl.RetryAfter != 30*time.Second {
		t.Errorf("429 → %v, want RateLimitError of 30s", err)
	}
	h.fake.Fail("chat.delete", fakeslack.Failure{Status: 503})
	if err := h.a.Execute(context.Background(), del); err == nil || errors.Is(err, bot.ErrPermission) || errors.Is(err, bot.ErrNotFound) {
		t.Errorf("503 → %v, want a transient error", err)
	}
}

func TestNoticeResolvesChannelName(t *testing.T) {
	h := newHarness(t, options{})
	for range 2 {
		if err := h.a.Execute(context.Background(), bot.Action{Kind: bot.Notice, Channel: "#security", Text: "hello <!channel> & co"}); err != nil {
			t.Fatal(err)
		}
	}
	posts := postsTo(h.fake, security)
	if len(posts) != 2 {
		t.Fatalf("notices = %d, want 2 in %s", len(posts), security)
	}
	if n := len(h.fake.Calls("conversations.list")); n != 1 {
		t.Errorf("conversations.list calls = %d, want 1 (cached)", n)
	}
	if strings.Contains(posts[0].Params["text"], "<!channel>") || !strings.Contains(posts[0].Params["text"], "&lt;!channel&gt; &amp; co") {
		t.Errorf("text not escaped: %q", posts[0].Params["text"])
	}
}

func TestCheck(t *testing.T) {
	h := newHarness(t, options{})
	if err := h.a.Check(context.Background()); err != nil {
		t.Fatalf("Check: %v", err)
	}
	h.fake.Fail("auth.test", fakeslack.Failure{Error: "token_revoked"})
	h2, err := New(Config{BotToken: fakeslack.BotToken, AdminToken: "xoxp-revoked", APIURL: h.fake.APIURL(), SigningSecret: signingSecret}, h.core.Log)
	if err != nil {
		t.Fatal(err)
	}
	if err := h2.Check(context.Background()); err == nil || !strings.Contains(err.Error(), EnvBotToken) || strings.Contains(err.Error(), fakeslack.BotToken) {
		t.Errorf("Check with a revoked token = %v, want an error naming %s only", err, EnvBotToken)
	}
}

func TestConfigFromEnv(t *testing.T) {
	cases := []struct {
		name    string
		env     map[string]string
		enabled bool
		errHas  string
	}{
		{"none", map[string]string{}, false, ""},
		{"socket", map[string]string{EnvBotToken: "xoxb-1-2-abc", EnvAppToken: "xapp-1-abc"}, true, ""},
		{"http", map[string]string{EnvBotToken: "xoxb-1-2-abc", EnvSigningSecret: signingSecret}, true, ""},
		{"no transport", map[string]string{EnvBotToken: "xoxb-1-2-abc"}, true, EnvAppToken},
		{"bad bot", map[string]string{EnvBotToken: "xoxp-oops-secretvalue", EnvAppToken: "xapp-1"}, true, EnvBotToken},
		{"bad app", map[string]string{EnvBotToken: "xoxb-1", EnvAppToken: "xoxb-secretvalue"}, true, EnvAppToken},
		{"bad admin", map[string]string{EnvBotToken: "xoxb-1", EnvAppToken: "xapp-1", EnvAdminToken: "xoxb-secretvalue"}, true, EnvAdminToken},
		{"short secret", map[string]string{EnvBotToken: "xoxb-1", EnvSigningSecret: "secretvalue"}, true, EnvSigningSecret},
		{"bad url", map[string]string{EnvBotToken: "xoxb-1", EnvAppToken: "xapp-1", EnvAPIURL: "ftp://x"}, true, EnvAPIURL},
		{"app without bot", map[string]string{EnvAppToken: "xapp-1"}, false, EnvBotToken},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, enabled, err := ConfigFromEnv(func(k string) string { return c.env[k] })
			if enabled != c.enabled {
				t.Errorf("enabled = %v, want %v", enabled, c.enabled)
			}
			switch {
			case c.errHas == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case c.errHas != "" && (err == nil || !strings.Contains(err.Error(), c.errHas)):
				t.Errorf("err = %v, want it to name %s", err, c.errHas)
			case err != nil && strings.Contains(err.Error(), "secretvalue"):
				t.Errorf("error echoes the variable's value: %v", err)
			}
		})
	}
}

// A takedown resumed by another process (no memory of the message's
// files) still deletes the files shared with the message.
func TestResumedDeleteRemovesSharedFiles(t *testing.T) {
	h := newHarness(t, options{})
	h.fake.AddFile(fakeslack.File{ID: "F0ENV00009", Name: ".env", Mimetype: "text/plain", Filetype: "text", Mode: "hosted",
		Content: "ANTHROPIC_API_KEY=" + anthropicKey + "\n"})
	h.fake.AddMessage(general, "1700009000.000100", alice, "F0ENV00009")
	err := h.a.Execute(context.Background(), bot.Action{Kind: bot.Delete, Channel: general, MessageID: "1700009000.000100"})
	if err != nil {
		t.Fatal(err)
	}
	if h.fake.HasMessage(general, "1700009000.000100") || h.fake.HasFile("F0ENV00009") {
		t.Error("the message or its file is still there")
	}
	if r := h.fake.Calls("conversations.replies"); len(r) != 1 || r[0].Token != fakeslack.BotToken {
		t.Errorf("conversations.replies calls = %+v, want one with the bot token", r)
	}
}

func TestStripMention(t *testing.T) {
	tests := []struct{ in, want string }{
		{"<@U0BOT00001> what is a token?", " what is a token?"},
		{"hey <@U0BOT00001|tokenbot>, and <@U0ALICE001>", "hey , and <@U0ALICE001>"},
		{"no mention", "no mention"},
	}
	for _, tt := range tests {
		if got := stripMention(tt.in, "U0BOT00001"); got != tt.want {
			t.Errorf("stripMention(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// A key only in an attachment (a shared or forwarded message) or only in a
// block is taken down like one in the text.
func TestAttachmentsAndBlocksAreScanned(t *testing.T) {
	tests := []struct {
		name  string
		event map[string]any
	}{
		{"shared message attachment", map[string]any{"text": "look at this",
			"attachments": []map[string]any{{"fallback": "[shared] a note", "is_share": true, "author_name": "Bob",
				"text": "deploy with ANTHROPIC_API_KEY=" + anthropicKey, "channel_id": "C0OTHER001",
				"message_blocks": []map[string]any{{"team": "T0ACME0001", "channel": "C0OTHER001", "ts": "1699999999.000100",
					"message": map[string]any{"blocks": []map[string]any{{"type": "rich_text", "block_id": "x1",
						"elements": []map[string]any{{"type": "rich_text_section", "elements": []map[string]any{
							{"type": "text", "text": "deploy with ANTHROPIC_API_KEY="}, {"type": "text", "text": anthropicKey}}}}}}}}}}}}},
		{"attachment field", map[string]any{"text": "build failed",
			"attachments": []map[string]any{{"title": "CI", "fields": []map[string]any{{"title": "env", "value": "GITHUB_TOKEN=" + githubToken, "short": false}}}}}},
		{"block only, split by styling", map[string]any{"text": "see below",
			"blocks": []map[string]any{{"type": "rich_text", "block_id": "b1", "elements": []map[string]any{{"type": "rich_text_section",
				"elements": []map[string]any{{"type": "text", "text": "token "}, {"type": "text", "text": githubToken[:10], "style": map[string]bool{"bold": true}},
					{"type": "text", "text": githubToken[10:]}}}}}}}},
		{"section block", map[string]any{"text": "a bot message", "subtype": "bot_message", "bot_id": "B0OTHER001",
			"blocks": []map[string]any{{"type": "section", "text": map[string]any{"type": "mrkdwn", "text": "key: `" + anthropicKey + "`"}},
				{"type": "context", "elements": []map[string]any{{"type": "mrkdwn", "text": "posted by CI"}}}}}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, options{})
			ts := fmt.Sprintf("1700002%03d.000100", i)
			ev := map[string]any{"channel": general, "user": alice, "ts": ts}
			for k, v := range tt.event {
				ev[k] = v
			}
			if ev["subtype"] == "bot_message" {
				delete(ev, "user")
			}
			h.fake.AddMessage(general, ts, alice)
			p := h.start()
			h.post(p.srv, "/slack/events", "application/json", mustJSON(h.messageEvent(fmt.Sprintf("EvAtt%d", i), ev)), time.Now(), nil)
			h.drain(p)
			if n := len(h.fake.Calls("chat.delete")); n != 1 {
				t.Fatalf("chat.delete calls = %d, want 1", n)
			}
			if reqs := h.fake.Requests(); strings.Contains(reqs, anthropicKey) || strings.Contains(reqs, githubToken) {
				t.Error("a request to Slack repeats the key")
			}
		})
	}
}

// A failed Socket Mode dial is logged without the URL's query: Slack's
// WebSocket URL carries the connection's ticket there.
func TestSocketModeDialErrorHidesTicket(t *testing.T) {
	const ticket = "c0nnT1cketSecretValue"
	h := newHarness(t, options{})
	p := h.start()
	// An unparsable port: the WebSocket library's error quotes the URL.
	h.fake.SetSocketURL("ws://127.0.0.1:port/link/?ticket=" + ticket + "&app_id=A0TEST")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.a.RunSocketModeIntake(ctx, p.in) }()
	bottest.Eventually(t, "the connection failure logged", func() bool { return strings.Contains(h.core.Logs(), "socket mode connection failed") })
	cancel()
	if err := <-done; err != nil {
		t.Errorf("RunSocketModeIntake: %v", err)
	}
	logs := h.core.Logs()
	if !strings.Contains(logs, "socket mode connection failed") {
		t.Fatalf("no connection failure logged:\n%s", logs)
	}
	if strings.Contains(logs, ticket) {
		t.Errorf("the logs repeat the Socket Mode ticket:\n%s", logs)
	}
	if !strings.Contains(logs, "invalid port") {
		t.Errorf("the logged error lost its cause:\n%s", logs)
	}
}

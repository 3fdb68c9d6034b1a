package slack

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tokenbot/tokenbot/adapters/slack/fakeslack"
	"github.com/tokenbot/tokenbot/bot"
	"github.com/tokenbot/tokenbot/bot/bottest"
	"github.com/tokenbot/tokenbot/bot/ledger"
)

// gate is an Executor that holds every delete until released, as a
// process stuck behind a rate-limited Slack.
type gate struct {
	bot.Executor
	held    chan struct{} // receives once per held delete
	release chan struct{}
}

func newGate(exec bot.Executor) *gate {
	return &gate{Executor: exec, held: make(chan struct{}, 100), release: make(chan struct{})}
}

func (g *gate) Execute(ctx context.Context, a bot.Action) error {
	if a.Kind == bot.Delete {
		g.held <- struct{}{}
		select {
		case <-g.release:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return g.Executor.Execute(ctx, a)
}

// process is one tokenbot process: a dispatcher on a ledger, its intake
// (built as cmd/tokenbot's serve builds it) and the HTTP endpoints into it.
type process struct {
	store ledger.Store
	d     *bot.Dispatcher
	in    *bot.Intake
	srv   *httptest.Server
}

// start starts the harness's process: its dispatcher on its ledger, with
// the intake's default bounds.
func (h *harness) start() *process {
	h.t.Helper()
	return h.newProcess(h.core.Store, h.d, 0, 0)
}

// process starts another process of the same instance on the shared
// ledger file, as after a restart.
func (h *harness) process(owner string, exec bot.Executor, workers, queue int) *process {
	h.t.Helper()
	path := h.core.Store.(interface{ Path() string }).Path()
	s, err := ledger.OpenSQLite(context.Background(), path)
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { s.Close() })
	d := &bot.Dispatcher{Router: h.core.Router, Ledger: s, Exec: exec, Log: h.core.Log, Owner: "host/" + owner, Instance: "host/"}
	return h.newProcess(s, d, workers, queue)
}

func (h *harness) newProcess(s ledger.Store, d *bot.Dispatcher, workers, queue int) *process {
	in := bot.NewIntake(d, s, h.core.Log, workers, queue)
	srv := httptest.NewServer(h.a.IntakeHandler(in))
	h.t.Cleanup(srv.Close)
	return &process{store: s, d: d, in: in, srv: srv}
}

// drain shuts p's intake down once the work of every delivery it took is
// done; p takes no delivery after.
func (h *harness) drain(p *process) {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := p.in.Close(ctx); err != nil {
		h.t.Fatalf("intake did not finish its work: %v", err)
	}
}

// leak posts message i with a key in the fake workspace and returns its
// delivery; leakTS names it.
func (h *harness) leak(i int) (ts string, body []byte) {
	return leakTS(i), mustJSON(h.messageEvent(fmt.Sprintf("EvI%03d", i), map[string]any{
		"channel": general, "user": alice, "ts": leakTS(i), "text": "key: " + anthropicKey}))
}

func leakTS(i int) string { return fmt.Sprintf("1700001000.%06d", i) }

// deletes counts chat.delete calls for one message.
func (h *harness) deletes(ts string) int {
	n := 0
	for _, c := range h.fake.Calls("chat.delete") {
		if c.Params["ts"] == ts {
			n++
		}
	}
	return n
}

func (h *harness) assertTakenDownOnce(ts string) {
	h.t.Helper()
	if n := h.deletes(ts); n != 1 {
		h.t.Errorf("message %s: %d chat.delete calls, want 1", ts, n)
	}
	if h.fake.HasMessage(general, ts) {
		h.t.Errorf("message %s still up", ts)
	}
	if rec := h.record(general, ts, ""); rec.Outcome != ledger.Deleted || rec.Notified != ledger.NotifiedPoster|ledger.NotifiedSecurity {
		h.t.Errorf("message %s: ledger %s notified %b, want deleted and both notices", ts, rec.Outcome, rec.Notified)
	}
}

func TestIntakeCrashLosesNoAcknowledgedLeak(t *testing.T) {
	h := newHarness(t, options{})
	g := newGate(h.a)
	first := h.process("1", g, 1, 100)
	const n = 20
	var body []byte
	for i := range n {
		_, body = h.leak(i)
		if resp := h.post(first.srv, "/slack/events", "application/json", body, time.Now(), nil); resp.StatusCode != http.StatusOK {
			t.Fatalf("event %d answered %d, want 200", i, resp.StatusCode)
		}
	}
	<-g.held
	// The first process dies here: one delete stuck, the rest queued.
	// A new run of the same instance resumes all of it at once.
	second := h.process("2", h.a, 1, 100)
	got, err := second.d.Recover(context.Background(), Platform)
	if err != nil || got != n {
		t.Fatalf("recovered %d (%v), want %d", got, err, n)
	}
	for i := range n {
		h.assertTakenDownOnce(leakTS(i))
	}
	// Slack's redelivery of an acknowledged event does nothing twice.
	ts := leakTS(3)
	body = mustJSON(map[string]any{"type": "event_callback", "team_id": fakeslack.TeamID, "event_id": "EvI003",
		"event": map[string]any{"type": "message", "channel_type": "channel", "channel": general, "user": alice, "ts": ts, "text": "key: " + anthropicKey}})
	if resp := h.post(second.srv, "/slack/events", "application/json", body, time.Now(), http.Header{"X-Slack-Retry-Num": {"1"}}); resp.StatusCode != http.StatusOK {
		t.Fatalf("redelivery answered %d", resp.StatusCode)
	}
	h.drain(second)
	h.assertTakenDownOnce(ts)
	// Let the dead process's goroutines end before the fake closes.
	close(g.release)
	done, cancel := context.WithCancel(context.Background())
	cancel()
	var ab *bot.AbandonedError
	if err := first.in.Close(done); !errors.As(err, &ab) {
		t.Errorf("closing the dead process: %v, want abandoned work", err)
	}
}

func TestIntakeBacklogAsksForRedelivery(t *testing.T) {
	h := newHarness(t, options{})
	g := newGate(h.a)
	p := h.process("1", g, 1, 1)
	tsA, bodyA := h.leak(1)
	tsB, bodyB := h.leak(2)
	if resp := h.post(p.srv, "/slack/events", "application/json", bodyA, time.Now(), nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("first event answered %d", resp.StatusCode)
	}
	<-g.held
	if resp := h.post(p.srv, "/slack/events", "application/json", bodyB, time.Now(), nil); resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("event over the bound answered %d, want 503", resp.StatusCode)
	}
	if _, err := h.core.Store.Get(context.Background(), ledger.Key{Platform: Platform, Workspace: fakeslack.TeamID, Channel: general, MessageID: tsB}); !errors.Is(err, ledger.ErrNotFound) {
		t.Fatalf("refused event claimed: %v", err)
	}
	close(g.release)
	// Slack delivers it again once the queue has room.
	bottest.Eventually(t, "room in the queue", func() bool { _, idle := p.in.Progress(); return idle })
	if resp := h.post(p.srv, "/slack/events", "application/json", bodyB, time.Now(), http.Header{"X-Slack-Retry-Num": {"1"}}); resp.StatusCode != http.StatusOK {
		t.Fatalf("redelivery answered %d, want 200", resp.StatusCode)
	}
	h.drain(p)
	h.assertTakenDownOnce(tsA)
	h.assertTakenDownOnce(tsB)
}

func TestIntakeRedeliveryAfterFailedClaim(t *testing.T) {
	h := newHarness(t, options{})
	down := h.process("1", h.a, 1, 10)
	down.store.Close() // the ledger is unreachable
	ts, body := h.leak(1)
	if resp := h.post(down.srv, "/slack/events", "application/json", body, time.Now(), nil); resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("event without a claim answered %d, want 503", resp.StatusCode)
	}
	up := h.process("2", h.a, 1, 10)
	if resp := h.post(up.srv, "/slack/events", "application/json", body, time.Now(), http.Header{"X-Slack-Retry-Num": {"1"}}); resp.StatusCode != http.StatusOK {
		t.Fatalf("redelivery answered %d, want 200", resp.StatusCode)
	}
	h.drain(up)
	h.assertTakenDownOnce(ts)
}

func TestIntakeShutdownAbandonsToTheLedger(t *testing.T) {
	h := newHarness(t, options{})
	g := newGate(h.a)
	p := h.process("1", g, 1, 10)
	for i := range 3 {
		_, body := h.leak(i)
		if resp := h.post(p.srv, "/slack/events", "application/json", body, time.Now(), nil); resp.StatusCode != http.StatusOK {
			t.Fatalf("event %d answered %d", i, resp.StatusCode)
		}
	}
	<-g.held
	noTime, cancel := context.WithCancel(context.Background())
	cancel()
	errc := make(chan error, 1)
	go func() { errc <- p.in.Close(noTime) }()
	// Closed once new deliveries are refused; then the stuck delete ends. A
	// probe that arrives before Close takes effect is queued and abandoned
	// with the others.
	_, body := h.leak(9)
	abandoned := 2
	bottest.Eventually(t, "new deliveries refused", func() bool {
		if h.post(p.srv, "/slack/events", "application/json", body, time.Now(), nil).StatusCode == http.StatusOK {
			abandoned = 3
			return false
		}
		return true
	})
	close(g.release)
	var ab *bot.AbandonedError
	if err := <-errc; !errors.As(err, &ab) || ab.Events != int64(abandoned) || ab.Takedowns != int64(abandoned) {
		t.Fatalf("shutdown = %v, want %d abandoned takedowns", err, abandoned)
	}
	if h.record(general, leakTS(1), "").Outcome != ledger.Pending {
		t.Error("an abandoned takedown is not pending in the ledger")
	}
	next := h.process("2", h.a, 1, 10)
	if n, err := next.d.Recover(context.Background(), Platform); err != nil || n != abandoned {
		t.Fatalf("recovered %d (%v), want %d", n, err, abandoned)
	}
	for i := range 3 {
		h.assertTakenDownOnce(leakTS(i))
	}
	if abandoned == 3 {
		h.assertTakenDownOnce(leakTS(9))
	}
}

// socket runs Socket Mode into p's intake until the test ends.
func (h *harness) socket(p *process) *fakeslack.Socket {
	h.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.a.RunSocketModeIntake(ctx, p.in) }()
	h.t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				h.t.Errorf("RunSocketModeIntake: %v", err)
			}
		case <-time.After(bottest.WaitTimeout):
			h.t.Errorf("RunSocketModeIntake did not stop")
		}
	})
	return h.fake.WaitSocket(5 * time.Second)
}

func TestSocketModeAcksAfterClaim(t *testing.T) {
	h := newHarness(t, options{})
	down := h.process("1", h.a, 1, 10)
	down.store.Close() // the ledger is unreachable
	sock := h.socket(down)
	ts, _ := h.leak(1)
	env := h.messageEvent("EvS1", map[string]any{"channel": general, "user": alice, "ts": ts, "text": "key: " + anthropicKey})
	refused := sock.Send("events_api", env, 0)
	// The refusal is logged once the intake answered; the envelope stays
	// unacknowledged, for Slack to deliver again.
	bottest.Eventually(t, "the refusal logged", func() bool { return strings.Contains(h.core.Logs(), "envelope not acknowledged") })
	if slices.Contains(h.fake.Acks(), refused) {
		t.Fatal("an envelope whose takedown was not claimed was acknowledged")
	}

	up := h.process("2", h.a, 1, 10)
	sock = h.socket(up)
	id := sock.Send("events_api", env, 1) // Slack's redelivery
	bottest.Eventually(t, "the redelivery acknowledged", func() bool { return slices.Contains(h.fake.Acks(), id) })
	// Acknowledged only once claimed.
	if rec := h.record(general, ts, ""); rec.Owner != "host/2" {
		t.Errorf("acknowledged envelope's takedown owned by %q, want host/2", rec.Owner)
	}
	h.drain(up)
	h.assertTakenDownOnce(ts)
}

// A message's files are looked up and downloaded once: not again for
// Slack's retry of the delivery or for an edit of the message; a second
// attempt at its delete asks Slack nothing about its files, and a delete
// resumed by another process asks once for all its attempts.
func TestFilesLookedUpOncePerMessage(t *testing.T) {
	h := newHarness(t, options{})
	addFile := func(id, ts string) []map[string]any {
		h.fake.AddFile(fakeslack.File{ID: id, Name: ".env", Mimetype: "text/plain", Filetype: "text", Mode: "hosted",
			Content: "ANTHROPIC_API_KEY=" + anthropicKey + "\n"})
		h.fake.AddMessage(general, ts, alice, id)
		return []map[string]any{{"id": id}}
	}
	calls := func(method string) int { return len(h.fake.Calls(method)) }

	// Delivered, delivered again, edited.
	ts := "1700004000.000100"
	files := addFile("F0ONCE0001", ts)
	p := h.start()
	post := mustJSON(h.messageEvent("EvOnce1", map[string]any{"channel": general, "user": alice, "ts": ts, "subtype": "file_share",
		"text": "config", "files": files}))
	h.post(p.srv, "/slack/events", "application/json", post, time.Now(), nil)
	h.post(p.srv, "/slack/events", "application/json", post, time.Now(), http.Header{"X-Slack-Retry-Num": {"1"}, "X-Slack-Retry-Reason": {"http_timeout"}})
	edit := mustJSON(map[string]any{"type": "event_callback", "team_id": fakeslack.TeamID, "event_id": "EvOnce2", "event": map[string]any{
		"type": "message", "subtype": "message_changed", "channel": general, "channel_type": "channel", "ts": "1700004001.000100",
		"message":          map[string]any{"user": alice, "ts": ts, "text": "config, see file", "files": files, "edited": map[string]any{"user": alice, "ts": "1700004001.000100"}},
		"previous_message": map[string]any{"user": alice, "ts": ts, "text": "config", "files": files}}})
	h.post(p.srv, "/slack/events", "application/json", edit, time.Now(), nil)
	h.drain(p)
	if n, m := calls("files.info"), calls("file.download"); n != 1 || m != 1 {
		t.Errorf("files.info calls = %d, downloads = %d; want 1 each", n, m)
	}

	// A delete that fails once, then is resumed. (The edit above may have
	// made a takedown of its own, whose delete looked the gone message up:
	// calls are counted from here.)
	replies := calls("conversations.replies")
	ts = "1700004002.000100"
	files = addFile("F0ONCE0002", ts)
	h.fake.Fail("chat.delete", fakeslack.Failure{Error: "internal_error"})
	p = h.newProcess(h.core.Store, h.d, 0, 0)
	h.post(p.srv, "/slack/events", "application/json", mustJSON(h.messageEvent("EvOnce3", map[string]any{"channel": general, "user": alice,
		"ts": ts, "subtype": "file_share", "text": "config", "files": files})), time.Now(), nil)
	h.drain(p)
	if n, err := h.d.Resume(context.Background(), Platform); err != nil || n != 1 {
		t.Fatalf("resumed %d takedowns (%v), want 1", n, err)
	}
	if n := calls("conversations.replies") - replies; n != 0 {
		t.Errorf("conversations.replies calls = %d, want none: the files were known", n)
	}
	if h.fake.HasMessage(general, ts) || h.fake.HasFile("F0ONCE0002") {
		t.Error("the message or its file is still there")
	}

	// Another process, which never saw the message, resumes a delete that
	// fails once.
	other, err := New(h.a.cfg, h.core.Log)
	if err != nil {
		t.Fatal(err)
	}
	ts = "1700004003.000100"
	addFile("F0ONCE0003", ts)
	replies = calls("conversations.replies")
	h.fake.Fail("chat.delete", fakeslack.Failure{Error: "internal_error"})
	del := bot.Action{Kind: bot.Delete, Channel: general, MessageID: ts}
	if err := other.Execute(context.Background(), del); err == nil {
		t.Fatal("the failing delete succeeded")
	}
	if err := other.Execute(context.Background(), del); err != nil {
		t.Fatal(err)
	}
	if n := calls("conversations.replies") - replies; n != 1 {
		t.Errorf("conversations.replies calls = %d over two attempts, want 1", n)
	}
	if h.fake.HasFile("F0ONCE0003") {
		t.Error("the resumed delete left the message's file")
	}
}

// Shared files are scanned by the core's one rule (bot.Attachments), the
// same as on Discord: credential files by name whatever type Slack gives
// them, invalid UTF-8 replaced and still scanned, NUL bytes skipped as
// binary.
func TestSharedFilesByTheCoreRule(t *testing.T) {
	for i, tt := range bottest.AttachmentCases() {
		t.Run(tt.Name, func(t *testing.T) {
			h := newHarness(t, options{})
			h.plant(tt.Secret)
			id, ts := fmt.Sprintf("F0RULE%04d", i), fmt.Sprintf("1700005000.%06d", i)
			h.fake.AddFile(fakeslack.File{ID: id, Name: tt.File, Mimetype: "application/octet-stream", Filetype: "binary", Mode: "hosted", Content: tt.Content})
			p := h.start()
			h.post(p.srv, "/slack/events", "application/json", mustJSON(h.messageEvent("EvRule"+id, map[string]any{
				"channel": general, "user": alice, "ts": ts, "subtype": "file_share", "text": "see attached",
				"files": []map[string]any{{"id": id}}})), time.Now(), nil)
			h.drain(p)
			if got := h.deletes(ts) == 1; got != tt.TakenDown {
				t.Errorf("taken down = %v, want %v", got, tt.TakenDown)
			}
			if n := len(h.fake.Calls("file.download")); n != 1 {
				t.Errorf("%d downloads, want 1: the name says it is text", n)
			}
			if !tt.TakenDown && !strings.Contains(h.core.Logs(), bot.ErrBinaryFile.Error()) {
				t.Errorf("the skipped binary file is not logged as such")
			}
		})
	}
}

// brokenDedup is a de-duplication store that cannot answer.
type brokenDedup struct{}

func (brokenDedup) SeenEvent(context.Context, string, string) (bool, error) {
	return false, errors.New("ledger unreachable")
}

// When de-duplication fails, an HTTP delivery and a Socket Mode envelope
// are handled and acknowledged, as on Discord: the takedown was claimed
// first, and a redelivery finds the claim and deletes nothing twice.
func TestDedupFailureHandlesTheEvent(t *testing.T) {
	h := newHarness(t, options{})
	in := bot.NewIntake(h.d, brokenDedup{}, h.core.Log, 0, 0)
	p := &process{store: h.core.Store, d: h.d, in: in, srv: httptest.NewServer(h.a.IntakeHandler(in))}
	t.Cleanup(p.srv.Close)
	ts, body := h.leak(1)
	for i := range 2 { // delivered, then delivered again
		if resp := h.post(p.srv, "/slack/events", "application/json", body, time.Now(), nil); resp.StatusCode != http.StatusOK {
			t.Fatalf("delivery %d answered %d, want 200", i, resp.StatusCode)
		}
	}
	sock := h.socket(p)
	ts2, _ := h.leak(2)
	env := h.messageEvent("EvD2", map[string]any{"channel": general, "user": alice, "ts": ts2, "text": "key: " + anthropicKey})
	h.waitAcks(sock.Send("events_api", env, 0), sock.Send("events_api", env, 1))
	h.drain(p)
	h.assertTakenDownOnce(ts)
	h.assertTakenDownOnce(ts2)
	if n := strings.Count(h.core.Logs(), "de-duplication failed; handling it anyway"); n != 4 {
		t.Errorf("%d de-duplication failures logged, want 4", n)
	}
}

// Slack reports facts and the core decides: a reply in a thread the bot
// started addresses it; the same words elsewhere, and chatter that reads
// as a question, get no reply.
func TestThreadUnderTheBotIsAddressed(t *testing.T) {
	h := newHarness(t, options{})
	p := h.start()
	events := []map[string]any{
		h.messageEvent("EvT1", map[string]any{"channel": general, "user": alice, "ts": "1700006000.000200",
			"thread_ts": "1700006000.000100", "parent_user_id": fakeslack.BotUserID, "text": "and what is a context window?"}),
		h.messageEvent("EvT2", map[string]any{"channel": general, "user": alice, "ts": "1700006001.000200",
			"thread_ts": "1700006001.000100", "parent_user_id": alice, "text": "and what is a context window?"}),
		h.messageEvent("EvT3", map[string]any{"channel": general, "user": alice, "ts": "1700006002.000100", "text": "what time is standup?"}),
	}
	for _, ev := range events {
		if resp := h.post(p.srv, "/slack/events", "application/json", mustJSON(ev), time.Now(), nil); resp.StatusCode != http.StatusOK {
			t.Fatalf("delivery answered %d", resp.StatusCode)
		}
	}
	h.drain(p)
	replies := postsTo(h.fake, general)
	if len(replies) != 1 || replies[0].Params["thread_ts"] != "1700006000.000100" {
		t.Errorf("replies = %+v, want one, in the bot's thread", replies)
	}
}

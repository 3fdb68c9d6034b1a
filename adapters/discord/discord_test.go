package discord

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/tokenbot/tokenbot/adapters/discord/discordtest"
	"github.com/tokenbot/tokenbot/bot"
	"github.com/tokenbot/tokenbot/bot/bottest"
	"github.com/tokenbot/tokenbot/bot/ledger"
)

const (
	guildID    = "200000000000000001"
	generalID  = "300000000000000001"
	securityID = "300000000000000002"
)

var alice = discordtest.User{ID: "400000000000000001", Username: "alice"}

// Never-real keys, well-formed, from a fixed seed.
var (
	anthropic = bottest.AnthropicKey(43)
	github    = bottest.GitHubToken(43)
)

type harness struct {
	t    *testing.T
	srv  *discordtest.Server
	core *bottest.Core
	a    *Adapter
	d    *bot.Dispatcher
	in   *bot.Intake
	// spawned are the gateway events the adapter hands to the core.
	spawned []string
}

type options struct {
	flags      int
	automod    bool
	deferAfter time.Duration
	setup      func(*discordtest.Server)
	// ledger wraps the ledger the dispatcher claims takedowns in.
	ledger func(ledger.Store) ledger.Store
	// workers and queue bound the intake (default 4 and 64).
	workers, queue int
	// dedup replaces the ledger as the intake's de-duplication store.
	dedup bot.Deduper
}

// start runs an adapter on the real core against a fake Discord and waits
// until it is connected.
func start(t *testing.T, o options) *harness {
	t.Helper()
	srv := discordtest.New(guildID)
	srv.AddChannel(guildID, generalID, "general")
	srv.AddChannel(guildID, securityID, "security")
	if o.flags != 0 {
		srv.SetAppFlags(o.flags)
	}
	if o.setup != nil {
		o.setup(srv)
	}
	core := bottest.New(t, bottest.Options{})
	a, err := New(Config{Token: discordtest.Token, APIURL: srv.APIURL(), MaxFileBytes: 64 << 10, AutoMod: o.automod,
		Models: []string{"gpt-4o", "gpt-4o-mini"}}, core.Log)
	if err != nil {
		t.Fatal(err)
	}
	if o.deferAfter != 0 {
		a.deferAfter = o.deferAfter
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	var runErr error
	d := core.Dispatcher(a)
	d.Now = func() time.Time { return time.Now().Add(-time.Hour) } // rescheduled attempts due at once
	if o.ledger != nil {
		d.Ledger = o.ledger(core.Store)
	}
	var dedup bot.Deduper = core.Store
	if o.dedup != nil {
		dedup = o.dedup
	}
	in := bot.NewIntake(d, dedup, core.Log, cmp.Or(o.workers, 4), cmp.Or(o.queue, 64))
	go func() { runErr = a.Run(ctx, in); _ = in.Close(context.Background()); close(done) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
			if runErr != nil && !t.Failed() {
				t.Errorf("Run: %v", runErr)
			}
		case <-time.After(bottest.WaitTimeout):
			t.Error("Run did not return after cancel")
		}
		srv.Close()
	})
	select {
	case <-srv.Connected():
	case <-done:
		t.Fatalf("Run ended before connecting: %v", runErr)
	case <-time.After(bottest.WaitTimeout):
		t.Fatal("bot did not connect to the gateway")
	}
	h := &harness{t: t, srv: srv, core: core, a: a, d: d, in: in,
		spawned: []string{"MESSAGE_CREATE", "MESSAGE_UPDATE", "INTERACTION_CREATE"}}
	if o.automod {
		h.spawned = append(h.spawned, "GUILD_CREATE")
	}
	h.eventually("READY handled", func() bool { id, _ := a.ids(); return id == discordtest.BotID })
	return h
}

func (h *harness) eventually(what string, cond func() bool) {
	h.t.Helper()
	bottest.Eventually(h.t, what, cond)
}

// settle waits until the adapter has handled every gateway event written
// to it and the core is idle (no handler under way, no work queued or
// running), so that a test can assert that nothing more happens.
func (h *harness) settle() {
	h.t.Helper()
	h.eventually("every gateway event handled", func() bool {
		n, idle := h.in.Progress()
		return idle && n >= int64(h.srv.Written(h.spawned...))
	})
}

// noLeak asserts that no secret appears in any request or log line.
// shown is what a message shows: its content and its embeds' titles and
// descriptions.
func shown(s discordtest.Sent) string {
	out := s.Content
	embeds, _ := s.Raw["embeds"].([]any)
	for _, e := range embeds {
		if e, ok := e.(map[string]any); ok {
			title, _ := e["title"].(string)
			desc, _ := e["description"].(string)
			out += "\n" + title + "\n" + desc
		}
	}
	return out
}

func (h *harness) noLeak(secrets ...string) {
	h.t.Helper()
	for _, s := range secrets {
		for _, r := range h.srv.Requests() {
			hdr := ""
			for k, v := range r.Header {
				hdr += k + ": " + strings.Join(v, ",") + "\n"
			}
			if strings.Contains(r.Body, s) || strings.Contains(r.Path, s) || strings.Contains(hdr, s) {
				h.t.Errorf("secret sent to Discord in %s %s", r.Method, r.Path)
			}
		}
		if strings.Contains(h.core.Logs(), s) {
			h.t.Error("secret written to the log")
		}
		for _, f := range h.srv.Frames() {
			if strings.Contains(string(f.D), s) {
				h.t.Errorf("secret sent on the gateway (op %d)", f.Op)
			}
		}
	}
}

// firstAnswer waits for the first message sent with content: the answer
// to an interaction.
func (h *harness) firstAnswer() discordtest.Sent {
	var got discordtest.Sent
	h.eventually("the answer", func() bool {
		for _, s := range h.srv.Sent() {
			if s.Content != "" {
				got = s
				return true
			}
		}
		return false
	})
	return got
}

func (h *harness) sentTo(channel string) []discordtest.Sent {
	var out []discordtest.Sent
	for _, s := range h.srv.Sent() {
		if s.ChannelID == channel {
			out = append(out, s)
		}
	}
	return out
}

func (h *harness) requests(method, prefix string) []discordtest.Request {
	var out []discordtest.Request
	for _, r := range h.srv.Requests() {
		if r.Method == method && strings.HasPrefix(r.Path, prefix) {
			out = append(out, r)
		}
	}
	return out
}

func TestConnectIdentifyHeartbeatAndCommands(t *testing.T) {
	t.Parallel()
	h := start(t, options{})
	var identify struct {
		Token   string `json:"token"`
		Intents int    `json:"intents"`
	}
	for _, f := range h.srv.Frames() {
		if f.Op == 2 {
			if err := json.Unmarshal(f.D, &identify); err != nil {
				t.Fatal(err)
			}
		}
	}
	if identify.Token != "Bot "+discordtest.Token {
		t.Errorf("IDENTIFY token not the bot token")
	}
	for name, bit := range map[string]int{"GUILDS": 1 << 0, "GUILD_MESSAGES": 1 << 9, "DIRECT_MESSAGES": 1 << 12, "MESSAGE_CONTENT": 1 << 15} {
		if identify.Intents&bit == 0 {
			t.Errorf("IDENTIFY lacks the %s intent (intents %b)", name, identify.Intents)
		}
	}
	h.eventually("a heartbeat acknowledged", func() bool { _, _, hb := h.srv.Counts(); return hb >= 2 })
	for _, p := range []string{"/gateway", "/gateway/bot", "/applications/@me"} {
		found := false
		for _, r := range h.requests("GET", p) {
			found = found || r.Path == p
		}
		if !found {
			t.Errorf("no GET %s", p)
		}
	}
	cmds := h.srv.Commands("global")
	if len(cmds) != 1 || cmds[0]["name"] != "tokens" {
		t.Fatalf("registered commands = %v, want /tokens", cmds)
	}
	opts, _ := cmds[0]["options"].([]any)
	if len(opts) != 2 {
		t.Fatalf("/tokens options = %v", opts)
	}
	text, model := opts[0].(map[string]any), opts[1].(map[string]any)
	if text["name"] != "text" || text["required"] != true {
		t.Errorf("text option = %v, want required", text)
	}
	choices, _ := model["choices"].([]any)
	if model["name"] != "model" || len(choices) != 2 || len(choices) > maxChoices {
		t.Errorf("model option = %v, want the configured models as choices", model)
	}
	// Descriptions from the catalogue, in Chinese for zh-CN clients, within
	// Discord's 100 characters.
	for _, d := range []struct {
		v    map[string]any
		want string
	}{{cmds[0], "计算文本的 token 数并估算各模型的费用"}, {text, "要计算的文本"}, {model, "按这个模型估算费用"}} {
		desc, _ := d.v["description"].(string)
		loc, _ := d.v["description_localizations"].(map[string]any)
		if desc == "" || utf8.RuneCountInString(desc) > 100 || loc["zh-CN"] != d.want {
			t.Errorf("%v: description %q, localizations %v; want English and zh-CN %q", d.v["name"], desc, loc, d.want)
		}
	}
	if n := len(h.requests("PUT", "/applications/")); n != 1 {
		t.Errorf("%d command registrations, want one bulk overwrite", n)
	}
	if strings.Contains(h.core.Logs(), "MESSAGE_CONTENT") {
		t.Error("warned about MESSAGE_CONTENT although the application has it")
	}
}

func TestMissingMessageContentIntentIsReported(t *testing.T) {
	t.Parallel()
	h := start(t, options{flags: 1 << 3})
	if !strings.Contains(h.core.Logs(), "Message Content Intent") {
		t.Errorf("no instruction to enable the intent in the log:\n%s", h.core.Logs())
	}
}

func TestEmptyContentWarnsOnce(t *testing.T) {
	t.Parallel()
	h := start(t, options{})
	for range 3 {
		h.srv.Dispatch("MESSAGE_CREATE", h.srv.Message(guildID, generalID, alice, ""))
	}
	h.eventually("the empty-content warning", func() bool { return strings.Contains(h.core.Logs(), "Message Content Intent") })
	h.settle()
	if n := strings.Count(h.core.Logs(), "arrived with no content"); n != 1 {
		t.Errorf("warned %d times, want once", n)
	}
}

func TestTakedownOnceUnderDuplicates(t *testing.T) {
	t.Parallel()
	h := start(t, options{})
	msg := h.srv.Message(guildID, generalID, alice, "here is my key "+anthropic+" can you check it?")
	for range 3 {
		h.srv.Dispatch("MESSAGE_CREATE", msg)
	}
	h.eventually("the message deleted", func() bool { return len(h.srv.Deleted()) == 1 })
	h.eventually("the security notice", func() bool { return len(h.sentTo(securityID)) == 1 })
	h.settle()
	if d := h.srv.Deleted(); len(d) != 1 || d[0] != msg["id"] {
		t.Fatalf("deleted %v, want exactly [%v]", d, msg["id"])
	}
	dels := h.requests("DELETE", "/channels/")
	if len(dels) != 1 {
		t.Fatalf("%d DELETE requests, want 1", len(dels))
	}
	reason, err := url.PathUnescape(dels[0].Header.Get("X-Audit-Log-Reason"))
	if err != nil || !strings.HasPrefix(reason, "tokenbot: leaked Anthropic credential") {
		t.Errorf("audit reason = %q, want the leak reason", reason)
	}
	dm := h.sentTo("dm-" + alice.ID)
	if len(dm) != 1 || !strings.Contains(dm[0].Content, "removed your message") {
		t.Errorf("DMs to the poster = %+v, want one removal notice", dm)
	}
	if len(h.requests("POST", "/users/@me/channels")) != 1 {
		t.Error("no DM channel opened")
	}
	notice := h.sentTo(securityID)
	if len(notice) != 1 || !strings.Contains(shown(notice[0]), "taken down") {
		t.Errorf("security notices = %+v", notice)
	}
	if n := len(h.sentTo(generalID)); n != 0 {
		t.Errorf("%d messages posted in the channel; the poster was reachable by DM", n)
	}
	h.noLeak(anthropic)
}

func TestEditAndAttachmentTakedowns(t *testing.T) {
	t.Parallel()
	h := start(t, options{})
	clean := h.srv.Message(guildID, generalID, alice, "deploying the bot now")
	h.srv.Dispatch("MESSAGE_CREATE", clean)
	edited := h.srv.Edit(clean, "deploying with GITHUB_TOKEN="+github, time.Now())
	h.srv.Dispatch("MESSAGE_UPDATE", edited)
	h.srv.Dispatch("MESSAGE_UPDATE", edited) // duplicate delivery

	env := h.srv.AddAttachment("prod.env", "OPENAI_BASE=x\nANTHROPIC_API_KEY="+anthropic+"\n")
	big := h.srv.AddAttachment("big.txt", strings.Repeat("a", 70<<10)+github)
	bin := h.srv.AddAttachment("photo.png", anthropic)
	withFile := h.srv.Message(guildID, generalID, alice, "config attached",
		discordtest.Attachment{ID: "a1", Filename: "prod.env", Size: 60 + len(anthropic), URL: env})
	skipped := h.srv.Message(guildID, generalID, alice, "more files",
		discordtest.Attachment{ID: "a2", Filename: "big.txt", Size: 70<<10 + len(github), URL: big},
		discordtest.Attachment{ID: "a3", Filename: "photo.png", Size: len(anthropic), URL: bin})
	h.srv.Dispatch("MESSAGE_CREATE", withFile)
	h.srv.Dispatch("MESSAGE_CREATE", skipped)

	h.eventually("two deletions", func() bool { return len(h.srv.Deleted()) == 2 })
	h.settle()
	got := map[string]bool{}
	for _, id := range h.srv.Deleted() {
		got[id] = true
	}
	if !got[clean["id"].(string)] || !got[withFile["id"].(string)] || got[skipped["id"].(string)] {
		t.Errorf("deleted %v: want the edited message and the one with a .env file only", h.srv.Deleted())
	}
	for _, r := range h.requests("GET", "/attachments/") {
		if r.Path != "/attachments/prod.env" {
			t.Errorf("downloaded %s: too large or not text", r.Path)
		}
		if r.Header.Get("Authorization") != "" {
			t.Error("bot token sent with an attachment download")
		}
	}
	h.noLeak(anthropic, github)
}

func TestResumeAfterDroppedConnection(t *testing.T) {
	t.Parallel()
	h := start(t, options{})
	h.srv.Drop()
	// Sent while the bot is away: replayed on RESUME.
	msg := h.srv.Message(guildID, generalID, alice, "key: "+github)
	h.srv.Dispatch("MESSAGE_CREATE", msg)
	h.eventually("a RESUME", func() bool { _, r, _ := h.srv.Counts(); return r >= 1 })
	<-h.srv.Connected()
	h.eventually("the replayed message deleted", func() bool { return len(h.srv.Deleted()) == 1 })
	// The platform delivers it again after the resume.
	h.srv.Dispatch("MESSAGE_CREATE", msg)
	h.settle()
	if id, r, _ := h.srv.Counts(); id != 1 || r < 1 {
		t.Errorf("identifies=%d resumes=%d, want 1 identify and a resume", id, r)
	}
	if n := len(h.requests("DELETE", "/channels/")); n != 1 {
		t.Errorf("%d deletes, want 1", n)
	}
	if n := len(h.sentTo(securityID)); n != 1 {
		t.Errorf("%d security notices, want 1", n)
	}
	h.noLeak(github)
}

func TestRateLimitedDeleteIsRetried(t *testing.T) {
	t.Parallel()
	h := start(t, options{setup: func(s *discordtest.Server) {
		s.Inject(discordtest.Fault{Method: "DELETE", Path: "/channels/.*", Status: 429, RetryAfter: 50 * time.Millisecond, Times: 2})
	}})
	msg := h.srv.Message(guildID, generalID, alice, anthropic)
	h.srv.Dispatch("MESSAGE_CREATE", msg)
	// Each 429 reschedules the takedown in the ledger; sweeps retry it.
	h.eventually("the message deleted", func() bool {
		if _, err := h.d.Resume(context.Background(), Platform); err != nil {
			t.Error(err)
		}
		return len(h.srv.Deleted()) == 1
	})
	h.settle()
	if n := len(h.requests("DELETE", "/channels/")); n != 3 {
		t.Errorf("%d DELETE requests, want 2 rate-limited + 1", n)
	}
	if n := len(h.sentTo(securityID)); n != 1 || !strings.Contains(shown(h.sentTo(securityID)[0]), "taken down") {
		t.Errorf("security notices: %+v", h.sentTo(securityID))
	}
	h.noLeak(anthropic)
}

func TestMissingPermissionEscalatesAndClosedDMsFallBack(t *testing.T) {
	t.Parallel()
	h := start(t, options{setup: func(s *discordtest.Server) {
		s.Inject(discordtest.Fault{Method: "DELETE", Path: "/channels/.*", Status: 403, Code: 50013, Message: "Missing Permissions"})
		s.CloseDMs(alice.ID)
	}})
	msg := h.srv.Message(guildID, generalID, alice, "try "+github)
	h.srv.Dispatch("MESSAGE_CREATE", msg)
	h.eventually("the security notice", func() bool { return len(h.sentTo(securityID)) == 1 })
	h.settle()
	if len(h.srv.Deleted()) != 0 {
		t.Fatal("message deleted despite missing permission")
	}
	if n := len(h.requests("DELETE", "/channels/")); n != 1 {
		t.Errorf("%d DELETE attempts, want 1 (a permission error is final)", n)
	}
	notice := shown(h.sentTo(securityID)[0])
	if !strings.Contains(notice, "NOT deleted") || !strings.Contains(notice, "escalated") {
		t.Errorf("security notice does not escalate: %q", notice)
	}
	ch := h.sentTo(generalID)
	if len(ch) != 1 || !strings.Contains(ch[0].Content, "rotate your key") {
		t.Fatalf("channel notices = %+v, want one short notice", ch)
	}
	if strings.Contains(ch[0].Content, github[:8]) {
		t.Error("channel notice names the key")
	}
	h.noLeak(github)
}

func TestMentionsAndDirectMessagesAreAnswered(t *testing.T) {
	t.Parallel()
	h := start(t, options{})
	q := h.srv.Message(guildID, generalID, alice, "<@"+discordtest.BotID+"> what is the difference between an API key and a token?")
	h.srv.Dispatch("MESSAGE_CREATE", q)
	h.srv.Dispatch("MESSAGE_CREATE", q)
	dm := h.srv.Message("", "500000000000000001", alice, "API key 和 token 有什么区别？")
	h.srv.Dispatch("MESSAGE_CREATE", dm)
	chatter := h.srv.Message(guildID, generalID, alice, "lunch at noon?")
	h.srv.Dispatch("MESSAGE_CREATE", chatter)
	own := h.srv.Message(guildID, generalID, discordtest.User{ID: discordtest.BotID, Username: "tokenbot", Bot: true}, "<@"+discordtest.BotID+"> what is a token?")
	h.srv.Dispatch("MESSAGE_CREATE", own)
	h.eventually("two answers", func() bool { return len(h.sentTo(generalID))+len(h.sentTo("500000000000000001")) >= 2 })
	h.settle()
	ans := h.sentTo(generalID)
	if len(ans) != 1 || ans[0].Reference != q["id"] || ans[0].Content == "" {
		t.Fatalf("channel answers = %+v, want one reply to the question", ans)
	}
	zh := h.sentTo("500000000000000001")
	if len(zh) != 1 || zh[0].Reference != dm["id"] || !strings.ContainsAny(zh[0].Content, "密钥令牌") {
		t.Errorf("DM answers = %+v, want one Chinese reply", zh)
	}
	if strings.Contains(ans[0].Content, "*") && !strings.Contains(ans[0].Content, "**") {
		t.Errorf("answer keeps single-asterisk bold: %q", ans[0].Content)
	}
}

// A platform reply to one of the bot's messages addresses the bot: the
// adapter reports the fact, the core answers it; the same words as a reply
// to someone else are chatter.
func TestReplyToTheBotIsAnswered(t *testing.T) {
	t.Parallel()
	h := start(t, options{})
	botMsg := map[string]any{"id": h.srv.NewID(), "channel_id": generalID, "content": "earlier answer",
		"author": discordtest.User{ID: discordtest.BotID, Username: "tokenbot", Bot: true}}
	toBot := h.srv.Message(guildID, generalID, alice, "and what is a context window?")
	toBot["referenced_message"] = botMsg
	toBot["message_reference"] = map[string]any{"message_id": botMsg["id"], "channel_id": generalID}
	other := map[string]any{"id": h.srv.NewID(), "channel_id": generalID, "content": "earlier chatter", "author": alice}
	toAlice := h.srv.Message(guildID, generalID, alice, "and what is a context window?")
	toAlice["referenced_message"] = other
	toAlice["message_reference"] = map[string]any{"message_id": other["id"], "channel_id": generalID}
	h.srv.Dispatch("MESSAGE_CREATE", toBot)
	h.srv.Dispatch("MESSAGE_CREATE", toAlice)
	h.settle()
	ans := h.sentTo(generalID)
	if len(ans) != 1 || ans[0].Reference != toBot["id"] {
		t.Errorf("answers = %+v, want one, to the reply to the bot", ans)
	}
}

func TestTokensCommandIsEphemeral(t *testing.T) {
	t.Parallel()
	h := start(t, options{})
	h.srv.Dispatch("INTERACTION_CREATE", h.srv.Interaction(guildID, generalID, alice,
		map[string]string{"text": "Hello, world! Tokens are pieces of words.", "model": "gpt-4o"}))
	// The answer comes at once, or after an ephemeral deferral when the
	// encoding takes long to load.
	got := h.firstAnswer()
	first := h.srv.Sent()[0]
	if first.Via != "callback" || first.Flags&64 == 0 || (first.Type != 4 && first.Type != 5) {
		t.Fatalf("first response = %+v, want an ephemeral callback", first)
	}
	if first.Type == 5 && got.Via != "original" {
		t.Fatalf("deferred answer sent via %s, want an edit of the original response", got.Via)
	}
	if !strings.Contains(got.Content, "```ansi") || !strings.Contains(got.Content, "\x1b[0;34m") || !strings.Contains(got.Content, "\x1b[0;33m") {
		t.Errorf("no coloured token boundaries: %q", got.Content)
	}
	if !strings.Contains(got.Content, "gpt-4o") || len([]rune(got.Content)) > maxContent {
		t.Errorf("answer does not price gpt-4o or is too long: %q", got.Content)
	}
}

func TestSlowTokensCommandIsDeferred(t *testing.T) {
	t.Parallel()
	h := start(t, options{deferAfter: -1})
	h.srv.Dispatch("INTERACTION_CREATE", h.srv.Interaction(guildID, generalID, alice,
		map[string]string{"text": "count this, and my key " + anthropic}))
	h.eventually("the edited answer", func() bool { return len(h.srv.Sent()) == 2 })
	sent := h.srv.Sent()
	if sent[0].Via != "callback" || sent[0].Type != 5 || sent[0].Flags&64 == 0 {
		t.Errorf("first = %+v, want an ephemeral deferral", sent[0])
	}
	if sent[1].Via != "original" || !strings.Contains(sent[1].Content, "rotate") {
		t.Errorf("second = %+v, want the deferred answer with a rotation warning", sent[1])
	}
	h.noLeak(anthropic)
}

func TestAutoModRulesAreInstalledIdempotently(t *testing.T) {
	t.Parallel()
	foreign := discordtest.AutoModRule{Name: "no invites", TriggerType: 1, EventType: 1, Enabled: true,
		TriggerMetadata: map[string]any{"keyword_filter": []any{"discord.gg"}}}
	h := start(t, options{automod: true, setup: func(s *discordtest.Server) { s.AddRule(guildID, foreign) }})
	want := AutoModRules()
	h.eventually("the rules", func() bool { return len(h.srv.Rules(guildID)) == 1+len(want) })
	h.settle()
	rules := h.srv.Rules(guildID)
	if rules[0].Name != "no invites" || rules[0].TriggerMetadata["regex_patterns"] != nil {
		t.Errorf("foreign rule changed: %+v", rules[0])
	}
	for _, r := range rules[1:] {
		if !strings.HasPrefix(r.Name, "tokenbot:") || r.TriggerType != 1 || !r.Enabled {
			t.Errorf("rule %+v", r)
		}
		act, _ := r.Actions[0].(map[string]any)
		if act["type"] != float64(1) {
			t.Errorf("rule %q action = %v, want BLOCK_MESSAGE", r.Name, r.Actions)
		}
	}
	// Installing again changes nothing.
	if err := h.a.InstallAutoMod(context.Background(), guildID); err != nil {
		t.Fatal(err)
	}
	if n := len(h.requests("POST", "/guilds/")) + len(h.requests("PATCH", "/guilds/")); n != len(want) {
		t.Errorf("%d writes after a second install, want only the %d creations", n, len(want))
	}
	if err := h.a.InstallAutoMod(context.Background(), "200000000000000009"); err != nil {
		t.Fatal(err)
	}
	h.srv.Inject(discordtest.Fault{Method: "GET", Path: "/guilds/200000000000000008/auto-moderation/rules", Status: 403, Code: 50013, Message: "Missing Permissions"})
	if err := h.a.InstallAutoMod(context.Background(), "200000000000000008"); !errors.Is(err, bot.ErrPermission) || !strings.Contains(err.Error(), "Manage Server") {
		t.Errorf("missing MANAGE_GUILD: err = %v", err)
	}
}

// Package discord is tokenbot's Discord adapter, built on discordgo: it
// turns gateway events (messages, edits, mentions, direct messages and the
// /tokens application command) into bot.Events, carries out the core's
// actions through the REST API, and optionally installs AutoMod rules that
// block the most common API key formats before anyone sees them.
package discord

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/tokenbot/tokenbot/bot"
	"github.com/tokenbot/tokenbot/bot/safeurl"
)

// Platform is the platform name of Discord events.
const Platform = "discord"

// Environment variables read by ConfigFromEnv.
const (
	EnvToken  = "DISCORD_BOT_TOKEN"
	EnvAPIURL = "DISCORD_API_URL"
)

// Intents the bot asks for. MESSAGE_CONTENT is privileged: it must be
// switched on in the developer portal (Bot → Privileged Gateway Intents).
const Intents = discordgo.IntentGuilds | discordgo.IntentGuildMessages |
	discordgo.IntentDirectMessages | discordgo.IntentMessageContent

// Application flags that say the message content intent is enabled.
const (
	flagGatewayMessageContent        = 1 << 19
	flagGatewayMessageContentLimited = 1 << 18
)

// DefaultMaxFileBytes is the largest attachment scanned when the config
// does not say: the core's.
const DefaultMaxFileBytes = bot.DefaultMaxFileBytes

// Config configures the adapter. Token is a secret and comes from the
// environment; everything else comes from the discord section of the
// configuration file.
type Config struct {
	Token string
	// APIURL replaces https://discord.com/api/v9 (proxies, tests).
	APIURL string
	// ShardID and ShardCount: this process serves shard ShardID of
	// ShardCount (0 and 1 when not sharded).
	ShardID, ShardCount int
	// DevGuild registers /tokens in this guild only (instant updates);
	// empty registers it globally.
	DevGuild string
	// AutoMod installs keyword rules that block common key formats.
	AutoMod bool
	// MaxFileBytes is the largest text attachment scanned.
	MaxFileBytes int
	// SecurityChannel is where notices go when an action names none: a
	// channel id, or a name resolved in the guild of the takedown.
	SecurityChannel string
	// Models are the model ids offered as choices of /tokens (at most
	// 25); empty: the first models of the embedded catalog.
	Models []string
}

// ConfigFromEnv reads the secret and the API URL from the environment.
// enabled is false when DISCORD_BOT_TOKEN is not set.
func ConfigFromEnv(getenv func(string) string) (cfg Config, enabled bool, err error) {
	cfg.Token = strings.TrimSpace(getenv(EnvToken))
	cfg.APIURL = strings.TrimSpace(getenv(EnvAPIURL))
	if cfg.Token == "" {
		return cfg, false, nil
	}
	if strings.ContainsAny(cfg.Token, " \t\r\n") && !strings.HasPrefix(cfg.Token, "Bot ") {
		return cfg, false, fmt.Errorf("%s holds white space: paste the bot token alone", EnvToken)
	}
	if cfg.APIURL != "" {
		if _, err := newRewriter(cfg.APIURL, nil); err != nil {
			return cfg, false, err
		}
	}
	return cfg, true, nil
}

// Intake is the core's one entry point; *bot.Intake implements it. It
// de-duplicates events by their ids: SubmitWait claims a message's
// takedowns before marking its event id seen, and waits while the core's
// bounded queue is full; Handle answers a command at once, once per id.
// Go runs the handler of one gateway event within the core's bound on
// handlers under way, holding the gateway reader back while it is reached.
type Intake interface {
	SubmitWait(ctx context.Context, ev bot.Event, id string) error
	Handle(ctx context.Context, ev bot.Event, id string) error
	Go(ctx context.Context, f func()) error
}

// Adapter is a connection to Discord. Execute is safe for concurrent use.
type Adapter struct {
	cfg  Config
	log  *slog.Logger
	s    *discordgo.Session
	http *http.Client

	// deferAfter is how long an interaction may take before it is
	// deferred (Discord's deadline is 3 s).
	deferAfter time.Duration

	mu           sync.Mutex
	botID        string
	appID        string
	interactions map[string]*interaction
	channelNames map[string]string // guild + "\x00" + name → channel id
	warnedEmpty  bool
	automodDone  map[string]bool
	wg           sync.WaitGroup
	stopping     bool
	files        *bot.FileCache
}

// New builds an adapter; Run connects it.
func New(cfg Config, log *slog.Logger) (*Adapter, error) {
	if cfg.Token == "" {
		return nil, fmt.Errorf("discord: no bot token (set %s)", EnvToken)
	}
	if cfg.ShardCount <= 0 {
		cfg.ShardCount = 1
	}
	if cfg.ShardID < 0 || cfg.ShardID >= cfg.ShardCount {
		return nil, fmt.Errorf("discord: shard id %d out of range [0, %d)", cfg.ShardID, cfg.ShardCount)
	}
	if cfg.MaxFileBytes <= 0 {
		cfg.MaxFileBytes = DefaultMaxFileBytes
	}
	if log == nil {
		log = slog.Default()
	}
	token := cfg.Token
	if !strings.HasPrefix(token, "Bot ") {
		token = "Bot " + token
	}
	s, err := discordgo.New(token)
	if err != nil {
		return nil, fmt.Errorf("discord: new session: %w", err)
	}
	var rt http.RoundTripper = http.DefaultTransport
	if cfg.APIURL != "" {
		rw, err := newRewriter(cfg.APIURL, rt)
		if err != nil {
			return nil, fmt.Errorf("discord: %w", err)
		}
		rt = rw
	}
	client := &http.Client{Timeout: 20 * time.Second, Transport: rt}
	s.Client = client
	s.Identify.Intents = Intents
	s.ShardID, s.ShardCount = cfg.ShardID, cfg.ShardCount
	// A 429 is returned to the core as a RateLimitError, which retries it
	// after retry_after and keeps the takedown's ledger lease; discordgo's
	// buckets still pace requests before they are sent.
	s.ShouldRetryOnRateLimit = false
	s.MaxRestRetries = 3
	// discordgo's own log lines can hold payloads: errors only.
	s.LogLevel = discordgo.LogError
	s.State.MaxMessageCount = 0 // never keep message text in memory
	s.State.TrackMembers = false
	s.State.TrackPresences = false
	s.State.TrackVoice = false
	s.State.TrackEmojis = false
	s.State.TrackRoles = false
	s.State.TrackThreadMembers = false
	// Handlers run in the gateway reader, which the core's Intake.Go holds
	// back while its bound on handlers is reached: back-pressure instead
	// of a goroutine per event. A reader held past five heartbeat
	// intervals makes discordgo reconnect and RESUME; the replayed events
	// are de-duplicated by the core.
	s.SyncEvents = true
	return &Adapter{cfg: cfg, log: log.With("platform", Platform), s: s, http: client,
		deferAfter: 1500 * time.Millisecond, files: bot.NewFileCache(bot.DefaultFileCacheBytes),
		interactions: map[string]*interaction{}, channelNames: map[string]string{}, automodDone: map[string]bool{}}, nil
}

// Run checks the application's settings, registers /tokens, opens the
// gateway and hands events to in until ctx ends.
func (a *Adapter) Run(ctx context.Context, in Intake) error {
	if err := a.start(ctx); err != nil {
		return err
	}
	removers := []func(){
		a.s.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) { a.onReady(r) }),
		a.s.AddHandler(func(_ *discordgo.Session, _ *discordgo.Resumed) { a.log.Info("gateway session resumed") }),
		a.s.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) {
			a.spawn(ctx, in, func() { a.onMessage(ctx, in, m.Message, false) })
		}),
		a.s.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageUpdate) {
			a.spawn(ctx, in, func() { a.onMessage(ctx, in, m.Message, true) })
		}),
		a.s.AddHandler(func(_ *discordgo.Session, i *discordgo.InteractionCreate) {
			a.spawn(ctx, in, func() { a.onInteraction(ctx, in, i.Interaction) })
		}),
		a.s.AddHandler(func(_ *discordgo.Session, g *discordgo.GuildCreate) {
			if a.cfg.AutoMod && g.Guild != nil {
				a.spawn(ctx, in, func() { a.installAutoMod(ctx, g.ID) })
			}
		}),
	}
	if err := a.s.Open(); err != nil {
		for _, r := range removers {
			r()
		}
		return fmt.Errorf("discord: open gateway: %w", safeurl.Error(err))
	}
	a.log.Info("connected to the gateway", "shard", a.cfg.ShardID, "shards", a.cfg.ShardCount)
	<-ctx.Done()
	for _, r := range removers {
		r()
	}
	err := a.s.Close()
	a.mu.Lock()
	a.stopping = true
	a.mu.Unlock()
	a.wg.Wait()
	if err != nil {
		return fmt.Errorf("discord: close gateway: %w", err)
	}
	return nil
}

// start reads the application (its id and flags), logs the recommended
// shard count and registers the /tokens command.
func (a *Adapter) start(ctx context.Context) error {
	body, err := a.s.RequestWithBucketID("GET", discordgo.EndpointAPI+"applications/@me", nil,
		discordgo.EndpointAPI+"applications/@me", discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(true))
	if err != nil {
		return fmt.Errorf("discord: read application (is %s right?): %w", EnvToken, mapErr(err))
	}
	var app struct {
		ID    string `json:"id"`
		Flags int    `json:"flags"`
	}
	if err := discordgo.Unmarshal(body, &app); err != nil || app.ID == "" {
		return fmt.Errorf("discord: read application: unexpected answer")
	}
	a.mu.Lock()
	a.appID = app.ID
	a.mu.Unlock()
	a.checkContentFlag(app.Flags)
	if gw, err := a.s.GatewayBot(discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(true)); err != nil {
		a.log.Warn("could not read the recommended shard count", "err", safeurl.Error(err))
	} else {
		if gw.Shards > a.cfg.ShardCount {
			a.log.Warn("Discord recommends more shards than configured", "recommended", gw.Shards, "configured", a.cfg.ShardCount)
		}
		if gw.SessionStartLimit.Remaining == 0 {
			a.log.Warn("no gateway session starts left; Discord will refuse to connect until the limit resets",
				"reset_after_ms", gw.SessionStartLimit.ResetAfter)
		}
	}
	if a.cfg.ShardID == 0 {
		if err := a.registerCommands(ctx); err != nil {
			return err
		}
	}
	return nil
}

func (a *Adapter) checkContentFlag(flags int) {
	if flags&(flagGatewayMessageContent|flagGatewayMessageContentLimited) != 0 {
		return
	}
	a.log.Error("the MESSAGE_CONTENT privileged intent is not enabled for this application: " +
		"message text will arrive empty and leaked keys will not be found. Turn on " +
		"Developer Portal → your application → Bot → Privileged Gateway Intents → Message Content Intent")
}

func (a *Adapter) onReady(r *discordgo.Ready) {
	a.mu.Lock()
	if r.User != nil {
		a.botID = r.User.ID
	}
	if r.Application != nil && r.Application.ID != "" {
		a.appID = r.Application.ID
	}
	a.mu.Unlock()
	if r.Application != nil {
		a.checkContentFlag(r.Application.Flags)
	}
	a.log.Info("gateway ready", "guilds", len(r.Guilds))
}

// spawn runs f through the core's bounded handlers unless the adapter is
// stopping, and lets Run wait for it. Called from the gateway reader, it
// waits while the bound is reached, so that a burst holds back the
// gateway instead of piling up goroutines.
func (a *Adapter) spawn(ctx context.Context, in Intake, f func()) {
	a.mu.Lock()
	if a.stopping {
		a.mu.Unlock()
		return
	}
	a.wg.Add(1)
	a.mu.Unlock()
	if err := in.Go(ctx, func() { defer a.wg.Done(); f() }); err != nil {
		a.wg.Done()
		if ctx.Err() == nil {
			a.log.Error("gateway event not handled", "err", err)
		}
	}
}

func (a *Adapter) ids() (botID, appID string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.botID, a.appID
}

// onMessage turns a created or edited message into an event and submits
// it: the core claims its takedowns, then marks eventID seen, so that a
// delivery whose claim failed is taken down when it comes again.
func (a *Adapter) onMessage(ctx context.Context, in Intake, m *discordgo.Message, edit bool) {
	if m == nil || m.ID == "" {
		return
	}
	botID, _ := a.ids()
	if m.Author != nil && m.Author.ID == botID {
		return
	}
	// Facts only: whether the bot was addressed is the core's decision.
	ev := bot.Event{Kind: bot.Message, Platform: Platform, Workspace: m.GuildID, Channel: m.ChannelID,
		MessageID: m.ID, Text: m.Content, Time: m.Timestamp}
	eventID := "message:" + m.ID
	if edit {
		if m.EditedTimestamp == nil {
			return // an embed unfurled, not an edit
		}
		ev.Kind = bot.Edit
		ev.Revision = m.EditedTimestamp.UTC().Format(time.RFC3339Nano)
		ev.Time = *m.EditedTimestamp
		eventID = "edit:" + m.ID + ":" + ev.Revision
	}
	if m.Author != nil {
		ev.User, ev.UserName = m.Author.ID, m.Author.Username
	}
	if m.GuildID == "" {
		ev.Direct = true
	}
	mentioned := false
	for _, u := range m.Mentions {
		if u != nil && u.ID == botID {
			mentioned = true
		}
	}
	if botID != "" {
		for _, tag := range []string{"<@" + botID + ">", "<@!" + botID + ">"} {
			if strings.Contains(ev.Text, tag) {
				mentioned = true
				ev.Text = strings.ReplaceAll(ev.Text, tag, "")
			}
		}
		ev.Text = strings.TrimSpace(ev.Text)
	}
	ev.MentionsBot = mentioned
	if r := m.ReferencedMessage; r != nil && r.Author != nil && botID != "" && r.Author.ID == botID {
		ev.ReplyToBot = true
	}
	if ch, err := a.s.State.Channel(m.ChannelID); err == nil && ch != nil {
		ev.ChannelName = ch.Name
	}
	if m.Content == "" && len(m.Attachments) == 0 && len(m.Embeds) == 0 && len(m.StickerItems) == 0 && !mentioned && !ev.Direct {
		a.warnEmptyContent()
		return
	}
	ev.Files = a.fetchFiles(ctx, m.Attachments)
	if ev.Text == "" && len(ev.Files) == 0 {
		return
	}
	if err := in.SubmitWait(ctx, ev, eventID); err != nil {
		// Not marked seen, but the gateway does not deliver it again
		// (only a RESUME replays it).
		a.log.Error("message not taken in; its takedowns may be missed", "channel", m.ChannelID, "message", m.ID, "kind", ev.Kind, "err", err)
	}
}

func (a *Adapter) warnEmptyContent() {
	a.mu.Lock()
	warned := a.warnedEmpty
	a.warnedEmpty = true
	a.mu.Unlock()
	if !warned {
		a.log.Error("a guild message arrived with no content: the MESSAGE_CONTENT privileged intent is " +
			"probably off, so leaked keys cannot be found. Turn on Developer Portal → your application → " +
			"Bot → Privileged Gateway Intents → Message Content Intent, then restart")
	}
}

// fetchFiles downloads the attachments the core's rule (bot.Attachments)
// says are scanned. What it downloaded is cached by attachment id, not by
// URL, whose signed query (ex, is, hm) may differ between deliveries of
// one file: a replayed event or an edit of the message downloads nothing
// again.
func (a *Adapter) fetchFiles(ctx context.Context, atts []*discordgo.MessageAttachment) []bot.File {
	rule := bot.Attachments{MaxBytes: a.cfg.MaxFileBytes}
	var files []bot.File
	for _, at := range atts {
		if at == nil {
			continue
		}
		ok, err := rule.Wanted(bot.Attachment{Name: at.Filename, MIME: at.ContentType, Size: at.Size})
		if err != nil {
			a.log.Warn("attachment not scanned", "err", err)
		}
		if !ok {
			continue
		}
		key := at.ID
		if key == "" {
			key = at.URL
		}
		f, err := a.files.Get(ctx, key, func() (*bot.File, error) {
			f, err := a.download(ctx, at.URL, at.Filename, rule)
			if errors.Is(err, bot.ErrFileTooLarge) || errors.Is(err, bot.ErrBinaryFile) {
				// Remembered as not to be scanned.
				a.log.Warn("attachment not scanned", "err", err)
				return nil, nil
			}
			return f, err
		})
		if err != nil {
			a.log.Warn("attachment download failed", "err", err)
			continue
		}
		if f != nil {
			files = append(files, *f)
		}
	}
	return files
}

func (a *Adapter) download(ctx context.Context, url, name string, rule bot.Attachments) (*bot.File, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return nil, fmt.Errorf("bad attachment url")
	}
	resp, err := a.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("get attachment: %w", safeurl.Error(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("get attachment: HTTP %d", resp.StatusCode)
	}
	f, err := rule.Read(name, resp.Body)
	if err != nil {
		return nil, err
	}
	return &f, nil
}

package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	slackapi "github.com/slack-go/slack"

	"github.com/tokenbot/tokenbot/bot"
)

// callback is the outer Events API payload (HTTP body, Socket Mode
// events_api payload).
type callback struct {
	Type      string          `json:"type"` // event_callback, url_verification, app_rate_limited
	Challenge string          `json:"challenge"`
	TeamID    string          `json:"team_id"`
	EventID   string          `json:"event_id"`
	EventTime int64           `json:"event_time"`
	Event     json.RawMessage `json:"event"`
}

// message is the part of message and app_mention events the bot uses.
type message struct {
	Type        string `json:"type"`
	Subtype     string `json:"subtype"`
	Channel     string `json:"channel"`
	ChannelType string `json:"channel_type"`
	User        string `json:"user"`
	BotID       string `json:"bot_id"`
	Team        string `json:"team"`
	Text        string `json:"text"`
	TS          string `json:"ts"`
	ThreadTS    string `json:"thread_ts"`
	// ParentUserID is the author of a thread reply's parent.
	ParentUserID string    `json:"parent_user_id"`
	Edited       *edited   `json:"edited"`
	Files        []fileRef `json:"files"`
	// Blocks and Attachments carry text too: rich text, a shared or
	// forwarded message (see extraTexts).
	Blocks      json.RawMessage `json:"blocks"`
	Attachments []attachment    `json:"attachments"`
	Message     *message        `json:"message"` // message_changed: the new message
	Previous    *message        `json:"previous_message"`
	Hidden      bool            `json:"hidden"`
}

type edited struct {
	User string `json:"user"`
	TS   string `json:"ts"`
}

type fileRef struct {
	ID string `json:"id"`
}

// Message subtypes that carry text someone posted. Others (joins, topic
// changes, deletions, thread summaries) are ignored.
var postedSubtypes = map[string]bool{
	"": true, "bot_message": true, "thread_broadcast": true, "file_share": true, "me_message": true,
}

// maxFilesPerMessage bounds the files fetched for one message.
const maxFilesPerMessage = 10

// translate turns an Events API callback into a bot.Event; ok is false
// for events the bot ignores (its own messages, joins, deletions…).
func (a *Adapter) translate(ctx context.Context, cb callback) (bot.Event, bool, error) {
	if cb.Type != "event_callback" || len(cb.Event) == 0 {
		return bot.Event{}, false, nil
	}
	var m message
	if err := json.Unmarshal(cb.Event, &m); err != nil {
		return bot.Event{}, false, fmt.Errorf("decode event: %w", err)
	}
	if m.Type != "message" && m.Type != "app_mention" {
		return bot.Event{}, false, nil
	}
	self, err := a.identity(ctx)
	if err != nil {
		return bot.Event{}, false, err
	}
	// Facts only: whether the bot was addressed is the core's decision.
	ev := bot.Event{Kind: bot.Message, Platform: Platform, Workspace: cb.TeamID, Channel: m.Channel}
	if ev.Workspace == "" {
		ev.Workspace = m.Team
	}
	if ev.Workspace == "" {
		ev.Workspace = self.TeamID
	}
	posted := &m
	switch {
	case m.Type == "app_mention":
		ev.MentionsBot = true
	case m.Subtype == "message_changed":
		if m.Message == nil {
			return bot.Event{}, false, nil
		}
		posted = m.Message
		ev.Kind = bot.Edit
		if posted.Edited != nil {
			ev.Revision = posted.Edited.TS
		}
		if m.Previous != nil && m.Previous.Text == posted.Text && len(m.Previous.Files) == len(posted.Files) {
			// An unfurl or a reaction summary, not an edit.
			return bot.Event{}, false, nil
		}
	case !postedSubtypes[m.Subtype]:
		return bot.Event{}, false, nil
	case m.ChannelType == "im":
		ev.Direct = true
	default:
		if mentions(m.Text, self.UserID) {
			// The app_mention event of the same message answers it and
			// runs the leak scan.
			return bot.Event{}, false, nil
		}
	}
	if posted.User != "" && posted.User == self.UserID || posted.BotID != "" && posted.BotID == self.BotID {
		return bot.Event{}, false, nil
	}
	if posted.TS == "" || ev.Channel == "" {
		return bot.Event{}, false, nil
	}
	ev.User = posted.User
	if ev.User == "" {
		ev.User = posted.BotID
	}
	ev.MessageID = posted.TS
	if posted.ThreadTS != "" && posted.ThreadTS != posted.TS {
		ev.ThreadID = posted.ThreadTS
		ev.ReplyToBot = self.UserID != "" && posted.ParentUserID == self.UserID
	}
	ev.Text = unescape(posted.Text)
	if ev.MentionsBot {
		ev.Text = strings.TrimSpace(stripMention(ev.Text, self.UserID))
	}
	ev.Time = tsTime(posted.TS)
	ev.ChannelName = a.channelName(ctx, ev.Channel, m.ChannelType)
	if posted.User != "" {
		ev.UserName = a.userName(ctx, posted.User)
	}
	ev.Files = append(extraTexts(posted, a.cfg.MaxFileBytes), a.fetchFiles(ctx, ev.Channel, posted)...)
	return ev, true, nil
}

func mentions(text, userID string) bool {
	return userID != "" && (strings.Contains(text, "<@"+userID+">") || strings.Contains(text, "<@"+userID+"|"))
}

// userMention matches a Slack user mention, <@U123> or <@U123|name>.
var userMention = regexp.MustCompile(`<@([^>|]+)(\|[^>]*)?>`)

func stripMention(text, userID string) string {
	if userID == "" {
		return text
	}
	return userMention.ReplaceAllStringFunc(text, func(m string) string {
		if userMention.FindStringSubmatch(m)[1] == userID {
			return ""
		}
		return m
	})
}

// tsTime reads a Slack timestamp ("1712345678.000200").
func tsTime(ts string) time.Time {
	sec, frac, _ := strings.Cut(ts, ".")
	s, err := strconv.ParseInt(sec, 10, 64)
	if err != nil {
		return time.Now()
	}
	us, _ := strconv.ParseInt((frac + "000000")[:6], 10, 64)
	return time.Unix(s, us*1000)
}

// commandEvent translates a slash command.
func commandEvent(cmd slackapi.SlashCommand) bot.Event {
	return bot.Event{
		Kind: bot.Command, Platform: Platform, Workspace: cmd.TeamID,
		Channel: cmd.ChannelID, ChannelName: channelNameOrEmpty(cmd.ChannelName),
		User: cmd.UserID, UserName: cmd.UserName,
		Command: strings.TrimPrefix(cmd.Command, "/"), Text: unescape(cmd.Text),
		Direct: cmd.ChannelName == "directmessage", Interaction: cmd.ResponseURL, Time: time.Now(),
	}
}

// commandID is the delivery id a slash command is de-duplicated by, ""
// (no de-duplication) without a trigger_id.
func commandID(cmd slackapi.SlashCommand) string {
	if cmd.TriggerID == "" {
		return ""
	}
	return "command:" + cmd.TriggerID
}

func channelNameOrEmpty(n string) string {
	switch n {
	case "directmessage", "privategroup", "mpdm":
		return ""
	}
	return n
}

// channelName returns a channel's name (conversations.info, cached); "" for
// direct messages or when it cannot be read.
func (a *Adapter) channelName(ctx context.Context, id, channelType string) string {
	if channelType == "im" || strings.HasPrefix(id, "D") {
		return ""
	}
	if v, ok := a.chanName.get(id); ok {
		return v.(string)
	}
	var ch *slackapi.Channel
	err := a.retryRead(ctx, "conversations.info", func() error {
		var err error
		ch, err = a.api.GetConversationInfoContext(ctx, &slackapi.GetConversationInfoInput{ChannelID: id})
		return err
	})
	if err != nil || ch == nil {
		a.log.Debug("channel name unavailable", "channel", id, "err", err)
		return ""
	}
	a.chanName.put(id, ch.Name)
	a.chanID.put(strings.ToLower(ch.Name), id)
	return ch.Name
}

// userName returns a user's display name (users.info, cached).
func (a *Adapter) userName(ctx context.Context, id string) string {
	if v, ok := a.users.get(id); ok {
		return v.(string)
	}
	var u *slackapi.User
	err := a.retryRead(ctx, "users.info", func() error {
		var err error
		u, err = a.api.GetUserInfoContext(ctx, id)
		return err
	})
	if err != nil || u == nil {
		a.log.Debug("user name unavailable", "user", id, "err", err)
		return ""
	}
	name := u.Profile.DisplayName
	if name == "" {
		name = u.RealName
	}
	if name == "" {
		name = u.Name
	}
	a.users.put(id, name)
	return name
}

// fetchFiles reads the files shared in a message that bot.Attachments
// says are scanned, and remembers their ids so that a takedown deletes
// them with the message. What it read (or found not to be scanned) is
// cached by file id: a redelivery or an edit of the message reads nothing
// again.
func (a *Adapter) fetchFiles(ctx context.Context, channel string, m *message) []bot.File {
	if len(m.Files) == 0 {
		return nil
	}
	var out []bot.File
	var ids []string
	for i, ref := range m.Files {
		if i == maxFilesPerMessage {
			a.log.Warn("message has too many files; scanning the first ones", "channel", channel, "files", len(m.Files))
			break
		}
		if ref.ID == "" {
			continue
		}
		ids = append(ids, ref.ID)
		f, err := a.texts.Get(ctx, ref.ID, func() (*bot.File, error) {
			f, err := a.fetchFile(ctx, ref.ID)
			if errors.Is(err, bot.ErrFileTooLarge) || errors.Is(err, bot.ErrBinaryFile) {
				// Remembered as not to be scanned.
				a.log.Warn("shared file not scanned", "channel", channel, "file", ref.ID, "err", err)
				return nil, nil
			}
			return f, err
		})
		if err != nil {
			a.log.Warn("shared file not scanned", "channel", channel, "file", ref.ID, "err", err)
			continue
		}
		if f != nil {
			out = append(out, *f)
		}
	}
	if len(ids) > 0 {
		a.files.put(fileKey(channel, m.TS), ids)
	}
	return out
}

// attachments is the core's rule for which files are scanned.
func (a *Adapter) attachments() bot.Attachments { return bot.Attachments{MaxBytes: a.cfg.MaxFileBytes} }

func (a *Adapter) fetchFile(ctx context.Context, id string) (*bot.File, error) {
	var f *slackapi.File
	err := a.retryRead(ctx, "files.info", func() error {
		var err error
		f, _, _, err = a.api.GetFileInfoContext(ctx, id, 0, 0)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("files.info: %w", err)
	}
	if f == nil || f.IsExternal || f.Mode == "external" || f.Mode == "tombstone" {
		return nil, nil
	}
	name := f.Name
	if name == "" {
		name = f.Title
	}
	rule := a.attachments()
	if ok, err := rule.Wanted(bot.Attachment{Name: name, MIME: f.Mimetype, Size: f.Size,
		Text: f.Mode == "snippet" || textFileTypes[strings.ToLower(f.Filetype)]}); !ok {
		return nil, err
	}
	src := f.URLPrivateDownload
	if src == "" {
		src = f.URLPrivate
	}
	if !a.trustedFileURL(src) {
		return nil, errors.New("file URL is not on a Slack host: not sending the bot token there")
	}
	var data []byte
	err = a.retryRead(ctx, "file download", func() error {
		var err error
		data, err = a.download(ctx, src, rule.Limit())
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("download: %w", err)
	}
	file, err := rule.File(name, data)
	if err != nil {
		return nil, err
	}
	return &file, nil
}

// download fetches a private file with the bot token, reading at most
// one byte more than limit (for the core's rule to see it is over).
func (a *Adapter) download(ctx context.Context, src string, limit int) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, src, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+a.cfg.BotToken)
	resp, err := a.http.Do(req)
	if err != nil {
		return nil, errors.New("request failed")
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusTooManyRequests {
		d, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
		return nil, &slackapi.RateLimitedError{RetryAfter: time.Duration(max(d, 1)) * time.Second}
	}
	if resp.StatusCode != http.StatusOK {
		return nil, slackapi.StatusCodeError{Code: resp.StatusCode, Status: resp.Status}
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, int64(limit)+1))
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	return data, nil
}

// trustedFileURL accepts files.slack.com (and other *.slack.com hosts)
// over HTTPS, and the configured API host.
func (a *Adapter) trustedFileURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return false
	}
	if u.Scheme == "https" && (u.Hostname() == "slack.com" || strings.HasSuffix(u.Hostname(), ".slack.com") || strings.HasSuffix(u.Hostname(), ".slack-edge.com")) {
		return true
	}
	return u.Scheme == a.apiURL.Scheme && u.Host == a.apiURL.Host
}

// textFileTypes are Slack's file types of text: a file of one of them is
// reported to the core as text (bot.Attachment.Text).
var textFileTypes = map[string]bool{
	"text": true, "plain": true, "markdown": true, "post": true, "javascript": true, "json": true, "yaml": true,
	"python": true, "go": true, "shell": true, "ruby": true, "java": true, "php": true, "typescript": true,
	"csharp": true, "cpp": true, "c": true, "rust": true, "kotlin": true, "swift": true, "sql": true, "xml": true,
	"html": true, "css": true, "diff": true, "dockerfile": true, "toml": true, "ini": true, "properties": true,
	"powershell": true, "bash": true, "scala": true, "perl": true, "lua": true, "r": true, "groovy": true,
	"terraform": true, "hcl": true, "env": true,
}

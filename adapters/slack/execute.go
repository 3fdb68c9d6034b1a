package slack

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	slackapi "github.com/slack-go/slack"

	"github.com/tokenbot/tokenbot/bot"
	"github.com/tokenbot/tokenbot/bot/safeurl"
)

// Execute carries out one action (bot.Executor). Failures are mapped to the
// core's errors: bot.ErrPermission (no admin token, cant_delete_message,
// missing_scope…), bot.ErrNotFound (message_not_found…), bot.ErrUnsupported
// (an ephemeral message to someone not in the channel) and
// *bot.RateLimitError (HTTP 429, honouring Retry-After).
func (a *Adapter) Execute(ctx context.Context, act bot.Action) error {
	var err error
	switch act.Kind {
	case bot.Reply:
		err = a.reply(ctx, act)
	case bot.PrivateReply:
		err = a.privateReply(ctx, act)
	case bot.Delete:
		err = a.delete(ctx, act)
	case bot.DirectMessage:
		err = a.directMessage(ctx, act)
	case bot.Notice:
		err = a.notice(ctx, act)
	default:
		err = fmt.Errorf("%w: %s", bot.ErrUnsupported, act.Kind)
	}
	if err != nil {
		return fmt.Errorf("slack %s: %w", act.Kind, err)
	}
	return nil
}

func messageOptions(act bot.Action) []slackapi.MsgOption {
	opts := []slackapi.MsgOption{
		slackapi.MsgOptionText(text(act), false),
		slackapi.MsgOptionBlocks(blocksFor(act)...),
		slackapi.MsgOptionDisableLinkUnfurl(),
		slackapi.MsgOptionDisableMediaUnfurl(),
	}
	if act.ThreadID != "" {
		opts = append(opts, slackapi.MsgOptionTS(act.ThreadID))
	}
	return opts
}

func (a *Adapter) reply(ctx context.Context, act bot.Action) error {
	if act.Channel == "" {
		return fmt.Errorf("%w: reply without a channel", bot.ErrUnsupported)
	}
	if strings.HasPrefix(act.Channel, "D") && act.ThreadID == act.MessageID {
		// In a direct message the answer follows the question.
		act.ThreadID = ""
	}
	_, _, err := a.api.PostMessageContext(ctx, act.Channel, messageOptions(act)...)
	return mapErr(err)
}

// privateReply answers through the interaction's response_url when there
// is one (slash commands: works even where the bot is not a member), else
// with chat.postEphemeral.
func (a *Adapter) privateReply(ctx context.Context, act bot.Action) error {
	if act.Interaction != "" {
		if !a.trustedResponseURL(act.Interaction) {
			a.log.Warn("ignoring an untrusted response_url")
		} else {
			err := a.respond(ctx, act.Interaction, &slackapi.WebhookMessage{
				ResponseType: slackapi.ResponseTypeEphemeral,
				Text:         text(act),
				Blocks:       &slackapi.Blocks{BlockSet: blocksFor(act)},
			})
			if err == nil {
				return nil
			}
			var rl *bot.RateLimitError
			if errors.As(err, &rl) {
				return err
			}
			a.log.Warn("response_url failed, falling back to chat.postEphemeral", "channel", act.Channel, "err", err)
		}
	}
	if act.Channel == "" || act.User == "" {
		return fmt.Errorf("%w: ephemeral message without channel or user", bot.ErrUnsupported)
	}
	opts := messageOptions(act)[:2]
	if act.ThreadID != "" {
		opts = append(opts, slackapi.MsgOptionTS(act.ThreadID))
	}
	_, err := a.api.PostEphemeralContext(ctx, act.Channel, act.User, opts...)
	switch code := errorCode(err); code {
	case "user_not_in_channel", "not_in_channel", "channel_not_found", "is_archived", "cannot_dm_bot", "user_not_found":
		// The core falls back to a direct message.
		return fmt.Errorf("%w: cannot post an ephemeral message here (slack %s)", bot.ErrUnsupported, code)
	}
	return mapErr(err)
}

// respond posts to a response_url.
func (a *Adapter) respond(ctx context.Context, responseURL string, msg *slackapi.WebhookMessage) error {
	return mapErr(slackapi.PostWebhookCustomHTTPContext(ctx, responseURL, a.http, msg))
}

// trustedResponseURL accepts Slack's hooks host and, for proxies and
// tests, the configured API host.
func (a *Adapter) trustedResponseURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return false
	}
	if u.Scheme == "https" && (u.Hostname() == "hooks.slack.com" || strings.HasSuffix(u.Hostname(), ".slack.com")) {
		return true
	}
	return u.Scheme == a.apiURL.Scheme && u.Host == a.apiURL.Host
}

// delete removes a message, and the files shared with it, with the admin
// user token: a bot token can delete only the bot's own messages.
func (a *Adapter) delete(ctx context.Context, act bot.Action) error {
	if a.admin == nil {
		return fmt.Errorf("%w: no admin token (%s): a bot token can delete only the bot's own messages", bot.ErrPermission, EnvAdminToken)
	}
	if act.Channel == "" || act.MessageID == "" {
		return fmt.Errorf("%w: delete without channel or message id", bot.ErrUnsupported)
	}
	key := fileKey(act.Channel, act.MessageID)
	files, ok := a.files.get(key)
	if !ok {
		// A takedown resumed by another process: ask Slack which files the
		// message shares before it is gone, once for all its attempts.
		if ids, ok := a.lookupFiles(ctx, act.Channel, act.MessageID); ok {
			files = ids
			a.files.put(key, ids)
		}
	}
	_, _, err := a.admin.DeleteMessageContext(ctx, act.Channel, act.MessageID)
	gone := false
	switch code := errorCode(err); code {
	case "":
	case "message_not_found":
		gone = true
	case "channel_not_found":
		// The admin cannot see the channel (a private channel it is not
		// in): the message is still there.
		return fmt.Errorf("%w: the admin user cannot see this channel (slack channel_not_found); add them to it", bot.ErrPermission)
	default:
		return mapErr(err)
	}
	if ids, _ := files.([]string); len(ids) > 0 {
		for _, id := range ids {
			err := a.admin.DeleteFileContext(ctx, id)
			switch errorCode(err) {
			case "", "file_not_found", "file_deleted":
			default:
				return fmt.Errorf("delete shared file: %w", mapErr(err))
			}
		}
		a.files.del(key)
	}
	if gone {
		return fmt.Errorf("%w: message already deleted", bot.ErrNotFound)
	}
	return nil
}

func fileKey(channel, ts string) string { return channel + "/" + ts }

// lookupFiles returns the ids of the files shared with a message, read from
// Slack (conversations.replies finds a message in or out of a thread), and
// whether Slack answered. A failure is logged: the message is deleted all
// the same.
func (a *Adapter) lookupFiles(ctx context.Context, channel, ts string) ([]string, bool) {
	msgs, _, _, err := a.api.GetConversationRepliesContext(ctx, &slackapi.GetConversationRepliesParameters{
		ChannelID: channel, Timestamp: ts, Oldest: ts, Latest: ts, Inclusive: true, Limit: 10})
	if err != nil {
		a.log.Warn("could not look up the files of a message to delete", "channel", channel, "message", ts, "err", mapErr(err))
		return nil, false
	}
	var ids []string
	for _, m := range msgs {
		if m.Timestamp != ts {
			continue
		}
		for _, f := range m.Files {
			ids = append(ids, f.ID)
		}
	}
	return ids, true
}

func (a *Adapter) directMessage(ctx context.Context, act bot.Action) error {
	if act.User == "" {
		return fmt.Errorf("%w: direct message without a user", bot.ErrUnsupported)
	}
	ch, err := a.dmChannel(ctx, act.User)
	if err != nil {
		return err
	}
	act.ThreadID = ""
	_, _, err = a.api.PostMessageContext(ctx, ch, messageOptions(act)...)
	if code := errorCode(err); code == "channel_not_found" || code == "is_archived" {
		a.dms.del(act.User)
	}
	return mapErr(err)
}

func (a *Adapter) dmChannel(ctx context.Context, user string) (string, error) {
	if v, ok := a.dms.get(user); ok {
		return v.(string), nil
	}
	ch, _, _, err := a.api.OpenConversationContext(ctx, &slackapi.OpenConversationParameters{Users: []string{user}, ReturnIM: true})
	switch code := errorCode(err); code {
	case "":
	case "cannot_dm_bot", "user_not_found", "user_disabled", "not_allowed_token_type":
		return "", fmt.Errorf("%w: cannot open a direct message (slack %s)", bot.ErrUnsupported, code)
	default:
		return "", mapErr(err)
	}
	if ch == nil || ch.ID == "" {
		return "", errors.New("conversations.open returned no channel")
	}
	a.dms.put(user, ch.ID)
	return ch.ID, nil
}

// notice posts in a channel named by id (C…) or by name ("security",
// "#security"). Names are resolved through conversations.list, cached.
func (a *Adapter) notice(ctx context.Context, act bot.Action) error {
	ch, err := a.resolveChannel(ctx, act.Channel)
	if err != nil {
		return err
	}
	act.Channel, act.ThreadID = ch, ""
	_, _, err = a.api.PostMessageContext(ctx, ch, messageOptions(act)...)
	if code := errorCode(err); code == "channel_not_found" || code == "not_in_channel" {
		return fmt.Errorf("%w: cannot post in channel %q (slack %s): invite the bot there, or set security_channel to its id", bot.ErrNotFound, act.Channel, code)
	}
	return mapErr(err)
}

var channelIDPattern = regexp.MustCompile(`^[CGD][A-Z0-9]{6,}$`)

func (a *Adapter) resolveChannel(ctx context.Context, ch string) (string, error) {
	name := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(ch), "#"))
	if name == "" {
		return "", fmt.Errorf("%w: empty channel", bot.ErrNotFound)
	}
	if channelIDPattern.MatchString(strings.TrimPrefix(strings.TrimSpace(ch), "#")) {
		return strings.TrimPrefix(strings.TrimSpace(ch), "#"), nil
	}
	if v, ok := a.chanID.get(name); ok {
		return v.(string), nil
	}
	if err := a.listChannels(ctx); err != nil {
		return "", err
	}
	if v, ok := a.chanID.get(name); ok {
		return v.(string), nil
	}
	// Not visible to the bot: chat.postMessage still accepts a public
	// channel's name.
	return "#" + name, nil
}

// listChannels caches the names of the channels the bot can see, at most
// once every five minutes.
func (a *Adapter) listChannels(ctx context.Context) error {
	a.listMu.Lock()
	defer a.listMu.Unlock()
	if !a.listedAt.IsZero() && time.Since(a.listedAt) < 5*time.Minute {
		return nil
	}
	params := &slackapi.GetConversationsParameters{Types: []string{"public_channel", "private_channel"}, ExcludeArchived: true, Limit: 1000}
	for page := 0; page < 50; page++ {
		var chans []slackapi.Channel
		var next string
		err := a.retryRead(ctx, "conversations.list", func() error {
			var err error
			chans, next, err = a.api.GetConversationsContext(ctx, params)
			return err
		})
		if err != nil {
			return fmt.Errorf("list channels: %w", err)
		}
		for _, c := range chans {
			a.chanID.put(strings.ToLower(c.Name), c.ID)
			a.chanName.put(c.ID, c.Name)
		}
		if next == "" {
			break
		}
		params.Cursor = next
	}
	a.listedAt = time.Now()
	return nil
}

// errorCode returns Slack's error code ("cant_delete_message"), or "".
func errorCode(err error) string {
	var se slackapi.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err
	}
	if err != nil {
		return "other"
	}
	return ""
}

var (
	permissionCodes = map[string]bool{
		"cant_delete_message": true, "cant_delete_file": true, "missing_scope": true, "not_allowed_token_type": true,
		"no_permission": true, "restricted_action": true, "restricted_action_read_only_channel": true,
		"restricted_action_thread_only_channel": true, "restricted_action_non_threadable_channel": true,
		"invalid_auth": true, "not_authed": true, "account_inactive": true, "token_revoked": true, "token_expired": true,
		"ekm_access_denied": true, "access_denied": true, "not_in_channel": true, "team_access_not_granted": true,
		"compliance_exports_prevent_deletion": true, "org_login_required": true, "as_user_not_supported": true,
	}
	notFoundCodes = map[string]bool{
		"message_not_found": true, "channel_not_found": true, "thread_not_found": true, "is_archived": true,
		"file_not_found": true, "file_deleted": true, "user_not_found": true,
	}
)

// mapErr maps a slack-go error to the core's errors. Slack error codes are
// safe to show: they never hold a token or message text.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	var brl *bot.RateLimitError
	if errors.As(err, &brl) || errors.Is(err, bot.ErrPermission) || errors.Is(err, bot.ErrNotFound) || errors.Is(err, bot.ErrUnsupported) {
		return err
	}
	var rl *slackapi.RateLimitedError
	if errors.As(err, &rl) {
		d := rl.RetryAfter
		if d <= 0 {
			d = time.Second
		}
		return &bot.RateLimitError{RetryAfter: d}
	}
	var sc slackapi.StatusCodeError
	if errors.As(err, &sc) {
		switch {
		case sc.Code == http.StatusTooManyRequests:
			return &bot.RateLimitError{RetryAfter: time.Second}
		case sc.Code == http.StatusUnauthorized || sc.Code == http.StatusForbidden:
			return fmt.Errorf("%w: slack http %d", bot.ErrPermission, sc.Code)
		case sc.Code == http.StatusNotFound:
			return fmt.Errorf("%w: slack http %d", bot.ErrNotFound, sc.Code)
		}
		return fmt.Errorf("slack http %d: %w", sc.Code, safeurl.Error(err))
	}
	var se slackapi.SlackErrorResponse
	if errors.As(err, &se) {
		switch {
		case se.Err == "ratelimited":
			return &bot.RateLimitError{RetryAfter: time.Second}
		case se.Err == "missing_scope" && se.Needed != "":
			return fmt.Errorf("%w: slack missing_scope (needs %s)", bot.ErrPermission, se.Needed)
		case permissionCodes[se.Err]:
			return fmt.Errorf("%w: slack %s", bot.ErrPermission, se.Err)
		case notFoundCodes[se.Err]:
			return fmt.Errorf("%w: slack %s", bot.ErrNotFound, se.Err)
		}
		return fmt.Errorf("slack %s", se.Err)
	}
	// A transport error quotes its URL: a response_url, or the Socket
	// Mode URL with its ticket in the query.
	return safeurl.Error(err)
}

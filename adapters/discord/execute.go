package discord

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/tokenbot/tokenbot/bot"
	"github.com/tokenbot/tokenbot/bot/msg"
	"github.com/tokenbot/tokenbot/bot/safeurl"
)

// Discord's JSON error codes the adapter maps.
const (
	codeUnknownChannel     = 10003
	codeUnknownMessage     = 10008
	codeUnknownWebhook     = 10015
	codeUnknownInteraction = 10062
	codeMissingAccess      = 50001
	codeDMChannel          = 50003
	codeCannotDM           = 50007
	codeMissingPermissions = 50013
)

// maxContent is Discord's message length limit.
const maxContent = 2000

// Execute carries out one action.
func (a *Adapter) Execute(ctx context.Context, act bot.Action) error {
	switch act.Kind {
	case bot.Reply:
		if act.Interaction != "" {
			return a.respond(ctx, act, false)
		}
		return a.send(ctx, "reply", act.Channel, act.MessageID, a.content(act))
	case bot.PrivateReply:
		if act.Interaction == "" {
			return fmt.Errorf("discord: ephemeral reply outside an interaction: %w", bot.ErrUnsupported)
		}
		return a.respond(ctx, act, true)
	case bot.Delete:
		opts := []discordgo.RequestOption{discordgo.WithContext(ctx)}
		if act.Reason != "" {
			opts = append(opts, discordgo.WithAuditLogReason(auditReason(act.Reason)))
		}
		if err := a.s.ChannelMessageDelete(act.Channel, act.MessageID, opts...); err != nil {
			return fmt.Errorf("discord: delete message: %w", mapErr(err))
		}
		return nil
	case bot.DirectMessage:
		ch, err := a.s.UserChannelCreate(act.User, discordgo.WithContext(ctx))
		if err != nil {
			return fmt.Errorf("discord: open direct message: %w", mapErr(err))
		}
		return a.send(ctx, "direct message", ch.ID, "", a.content(act))
	case bot.Notice:
		target := act.Channel
		if target == "" {
			target = a.cfg.SecurityChannel
		}
		guild := ""
		if act.Plan != nil {
			guild = act.Plan.Key.Workspace
		}
		id, err := a.resolveChannel(ctx, guild, target)
		if err != nil {
			return err
		}
		if act.Say != nil {
			return a.sendMessage(ctx, "notice", id, "", &discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{embed(*act.Say)}})
		}
		return a.send(ctx, "notice", id, "", a.content(act))
	default:
		return fmt.Errorf("discord: action %q: %w", act.Kind, bot.ErrUnsupported)
	}
}

// send posts a message, as a reply to replyTo when set.
func (a *Adapter) send(ctx context.Context, what, channel, replyTo, content string) error {
	return a.sendMessage(ctx, what, channel, replyTo, &discordgo.MessageSend{Content: content})
}

// sendMessage posts msg, pinging no one, as a reply to replyTo when set.
func (a *Adapter) sendMessage(ctx context.Context, what, channel, replyTo string, msg *discordgo.MessageSend) error {
	msg.AllowedMentions = &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
	if replyTo != "" {
		no := false
		msg.Reference = &discordgo.MessageReference{MessageID: replyTo, ChannelID: channel, FailIfNotExists: &no}
		msg.AllowedMentions.RepliedUser = true
	}
	if _, err := a.s.ChannelMessageSendComplex(channel, msg, discordgo.WithContext(ctx)); err != nil {
		return fmt.Errorf("discord: send %s: %w", what, mapErr(err))
	}
	return nil
}

// resolveChannel turns a channel id or name into an id, looking names up
// in the guild.
func (a *Adapter) resolveChannel(ctx context.Context, guild, target string) (string, error) {
	target = strings.TrimPrefix(strings.TrimSpace(target), "#")
	if target == "" {
		return "", fmt.Errorf("discord: notice: no channel: %w", bot.ErrNotFound)
	}
	if isSnowflake(target) {
		return target, nil
	}
	if guild == "" {
		return "", fmt.Errorf("discord: notice: channel %q named outside a guild; configure its id: %w", target, bot.ErrNotFound)
	}
	key := guild + "\x00" + strings.ToLower(target)
	a.mu.Lock()
	id, ok := a.channelNames[key]
	a.mu.Unlock()
	if ok {
		return id, nil
	}
	chans, err := a.s.GuildChannels(guild, discordgo.WithContext(ctx))
	if err != nil {
		return "", fmt.Errorf("discord: list channels: %w", mapErr(err))
	}
	for _, c := range chans {
		if c != nil && strings.EqualFold(c.Name, target) && (c.Type == discordgo.ChannelTypeGuildText || c.Type == discordgo.ChannelTypeGuildNews) {
			a.mu.Lock()
			a.channelNames[key] = c.ID
			a.mu.Unlock()
			return c.ID, nil
		}
	}
	return "", fmt.Errorf("discord: no text channel named %q in guild %s: %w", target, guild, bot.ErrNotFound)
}

func isSnowflake(s string) bool {
	if len(s) < 15 || len(s) > 21 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// auditReason fits a reason into X-Audit-Log-Reason: URL-encoded, at most
// 512 characters.
func auditReason(r string) string {
	r = truncate(r, 512)
	for len(url.PathEscape(r)) > 512*3 {
		r = truncate(r, utf8.RuneCountInString(r)-16)
	}
	return url.PathEscape(r)
}

// style renders the core's messages in Discord markdown: **bold**,
// Unicode emoji for a level, mentions and channel links by id (the
// messages ping no one), links that unfurl no preview.
var style = msg.Style{
	Verbatim: discordMarkdown,
	Code:     func(s string) string { return "`" + strings.ReplaceAll(s, "`", "ˋ") + "`" },
	Strong:   func(s string) string { return "**" + s + "**" },
	Emphasis: func(s string) string { return "*" + s + "*" },
	Link:     func(u string) string { return "<" + u + ">" },
	User: func(u msg.User) string {
		if isSnowflake(u.ID) {
			return "<@" + u.ID + ">"
		}
		return msg.NamedUser(u)
	},
	Channel: func(c msg.Channel) string {
		if isSnowflake(c.ID) {
			return "<#" + c.ID + ">"
		}
		return msg.NamedChannel(c)
	},
	Mark: func(l msg.Level, _ string) string {
		if l == msg.Alert {
			return "🚨 "
		}
		return "⚠️ "
	},
}

// Embed colours by level.
const (
	colourWarning = 0xE67E22
	colourAlert   = 0xE74C3C
	colourInfo    = 0x5865F2
)

// embed renders a notice as an embed: the level's emoji and the title
// as its title, the rest as its description.
func embed(d msg.Doc) *discordgo.MessageEmbed {
	e := &discordgo.MessageEmbed{Color: colourInfo}
	switch d.Level {
	case msg.Warning:
		e.Color = colourWarning
	case msg.Alert:
		e.Color = colourAlert
	}
	rest := d
	if len(d.Parts) > 0 && d.Parts[0].Role == msg.Title {
		title := msg.Default.Part(d.Lang, msg.Part{Role: msg.Para, Msg: d.Parts[0].Msg, Verbatim: d.Parts[0].Verbatim}, msg.Style{})
		if d.Level != msg.Info {
			title = style.Mark(d.Level, "") + title
		}
		e.Title = truncate(title, 256)
		rest.Parts, rest.Level = d.Parts[1:], msg.Info
	}
	e.Description = truncate(msg.Render(rest, style), 4096)
	return e
}

// content renders an action's text for Discord.
func (a *Adapter) content(act bot.Action) string {
	text, lang := discordMarkdown(act.Text), msg.FallbackLang
	if act.Say != nil {
		text, lang = act.Said(style), act.Say.Lang
	}
	if act.Tokens != nil && len(act.Tokens.Pieces) > 0 {
		text = withANSIBoundaries(text, lang, *act.Tokens)
	}
	return truncate(text, maxContent)
}

// truncate cuts s to at most n runes, marking the cut.
func truncate(s string, n int) string {
	if n <= 1 {
		return ""
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n-1]
	out := string(r) + "…"
	// Keep code blocks closed.
	if strings.Count(out, "```")%2 == 1 {
		r = []rune(s)[:max(0, n-5)]
		out = string(r) + "…\n```"
	}
	return out
}

// discordMarkdown turns the core's light Markdown (*bold*) into Discord's
// (**bold**) outside code.
func discordMarkdown(s string) string {
	var b strings.Builder
	inCode := false
	lines := strings.SplitAfter(s, "\n")
	for _, line := range lines {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			inCode = !inCode
			if strings.Count(line, "```") == 2 {
				inCode = !inCode
			}
			b.WriteString(line)
			continue
		}
		if inCode {
			b.WriteString(line)
			continue
		}
		b.WriteString(boldLine(line))
	}
	return b.String()
}

// boldLine doubles single asterisks that wrap a word run (*Title*), outside
// inline code.
func boldLine(line string) string {
	if !strings.Contains(line, "*") {
		return line
	}
	var b strings.Builder
	inCode := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '`':
			inCode = !inCode
			b.WriteByte(c)
		case c == '*' && !inCode:
			end := strings.IndexByte(line[i+1:], '*')
			if end > 0 && line[i+1] != ' ' && line[i+end] != ' ' && !strings.Contains(line[i+1:i+1+end], "`") {
				b.WriteString("**" + line[i+1:i+1+end] + "**")
				i += end + 1
				continue
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// mapErr translates discordgo errors into the core's. The result never
// holds the request URL (interaction URLs carry a token) nor the body.
func mapErr(err error) error {
	var rl *discordgo.RateLimitError
	if errors.As(err, &rl) && rl.RateLimit != nil && rl.TooManyRequests != nil {
		return &bot.RateLimitError{RetryAfter: rl.RetryAfter}
	}
	var re *discordgo.RESTError
	if errors.As(err, &re) {
		status, code, msg := 0, 0, ""
		if re.Response != nil {
			status = re.Response.StatusCode
		}
		if re.Message != nil {
			code, msg = re.Message.Code, re.Message.Message
		}
		desc := fmt.Sprintf("HTTP %d", status)
		if code != 0 {
			desc += fmt.Sprintf(" code %d", code)
		}
		if msg != "" {
			desc += " (" + truncate(msg, 120) + ")"
		}
		switch {
		case code == codeMissingPermissions || code == codeMissingAccess || code == codeCannotDM || code == codeDMChannel:
			return fmt.Errorf("%s: %w", desc, bot.ErrPermission)
		case code == codeUnknownMessage || code == codeUnknownChannel || code == codeUnknownWebhook || code == codeUnknownInteraction:
			return fmt.Errorf("%s: %w", desc, bot.ErrNotFound)
		case status == http.StatusForbidden || status == http.StatusUnauthorized:
			return fmt.Errorf("%s: %w", desc, bot.ErrPermission)
		case status == http.StatusNotFound:
			return fmt.Errorf("%s: %w", desc, bot.ErrNotFound)
		}
		return errors.New(desc)
	}
	return safeurl.Error(err)
}

package discord

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/tokenbot/tokenbot/bot"
	"github.com/tokenbot/tokenbot/bot/msg"
	"github.com/tokenbot/tokenbot/bot/tokens"
)

// Interaction states.
const (
	pending  = iota // nothing sent yet
	deferred        // "thinking…" sent; the answer edits it
	answered        // further answers are follow-up messages
)

type interaction struct {
	mu    sync.Mutex
	ix    discordgo.Interaction
	state int
}

// sorry answers an interaction whose handling produced no reply, in the
// language of the user's Discord client (zh-CN, zh-TW: Chinese).
func sorry(loc discordgo.Locale) string {
	lang := "en"
	if strings.HasPrefix(string(loc), "zh") {
		lang = "zh"
	}
	return msg.Text(lang, msg.Message{ID: "discord.sorry"}, msg.Style{})
}

// onInteraction runs /tokens through the core, which de-duplicates it by
// the interaction's id. The answer comes back through Execute as a
// PrivateReply carrying the interaction; when the work takes longer than
// deferAfter, the interaction is deferred first (ephemerally), so that
// Discord's 3-second deadline is always met.
func (a *Adapter) onInteraction(ctx context.Context, in Intake, ix *discordgo.Interaction) {
	if ix == nil || ix.Type != discordgo.InteractionApplicationCommand {
		return
	}
	data, ok := ix.Data.(discordgo.ApplicationCommandInteractionData)
	if !ok || data.Name != "tokens" {
		return
	}
	ev := bot.Event{Kind: bot.Command, Command: "tokens", Platform: Platform, Workspace: ix.GuildID,
		Channel: ix.ChannelID, Direct: ix.GuildID == "", Interaction: ix.ID + ":" + ix.Token, Time: time.Now()}
	if u := ix.Member; u != nil && u.User != nil {
		ev.User, ev.UserName = u.User.ID, u.User.Username
	} else if ix.User != nil {
		ev.User, ev.UserName = ix.User.ID, ix.User.Username
	}
	var text, model string
	for _, o := range data.Options {
		if o == nil || o.Type != discordgo.ApplicationCommandOptionString {
			continue
		}
		switch o.Name {
		case "text":
			text = o.StringValue()
		case "model":
			model = o.StringValue()
		}
	}
	if model != "" && !strings.ContainsAny(model, " \t\n") {
		ev.Text = "model=" + model + " " + text
	} else {
		ev.Text = text
	}

	st := &interaction{ix: *ix}
	a.mu.Lock()
	if a.interactions[ix.ID] != nil {
		// Delivered again while the first delivery is being answered.
		a.mu.Unlock()
		return
	}
	a.interactions[ix.ID] = st
	a.mu.Unlock()
	defer func() {
		a.mu.Lock()
		delete(a.interactions, ix.ID)
		a.mu.Unlock()
	}()
	var timer *time.Timer
	if a.deferAfter <= 0 {
		a.deferInteraction(ctx, st)
	} else {
		timer = time.AfterFunc(a.deferAfter, func() { a.deferInteraction(ctx, st) })
	}
	err := in.Handle(ctx, ev, "interaction:"+ix.ID)
	if timer != nil {
		timer.Stop()
	}
	if errors.Is(err, bot.ErrDuplicate) {
		return // answered by the delivery that came first
	}
	if err != nil {
		a.log.Error("handling /tokens failed", "channel", ix.ChannelID, "err", err)
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.state != answered {
		if err := a.answer(ctx, st, sorry(ix.Locale), true); err != nil {
			a.log.Warn("could not answer the interaction", "err", err)
		}
	}
}

func (a *Adapter) deferInteraction(ctx context.Context, st *interaction) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.state != pending {
		return
	}
	err := a.s.InteractionRespond(&st.ix, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral},
	}, discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(true))
	if err != nil {
		a.log.Warn("could not defer the interaction", "err", mapErr(err))
		return
	}
	st.state = deferred
}

// respond answers an interaction: its first answer, the edit of a
// deferred answer, or a follow-up message.
func (a *Adapter) respond(ctx context.Context, act bot.Action, ephemeral bool) error {
	id, token, ok := strings.Cut(act.Interaction, ":")
	if !ok || id == "" || token == "" {
		return fmt.Errorf("discord: malformed interaction handle: %w", bot.ErrUnsupported)
	}
	a.mu.Lock()
	st := a.interactions[id]
	appID := a.appID
	a.mu.Unlock()
	if st == nil {
		// Handling is over: the first answer was sent long ago.
		st = &interaction{ix: discordgo.Interaction{ID: id, Token: token, AppID: appID}, state: answered}
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	return a.answer(ctx, st, a.content(act), ephemeral)
}

// answer sends content for an interaction whose lock is held.
func (a *Adapter) answer(ctx context.Context, st *interaction, content string, ephemeral bool) error {
	var flags discordgo.MessageFlags
	if ephemeral {
		flags = discordgo.MessageFlagsEphemeral
	}
	none := &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
	var err error
	switch st.state {
	case pending:
		err = a.s.InteractionRespond(&st.ix, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Content: content, Flags: flags, AllowedMentions: none},
		}, discordgo.WithContext(ctx))
	case deferred:
		_, err = a.s.InteractionResponseEdit(&st.ix, &discordgo.WebhookEdit{Content: &content, AllowedMentions: none},
			discordgo.WithContext(ctx))
	default:
		_, err = a.s.FollowupMessageCreate(&st.ix, true, &discordgo.WebhookParams{Content: content, Flags: flags, AllowedMentions: none},
			discordgo.WithContext(ctx))
	}
	if err != nil {
		return fmt.Errorf("discord: answer interaction: %w", mapErr(err))
	}
	st.state = answered
	return nil
}

// maxChoices is Discord's limit on an option's choices.
const maxChoices = 25

// tokensCommand is the /tokens application command.
func (a *Adapter) tokensCommand() (*discordgo.ApplicationCommand, error) {
	ids := a.cfg.Models
	if len(ids) == 0 {
		cat, err := tokens.DefaultCatalog()
		if err != nil {
			return nil, fmt.Errorf("discord: model catalog: %w", err)
		}
		for _, m := range cat.Models() {
			ids = append(ids, m.ID)
		}
	}
	var choices []*discordgo.ApplicationCommandOptionChoice
	seen := map[string]bool{}
	for _, id := range ids {
		if id == "" || seen[id] || utf8.RuneCountInString(id) > 100 {
			continue
		}
		seen[id] = true
		choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: id, Value: id})
		if len(choices) == maxChoices {
			break
		}
	}
	dm := true
	return &discordgo.ApplicationCommand{
		Name:                     "tokens",
		Description:              described("discord.command.tokens"),
		DescriptionLocalizations: ptr(localized("discord.command.tokens")),
		DMPermission:             &dm,
		Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionString, Name: "text", Required: true, MaxLength: 6000,
				Description:              described("discord.option.text"),
				DescriptionLocalizations: localized("discord.option.text")},
			{Type: discordgo.ApplicationCommandOptionString, Name: "model", Choices: choices,
				Description:              described("discord.option.model"),
				DescriptionLocalizations: localized("discord.option.model")},
		},
	}, nil
}

// locales are the Discord locales of the catalogue's languages other than
// English, the commands' default.
var locales = map[string]discordgo.Locale{"zh": discordgo.ChineseCN}

// described is a command's description in English, from the catalogue.
func described(id msg.ID) string { return msg.Text("en", msg.Message{ID: id}, msg.Style{}) }

// localized is a command's description in every other language of the
// catalogue that Discord has a locale for.
func localized(id msg.ID) map[discordgo.Locale]string {
	out := map[discordgo.Locale]string{}
	for _, lang := range msg.Default.Languages() {
		if loc, ok := locales[lang]; ok {
			out[loc] = msg.Text(lang, msg.Message{ID: id}, msg.Style{})
		}
	}
	return out
}

func ptr[T any](v T) *T { return &v }

// registerCommands installs /tokens with a bulk overwrite: running it
// again changes nothing.
func (a *Adapter) registerCommands(ctx context.Context) error {
	cmd, err := a.tokensCommand()
	if err != nil {
		return err
	}
	_, appID := a.ids()
	if _, err := a.s.ApplicationCommandBulkOverwrite(appID, a.cfg.DevGuild, []*discordgo.ApplicationCommand{cmd},
		discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(true)); err != nil {
		return fmt.Errorf("discord: register /tokens: %w", mapErr(err))
	}
	scope := "globally (may take up to an hour to appear)"
	if a.cfg.DevGuild != "" {
		scope = "in guild " + a.cfg.DevGuild
	}
	a.log.Info("registered /tokens " + scope)
	return nil
}

// ANSI colours the token pieces cycle through (Discord renders ```ansi).
var pieceColours = []string{"\x1b[0;34m", "\x1b[0;33m", "\x1b[0;32m", "\x1b[0;35m"}

const ansiReset = "\x1b[0m"

// withANSIBoundaries replaces the plain token-boundary view of a /tokens
// reply in lang by an ANSI-coloured one, each token in the next colour,
// cut to fit in one message.
func withANSIBoundaries(text, lang string, rep tokens.Report) string {
	head := text
	if i := strings.Index(text, "\n"+bot.BoundariesLabel(lang, rep.PiecesEncoding)); i >= 0 {
		head = text[:i]
	}
	label := "\n" + msg.Text(lang, msg.Message{ID: "report.boundaries_coloured", Fields: msg.Fields{"encoding": rep.PiecesEncoding}}, msg.Style{}) + "\n```ansi\n"
	tail := ansiReset + "\n```"
	budget := maxContent - utf8.RuneCountInString(head) - utf8.RuneCountInString(label) - utf8.RuneCountInString(tail) - 4
	if budget < 40 {
		return text
	}
	var b strings.Builder
	used := 0
	cut := rep.PiecesTruncated
	for i, p := range rep.Pieces {
		piece := pieceColours[i%len(pieceColours)] + strings.ReplaceAll(bot.VisibleWhitespace(p.Text), "```", "`\u200b`\u200b`")
		n := utf8.RuneCountInString(piece)
		if used+n > budget {
			cut = true
			break
		}
		b.WriteString(piece)
		used += n
	}
	if cut {
		b.WriteString(ansiReset + " …")
	}
	return head + label + b.String() + tail
}

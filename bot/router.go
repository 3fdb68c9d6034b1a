package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tokenbot/tokenbot/bot/estimate"
	"github.com/tokenbot/tokenbot/bot/leaks"
	"github.com/tokenbot/tokenbot/bot/ledger"
	"github.com/tokenbot/tokenbot/bot/tokens"
	"github.com/tokenbot/tokenbot/knowledge"
)

// Asker answers questions from the FAQ.
type Asker interface {
	Ask(ctx context.Context, question string, mode knowledge.Mode) (knowledge.Answer, error)
	Entry(id, lang string) (knowledge.Text, bool)
}

// Scanner finds credentials in text; *leaks.Scanner implements it. It
// stops when ctx is done and returns ctx's error, and reports a text it
// cannot scan with leaks.ErrTooLarge or leaks.ErrScanFailed.
type Scanner interface {
	ScanContext(ctx context.Context, text string) ([]leaks.Finding, error)
}

// Router turns an event into actions. It holds no platform state and is
// safe for concurrent use once built.
type Router struct {
	FAQ     Asker
	Counter *tokens.Counter
	Catalog *tokens.Catalog
	// Models are the models a /tokens report shows when none is named.
	Models  []tokens.Model
	Scanner Scanner
	Policy  leaks.Policy
	// FingerprintKey is the per-install HMAC key for secret fingerprints.
	FingerprintKey []byte
	// SecurityChannel receives takedown notices; empty disables them.
	SecurityChannel string
	// SecurityLang is the language of those notices ("en", "zh"; empty:
	// DefaultSecurityLang).
	SecurityLang string
	// PassiveChannels lists channel ids or names where the bot answers
	// questions it was not asked; "*" means every channel.
	PassiveChannels []string
	// MaxPieces caps the token-boundary view of a /tokens report.
	MaxPieces int
	// Estimates answers price, context and size questions with numbers
	// before the FAQ is asked; nil leaves every question to the FAQ.
	Estimates *estimate.Answerer
}

// Handle decides what to do about one event. Every message is scanned for
// credentials; a command goes to the token counter; a question to the FAQ.
func (r *Router) Handle(ctx context.Context, ev Event) ([]Action, error) {
	ev = Classify(ev)
	if IsSlashCommand(ev) {
		// Nothing to take down, and Tokens checks its size before it
		// scans.
		return r.command(ctx, ev, ev.Scan)
	}
	inText, found, err := r.scan(ctx, ev)
	if err != nil {
		// Cancelled: nothing is decided, and the event is to be
		// delivered again.
		return nil, err
	}
	// The text with its keys masked: what is answered, and what the
	// notices' language is detected from.
	question := leaks.Redact(ev.Text, inText)
	var acts []Action
	// A message others can see (it has an id; a slash command has none) is
	// taken down, whatever else it asks for.
	if plan := r.plan(ctx, ev, question, found); plan != nil {
		acts = append(acts, Action{Kind: Takedown, Channel: ev.Channel, User: ev.User, MessageID: ev.MessageID, Plan: plan})
		if plan.Decision == leaks.Takedown {
			// The message is going away: answering it would only draw
			// attention to it.
			return acts, nil
		}
	}
	if ev.Kind == Command {
		// The text is scanned: the command does not scan it again.
		cmd, err := r.command(ctx, ev, Scan{text: ev.Text, found: inText, done: true})
		return append(acts, cmd...), err
	}
	switch {
	case ev.Kind == Mention:
		if a, ok, err := r.computed(ctx, ev, question, false); ok || err != nil {
			return append(acts, a...), err
		}
		a, err := r.answer(ctx, ev, question, knowledge.Mention)
		if err != nil {
			return acts, err
		}
		acts = append(acts, a)
	case ev.Kind == Message && r.passive(ev):
		if a, ok, err := r.computed(ctx, ev, question, true); ok || err != nil {
			return append(acts, a...), err
		}
		ans, err := r.FAQ.Ask(ctx, question, knowledge.Passive)
		if err != nil {
			return acts, fmt.Errorf("passive answer: %w", err)
		}
		if ans.Answered {
			acts = append(acts, r.reply(ev, ans))
		}
	}
	return acts, nil
}

// Addressed reports whether ev addresses the bot, from the facts its
// adapter reported: a command, a mention of the bot, a direct message, or
// a reply to one of the bot's messages. An edit never does: only its leak
// scan runs.
func Addressed(ev Event) bool {
	if ev.Kind == Edit {
		return false
	}
	return ev.Kind == Command || ev.Command != "" || ev.Kind == Mention || ev.MentionsBot || ev.Direct || ev.ReplyToBot
}

// Classify decides what kind of event ev is, the same way for every
// platform: a platform's slash command (Command set) is a Command; a
// message that addresses the bot (Addressed) is a Mention, or a Command
// when its text spells one ("/tokens …", "tokens: …"); any other message
// is chatter, a Message, answered only in passive channels. Adapters
// report facts and leave Kind to this.
func Classify(ev Event) Event {
	switch {
	case ev.Kind == Edit:
	case ev.Kind == Command || ev.Command != "":
		ev.Kind = Command
		if ev.Command == "" {
			ev.Command = "tokens"
		}
	case Addressed(ev):
		ev.Kind = Mention
		if rest, ok := CommandText(ev.Text); ok {
			ev.Kind, ev.Command, ev.Text = Command, "tokens", rest
		}
	default:
		ev.Kind = Message
	}
	return ev
}

// CommandText reports whether a message addressed to the bot is a /tokens
// command ("/tokens …" or "tokens: …") and returns its argument.
func CommandText(text string) (string, bool) {
	t := strings.TrimSpace(text)
	for _, p := range []string{"/tokens", "tokens:"} {
		if len(t) >= len(p) && strings.EqualFold(t[:len(p)], p) {
			rest := t[len(p):]
			if rest == "" || rest[0] == ' ' || rest[0] == '\n' || rest[0] == '\t' || p == "tokens:" {
				return strings.TrimSpace(rest), true
			}
		}
	}
	return "", false
}

// scan returns the findings in the event's text (ev.Scan's when it is a
// scan of that text), and those in the text and its files (names and
// texts) together. Offsets are relative to the text each was found in. It
// stops when ctx is done.
func (r *Router) scan(ctx context.Context, ev Event) (inText, all []leaks.Finding, err error) {
	inText, ok := ev.Scan.of(ev.Text)
	if !ok {
		if inText, err = r.scanText(ctx, ev.Text); err != nil {
			return nil, nil, err
		}
	}
	// Clipped once, so that the first append copies and inText keeps its
	// own findings.
	all = slices.Clip(inText)
	for _, f := range ev.Files {
		// A file's name is shown with it: a key there leaks too.
		for _, t := range []string{f.Name, f.Text} {
			fs, err := r.scanText(ctx, t)
			if err != nil {
				return nil, nil, err
			}
			all = append(all, fs...)
		}
	}
	return inText, all, nil
}

// scanText returns the findings in one text. A text the scanner cannot
// scan (too large, the scanner failed, or its scan outlasted the event's
// deadline: a delivery that always runs out of time would otherwise never
// be taken down) yields one finding with RuleID leaks.UnscannedRuleID: it
// is treated as unsafe, since a key in it would otherwise pass unseen. The
// only error is ctx's cancellation.
func (r *Router) scanText(ctx context.Context, text string) ([]leaks.Finding, error) {
	if r.Scanner == nil {
		return nil, nil
	}
	fs, err := r.Scanner.ScanContext(ctx, text)
	switch {
	case errors.Is(err, leaks.ErrTooLarge), errors.Is(err, leaks.ErrScanFailed), errors.Is(err, context.DeadlineExceeded):
		return []leaks.Finding{unscanned}, nil
	case err != nil:
		return nil, fmt.Errorf("leak scan: %w", err)
	}
	return fs, nil
}

// unscanned stands for the key a text that could not be scanned may hold.
var unscanned = leaks.Finding{RuleID: leaks.UnscannedRuleID, Provider: "Unknown", Confidence: leaks.High, Masked: "…"}

func (r *Router) passive(ev Event) bool {
	return slices.ContainsFunc(r.PassiveChannels, func(c string) bool {
		return c == "*" || c == ev.Channel || (ev.ChannelName != "" && strings.EqualFold(strings.TrimPrefix(c, "#"), ev.ChannelName))
	})
}

func (r *Router) answer(ctx context.Context, ev Event, question string, mode knowledge.Mode) (Action, error) {
	ans, err := r.FAQ.Ask(ctx, question, mode)
	if err != nil {
		return Action{}, fmt.Errorf("answer: %w", err)
	}
	return r.reply(ev, ans), nil
}

func (r *Router) reply(ev Event, ans knowledge.Answer) Action {
	a := replyTo(ev, "").Saying(AnswerDoc(ans))
	a.Answer = &ans
	return a
}

// replyTo answers ev with text in its thread (or a thread of its own).
func replyTo(ev Event, text string) Action {
	thread := ev.ThreadID
	if thread == "" {
		thread = ev.MessageID
	}
	return Action{Kind: Reply, Channel: ev.Channel, User: ev.User, ThreadID: thread, MessageID: ev.MessageID,
		Interaction: ev.Interaction, Text: text}
}

// plan returns the takedown or warning that the findings call for, or nil;
// redacted is the event's text with its keys masked.
func (r *Router) plan(ctx context.Context, ev Event, redacted string, found []leaks.Finding) *Plan {
	if len(found) == 0 || ev.MessageID == "" {
		return nil
	}
	// Names are the user's to choose: a key in one is masked like any other.
	posterName, _ := r.redact(ctx, ev.UserName)
	channelName, _ := r.redact(ctx, ev.ChannelName)
	p := &Plan{
		Key: ledger.Key{Platform: ev.Platform, Workspace: ev.Workspace, Channel: ev.Channel,
			MessageID: ev.MessageID, Revision: ev.Revision},
		Decision:        leaks.Ignore,
		Poster:          ev.User,
		PosterName:      posterName,
		ChannelName:     channelName,
		ThreadID:        ev.ThreadID,
		Lang:            knowledge.DetectLang(redacted),
		SecurityChannel: r.SecurityChannel,
		SecurityLang:    r.SecurityLang,
		Time:            ev.Time,
	}
	if p.Time.IsZero() {
		p.Time = time.Now()
	}
	for _, f := range found {
		fp := f.Fingerprint(r.FingerprintKey)
		d := r.Policy.Decide(f, fp, ev.Channel, ev.ChannelName)
		if d == leaks.Ignore {
			continue
		}
		if d == leaks.Takedown {
			p.Decision = leaks.Takedown
		} else if p.Decision == leaks.Ignore {
			p.Decision = leaks.Warn
		}
		p.Leaks = append(p.Leaks, Leak{Rule: f.RuleID, Provider: f.Provider, Confidence: string(f.Confidence),
			Masked: f.Masked, Fingerprint: fp})
	}
	if p.Decision == leaks.Ignore {
		return nil
	}
	// The most severe finding first: it names the audit row.
	slices.SortStableFunc(p.Leaks, func(a, b Leak) int { return severity(b) - severity(a) })
	if r.FAQ != nil {
		if t, ok := r.FAQ.Entry("key-leaked", p.Lang); ok {
			p.Advice = t.Short
		}
	}
	return p
}

func severity(l Leak) int {
	if l.Confidence == string(leaks.High) {
		return 1
	}
	return 0
}

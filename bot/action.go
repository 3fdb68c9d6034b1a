package bot

import (
	"strings"

	"github.com/tokenbot/tokenbot/bot/msg"
	"github.com/tokenbot/tokenbot/bot/tokens"
	"github.com/tokenbot/tokenbot/knowledge"
)

// ActionKind says what an adapter must do.
type ActionKind string

// The actions a handler can ask for.
const (
	// Reply posts in the event's channel (in its thread when ThreadID is set).
	Reply ActionKind = "reply"
	// PrivateReply posts in the channel, visible only to User (Slack
	// ephemeral message, Discord ephemeral interaction response). An
	// adapter that cannot returns ErrUnsupported.
	PrivateReply ActionKind = "private_reply"
	// Delete removes MessageID from Channel.
	Delete ActionKind = "delete"
	// DirectMessage sends Text to User in a private conversation.
	DirectMessage ActionKind = "direct_message"
	// Notice posts Text in the channel named by Channel (the security
	// channel), outside any thread.
	Notice ActionKind = "notice"
	// Takedown is executed by the core's Dispatcher, never by an adapter:
	// it records the takedown in the ledger and then asks the adapter for
	// Delete, PrivateReply or DirectMessage, and Notice actions.
	Takedown ActionKind = "takedown"
)

// Action is one thing to do on the platform. What the bot says is Say: a
// structured message (catalogue ids, fields, language) that each adapter
// renders in its platform's idiom. Text is always set too, the same in
// the core's light Markdown (*bold*, `code`, no emoji), for logs, the
// command line and an adapter with no renderer; the optional payloads let
// an adapter render richer views.
type Action struct {
	Kind      ActionKind
	Channel   string
	User      string
	MessageID string
	ThreadID  string
	Text      string
	// Say is what Text says, as data; nil for actions that say nothing
	// (Delete, Takedown). For a /tokens reply it is the text before the
	// report (warnings, errors, usage).
	Say *msg.Doc
	// Interaction is copied from the event this action answers.
	Interaction string
	// Reason is the audit reason of a Delete (Discord X-Audit-Log-Reason).
	Reason string

	// Tokens is the report behind a /tokens reply.
	Tokens *tokens.Report
	// Answer is the FAQ answer behind a reply.
	Answer *knowledge.Answer
	// Plan is the takedown to run, for Kind == Takedown; for the
	// actions a takedown produces, the plan they belong to.
	Plan *Plan
}

// Saying returns a with Say set to d and Text to its light Markdown.
func (a Action) Saying(d msg.Doc) Action {
	a.Say = &d
	a.Text = a.Said(msg.Markdown)
	return a
}

// Said renders what a says in style s; a /tokens report follows as
// FormatReport lays it out in the same language (escaped as s escapes
// text). a.Say must be set.
func (a Action) Said(s msg.Style) string {
	t := msg.Render(*a.Say, s)
	if a.Tokens != nil {
		report := FormatReport(a.Say.Lang, *a.Tokens, s.Pre)
		if s.Escape != nil {
			report = s.Escape(report)
		}
		t = strings.TrimPrefix(t+"\n\n"+report, "\n\n")
	}
	return t
}

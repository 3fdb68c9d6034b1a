// Package bot is tokenbot's platform-neutral core: events come in from an
// adapter, the router turns each into actions, and the dispatcher executes
// them through the adapter, recording takedowns in the ledger first.
package bot

import "time"

// Kind says what happened on the platform.
type Kind string

// The kinds of event an adapter delivers.
const (
	// Message is a message posted in a channel the bot can see. An
	// adapter reports every posted message as a Message, with the facts
	// of how it was posted (MentionsBot, Direct, ReplyToBot); the core
	// decides from them whether the bot was addressed.
	Message Kind = "message"
	// Edit is a message whose text was changed; only the leak scan runs.
	Edit Kind = "edit"
	// Mention is a message that addresses the bot. The core sets it
	// (Classify); an adapter reports the facts instead.
	Mention Kind = "mention"
	// Command is a command such as /tokens: a platform's slash command
	// (the adapter sets Command), or a message addressed to the bot that
	// spells one ("@tokenbot tokens: …"; the core decides).
	Command Kind = "command"
)

// Event is one platform event, translated by an adapter.
type Event struct {
	Kind Kind
	// Platform names the adapter: "slack", "discord", "web", "terminal".
	Platform  string
	Workspace string // Slack team id, Discord guild id
	Channel   string // channel id
	// ChannelName is the human name when the adapter knows it; policy and
	// passive-channel settings match either the id or the name.
	ChannelName string
	User        string // poster's id
	UserName    string
	MessageID   string // Slack ts, Discord message id; empty for commands
	ThreadID    string // thread parent, when the message is a reply
	// Revision tells edits apart: empty for the original message, the edit
	// time or a counter for each edit.
	Revision string
	Text     string
	// Command is the command name without the slash ("tokens") of a
	// platform's slash command; Text then holds its argument. An adapter
	// sets it only for the platform's own command invocations.
	Command string
	// Direct is true for a direct message to the bot.
	Direct bool
	// MentionsBot is true when the message mentions the bot ("@tokenbot");
	// the adapter removes the mention from Text.
	MentionsBot bool
	// ReplyToBot is true when the message answers one of the bot's own
	// messages (a platform reply or a thread the bot started).
	ReplyToBot bool
	// Files holds the text of attachments the adapter fetched (snippets,
	// .env or source files), already limited in size.
	Files []File
	// Interaction is an adapter's opaque handle for answering this event
	// (a Slack response_url, a Discord interaction id and token); the core
	// copies it to the actions that answer the event.
	Interaction string
	Time        time.Time
	// Scan, set by an adapter that scanned Text itself with Router.Scan
	// (to show it), spares the core a second scan; one of another text is
	// not used.
	Scan Scan
}

// File is a text attachment of a message.
type File struct {
	Name string
	Text string
}

// Where returns the channel name when known, else its id.
func (e Event) Where() string {
	if e.ChannelName != "" {
		return e.ChannelName
	}
	return e.Channel
}

// IsSlashCommand reports whether ev, classified (Classify), is a slash
// command: a command seen by its caller only (no message id, no files),
// with nothing to take down.
func IsSlashCommand(ev Event) bool {
	return ev.Kind == Command && ev.MessageID == "" && len(ev.Files) == 0
}

// Package terminal is tokenbot's terminal chat: each line typed is a
// message to the bot in a pretend channel, and every action the core takes
// is printed, so that the whole bot can be tried with no chat account.
package terminal

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tokenbot/tokenbot/bot"
	"github.com/tokenbot/tokenbot/bot/msg"
)

// Platform is the platform name of terminal events.
const Platform = "terminal"

// Chat reads messages from In and prints the bot's actions to Out.
type Chat struct {
	In      io.Reader
	Out     io.Writer
	User    string // the person typing; default "you"
	Channel string // the pretend channel; default "general"
	// Lang is the language of the chat's own lines (the greeting, an
	// error); a line that says an action takes the action's language.
	// Default "en".
	Lang string

	mu sync.Mutex
}

// Handler handles one event (a bot.Dispatcher's Dispatch).
type Handler func(ctx context.Context, ev bot.Event) error

// Run reads lines until In ends or ctx is cancelled. Each line is a direct
// message to the bot; the core decides what it is (a line starting with
// /tokens is a command). A line ending in a backslash continues on the
// next line.
func (c *Chat) Run(ctx context.Context, handle Handler) error {
	sc := bufio.NewScanner(c.In)
	sc.Buffer(make([]byte, 64*1024), 2*1024*1024)
	c.say(c.Lang, "terminal.greeting", msg.Fields{"channel": msg.Channel{Name: c.channel()}, "command": msg.Code("/tokens <text>")})
	var pending []string
	n := 0
	for sc.Scan() {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		line := sc.Text()
		if strings.HasSuffix(line, "\\") {
			pending = append(pending, strings.TrimSuffix(line, "\\"))
			continue
		}
		text := strings.Join(append(pending, line), "\n")
		pending = nil
		if strings.TrimSpace(text) == "" {
			continue
		}
		n++
		ev := bot.Event{Kind: bot.Message, Platform: Platform, Workspace: "local", Channel: c.channel(), ChannelName: c.channel(),
			User: c.user(), UserName: c.user(), MessageID: strconv.Itoa(n), Text: text, Direct: true, Time: time.Now()}
		if err := handle(ctx, ev); err != nil {
			c.say(c.Lang, "terminal.failed", msg.Fields{"detail": err.Error()})
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read input: %w", err)
	}
	return nil
}

// Execute prints one action, in plain text.
func (c *Chat) Execute(_ context.Context, a bot.Action) error {
	lang, text := c.Lang, Text(a)
	switch {
	case a.Say != nil:
		lang = a.Say.Lang
	case a.Plan != nil && a.Plan.Lang != "":
		lang = a.Plan.Lang // a takedown's delete, in the poster's language
	}
	switch a.Kind {
	case bot.Reply:
		c.say(lang, "terminal.reply", msg.Fields{"text": text})
	case bot.PrivateReply:
		c.say(lang, "terminal.private", msg.Fields{"text": text})
	case bot.Delete:
		c.say(lang, "terminal.removed", msg.Fields{"id": a.MessageID})
	case bot.DirectMessage:
		c.say(lang, "terminal.direct", msg.Fields{"user": a.User, "text": text})
	case bot.Notice:
		c.say(lang, "terminal.notice", msg.Fields{"channel": msg.Channel{Name: a.Channel}, "text": text})
	default:
		return fmt.Errorf("terminal: %s: %w", a.Kind, bot.ErrUnsupported)
	}
	return nil
}

// say prints one line of the chat's own, from the catalogue.
func (c *Chat) say(lang string, id msg.ID, fields msg.Fields) {
	c.printf("%s\n", msg.Text(lang, msg.Message{ID: id, Fields: fields}, msg.Plain))
}

// Text is what an action says in plain text: no markup, a level named by
// its word ("Warning: "); a /tokens report follows as the core lays it out.
func Text(a bot.Action) string {
	if a.Say == nil {
		return a.Text
	}
	t := a.Said(msg.Plain)
	if a.Tokens != nil && msg.Render(*a.Say, msg.Plain) == "" {
		// A report alone: its table starts on a line of its own.
		t = "\n" + t
	}
	return t
}

func (c *Chat) printf(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprintf(c.Out, format, args...)
}

func (c *Chat) user() string {
	if c.User == "" {
		return "you"
	}
	return c.User
}

func (c *Chat) channel() string {
	if c.Channel == "" {
		return "general"
	}
	return c.Channel
}

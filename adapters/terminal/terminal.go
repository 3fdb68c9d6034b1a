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
	c.printf("tokenbot chat in #%s — ask about API keys and tokens, try `/tokens <text>`, paste anything. Ctrl-D quits.\n", c.channel())
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
			c.printf("tokenbot: sorry, something went wrong: %v\n", err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read input: %w", err)
	}
	return nil
}

// Execute prints one action, in plain text.
func (c *Chat) Execute(_ context.Context, a bot.Action) error {
	text := Text(a)
	switch a.Kind {
	case bot.Reply:
		c.printf("tokenbot: %s\n", text)
	case bot.PrivateReply:
		c.printf("tokenbot (only you can see this): %s\n", text)
	case bot.Delete:
		c.printf("[message %s removed by tokenbot]\n", a.MessageID)
	case bot.DirectMessage:
		c.printf("tokenbot → direct message to %s: %s\n", a.User, text)
	case bot.Notice:
		c.printf("tokenbot → #%s: %s\n", a.Channel, text)
	default:
		return fmt.Errorf("terminal: %s: %w", a.Kind, bot.ErrUnsupported)
	}
	return nil
}

// Text is what an action says in plain text: no markup, a level named by
// its word ("Warning: "); a /tokens report follows as the core lays it out.
func Text(a bot.Action) string {
	if a.Say == nil {
		return a.Text
	}
	return a.Said(msg.Plain)
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

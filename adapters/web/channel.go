package web

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/tokenbot/tokenbot/bot"
	"github.com/tokenbot/tokenbot/bot/msg"
	"github.com/tokenbot/tokenbot/bot/tokens"
	"github.com/tokenbot/tokenbot/knowledge"
)

// Limits of the in-memory channels.
const (
	maxChannelMessages = 300
	maxChannels        = 16
)

// BotName is the author name of the bot's messages.
const BotName = "tokenbot"

// Message is one message of a channel as a viewer sees it.
type Message struct {
	ID      string `json:"id"`
	Channel string `json:"channel"`
	Thread  string `json:"thread,omitempty"`
	Author  string `json:"author"`
	Bot     bool   `json:"bot"`
	Mine    bool   `json:"mine,omitempty"`
	// Kind is "message", "command" (a /tokens line, shown only to its
	// author), "reply", "notice" (security channel) or "removed" (taken
	// down: Text is the takedown notice).
	Kind string `json:"kind"`
	// Private is true when only the viewer can see it; Via says how it
	// reached them ("private_reply" or "direct_message").
	Private bool   `json:"private,omitempty"`
	Via     string `json:"via,omitempty"`
	Text    string `json:"text"`
	// Level is how urgent the bot's message is ("warning", "alert"): the
	// page marks it.
	Level  msg.Level         `json:"level,omitempty"`
	Time   time.Time         `json:"time"`
	Answer *knowledge.Answer `json:"answer,omitempty"`
	// Labels name the parts of an answer the page lays out (related,
	// source, topic), in the answer's language.
	Labels map[string]string `json:"labels,omitempty"`
	Tokens *tokens.Report    `json:"tokens,omitempty"`
}

type stored struct {
	Message
	user    string // poster id, for user messages
	visible string // the only user who sees it; empty: everyone
}

// channels holds the playground's messages in memory. The text of a
// message in which the scan found anything is stored redacted from the
// start, and a message taken down keeps only the takedown notice.
type channels struct {
	mu       sync.Mutex
	main     string
	security string
	byName   map[string][]*stored
}

func newChannels(main, security string) *channels {
	c := &channels{main: main, security: security, byName: map[string][]*stored{main: nil}}
	if security != "" {
		c.byName[security] = nil
	}
	return c
}

// add appends m to its channel, creating the channel when there is room.
func (c *channels) add(m *stored) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	list, ok := c.byName[m.Channel]
	if !ok && len(c.byName) >= maxChannels {
		return fmt.Errorf("web: channel %q: %w", m.Channel, bot.ErrNotFound)
	}
	list = append(list, m)
	if len(list) > maxChannelMessages {
		list = slices.Delete(list, 0, len(list)-maxChannelMessages)
	}
	c.byName[m.Channel] = list
	return nil
}

// takeDown replaces a message by the takedown notice.
func (c *channels) takeDown(channel, id, notice string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, m := range c.byName[channel] {
		if m.ID == id {
			m.Kind, m.Text, m.Answer, m.Tokens = "removed", notice, nil, nil
			return nil
		}
	}
	return fmt.Errorf("web: message %s in %s: %w", id, channel, bot.ErrNotFound)
}

// view returns the messages of channel that viewer may see, oldest first.
func (c *channels) view(channel, viewer string) ([]Message, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	list, ok := c.byName[channel]
	if !ok {
		return nil, false
	}
	out := make([]Message, 0, len(list))
	for _, m := range list {
		if m.visible != "" && m.visible != viewer {
			continue
		}
		v := m.Message
		v.Mine = m.user != "" && m.user == viewer
		v.Private = m.visible != ""
		out = append(out, v)
	}
	return out, true
}

// Execute carries out one action of the core on the playground: the web
// adapter is its own platform.
func (s *Server) Execute(ctx context.Context, a bot.Action) error {
	now := time.Now().UTC()
	// The core never puts a secret in an action; masking again costs
	// little and keeps the page safe whatever a future handler does.
	text, answer := s.redact(ctx, a.Text), a.Answer
	if answer != nil {
		cp := *answer
		cp.Question = s.redact(ctx, cp.Question)
		answer = &cp
	}
	var level msg.Level
	if a.Say != nil {
		level = a.Say.Level
	}
	var labels map[string]string
	if answer != nil && answer.Answered {
		labels = map[string]string{}
		for _, l := range []string{"related", "source", "topic"} {
			labels[l] = msg.Text(answer.Lang, msg.Message{ID: msg.ID("answer." + l + "_label")}, msg.Plain)
		}
	}
	bm := func(channel, kind, visible, via string) *stored {
		return &stored{Message: Message{ID: s.nextID(), Channel: channel, Thread: a.ThreadID, Author: BotName, Bot: true,
			Kind: kind, Via: via, Text: text, Level: level, Time: now, Answer: answer, Labels: labels, Tokens: a.Tokens}, visible: visible}
	}
	switch a.Kind {
	case bot.Reply:
		return s.chans.add(bm(a.Channel, "reply", "", ""))
	case bot.PrivateReply:
		if a.User == "" {
			return fmt.Errorf("web: private reply without a user: %w", bot.ErrUnsupported)
		}
		return s.chans.add(bm(a.Channel, "reply", a.User, "private_reply"))
	case bot.DirectMessage:
		if a.User == "" {
			return fmt.Errorf("web: direct message without a user: %w", bot.ErrUnsupported)
		}
		m := bm(s.cfg.Channel, "reply", a.User, "direct_message")
		m.Thread = ""
		return s.chans.add(m)
	case bot.Notice:
		m := bm(a.Channel, "notice", "", "")
		m.Thread = ""
		return s.chans.add(m)
	case bot.Delete:
		return s.chans.takeDown(a.Channel, a.MessageID, takedownNotice(a.Plan))
	}
	return fmt.Errorf("web: %s: %w", a.Kind, bot.ErrUnsupported)
}

// takedownNotice is what the channel sees in place of a removed message,
// in the poster's language. It names the provider, never the key.
func takedownNotice(p *bot.Plan) string {
	lang := "en"
	m := msg.Message{ID: "web.removed_unnamed"}
	if p != nil {
		lang = p.Lang
		if len(p.Leaks) > 0 && p.Leaks[0].Provider != "" {
			m = msg.Message{ID: "web.removed", Fields: msg.Fields{"provider": p.Leaks[0].Provider}}
		}
	}
	return msg.Text(lang, m, msg.Plain)
}

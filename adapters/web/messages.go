// The playground channel: reading it and posting to it.

package web

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/tokenbot/tokenbot/bot"
)

// ChannelView is a channel as one viewer sees it.
type ChannelView struct {
	Channel  string    `json:"channel"`
	Posted   string    `json:"posted,omitempty"`
	Messages []Message `json:"messages"`
}

func (s *Server) getMessages(w http.ResponseWriter, r *http.Request) {
	viewer := s.viewer(w, r)
	ch := r.URL.Query().Get("channel")
	if ch == "" {
		ch = s.cfg.Channel
	}
	if ch != s.cfg.Channel && !s.isAdmin(r) {
		// The security channel carries audit details.
		w.Header().Set("WWW-Authenticate", `Bearer realm="tokenbot"`)
		fail(w, http.StatusUnauthorized, "unauthorized", "admin token required for this channel")
		return
	}
	msgs, ok := s.chans.view(ch, viewer)
	if !ok {
		fail(w, http.StatusNotFound, "not_found", "no such channel")
		return
	}
	writeJSON(w, http.StatusOK, ChannelView{Channel: ch, Messages: msgs})
}

// PostMessage is the body of POST /api/messages.
type PostMessage struct {
	Text    string `json:"text"`
	Name    string `json:"name,omitempty"`
	Channel string `json:"channel,omitempty"`
}

// maxEchoBytes bounds the stored echo of a /tokens command.
const maxEchoBytes = 2048

func (s *Server) postMessage(w http.ResponseWriter, r *http.Request) {
	viewer := s.viewer(w, r)
	var req PostMessage
	if !s.decode(w, r, &req) {
		return
	}
	if req.Channel != "" && req.Channel != s.cfg.Channel {
		fail(w, http.StatusNotFound, "not_found", "no such channel: post to %q", s.cfg.Channel)
		return
	}
	text := strings.ReplaceAll(req.Text, "\r\n", "\n")
	if strings.TrimSpace(text) == "" {
		fail(w, http.StatusBadRequest, "empty", "text is empty")
		return
	}
	now := time.Now().UTC()
	// Redacted before it is cut to length: a cut key is no longer found.
	name := displayName("", viewer)
	if n, found := bot.Redact(r.Context(), s.router.Scanner, req.Name); len(found) == 0 {
		name = displayName(n, viewer)
	}
	ev := bot.Event{Platform: Platform, Workspace: s.cfg.Workspace, Channel: s.cfg.Channel, ChannelName: s.cfg.Channel,
		User: viewer, UserName: name, Time: now}
	addressed, rest := addressedToBot(text)
	arg, isCommand := bot.CommandText(rest)
	// Size limits first: nothing is scanned or counted above them.
	switch {
	case isCommand && len(arg) > s.router.Counter.MaxBytes():
		fail(w, http.StatusRequestEntityTooLarge, "too_large", "text is larger than %d bytes", s.router.Counter.MaxBytes())
		return
	case !isCommand && len(text) > MaxMessageBytes:
		fail(w, http.StatusRequestEntityTooLarge, "too_large", "a chat message is limited to %d bytes; use /tokens or the tokenizer for longer texts", MaxMessageBytes)
		return
	}
	// What the page will ever see of this text: redacted from the start
	// when the scan finds anything. The core uses the same scan when it
	// handles this very text (a message not addressed to the bot, or the
	// argument of /tokens: only the argument is scanned, once, and shown
	// after the command's own words).
	shown := "…"
	scanned, before, after := text, "", ""
	if isCommand {
		if start, end := argumentAt(text, arg); start >= 0 {
			scanned, before, after = arg, text[:start], text[end:]
		}
	}
	scan, err := s.router.Scan(r.Context(), scanned)
	if err == nil {
		shown = before + scan.Redacted() + after
		ev.Scan = scan
	}
	id := s.nextID()
	msg := &stored{Message: Message{ID: id, Channel: s.cfg.Channel, Author: name, Kind: "message", Text: shown, Time: now}, user: viewer}
	if isCommand {
		// A slash command is seen by its author only, as in Slack.
		ev.Kind, ev.Command, ev.Text = bot.Command, "tokens", arg
		msg.Kind, msg.visible, msg.Text = "command", viewer, bot.Clip(shown, maxEchoBytes)
	} else {
		// Facts only: the core decides whether the bot was addressed.
		ev.MessageID, ev.Kind, ev.Text = id, bot.Message, text
		if addressed {
			ev.MentionsBot, ev.Text = true, rest
		}
	}
	if err := s.chans.add(msg); err != nil {
		fail(w, http.StatusInternalServerError, "internal", "could not store the message")
		return
	}
	if err := s.dispatch(r.Context(), ev); err != nil {
		s.log.Error("web message not fully handled", "message", id, "kind", ev.Kind, "err", err)
		fail(w, http.StatusInternalServerError, "bot_error", "the bot could not fully handle this message; see the server log")
		return
	}
	msgs, _ := s.chans.view(s.cfg.Channel, viewer)
	writeJSON(w, http.StatusCreated, ChannelView{Channel: s.cfg.Channel, Posted: id, Messages: msgs})
}

// dispatch runs one event through the core. A message others see is not
// cancelled when the client goes away: a takedown once started is finished
// and recorded, and Run waits for it on shutdown. A command (seen by its
// caller only, nothing to take down) stops with its request.
func (s *Server) dispatch(ctx context.Context, ev bot.Event) error {
	s.inflight.Add(1)
	defer s.inflight.Done()
	if ev.MessageID != "" {
		ctx = context.WithoutCancel(ctx)
	}
	dctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	return s.disp.Handle(dctx, ev)
}

// redact masks any credential in a text about to be stored or sent.
func (s *Server) redact(ctx context.Context, text string) string {
	out, _ := bot.Redact(ctx, s.router.Scanner, text)
	return out
}

var addressRE = regexp.MustCompile(`(?i)^\s*@?tokenbot\b[\s,:，：]*`)

// argumentAt returns where arg, the trimmed argument of the command that
// ends text, lies in text, or -1 when it is not there.
func argumentAt(text, arg string) (start, end int) {
	end = len(strings.TrimRightFunc(text, unicode.IsSpace))
	start = end - len(arg)
	if start < 0 || text[start:end] != arg {
		return -1, -1
	}
	return start, end
}

// addressedToBot reports whether text addresses the bot ("@tokenbot …",
// "tokenbot, …") and returns the text without the address.
func addressedToBot(text string) (bool, string) {
	if loc := addressRE.FindStringIndex(text); loc != nil {
		return true, text[loc[1]:]
	}
	return false, text
}

// displayName cleans the name a viewer chose: letters, digits, spaces and
// ._- only, at most 24 characters; otherwise a name made from the viewer id.
func displayName(name, viewer string) string {
	var b strings.Builder
	n := 0
	for _, r := range strings.TrimSpace(name) {
		if n >= 24 {
			break
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == ' ' || r == '.' || r == '_' || r == '-' {
			b.WriteRune(r)
			n++
		}
	}
	if out := strings.TrimSpace(b.String()); out != "" {
		return out
	}
	return "guest-" + strings.TrimPrefix(viewer, "w")[:4]
}

package discord

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tokenbot/tokenbot/adapters/discord/discordtest"
	"github.com/tokenbot/tokenbot/bot/bottest"
)

// outputs is everything the bot sent out: requests to Discord's REST API
// (paths, headers, bodies), gateway frames, and what the fake recorded as
// sent.
func (h *harness) outputs() map[string]string {
	var reqs, frames strings.Builder
	for _, r := range h.srv.Requests() {
		fmt.Fprintf(&reqs, "%s %s %v\n%s\n", r.Method, r.Path, r.Header, r.Body)
	}
	for _, f := range h.srv.Frames() {
		fmt.Fprintf(&frames, "%d %s\n", f.Op, f.D)
	}
	return map[string]string{"requests to Discord": reqs.String(), "gateway frames": frames.String(),
		"messages sent": fmt.Sprintf("%+v", h.srv.Sent())}
}

// noEcho fails the test when an output of the bot, or of its core, repeats
// any of secrets.
func (h *harness) noEcho(secrets ...string) {
	h.t.Helper()
	for _, s := range secrets {
		h.core.AssertNoEcho(h.t, s, h.outputs())
	}
}

// Every input of a gateway message holds a planted key in turn: the
// content, the author's user name, global name and server nickname (the
// #security notice names the poster), an attachment's name and its text.
// The message is taken down and no output repeats the key.
func TestMessageNoEcho(t *testing.T) {
	t.Parallel()
	key, gh := bottest.KeyPair(71)
	tests := []struct {
		name    string
		author  discordtest.User
		nick    string
		content string
		file    *discordtest.Attachment
		body    string // the attachment's text
		secrets []string
	}{
		{name: "content", author: alice, content: "prod key " + key, secrets: []string{key}},
		{name: "user name", author: discordtest.User{ID: "400000000000000007", Username: gh}, content: "prod key " + key, secrets: []string{key, gh}},
		{name: "global name and nickname", author: discordtest.User{ID: "400000000000000008", Username: "eve", GlobalName: "eve " + gh},
			nick: "dev " + gh, content: "prod key " + key, secrets: []string{key, gh}},
		{name: "attachment name", author: alice, content: "notes",
			file: &discordtest.Attachment{ID: "900000000000000071", Filename: "keys-" + gh + ".txt"}, body: "nothing here\n", secrets: []string{gh}},
		{name: "attachment text", author: alice, content: "config",
			file: &discordtest.Attachment{ID: "900000000000000072", Filename: "prod.env"}, body: "ANTHROPIC_API_KEY=" + key + "\n", secrets: []string{key}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := start(t, options{})
			var atts []discordtest.Attachment
			if tt.file != nil {
				at := *tt.file
				at.URL = h.srv.AddAttachment(fmt.Sprintf("file-%d.txt", i), tt.body)
				at.Size = len(tt.body)
				atts = append(atts, at)
			}
			msg := h.srv.Message(guildID, generalID, tt.author, tt.content, atts...)
			if tt.nick != "" {
				msg["member"] = map[string]any{"nick": tt.nick, "roles": []string{}}
			}
			h.srv.Dispatch("MESSAGE_CREATE", msg)
			h.eventually("the message deleted", func() bool { return len(h.srv.Deleted()) == 1 })
			h.eventually("the security notice", func() bool { return len(h.sentTo(securityID)) == 1 })
			h.settle()
			h.noEcho(tt.secrets...)
		})
	}
}

// A key sent as a /tokens option, or as the caller's name, is neither
// repeated in the answer nor logged, and a key in an option earns the
// rotate warning.
func TestTokensOptionsNoEcho(t *testing.T) {
	t.Parallel()
	key, gh := bottest.KeyPair(73)
	tests := []struct {
		name    string
		user    discordtest.User
		options map[string]string
		secret  string
		warn    bool
	}{
		{"model option", alice, map[string]string{"text": "hello world", "model": gh}, gh, true},
		{"text option", alice, map[string]string{"text": "count " + key}, key, true},
		{"user name", discordtest.User{ID: "400000000000000009", Username: gh, GlobalName: gh}, map[string]string{"text": "hello world"}, gh, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := start(t, options{})
			h.srv.Dispatch("INTERACTION_CREATE", h.srv.Interaction(guildID, generalID, tt.user, tt.options))
			got := h.firstAnswer()
			if tt.warn != strings.Contains(got.Content, "rotate") {
				t.Errorf("rotate warning = %v, want %v: %q", !tt.warn, tt.warn, got.Content)
			}
			h.settle()
			h.noEcho(tt.secret)
		})
	}
}

package slack

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tokenbot/tokenbot/adapters/slack/fakeslack"
	"github.com/tokenbot/tokenbot/bot/bottest"
)

// Every input of the Events API path holds a planted key in turn: the
// message text, the poster's display name or real name (repeated in the
// #security notice), a shared file's name and text, an attachment, a
// block, a question to the bot. The message is taken down and no output repeats the key: not the requests to Slack (deletes,
// notices, replies), not the answers to Slack's deliveries, logs, ledger
// rows or metrics (the harness searches them all when the test ends).
func TestEventsNoEcho(t *testing.T) {
	key, gh := bottest.KeyPair(61)
	tests := []struct {
		name    string
		user    *fakeslack.User
		file    *fakeslack.File
		event   map[string]any
		secrets []string
	}{
		{name: "message text", event: map[string]any{"text": "prod key " + key}, secrets: []string{key}},
		{name: "display name in the notices", user: &fakeslack.User{ID: "U0EVE00001", Name: "eve", RealName: "Eve", DisplayName: "eve " + gh},
			event: map[string]any{"user": "U0EVE00001", "text": "prod key " + key}, secrets: []string{key, gh}},
		{name: "real name in the notices", user: &fakeslack.User{ID: "U0EVE00002", Name: "eve2", RealName: gh},
			event: map[string]any{"user": "U0EVE00002", "text": "prod key " + key}, secrets: []string{key, gh}},
		{name: "file name and text", file: &fakeslack.File{ID: "F0ECHO0001", Name: "keys-" + gh + ".env", Mimetype: "text/plain", Filetype: "text",
			Mode: "hosted", Content: "ANTHROPIC_API_KEY=" + key + "\n"},
			event: map[string]any{"subtype": "file_share", "text": "config", "files": []map[string]any{{"id": "F0ECHO0001"}}}, secrets: []string{key, gh}},
		{name: "file name only", file: &fakeslack.File{ID: "F0ECHO0002", Name: gh + ".txt", Mimetype: "text/plain", Filetype: "text",
			Mode: "hosted", Content: "nothing here\n"},
			event: map[string]any{"subtype": "file_share", "text": "notes", "files": []map[string]any{{"id": "F0ECHO0002"}}}, secrets: []string{gh}},
		{name: "attachment", event: map[string]any{"text": "fwd", "attachments": []map[string]any{{"fallback": "[shared] " + key, "is_share": true,
			"author_name": "bob " + gh, "text": "deploy with " + key}}}, secrets: []string{key}},
		{name: "block", event: map[string]any{"text": "see below", "blocks": []map[string]any{{"type": "section",
			"text": map[string]any{"type": "mrkdwn", "text": "token `" + gh + "`"}}}}, secrets: []string{gh}},
		{name: "question with a key", event: map[string]any{"type": "app_mention", "text": "<@" + fakeslack.BotUserID + "> is " + key + " an API key or a token?"},
			secrets: []string{key}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, options{})
			h.plant(tt.secrets...)
			if tt.user != nil {
				h.fake.AddUser(*tt.user)
			}
			ts := fmt.Sprintf("1700003%03d.000100", i)
			ev := map[string]any{"channel": general, "user": alice, "ts": ts}
			for k, v := range tt.event {
				ev[k] = v
			}
			if tt.file != nil {
				h.fake.AddFile(*tt.file)
				h.fake.AddMessage(general, ts, ev["user"].(string), tt.file.ID)
			}
			p := h.start()
			h.post(p.srv, "/slack/events", "application/json", mustJSON(h.messageEvent(fmt.Sprintf("EvEcho%d", i), ev)), time.Now(), nil)
			h.drain(p)
			if n := len(h.fake.Calls("chat.delete")); n != 1 {
				t.Fatalf("chat.delete calls = %d, want 1", n)
			}
			notices := postsTo(h.fake, security)
			if len(notices) != 1 {
				t.Fatalf("security notices = %d, want 1", len(notices))
			}
			if tt.user != nil && !strings.Contains(notices[0].Params["text"], "eve") && !strings.Contains(notices[0].Params["text"], tt.user.ID) {
				t.Errorf("the notice names neither the poster nor their id: %q", notices[0].Params["text"])
			}
		})
	}
}

// A key in a slash command's argument, as an option or as the command's
// name, is not repeated in the reply, which says to rotate it; nor is a key
// in the caller's user name.
func TestSlashCommandArgumentsAreNotEchoed(t *testing.T) {
	key, gh := bottest.KeyPair(63)
	tests := []struct{ name, command, text, userName, secret string }{
		{"encoding option", "/tokens", "encoding=" + key + " hello", "alice", key},
		{"model option", "/tokens", "model=" + gh + " hello", "alice", gh},
		{"model list", "/tokens", "--model gpt-4o," + gh + " hello", "alice", gh},
		{"text", "/tokens", "count this " + key, "alice", key},
		{"command name", "/" + gh, "hello", "alice", gh},
		{"user name", "/tokens", "hello world", gh, gh},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, options{})
			h.plant(tt.secret)
			p := h.start()
			id := fmt.Sprintf("r-echo-%d", i)
			form := url.Values{"team_id": {fakeslack.TeamID}, "channel_id": {general}, "channel_name": {"general"}, "user_id": {alice},
				"user_name": {tt.userName}, "command": {tt.command}, "text": {tt.text},
				"response_url": {h.fake.ResponseURL(id)}, "trigger_id": {"trig-" + id}}
			h.post(p.srv, "/slack/commands", "application/x-www-form-urlencoded", []byte(form.Encode()), time.Now(), nil)
			h.drain(p)
			calls := h.fake.Calls("response_url")
			if len(calls) != 1 {
				t.Fatalf("response_url calls = %d, want 1", len(calls))
			}
			if tt.name != "user name" && !strings.Contains(calls[0].Params["text"], "rotate") {
				t.Errorf("reply does not say to rotate: %q", calls[0].Params["text"])
			}
		})
	}
}

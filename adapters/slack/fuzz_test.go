package slack

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/tokenbot/tokenbot/adapters/slack/fakeslack"
	"github.com/tokenbot/tokenbot/bot"
	"github.com/tokenbot/tokenbot/bot/bottest"
)

// FuzzHandler sends correctly signed hostile bodies to both endpoints: the
// handler answers every one with a status, never a panic or a 5xx other
// than 503 (the intake's queue full, the ledger unavailable).
func FuzzHandler(f *testing.F) {
	f.Add([]byte(`{"type":"url_verification","challenge":"x"}`), false)
	f.Add([]byte(`{"type":"event_callback","event_id":"Ev1","event":{"type":"message","channel":"C1","user":"U1","ts":"1.2","text":"hi"}}`), false)
	f.Add([]byte(`{"type":"event_callback","event":{"type":"message","subtype":"message_changed","message":null}}`), false)
	f.Add([]byte(`{"event":{"files":[{"id":null}]}}`), false)
	f.Add([]byte("command=%2Ftokens&text=hello&user_id=U1&channel_id=C1&response_url=http%3A%2F%2F127.0.0.1%3A1%2F"), true)
	f.Add([]byte("command=%2Ftokens&text=%ff%fe"), true)
	f.Add([]byte("\x00\xff{"), false)
	core := bottest.New(f, bottest.Options{})
	fake := fakeslack.New(f)
	a, err := New(Config{BotToken: fakeslack.BotToken, SigningSecret: signingSecret, AdminToken: fakeslack.AdminToken,
		APIURL: fake.APIURL(), MaxFileBytes: 4096, MaxBodyBytes: 64 << 10}, core.Log)
	if err != nil {
		f.Fatal(err)
	}
	h := a.IntakeHandler(bot.NewIntake(core.Dispatcher(a), core.Store, core.Log, 0, 0))
	f.Fuzz(func(t *testing.T, body []byte, command bool) {
		path, ctype := "/slack/events", "application/json"
		if command {
			path, ctype = "/slack/commands", "application/x-www-form-urlencoded"
		}
		req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		fakeslack.SignRequest(req, signingSecret, time.Now(), body)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 && rec.Code != http.StatusServiceUnavailable {
			t.Errorf("status %d for a hostile body", rec.Code)
		}
	})
}

package web

import (
	"context"
	"testing"
	"time"

	"github.com/tokenbot/tokenbot/bot"
	"github.com/tokenbot/tokenbot/bot/bottest"
	"github.com/tokenbot/tokenbot/bot/msg/msgtest"
)

// TestGoldenNotices pins what the page is given for every notice and
// frame the bot says, in both languages: the message's text (light
// Markdown the page renders), its level and kind; and the notice that
// stands in place of a removed message.
func TestGoldenNotices(t *testing.T) {
	core := bottest.New(t, bottest.Options{})
	s, err := New(Config{Loopback: true}, Deps{Router: core.Router, Store: core.Store, Metrics: core.Metrics, Log: core.Log, Owner: "web-test"})
	if err != nil {
		t.Fatal(err)
	}
	msgtest.Check(t, func(t *testing.T, sample msgtest.Sample) string {
		s.chans = newChannels(s.cfg.Channel, "")
		acts := []bot.Action{sample.Action}
		if p := sample.Action.Plan; p != nil && sample.Action.Kind == bot.DirectMessage {
			// The removed message's stand-in, in the poster's language.
			if err := s.chans.add(&stored{Message: Message{ID: p.Key.MessageID, Channel: p.Key.Channel, Author: p.PosterName, Kind: "message", Text: "…"}}); err != nil {
				t.Fatal(err)
			}
			acts = append([]bot.Action{{Kind: bot.Delete, Channel: p.Key.Channel, MessageID: p.Key.MessageID, Plan: p}}, acts...)
		}
		var got []Message
		for _, a := range acts {
			if err := s.Execute(context.Background(), a); err != nil {
				t.Fatal(err)
			}
		}
		for _, name := range []string{msgtest.Channel, msgtest.Security, s.cfg.Channel} {
			view, _ := s.chans.view(name, msgtest.Poster)
			for _, m := range view {
				m.ID, m.Time = "", time.Time{}
				got = append(got, m)
			}
		}
		return msgtest.JSON(t, got)
	})
}

package web

import (
	"testing"

	"github.com/tokenbot/tokenbot/bot/bottest"
)

// The playground reports facts (was the bot mentioned?) and the core
// decides: chatter that merely reads as a question gets no reply, not a
// public "I'm not sure" with the topic list; the same line addressed to
// the bot is answered.
func TestChatterGetsNoReplyAddressedQuestionDoes(t *testing.T) {
	ts := startServer(t, Config{}, bottest.Options{})
	c := newClient(t, ts.URL())
	for _, text := range []string{"what time is standup?", "who has the key to the office?", "午饭吃什么？"} {
		t.Run(text, func(t *testing.T) {
			var view ChannelView
			c.post("/api/messages", PostMessage{Text: text}).json(t, &view)
			if last := view.Messages[len(view.Messages)-1]; last.Bot || last.ID != view.Posted {
				t.Errorf("the bot answered chatter %q: %+v", text, last)
			}
			c.post("/api/messages", PostMessage{Text: "@tokenbot " + text}).json(t, &view)
			if last := view.Messages[len(view.Messages)-1]; !last.Bot || last.Answer == nil {
				t.Errorf("the bot did not answer %q addressed to it: %+v", text, last)
			}
		})
	}
}

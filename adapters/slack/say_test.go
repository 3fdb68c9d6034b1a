package slack

import (
	"strings"
	"testing"

	"github.com/tokenbot/tokenbot/bot/msg/msgtest"
)

// TestGoldenNotices pins the Block Kit and the notification text of every
// notice and frame the bot says, in both languages.
func TestGoldenNotices(t *testing.T) {
	msgtest.Check(t, func(t *testing.T, s msgtest.Sample) string {
		got := "text: " + text(s.Action) + "\n\nblocks:\n" + msgtest.JSON(t, blocksFor(s.Action))
		// Emoji codes belong here, and only here.
		if s.Action.Say.Level != "" && !strings.Contains(got, ":warning:") && !strings.Contains(got, ":rotating_light:") {
			t.Errorf("%s has a level but no emoji code", s.Name)
		}
		return got
	})
}

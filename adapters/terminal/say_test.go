package terminal

import (
	"context"
	"strings"
	"testing"

	"github.com/tokenbot/tokenbot/bot/msg/msgtest"
)

// TestGoldenNotices pins the plain text of every notice and frame the bot
// says, in both languages, as the terminal prints it.
func TestGoldenNotices(t *testing.T) {
	for _, s := range msgtest.Samples() {
		t.Run(s.Name, func(t *testing.T) {
			var out strings.Builder
			c := &Chat{Out: &out}
			if err := c.Execute(context.Background(), s.Action); err != nil {
				t.Fatal(err)
			}
			got := out.String()
			msgtest.Golden(t, "say", s.Name, got)
			if s.Action.Tokens != nil {
				got = strings.Split(got, "```")[0] // the report keeps its layout
			}
			if strings.ContainsAny(got, "*`") || strings.Contains(got, ":warning:") {
				t.Errorf("%s carries markup: %q", s.Name, got)
			}
		})
	}
}

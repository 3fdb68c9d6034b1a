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
	msgtest.Check(t, func(t *testing.T, s msgtest.Sample) string {
		var out strings.Builder
		c := &Chat{Out: &out}
		if err := c.Execute(context.Background(), s.Action); err != nil {
			t.Fatal(err)
		}
		said := out.String()
		if s.Action.Tokens != nil {
			said = strings.Split(said, "```")[0] // the report keeps its layout
		}
		if strings.ContainsAny(said, "*`") || strings.Contains(said, ":warning:") {
			t.Errorf("%s carries markup: %q", s.Name, said)
		}
		return out.String()
	})
}

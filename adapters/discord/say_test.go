package discord

import (
	"strings"
	"testing"

	"github.com/tokenbot/tokenbot/bot"
	"github.com/tokenbot/tokenbot/bot/msg/msgtest"
)

// TestGoldenNotices pins the markdown (and, for the security channel, the
// embed) of every notice and frame the bot says, in both languages.
func TestGoldenNotices(t *testing.T) {
	a := &Adapter{}
	msgtest.Check(t, func(t *testing.T, s msgtest.Sample) string {
		got := a.content(s.Action) + "\n"
		if s.Action.Kind == bot.Notice {
			got = "embed:\n" + msgtest.JSON(t, embed(*s.Action.Say))
		}
		if strings.Contains(got, ":warning:") || strings.Contains(got, ":rotating_light:") {
			t.Errorf("%s carries a Slack emoji code", s.Name)
		}
		return got
	})
}

func TestEmbedIsCutToDiscordsLimits(t *testing.T) {
	s := msgtest.Samples()
	for _, x := range s {
		if x.Action.Kind != bot.Notice {
			continue
		}
		d := *x.Action.Say
		d.Parts = append(d.Parts, d.Parts[len(d.Parts)-1])
		for range 12 {
			d.Parts = append(d.Parts, d.Parts...)
		}
		e := embed(d)
		if n := len([]rune(e.Description)); n > 4096 {
			t.Errorf("%s: description of %d characters, Discord takes 4096", x.Name, n)
		}
		return
	}
	t.Fatal("no notice sample")
}

package bot_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/tokenbot/tokenbot/bot"
	"github.com/tokenbot/tokenbot/bot/bottest"
	"github.com/tokenbot/tokenbot/bot/tokens"
)

// /tokens model= takes names as users type them, through the catalog's
// resolver, and says how it read them.
func TestTokensResolvesTypedNames(t *testing.T) {
	c := bottest.New(t, bottest.Options{})
	for _, tt := range []struct {
		arg, model, warning string
	}{
		{`model="claude sonnet 4.6" hello`, "claude-sonnet-4-6", `Counted "claude sonnet 4.6" as claude-sonnet-4-6.`},
		{`model=gpt4o-mini hello`, "gpt-4o-mini", `Counted "gpt4o-mini" as gpt-4o-mini.`},
		{`model="gemni 2.5 flash" hello`, "gemini-2.5-flash", `Counted "gemni 2.5 flash" as gemini-2.5-flash.`},
		{`model=gpt-5.4 hello`, "gpt-5.4", ""},
	} {
		req := bot.ParseTokens(tt.arg)
		rep, warning, err := c.Router.Tokens(context.Background(), req.Text, req.Models, req.Encoding)
		if err != nil || len(rep.Models) != 1 || rep.Models[0].Model != tt.model {
			t.Errorf("/tokens %s: %v %+v; want %s", tt.arg, err, rep.Models, tt.model)
			continue
		}
		if tt.warning == "" && strings.Contains(warning, "Counted") || !strings.Contains(warning, tt.warning) {
			t.Errorf("/tokens %s: warning %q; want %q", tt.arg, warning, tt.warning)
		}
	}
	_, _, err := c.Router.Tokens(context.Background(), "hello", []string{"opus"}, "")
	if !errors.Is(err, tokens.ErrUnknownModel) || !strings.Contains(err.Error(), "could be claude-opus-") {
		t.Errorf("/tokens model=opus: %v; want the candidate Opus models", err)
	}
}

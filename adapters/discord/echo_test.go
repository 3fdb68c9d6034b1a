package discord

import (
	"strings"
	"testing"
)

// A key sent as the /tokens model option is neither repeated in the answer
// nor logged, and the answer says to rotate it.
func TestTokensOptionKeyIsNotEchoed(t *testing.T) {
	t.Parallel()
	h := start(t, options{})
	h.srv.Dispatch("INTERACTION_CREATE", h.srv.Interaction(guildID, generalID, alice,
		map[string]string{"text": "hello world", "model": github}))
	got := h.firstAnswer()
	if !strings.Contains(got.Content, "rotate") {
		t.Errorf("answer does not warn to rotate the key: %q", got.Content)
	}
	h.noLeak(github, github[:20])
}

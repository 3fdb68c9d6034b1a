package bot

import (
	"strings"
	"testing"

	"github.com/tokenbot/tokenbot/bot/leaks"
	"github.com/tokenbot/tokenbot/bot/ledger"
	"github.com/tokenbot/tokenbot/bot/msg"
)

func TestNotices(t *testing.T) {
	plan := func(lang string, d leaks.Decision, provider string) *Plan {
		return &Plan{Key: ledger.Key{Platform: "slack", Channel: "C1", MessageID: "1.2"}, Decision: d, Poster: "U1",
			PosterName: "dana", ChannelName: "general", Lang: lang, Advice: "ADVICE",
			Leaks: []Leak{{Rule: "r", Provider: provider, Masked: "ak_…9f3e", Fingerprint: "ab12"}}}
	}
	tests := []struct {
		name    string
		plan    *Plan
		outcome ledger.Outcome
		want    []string
	}{
		{"deleted", plan("en", leaks.Takedown, "Anthropic"), ledger.Deleted,
			[]string{"I removed your message in #general", "Anthropic `ak_…9f3e`", "https://platform.claude.com/settings/keys", "ADVICE"}},
		{"deleted, Chinese", plan("zh", leaks.Takedown, "Anthropic"), ledger.Deleted,
			[]string{"我删除了你在 #general", "在这里吊销或轮换 Anthropic 的密钥：https://platform.claude.com/settings/keys"}},
		{"not deleted", plan("en", leaks.Takedown, "Acme"), ledger.Escalated,
			[]string{"could not delete it", "Delete the message yourself", "console of the service that issued it"}},
		{"not deleted, Chinese", plan("zh", leaks.Takedown, "Acme"), ledger.Failed,
			[]string{"我没能删除它", "到签发这个凭据的服务后台"}},
		{"warning", plan("en", leaks.Warn, "Acme"), ledger.Warned, []string{"may contain a credential", "If it is a real key"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := msg.Render(PosterNotice(tt.plan, tt.outcome), msg.Markdown)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("poster notice lacks %q:\n%s", w, got)
				}
			}
		})
	}
	sec := msg.Render(SecurityNotice(plan("en", leaks.Takedown, "Acme"), ledger.Escalated, "missing permission: cant_delete_message"), msg.Markdown)
	for _, w := range []string{"NOT deleted", "slack", "#general (C1)", "dana (U1)", "Acme", "ak_…9f3e", "ab12", "escalated (missing permission: cant_delete_message)"} {
		if !strings.Contains(sec, w) {
			t.Errorf("security notice lacks %q:\n%s", w, sec)
		}
	}
	if ch := msg.Render(PosterChannelNotice(plan("en", leaks.Takedown, "Acme")), msg.Markdown); strings.Contains(ch, "ak_") || !strings.Contains(ch, "dana") {
		t.Errorf("channel notice = %q: it must name the poster and no key", ch)
	}
}

func TestNoticesCountTheirCredentials(t *testing.T) {
	two := []Leak{{Rule: "a", Provider: "OpenAI", Masked: "sk-…1"}, {Rule: "b", Provider: "GitHub", Masked: "ghp_…2"}}
	tests := []struct {
		name string
		doc  msg.Doc
		want string
	}{
		{"one key", PosterNotice(&Plan{ChannelName: "general", Lang: "en", Decision: leaks.Takedown, Leaks: two[:1]}, ledger.Deleted),
			"it contained a credential (OpenAI `sk-…1`)"},
		{"two keys", PosterNotice(&Plan{ChannelName: "general", Lang: "en", Decision: leaks.Takedown, Leaks: two}, ledger.Deleted),
			"it contained 2 credentials (OpenAI `sk-…1`, GitHub `ghp_…2`). Anyone holding those keys"},
		{"two keys, Chinese", PosterNotice(&Plan{ChannelName: "general", Lang: "zh", Decision: leaks.Takedown, Leaks: two}, ledger.Deleted),
			"它包含 2 个凭据（OpenAI `sk-…1`、GitHub `ghp_…2`）"},
		{"secret warning, two keys", SecretWarningDoc("en", []leaks.Finding{{Provider: "OpenAI", Masked: "sk-…1"}, {Provider: "Stripe", Masked: "sk_live_…3"}}),
			"Your text contains 2 credentials (OpenAI `sk-…1`, Stripe `sk_live_…3`). Treat them as exposed"},
	}
	for _, tt := range tests {
		if got := msg.Render(tt.doc, msg.Markdown); !strings.Contains(got, tt.want) {
			t.Errorf("%s: %q lacks %q", tt.name, got, tt.want)
		}
	}
}

func TestClip(t *testing.T) {
	tests := []struct {
		s    string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"a longer line", 8, "a lon…"},
		{"密钥泄露了", 8, "密…"}, // never half a character
		{"abc", 1, "…"},
	}
	for _, tt := range tests {
		if got := Clip(tt.s, tt.n); got != tt.want {
			t.Errorf("Clip(%q, %d) = %q, want %q", tt.s, tt.n, got, tt.want)
		}
	}
}

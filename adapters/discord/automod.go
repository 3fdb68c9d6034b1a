package discord

import (
	"context"
	"fmt"
	"slices"

	"github.com/bwmarrin/discordgo"
)

// Discord's limits on keyword AutoMod rules.
const (
	MaxKeywordRules     = 6
	MaxRegexPatterns    = 10
	MaxRegexPatternSize = 260
)

// KeyPattern is an AutoMod regex for one high-confidence key format. The
// syntax is common to Rust's regex crate (Discord) and Go's regexp: no
// look-around, no back-references.
type KeyPattern struct {
	Provider string
	// Formats name the leak corpus formats (bot/leaks/testdata) it covers.
	Formats []string
	Regex   string
}

// KeyPatterns are the formats AutoMod blocks: provider-prefixed keys whose
// shape leaves no doubt. Takedown remains the backstop for every other
// format. Without look-around, placeholders are kept out by shape: a key
// whose tail is all x/X ("ghp_xxxx…") is not matched, nor is AWS's
// documentation key ending in EXAMPLE.
var KeyPatterns = []KeyPattern{
	{"OpenAI", []string{"openai-proj", "openai-svcacct"}, `\bsk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,}`},
	{"OpenAI", []string{"openai-legacy"}, `\bsk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}\b`},
	{"Anthropic", []string{"anthropic"}, `\bsk-ant-(?:api|admin)0[0-9]-[A-Za-z0-9_-]{93}AA`},
	{"Google", []string{"google"}, `\bAIza[0-9A-Za-z_-]{24,34}[0-9A-WYZa-wyz_-]`},
	{"GitHub", []string{"github-pat"}, `\bgh[pousr]_[0-9A-Za-z]{25,35}[0-9A-WYZa-wyz][xX]{0,10}\b`},
	{"GitHub", []string{"github-fine-grained"}, `\bgithub_pat_[0-9A-Za-z]{22}_[0-9A-Za-z]{59}\b`},
	{"Slack", []string{"slack-bot", "slack-user"}, `\bxox[bp]-[0-9]{10,13}-[0-9]{10,13}-[0-9A-Za-z-]{24,}`},
	{"Groq", []string{"groq"}, `\bgsk_[A-Za-z0-9]{48,56}\b`},
	{"xAI", []string{"xai"}, `\bxai-[A-Za-z0-9]{70,85}\b`},
	{"OpenRouter", []string{"openrouter"}, `\bsk-or-v1-[a-f0-9]{64}\b`},
	{"Hugging Face", []string{"huggingface"}, `\bhf_[A-Za-z]{23,33}[A-WYZa-wyz][xX]{0,10}\b`},
	{"AWS", []string{"aws-access-key-id"}, `\b(?:AKIA|ASIA)[A-Z2-7]{9}(?:[A-DF-Z2-7][A-Z2-7]{6}|E[A-WYZ2-7][A-Z2-7]{5}|EX[B-Z2-7][A-Z2-7]{4}|EXA[A-LN-Z2-7][A-Z2-7]{3}|EXAM[A-OQ-Z2-7][A-Z2-7]{2}|EXAMP[A-KM-Z2-7][A-Z2-7]|EXAMPL[A-DF-Z2-7])\b`},
}

// ruleName names the rules this bot owns; rules with other names are
// never touched.
func ruleName(i, n int) string {
	if n == 1 {
		return "tokenbot: block leaked API keys"
	}
	return fmt.Sprintf("tokenbot: block leaked API keys (%d/%d)", i+1, n)
}

// blockMessage is shown to the poster (Discord allows 150 characters).
const blockMessage = "Blocked by tokenbot: this looks like an API key. Never paste keys in chat; if it is real, rotate it now."

// AutoModRules returns the rules to install: the patterns split into
// rules of at most MaxRegexPatterns each.
func AutoModRules() []*discordgo.AutoModerationRule {
	var groups [][]string
	for i, p := range KeyPatterns {
		if i%MaxRegexPatterns == 0 {
			groups = append(groups, nil)
		}
		groups[len(groups)-1] = append(groups[len(groups)-1], p.Regex)
	}
	enabled := true
	rules := make([]*discordgo.AutoModerationRule, len(groups))
	for i, g := range groups {
		rules[i] = &discordgo.AutoModerationRule{
			Name:            ruleName(i, len(groups)),
			EventType:       discordgo.AutoModerationEventMessageSend,
			TriggerType:     discordgo.AutoModerationEventTriggerKeyword,
			TriggerMetadata: &discordgo.AutoModerationTriggerMetadata{RegexPatterns: g},
			Actions: []discordgo.AutoModerationAction{{Type: discordgo.AutoModerationRuleActionBlockMessage,
				Metadata: &discordgo.AutoModerationActionMetadata{CustomMessage: blockMessage}}},
			Enabled: &enabled,
		}
	}
	return rules
}

// installAutoMod creates or updates this bot's rules in a guild, once per
// process and guild.
func (a *Adapter) installAutoMod(ctx context.Context, guild string) {
	a.mu.Lock()
	done := a.automodDone[guild]
	a.automodDone[guild] = true
	a.mu.Unlock()
	if done {
		return
	}
	if err := a.InstallAutoMod(ctx, guild); err != nil {
		a.mu.Lock()
		delete(a.automodDone, guild)
		a.mu.Unlock()
		a.log.Error("AutoMod rules not installed", "guild", guild, "err", err)
	}
}

// InstallAutoMod creates this bot's keyword rules in a guild, or updates
// them by name when they exist. Other rules are left alone. It needs the
// MANAGE_GUILD permission.
func (a *Adapter) InstallAutoMod(ctx context.Context, guild string) error {
	existing, err := a.s.AutoModerationRules(guild, discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(true))
	if err != nil {
		return fmt.Errorf("list AutoMod rules (needs Manage Server): %w", mapErr(err))
	}
	keyword := 0
	byName := map[string]*discordgo.AutoModerationRule{}
	for _, r := range existing {
		if r == nil {
			continue
		}
		if r.TriggerType == discordgo.AutoModerationEventTriggerKeyword {
			keyword++
		}
		byName[r.Name] = r
	}
	created, updated := 0, 0
	for _, want := range AutoModRules() {
		have := byName[want.Name]
		if have == nil {
			if keyword >= MaxKeywordRules {
				return fmt.Errorf("guild already has %d keyword rules, Discord's maximum: remove one to let tokenbot add %q", keyword, want.Name)
			}
			if _, err := a.s.AutoModerationRuleCreate(guild, want, discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(true)); err != nil {
				return fmt.Errorf("create AutoMod rule (needs Manage Server): %w", mapErr(err))
			}
			keyword++
			created++
			continue
		}
		if sameRule(have, want) {
			continue
		}
		if _, err := a.s.AutoModerationRuleEdit(guild, have.ID, want, discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(true)); err != nil {
			return fmt.Errorf("update AutoMod rule (needs Manage Server): %w", mapErr(err))
		}
		updated++
	}
	a.log.Info("AutoMod rules in place", "guild", guild, "created", created, "updated", updated)
	return nil
}

func sameRule(have, want *discordgo.AutoModerationRule) bool {
	if have.TriggerMetadata == nil || have.Enabled == nil || !*have.Enabled || len(have.Actions) != len(want.Actions) {
		return false
	}
	if !slices.Equal(have.TriggerMetadata.RegexPatterns, want.TriggerMetadata.RegexPatterns) {
		return false
	}
	for i := range have.Actions {
		if have.Actions[i].Type != want.Actions[i].Type {
			return false
		}
		hm, wm := have.Actions[i].Metadata, want.Actions[i].Metadata
		if (hm == nil) != (wm == nil) || (hm != nil && hm.CustomMessage != wm.CustomMessage) {
			return false
		}
	}
	return true
}

package bot

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/tokenbot/tokenbot/bot/leaks"
	"github.com/tokenbot/tokenbot/bot/ledger"
	"github.com/tokenbot/tokenbot/bot/tokens"
	"github.com/tokenbot/tokenbot/knowledge"
)

// The texts the core sends, in plain text with light Markdown. Each
// function of a poster's or asker's text takes the language ("en", "zh").

// FormatAnswer renders an FAQ answer for chat.
func FormatAnswer(a knowledge.Answer) string {
	if !a.Answered {
		return a.Answer
	}
	var b strings.Builder
	fmt.Fprintf(&b, "*%s*\n%s", a.Title, a.Answer)
	if len(a.Related) > 0 {
		label := "Related"
		if a.Lang == "zh" {
			label = "相关话题"
		}
		names := make([]string, len(a.Related))
		for i, t := range a.Related {
			names[i] = t.Title
		}
		sep := ", "
		if a.Lang == "zh" {
			sep = "、"
		}
		fmt.Fprintf(&b, "\n_%s: %s_", label, strings.Join(names, sep))
	}
	if len(a.Sources) > 0 {
		label := "Source"
		if a.Lang == "zh" {
			label = "来源"
		}
		fmt.Fprintf(&b, "\n%s: %s", label, a.Sources[0])
	}
	return b.String()
}

// FormatReport renders a /tokens report: the table and, when the report
// holds them, the token boundaries.
func FormatReport(r tokens.Report) string {
	var b strings.Builder
	b.WriteString("```\n")
	b.WriteString(strings.TrimRight(r.Text(), "\n"))
	b.WriteString("\n```")
	if len(r.Pieces) > 0 {
		fmt.Fprintf(&b, "\nToken boundaries (%s):\n```\n%s\n```", r.PiecesEncoding, Boundaries(r.Pieces, r.PiecesTruncated))
	}
	return b.String()
}

// Boundaries shows token pieces separated by │, with whitespace made
// visible (space ·, tab →, newline ↵).
func Boundaries(pieces []tokens.Piece, truncated bool) string {
	var b strings.Builder
	b.WriteString("│")
	for _, p := range pieces {
		b.WriteString(VisibleWhitespace(p.Text))
		b.WriteString("│")
	}
	if truncated {
		b.WriteString(" …")
	}
	return b.String()
}

// VisibleWhitespace replaces spaces, tabs and newlines by visible marks.
var VisibleWhitespace = strings.NewReplacer(" ", "·", "\t", "→", "\n", "↵", "\r", "␍").Replace

// SecretWarning tells a user that text they gave the bot holds a
// credential, masked, and that it must be rotated.
func SecretWarning(lang string, found []leaks.Finding) string {
	var b strings.Builder
	for i, f := range found {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s `%s`", f.Provider, f.Masked)
	}
	if lang == "zh" {
		return fmt.Sprintf(":warning: 你的文本里有一个凭据（%s）。它现在已不再安全：请立即在服务商后台吊销并轮换它。", b.String())
	}
	return fmt.Sprintf(":warning: Your text contains a credential (%s). Treat it as exposed: revoke and rotate it at the provider now.", b.String())
}

// leakList names the leaks of a plan: provider and masked key.
func leakList(p *Plan) string {
	parts := make([]string, len(p.Leaks))
	for i, l := range p.Leaks {
		parts[i] = fmt.Sprintf("%s `%s`", l.Provider, l.Masked)
	}
	return strings.Join(parts, ", ")
}

func revokeLines(p *Plan, lang string) string {
	var b strings.Builder
	seen := map[string]bool{}
	for _, l := range p.Leaks {
		url := leaks.RevokeURL(l.Provider)
		if seen[url] {
			continue
		}
		seen[url] = true
		switch {
		case url == "" && lang == "zh":
			b.WriteString("\n• 到签发这个凭据的服务后台吊销或轮换它，再更新所有用到它的地方。")
		case url == "":
			b.WriteString("\n• Revoke or rotate it in the console of the service that issued it, then update everything that uses it.")
		case lang == "zh":
			fmt.Fprintf(&b, "\n• 在这里吊销或轮换 %s 的密钥：%s", l.Provider, url)
		default:
			fmt.Fprintf(&b, "\n• Revoke or rotate your %s key here: %s", l.Provider, url)
		}
	}
	return b.String()
}

// PosterNotice is the private message to the poster after a takedown
// attempt with the given outcome.
func PosterNotice(p *Plan, outcome ledger.Outcome) string {
	where := p.ChannelName
	if where == "" {
		where = p.Key.Channel
	}
	var head string
	switch {
	case p.Decision == leaks.Warn && p.Lang == "zh":
		head = fmt.Sprintf("你在 #%s 的消息里可能有一个凭据（%s）。如果它是真实的密钥，请删除这条消息并轮换密钥：任何拿到它的人都能用你的账户消费。", where, leakList(p))
	case p.Decision == leaks.Warn:
		head = fmt.Sprintf("Your message in #%s may contain a credential (%s). If it is a real key, delete the message and rotate the key: anyone holding it can spend on your account.", where, leakList(p))
	case outcome == ledger.Deleted && p.Lang == "zh":
		head = fmt.Sprintf("我删除了你在 #%s 的一条消息，因为它包含一个凭据（%s）。任何拿到这个密钥的人都能用你的账户消费，而频道里的人可能已经看到了：请立即吊销并轮换它。", where, leakList(p))
	case outcome == ledger.Deleted:
		head = fmt.Sprintf("I removed your message in #%s because it contained a credential (%s). Anyone holding that key can spend on your account, and people in the channel may already have seen it: revoke and rotate it now.", where, leakList(p))
	case p.Lang == "zh":
		head = fmt.Sprintf("你在 #%s 的消息包含一个凭据（%s），但我没能删除它。请马上自己删除这条消息，并吊销、轮换这个密钥：任何拿到它的人都能用你的账户消费。", where, leakList(p))
	default:
		head = fmt.Sprintf("Your message in #%s contains a credential (%s), and I could not delete it. Delete the message yourself right away, then revoke and rotate the key: anyone holding it can spend on your account.", where, leakList(p))
	}
	text := head + revokeLines(p, p.Lang)
	if p.Advice != "" {
		text += "\n\n" + p.Advice
	}
	return text
}

// PosterChannelNotice is the short notice posted in the channel when the
// poster can be reached neither privately nor by direct message. It names
// no key.
func PosterChannelNotice(p *Plan) string {
	mention := p.PosterName
	if mention == "" {
		mention = p.Poster
	}
	if p.Lang == "zh" {
		return fmt.Sprintf("%s：你的一条消息包含凭据，已按安全策略处理。请查看并轮换你的密钥。", mention)
	}
	return fmt.Sprintf("%s: a message of yours contained a credential and was handled under the security policy. Please rotate your key.", mention)
}

// SecurityNotice is the notice for the security channel.
func SecurityNotice(p *Plan, outcome ledger.Outcome, detail string) string {
	where := named("#"+p.ChannelName, p.Key.Channel)
	poster := named(p.PosterName, p.Poster)
	var title string
	switch outcome {
	case ledger.Deleted:
		title = ":rotating_light: Leaked credential taken down"
	case ledger.Warned:
		title = ":warning: Possible credential: poster warned, nothing deleted"
	default:
		title = ":rotating_light: Leaked credential NOT deleted — delete it by hand"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\nPlatform: %s · Channel: %s · Message: %s\nPoster: %s\n", title, p.Key.Platform, where, p.Key.MessageID, poster)
	for _, l := range p.Leaks {
		fmt.Fprintf(&b, "Provider: %s · Rule: %s · Key: `%s` · Fingerprint: `%s`\n", l.Provider, l.Rule, l.Masked, l.Fingerprint)
	}
	fmt.Fprintf(&b, "Outcome: %s", outcome)
	if detail != "" {
		fmt.Fprintf(&b, " (%s)", detail)
	}
	return b.String()
}

// named shows a name with its id, or the id alone when there is no other
// name.
func named(name, id string) string {
	if strings.Trim(name, "#") == "" || strings.TrimPrefix(name, "#") == id {
		return id
	}
	return fmt.Sprintf("%s (%s)", name, id)
}

// Clip cuts s to at most n bytes at a rune boundary, ending with "…" when
// it cuts.
func Clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := max(0, n-len("…"))
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

package bot

import (
	"strings"
	"unicode/utf8"

	"github.com/tokenbot/tokenbot/bot/leaks"
	"github.com/tokenbot/tokenbot/bot/ledger"
	"github.com/tokenbot/tokenbot/bot/msg"
	"github.com/tokenbot/tokenbot/bot/tokens"
	"github.com/tokenbot/tokenbot/knowledge"
)

// What the core says, as structured messages (msg.Doc): catalogue ids
// and fields in the poster's or asker's language ("en", "zh"). The
// adapters render them; the Format functions give the core's light
// Markdown.

// AnswerDoc is an FAQ answer: its title and text (FAQ data, verbatim),
// then the related topics and the source; for a question the FAQ does not
// answer in mention mode, the "not sure" reply with the closest topics.
func AnswerDoc(a knowledge.Answer) msg.Doc {
	if !a.Answered {
		if a.Answer == "" {
			return msg.Doc{Lang: a.Lang}
		}
		return knowledge.NotSure(a.Lang, a.Suggestions)
	}
	d := msg.Doc{Lang: a.Lang}
	d.Add(false, msg.V(msg.Title, a.Title), msg.V(msg.Para, a.Answer))
	if len(a.Related) > 0 {
		names := make(msg.List, len(a.Related))
		for i, t := range a.Related {
			names[i] = t.Title
		}
		d.Add(false, msg.M(msg.Note, "answer.related", msg.Fields{"topics": names}))
	}
	if len(a.Sources) > 0 {
		d.Add(false, msg.M(msg.Footer, "answer.source", msg.Fields{"url": msg.Link(a.Sources[0])}))
	}
	return d
}

// FormatAnswer renders an FAQ answer for chat, in light Markdown.
func FormatAnswer(a knowledge.Answer) string {
	return msg.Render(AnswerDoc(a), msg.Markdown)
}

// FormatReport renders a /tokens report with its labels in lang: the
// table and, when the report holds them, the token boundaries, each a
// preformatted block (msg.Style.Pre; nil: fenced with ```).
func FormatReport(lang string, r tokens.Report, pre func(string) string) string {
	if pre == nil {
		pre = msg.Fence
	}
	text := pre(strings.TrimRight(r.TextIn(lang), "\n"))
	if len(r.Pieces) > 0 {
		text += "\n" + BoundariesLabel(lang, r.PiecesEncoding) + "\n" + pre(Boundaries(r.Pieces, r.PiecesTruncated))
	}
	return text
}

// BoundariesLabel is the line FormatReport puts before the token
// boundaries: "Token boundaries (o200k_base):".
func BoundariesLabel(lang, encoding string) string {
	return msg.Text(lang, msg.Message{ID: "report.boundaries", Fields: msg.Fields{"encoding": encoding}}, msg.Style{})
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

// SecretWarningDoc tells a user that text they gave the bot holds
// credentials, masked, and that they must be rotated.
func SecretWarningDoc(lang string, found []leaks.Finding) msg.Doc {
	list := make(msg.List, len(found))
	for i, f := range found {
		list[i] = leakNamed(f.Provider, f.Masked)
	}
	d := msg.Doc{Lang: lang, Level: msg.Warning}
	d.Add(false, msg.M(msg.Para, "secret.warning", msg.Fields{"n": len(found), "leaks": list}))
	return d
}

// SecretWarning is SecretWarningDoc in light Markdown.
func SecretWarning(lang string, found []leaks.Finding) string {
	return msg.Render(SecretWarningDoc(lang, found), msg.Markdown)
}

func leakNamed(provider, masked string) msg.Message {
	return msg.Message{ID: "leak.named", Fields: msg.Fields{"provider": provider, "key": msg.Code(masked)}}
}

// leakList names the leaks of a plan: provider and masked key.
func leakList(p *Plan) msg.List {
	list := make(msg.List, len(p.Leaks))
	for i, l := range p.Leaks {
		list[i] = leakNamed(l.Provider, l.Masked)
	}
	return list
}

// revokeLines are the bullets that say where to revoke each provider's
// key, once per place.
func revokeLines(p *Plan) []msg.Part {
	var parts []msg.Part
	seen := map[string]bool{}
	for _, l := range p.Leaks {
		url := leaks.RevokeURL(l.Provider)
		if seen[url] {
			continue
		}
		seen[url] = true
		if url == "" {
			parts = append(parts, msg.M(msg.Item, "poster.revoke_console", nil))
		} else {
			parts = append(parts, msg.M(msg.Item, "poster.revoke_at", msg.Fields{"provider": l.Provider, "url": msg.Link(url)}))
		}
	}
	return parts
}

// PosterNotice is the private message to the poster after a takedown
// attempt with the given outcome, in the poster's language.
func PosterNotice(p *Plan, outcome ledger.Outcome) msg.Doc {
	where := p.ChannelName
	if where == "" {
		where = p.Key.Channel
	}
	id, level := msg.ID("poster.not_deleted"), msg.Alert
	switch {
	case p.Decision == leaks.Warn:
		id, level = "poster.warned", msg.Warning
	case outcome == ledger.Deleted:
		id, level = "poster.deleted", msg.Warning
	}
	d := msg.Doc{Lang: p.Lang, Level: level}
	d.Add(false, msg.M(msg.Para, id, msg.Fields{"channel": "#" + where, "leaks": leakList(p), "n": len(p.Leaks)}))
	d.Add(false, revokeLines(p)...)
	if p.Advice != "" {
		d.Add(true, msg.V(msg.Para, p.Advice))
	}
	return d
}

// PosterChannelNotice is the short notice posted in the channel when the
// poster can be reached neither privately nor by direct message. It names
// no key.
func PosterChannelNotice(p *Plan) msg.Doc {
	d := msg.Doc{Lang: p.Lang, Level: msg.Warning}
	d.Add(false, msg.M(msg.Para, "poster.channel", msg.Fields{"poster": msg.User{ID: p.Poster, Name: p.PosterName}}))
	return d
}

// DefaultSecurityLang is the language of the security channel's notices
// when none is set (security_lang).
const DefaultSecurityLang = "en"

// SecurityNotice is the notice for the security channel.
func SecurityNotice(p *Plan, outcome ledger.Outcome, detail string) msg.Doc {
	id, level := msg.ID("security.not_deleted"), msg.Alert
	switch outcome {
	case ledger.Deleted:
		id = "security.deleted"
	case ledger.Warned:
		id, level = "security.warned", msg.Warning
	}
	lang := p.SecurityLang
	if lang == "" {
		lang = DefaultSecurityLang
	}
	d := msg.Doc{Lang: lang, Level: level}
	d.Add(false,
		msg.M(msg.Title, id, nil),
		msg.M(msg.Para, "security.where", msg.Fields{"platform": p.Key.Platform,
			"channel": msg.Channel{ID: p.Key.Channel, Name: p.ChannelName}, "message": p.Key.MessageID}),
		msg.M(msg.Para, "security.poster", msg.Fields{"poster": msg.User{ID: p.Poster, Name: p.PosterName}}))
	for _, l := range p.Leaks {
		d.Add(false, msg.M(msg.Para, "security.leak", msg.Fields{"provider": l.Provider, "rule": l.Rule,
			"key": msg.Code(l.Masked), "fingerprint": msg.Code(l.Fingerprint)}))
	}
	if detail != "" {
		d.Add(false, msg.M(msg.Para, "security.outcome_detail", msg.Fields{"outcome": string(outcome), "detail": detail}))
	} else {
		d.Add(false, msg.M(msg.Para, "security.outcome", msg.Fields{"outcome": string(outcome)}))
	}
	return d
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

package slack

import (
	"strconv"
	"strings"
	"unicode/utf8"

	slackapi "github.com/slack-go/slack"

	"github.com/tokenbot/tokenbot/bot"
	"github.com/tokenbot/tokenbot/bot/msg"
	"github.com/tokenbot/tokenbot/bot/tokens"
)

// Block Kit limits.
const (
	maxSectionChars = 3000
	maxBlocks       = 45
)

// escape makes text safe for Slack: &, < and > are control characters
// (<!channel>, <@U…>), so that text from users never pings anyone.
var escape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace

// unescape undoes Slack's escaping of message text.
var unescape = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace

// style renders the core's messages in Slack mrkdwn: escaped text, emoji
// codes for a level, mentions and channel links.
var style = msg.Style{
	Escape:   escape,
	Verbatim: escape,
	Code:     func(s string) string { return "`" + escape(s) + "`" },
	Strong:   func(s string) string { return "*" + s + "*" },
	Emphasis: func(s string) string { return "_" + s + "_" },
	Link:     escape,
	User: func(u msg.User) string {
		if u.ID == "" {
			return escape(u.Name)
		}
		return "<@" + u.ID + ">"
	},
	Channel: func(c msg.Channel) string {
		if c.ID == "" {
			return escape(msg.NamedChannel(c))
		}
		return "<#" + c.ID + ">"
	},
	Mark: func(l msg.Level, _ string) string {
		if l == msg.Alert {
			return ":rotating_light: "
		}
		return ":warning: "
	},
}

// text is an action's notification text: its message in mrkdwn, or the
// core's text escaped.
func text(act bot.Action) string {
	if act.Say == nil {
		return escape(act.Text)
	}
	return act.Said(style)
}

// blocksFor renders an action in Block Kit.
func blocksFor(act bot.Action) []slackapi.Block {
	var blocks []slackapi.Block
	lang := msg.FallbackLang
	if act.Say != nil {
		lang = act.Say.Lang
	}
	switch {
	case act.Tokens != nil:
		var say []slackapi.Block
		if act.Say != nil {
			say = docBlocks(*act.Say)
		}
		blocks = append(say, tokensBlocks(lang, *act.Tokens)...)
	case act.Say != nil:
		blocks = docBlocks(*act.Say)
	default:
		blocks = textBlocks(escape(act.Text))
	}
	if len(blocks) > maxBlocks {
		blocks = append(blocks[:maxBlocks-1], mrkdwnSection(style.Emphasis(say(lang, "report.shortened", nil))))
	}
	return blocks
}

// docBlocks renders a message: its lines in sections (the level's emoji
// before the first), its notes and footers in one context block.
func docBlocks(d msg.Doc) []slackapi.Block {
	var body, foot msg.Doc
	body.Lang, body.Level, foot.Lang = d.Lang, d.Level, d.Lang
	for _, p := range d.Parts {
		if p.Role == msg.Note || p.Role == msg.Footer {
			foot.Parts = append(foot.Parts, p)
		} else {
			body.Parts = append(body.Parts, p)
		}
	}
	blocks := textBlocks(msg.Render(body, style))
	if len(foot.Parts) > 0 {
		ctx := make([]string, len(foot.Parts))
		for i, p := range foot.Parts {
			p.Role = msg.Para
			ctx[i] = msg.Default.Part(d.Lang, p, style)
		}
		blocks = append(blocks, slackapi.NewContextBlock("",
			slackapi.NewTextBlockObject(slackapi.MarkdownType, bot.Clip(strings.Join(ctx, " · "), 2000), false, false)))
	}
	return blocks
}

func mrkdwnSection(text string) slackapi.Block {
	return slackapi.NewSectionBlock(slackapi.NewTextBlockObject(slackapi.MarkdownType, text, false, false), nil, nil)
}

// textBlocks splits escaped mrkdwn into sections of at most 3,000
// characters, on line boundaries when possible.
func textBlocks(text string) []slackapi.Block {
	var blocks []slackapi.Block
	for _, part := range split(text, maxSectionChars) {
		if strings.TrimSpace(part) != "" {
			blocks = append(blocks, mrkdwnSection(part))
		}
	}
	return blocks
}

// codeBlocks renders preformatted text in one or more ``` sections.
func codeBlocks(text string) []slackapi.Block {
	text = strings.ReplaceAll(escape(text), "```", "`\u200b``")
	var blocks []slackapi.Block
	for _, part := range split(text, maxSectionChars-8) {
		blocks = append(blocks, mrkdwnSection("```\n"+part+"\n```"))
	}
	return blocks
}

// split cuts s into pieces of at most max bytes, preferring newlines and
// never cutting a UTF-8 character.
func split(s string, max int) []string {
	var out []string
	for len(s) > max {
		cut := strings.LastIndexByte(s[:max], '\n')
		if cut <= max/2 {
			cut = max
			for cut > 0 && !utf8.RuneStart(s[cut]) {
				cut--
			}
		}
		out = append(out, s[:cut])
		s = strings.TrimPrefix(s[cut:], "\n")
	}
	return append(out, s)
}

// say is a catalogue text in lang, in Slack mrkdwn.
func say(lang string, id msg.ID, f msg.Fields) string {
	return msg.Text(lang, msg.Message{ID: id, Fields: f}, style)
}

// tokensBlocks renders a /tokens report with its labels in lang: tokens
// and characters per token for each encoding, the cost table, and the
// token boundaries.
func tokensBlocks(lang string, r tokens.Report) []slackapi.Block {
	var blocks []slackapi.Block
	blocks = append(blocks, slackapi.NewHeaderBlock(slackapi.NewTextBlockObject(slackapi.PlainTextType,
		msg.Text(lang, msg.Message{ID: "report.title"}, msg.Style{}), false, false)))
	blocks = append(blocks, slackapi.NewContextBlock("", slackapi.NewTextBlockObject(slackapi.MarkdownType,
		say(lang, "report.size", msg.Fields{"chars": tokens.Group(r.Chars), "bytes": tokens.Group(r.Bytes)}), false, false)))

	var fields []*slackapi.TextBlockObject
	for _, e := range r.Encodings {
		if len(fields) == 10 {
			break
		}
		fields = append(fields, slackapi.NewTextBlockObject(slackapi.MarkdownType,
			style.Strong(escape(e.Name))+"\n"+say(lang, "report.encoding_counts", msg.Fields{"tokens": tokens.Group(e.Tokens),
				"rate": strconv.FormatFloat(e.CharsPerToken, 'f', 2, 64)}), false, false))
	}
	if len(fields) > 0 {
		blocks = append(blocks, slackapi.NewSectionBlock(nil, fields, nil))
	}

	if len(r.Models) > 0 {
		col := func(name string) string {
			return msg.Text(lang, msg.Message{ID: msg.ID("report.column." + name)}, msg.Style{})
		}
		rows := [][]string{{col("model"), col("tokens"), col("input"), col("output"), col("context")}}
		var notes []string
		for _, m := range r.Models {
			n := tokens.Group(m.Tokens)
			if !m.Exact {
				n = "~" + n
				if m.Estimate != "" && !contains(notes, m.Estimate) {
					notes = append(notes, m.Estimate)
				}
			}
			rows = append(rows, []string{m.Model, n, tokens.USD(m.InputCostUSD), tokens.USD(m.OutputCostUSD),
				msg.Text(lang, msg.Message{ID: "report.window_share", Fields: msg.Fields{
					"share": strconv.FormatFloat(m.ContextShare*100, 'f', 2, 64) + "%", "window": tokens.Group(m.ContextWindow)}}, msg.Style{})})
		}
		blocks = append(blocks, mrkdwnSection(heading(lang, "report.cost_heading", "report.cost_title", nil)))
		blocks = append(blocks, codeBlocks(table(rows))...)
		if len(notes) > 0 {
			blocks = append(blocks, slackapi.NewContextBlock("", slackapi.NewTextBlockObject(slackapi.MarkdownType,
				bot.Clip("~ "+say(lang, "report.estimate_notes", msg.Fields{"notes": strings.Join(notes, "; ")}), 2000), false, false)))
		}
	}
	if len(r.Pieces) > 0 {
		title := heading(lang, "report.boundaries_heading", "report.boundaries_title", msg.Fields{"encoding": r.PiecesEncoding})
		if r.PiecesTruncated {
			title = heading(lang, "report.boundaries_first", "report.boundaries_title", msg.Fields{"encoding": r.PiecesEncoding, "n": len(r.Pieces)})
		}
		blocks = append(blocks, slackapi.NewDividerBlock(), mrkdwnSection(title))
		blocks = append(blocks, codeBlocks(bot.Boundaries(r.Pieces, r.PiecesTruncated))...)
	}
	return blocks
}

// heading is the catalogue text id in lang with the text title, in bold,
// as its field title: "*Cost per model* (USD, list prices)".
func heading(lang string, id, title msg.ID, f msg.Fields) string {
	all := msg.Fields{"title": msg.Name(msg.Text(lang, msg.Message{ID: title}, msg.Style{}))}
	for k, v := range f {
		all[k] = v
	}
	return say(lang, id, all)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// table aligns rows in columns (a wide character takes two); every column
// but the first is right-aligned.
func table(rows [][]string) string {
	right := make([]bool, len(rows[0]))
	for i := 1; i < len(right); i++ {
		right[i] = true
	}
	return tokens.Table(rows, right)
}

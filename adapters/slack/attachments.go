package slack

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/tokenbot/tokenbot/bot"
)

// attachment is the part of a legacy attachment (also how Slack carries a
// shared or forwarded message) that holds text someone can read.
type attachment struct {
	Fallback string `json:"fallback"`
	Pretext  string `json:"pretext"`
	Title    string `json:"title"`
	Text     string `json:"text"`
	Fields   []struct {
		Title string `json:"title"`
		Value string `json:"value"`
	} `json:"fields"`
	Blocks json.RawMessage `json:"blocks"`
	// MessageBlocks is the shared message's own blocks.
	MessageBlocks []struct {
		Message struct {
			Blocks json.RawMessage `json:"blocks"`
		} `json:"message"`
	} `json:"message_blocks"`
}

// blockContainers are the block kinds whose text reads as one line: their
// elements are joined without a separator, so that a key split by styling
// (bold, a link) is scanned whole.
var blockContainers = map[string]bool{
	"rich_text_section": true, "rich_text_preformatted": true, "rich_text_quote": true,
	"section": true, "header": true, "context": true,
}

// extraTexts returns, as files the core scans, the text of a message that
// is not in its text field: its blocks and its attachments (text, pretext,
// fallback, title, field values, and a shared message's blocks). Each is
// capped at max bytes. Offsets of findings are relative to each text.
func extraTexts(m *message, max int) []bot.File {
	var out []bot.File
	add := func(name, text string) {
		if text = strings.TrimSpace(text); text != "" {
			out = append(out, bot.File{Name: name, Text: bot.Clip(unescape(text), max)})
		}
	}
	// A user's message carries its text twice, as text and as a rich_text
	// block: the block is scanned only when it says something else.
	if bt := blockText(m.Blocks); bt != "" && words(unescape(bt)) != words(unescape(m.Text)) {
		add("blocks", bt)
	}
	for i, a := range m.Attachments {
		var b strings.Builder
		for _, s := range []string{a.Pretext, a.Title, a.Text, a.Fallback} {
			b.WriteString(s + "\n")
		}
		for _, f := range a.Fields {
			b.WriteString(f.Title + "\n" + f.Value + "\n")
		}
		b.WriteString(blockText(a.Blocks))
		for _, mb := range a.MessageBlocks {
			b.WriteString(blockText(mb.Message.Blocks))
		}
		add("attachment "+strconv.Itoa(i+1), b.String())
	}
	return out
}

// blockText is the readable text of Block Kit blocks: every text, url and
// value string, a line per block.
func blockText(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return ""
	}
	var b strings.Builder
	walkBlocks(v, &b)
	return b.String()
}

func walkBlocks(v any, b *strings.Builder) {
	switch v := v.(type) {
	case []any:
		for _, e := range v {
			walkBlocks(e, b)
		}
	case map[string]any:
		for _, k := range []string{"text", "url", "value"} {
			if s, ok := v[k].(string); ok {
				b.WriteString(s)
			}
		}
		for _, k := range []string{"text", "elements", "fields", "blocks"} {
			if _, isString := v[k].(string); !isString {
				walkBlocks(v[k], b)
			}
		}
		if t, _ := v["type"].(string); blockContainers[t] || t == "rich_text" {
			b.WriteString("\n")
		}
	}
}

func words(s string) string { return strings.Join(strings.Fields(s), " ") }

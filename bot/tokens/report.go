package tokens

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tokenbot/tokenbot/bot/msg"
)

// EncodingCount is the token count of a text in one encoding.
type EncodingCount struct {
	Name          string  `json:"name"`
	Tokens        int     `json:"tokens"`
	CharsPerToken float64 `json:"chars_per_token"`
}

// ModelCost is what a text costs on one model.
type ModelCost struct {
	Model    string `json:"model"`
	Provider string `json:"provider"`
	Encoding string `json:"encoding"`
	Tokens   int    `json:"tokens"`
	Exact    bool   `json:"exact"`
	// InputCostUSD is the price of sending the text; OutputCostUSD the price
	// if the model generated the same text.
	InputCostUSD  float64 `json:"input_cost_usd"`
	OutputCostUSD float64 `json:"output_cost_usd"`
	ContextWindow int     `json:"context_window"`
	// ContextShare is Tokens / ContextWindow (1 = the whole window).
	ContextShare float64 `json:"context_share"`
	Estimate     string  `json:"estimate,omitempty"`
}

// Report describes a text: its size, its tokens in every encoding, and its
// cost on each model asked for.
type Report struct {
	Chars           int             `json:"chars"`
	Bytes           int             `json:"bytes"`
	Encodings       []EncodingCount `json:"encodings"`
	Models          []ModelCost     `json:"models"`
	Pieces          []Piece         `json:"pieces,omitempty"`
	PiecesEncoding  string          `json:"pieces_encoding,omitempty"`
	PiecesTruncated bool            `json:"pieces_truncated,omitempty"`
}

// ReportOptions select the optional parts of a Report.
type ReportOptions struct {
	// PiecesEncoding, when set, adds the text's token pieces in that encoding.
	PiecesEncoding string
	// MaxPieces limits the pieces listed; 0 means 100.
	MaxPieces int
	// Encodings to count; empty means all of Encodings(). Encodings used by
	// the models are always counted.
	Encodings []string
}

// DefaultMaxPieces is the number of pieces a report lists by default.
const DefaultMaxPieces = 100

// Report counts text in every encoding (each encoding once, however many
// models share it) and prices it for each model.
func (c *Counter) Report(ctx context.Context, text string, models []Model, opts ReportOptions) (Report, error) {
	if err := c.check(text); err != nil {
		return Report{}, err
	}
	encs := opts.Encodings
	if len(encs) == 0 {
		encs = Encodings()
	}
	encs = slices.Clone(encs)
	for _, m := range models {
		if !slices.Contains(encs, m.Encoding) {
			encs = append(encs, m.Encoding)
		}
	}
	if opts.PiecesEncoding != "" && !slices.Contains(encs, opts.PiecesEncoding) {
		encs = append(encs, opts.PiecesEncoding)
	}
	r := Report{Chars: utf8.RuneCountInString(text), Bytes: len(text)}
	counts := make(map[string]int, len(encs))
	for _, name := range encs {
		if err := ctx.Err(); err != nil {
			return Report{}, fmt.Errorf("count tokens: %w", err)
		}
		l, v, err := c.encoder(name)
		if err != nil {
			return Report{}, err
		}
		var n int
		if name == opts.PiecesEncoding {
			ids := c.encode(make([]int, 0, len(text)/3+1), l, v, text)
			n = len(ids)
			max := opts.MaxPieces
			if max <= 0 {
				max = DefaultMaxPieces
			}
			r.Pieces, r.PiecesTruncated = pieces(v, ids, max)
			r.PiecesEncoding = name
		} else {
			n = c.count(l, v, text)
		}
		counts[name] = n
		r.Encodings = append(r.Encodings, EncodingCount{Name: name, Tokens: n, CharsPerToken: ratio(r.Chars, n)})
	}
	for _, m := range models {
		n := counts[m.Encoding]
		mc := ModelCost{
			Model: m.ID, Provider: m.Provider, Encoding: m.Encoding, Tokens: n, Exact: m.Exact,
			InputCostUSD:  float64(n) * m.InputPerMTok / 1e6,
			OutputCostUSD: float64(n) * m.OutputPerMTok / 1e6,
			ContextWindow: m.ContextWindow,
			ContextShare:  ratio(n, m.ContextWindow),
		}
		if !m.Exact {
			mc.Estimate = m.Estimate
		}
		r.Models = append(r.Models, mc)
	}
	return r, nil
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Text renders the counts and the cost table as plain text for monospace
// display, in English. The token pieces are left to the caller's boundary
// view.
func (r Report) Text() string { return r.TextIn(msg.FallbackLang) }

// TextIn is Text with its labels (column headings, exact or estimate) in
// lang, from the message catalogue; the numbers and the layout are the
// same in every language.
func (r Report) TextIn(lang string) string {
	say := func(id msg.ID, f msg.Fields) string {
		return msg.Text(lang, msg.Message{ID: id, Fields: f}, msg.Style{})
	}
	col := func(name string) string { return say(msg.ID("report.column."+name), nil) }
	var sb strings.Builder
	sb.WriteString(say("report.size", msg.Fields{"chars": Group(r.Chars), "bytes": Group(r.Bytes)}) + "\n")
	if len(r.Encodings) > 0 {
		rows := [][]string{{col("encoding"), col("tokens"), col("chars_per_token")}}
		for _, e := range r.Encodings {
			rows = append(rows, []string{e.Name, Group(e.Tokens), strconv.FormatFloat(e.CharsPerToken, 'f', 2, 64)})
		}
		sb.WriteString("\n")
		writeTable(&sb, rows, []bool{false, true, true})
	}
	if len(r.Models) > 0 {
		rows := [][]string{{col("model"), col("tokens"), col("input"), col("output"), col("context"), col("count")}}
		var notes []string
		for _, m := range r.Models {
			tokens, kind := Group(m.Tokens), say("report.exact", nil)
			if !m.Exact {
				tokens, kind = "~"+tokens, say("report.estimate", nil)
				if m.Estimate != "" && !slices.Contains(notes, m.Estimate) {
					notes = append(notes, m.Estimate)
				}
			}
			rows = append(rows, []string{
				m.Model, tokens, USD(m.InputCostUSD), USD(m.OutputCostUSD),
				contextCell(lang, m.ContextShare, m.ContextWindow), kind,
			})
		}
		sb.WriteString("\n")
		writeTable(&sb, rows, []bool{false, true, true, true, true, false})
		for _, n := range notes {
			sb.WriteString("~ " + n + "\n")
		}
	}
	return sb.String()
}

// Table aligns rows in columns for monospace display (a wide character
// takes two), column i right-aligned when right[i], with no newline at the
// end.
func Table(rows [][]string, right []bool) string {
	var sb strings.Builder
	writeTable(&sb, rows, right)
	return strings.TrimRight(sb.String(), "\n")
}

func writeTable(sb *strings.Builder, rows [][]string, right []bool) {
	widths := make([]int, len(rows[0]))
	for _, row := range rows {
		for i, cell := range row {
			widths[i] = max(widths[i], Width(cell))
		}
	}
	for _, row := range rows {
		var line strings.Builder
		for i, cell := range row {
			if i > 0 {
				line.WriteString("  ")
			}
			pad := strings.Repeat(" ", widths[i]-Width(cell))
			if right[i] {
				line.WriteString(pad + cell)
			} else {
				line.WriteString(cell + pad)
			}
		}
		sb.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
}

// Width is how many columns s takes in a monospace font: two for a wide
// character (Chinese, Japanese, Korean, fullwidth forms), one for others.
func Width(s string) int {
	n := 0
	for _, r := range s {
		n++
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) ||
			(r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFF60) || (r >= 0xFFE0 && r <= 0xFFE6) {
			n++
		}
	}
	return n
}

// Group writes n with thousands separators.
func Group(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		return "-" + s
	}
	return s
}

// USD formats dollars with the precision the amount needs and no more:
// $15, $2.50, $0.125, $0.15, $0.000009, $1.025, $1,234.57.
func USD(v float64) string {
	switch {
	case v <= 0:
		return "$0"
	case v < 0.000001:
		return "<$0.000001"
	}
	// Six decimals below a dollar; above, five significant digits but at
	// least cents, so that parts and their sum agree ($0.40 + $0.625 =
	// $1.025).
	digits := 6
	if v >= 1 {
		digits = max(2, 5-len(strconv.Itoa(int(v))))
	}
	s := strconv.FormatFloat(v, 'f', digits, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) == 1 {
		frac += "0" // $2.5 → $2.50
	}
	n, _ := strconv.Atoi(whole)
	s = Group(n)
	if frac != "" {
		s += "." + frac
	}
	return "$" + s
}

// Percent writes a share (0.25 for a quarter) as a percentage: "0%",
// "<0.01%", two decimals below 10% ("1.25%"), one above ("12.5%"). The
// /tokens report and the estimates' context shares both use it.
func Percent(v float64) string {
	p := v * 100
	switch {
	case p == 0:
		return "0%"
	case p < 0.01:
		return "<0.01%"
	case p < 10:
		return strconv.FormatFloat(p, 'f', 2, 64) + "%"
	}
	return strconv.FormatFloat(p, 'f', 1, 64) + "%"
}

// contextCell writes a text's share of a context window in lang ("0.02%
// of 128k"), or "n/a" when the window is not known.
func contextCell(lang string, share float64, window int) string {
	if window == 0 {
		return msg.Text(lang, msg.Message{ID: "report.no_window"}, msg.Style{})
	}
	return msg.Text(lang, msg.Message{ID: "report.window_share", Fields: msg.Fields{"share": Percent(share), "window": shortCount(window)}}, msg.Style{})
}

// shortCount writes a context size as 128k or 1M.
func shortCount(n int) string {
	switch {
	case n >= 1_000_000:
		return strings.TrimSuffix(strconv.FormatFloat(float64(n)/1_000_000, 'f', 1, 64), ".0") + "M"
	case n >= 1000:
		return strconv.Itoa(n/1000) + "k"
	}
	return strconv.Itoa(n)
}

// Package msg is what the bot says, as data: a Doc is a list of parts,
// each a catalogue text (a Message: id and fields) or text that came as
// data (an FAQ answer), with a language and a level. Every user-visible
// string of the core lives in the catalogue files (one per language,
// en.toml and zh.toml, embedded); each adapter renders a Doc in its
// platform's idiom through a Style.
//
// msg imports neither bot nor knowledge, so that both can use it.
package msg

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
)

// ID names a text in the catalogue.
type ID string

// Level is how urgent a Doc is; a renderer picks its mark (Slack's emoji
// codes, Discord's Unicode emoji, a word on the terminal).
type Level string

// The levels.
const (
	Info    Level = ""
	Warning Level = "warning"
	Alert   Level = "alert"
)

// Role is what a part of a Doc is.
type Role string

// The roles of parts.
const (
	Title Role = "title" // the first line, in bold where the platform has it
	Para  Role = "para"  // a line of text
	Item  Role = "item"  // a bullet
	Note  Role = "note"  // a footnote in italics (related topics)
	// Footer is a footnote in plain text (a source link).
	Footer Role = "footer"
)

// Fields are the values a catalogue text names by {name}. A value is a
// string (plain text), an int (a number; the field "n" also picks the
// plural form), Code (a masked key, a command), Link (a URL), Name (a
// name shown emphasised), User, a Channel, a Message (a catalogue text
// inside another) or a List of those.
type Fields map[string]any

// Code is a field shown as code: a masked key, a fingerprint, a command.
type Code string

// Link is a field that is a URL.
type Link string

// Name is a field that names what a text is about (a model in a computed
// answer), shown emphasised: in bold where the platform has it.
type Name string

// User is a person the text names; a platform may render a mention.
type User struct{ ID, Name string }

// Channel is a channel the text names; a platform may render a link.
type Channel struct{ ID, Name string }

// List is a field of several values, joined by the language's list
// separator (", " in English, "、" in Chinese).
type List []any

// Message is one catalogue text with its fields.
type Message struct {
	ID     ID     `json:"id"`
	Fields Fields `json:"fields,omitempty"`
}

// Part is one line of a Doc: a catalogue text (Msg) or, when Msg is nil,
// Verbatim text that came as data (an FAQ title or answer, in light
// Markdown). Gap starts a new paragraph (a blank line before it).
type Part struct {
	Role     Role     `json:"role"`
	Msg      *Message `json:"msg,omitempty"`
	Verbatim string   `json:"verbatim,omitempty"`
	Gap      bool     `json:"gap,omitempty"`
}

// Doc is one thing the bot says.
type Doc struct {
	Lang  string `json:"lang"`
	Level Level  `json:"level,omitempty"`
	Parts []Part `json:"parts"`
}

// M builds a part that says the catalogue text id with fields.
func M(role Role, id ID, fields Fields) Part {
	return Part{Role: role, Msg: &Message{ID: id, Fields: fields}}
}

// V builds a part of verbatim text.
func V(role Role, text string) Part { return Part{Role: role, Verbatim: text} }

// Add appends parts; the first of them starts a new paragraph when gap is
// set and the Doc is not empty.
func (d *Doc) Add(gap bool, parts ...Part) {
	if len(parts) == 0 {
		return
	}
	if gap && len(d.Parts) > 0 {
		parts[0].Gap = true
	}
	d.Parts = append(d.Parts, parts...)
}

// Style is how a platform renders the pieces of a text. A nil function
// leaves its text as it is (User, Channel: the name and id; Mark:
// nothing).
type Style struct {
	Escape   func(string) string // literal text: catalogue texts and string fields
	Verbatim func(string) string // text given as data, in light Markdown
	Code     func(string) string
	Strong   func(string) string
	Emphasis func(string) string
	Link     func(string) string
	User     func(User) string
	Channel  func(Channel) string
	// Mark is the sign put before a Doc of a level, with its spacing
	// (":warning: "); word is the level's name in the Doc's language, with
	// its punctuation ("Warning: ").
	Mark func(l Level, word string) string
	// Pre shows a preformatted block (a /tokens table); nil: Fence.
	Pre func(string) string
}

// Fence is a preformatted block in Markdown: the text between ``` lines.
func Fence(s string) string { return "```\n" + s + "\n```" }

// Markdown is the core's light Markdown (*bold*, _italic_, `code`), with
// no mark: Action.Text, the web page, the command line.
var Markdown = Style{
	Code:     func(s string) string { return "`" + s + "`" },
	Strong:   func(s string) string { return "*" + s + "*" },
	Emphasis: func(s string) string { return "_" + s + "_" },
}

// Plain is text with no markup; a level is named by its word ("Warning: ").
var Plain = Style{
	Verbatim: StripMarkdown,
	Pre:      func(s string) string { return s },
	Mark: func(l Level, word string) string {
		if l == Info {
			return ""
		}
		return word
	},
}

// NamedUser shows a user's name with their id, or the id alone.
func NamedUser(u User) string {
	if u.Name == "" || u.Name == u.ID {
		return u.ID
	}
	if u.ID == "" {
		return u.Name
	}
	return u.Name + " (" + u.ID + ")"
}

// NamedChannel shows a channel's name (#general) with its id, or the id
// alone when the name is the id or missing.
func NamedChannel(c Channel) string {
	name := strings.TrimPrefix(c.Name, "#")
	switch {
	case name == "" || name == c.ID:
		return c.ID
	case c.ID == "":
		return "#" + name
	}
	return "#" + name + " (" + c.ID + ")"
}

func (s Style) apply(f func(string) string, v string) string {
	if f == nil {
		return v
	}
	return f(v)
}

// Catalogue holds the texts of every language.
type Catalogue struct {
	langs map[string]map[ID]entry
}

// entry is one text: a single form, or plural forms one/other.
type entry struct {
	one, other string
}

//go:embed *.toml
var files embed.FS

// Default is the embedded catalogue. Its files are checked by the tests;
// a broken one leaves the language out.
var Default = loadEmbedded()

func loadEmbedded() *Catalogue {
	c, err := Load(files)
	if err != nil {
		// The embedded files are fixed at build time and tested; an
		// empty catalogue still renders every id as itself.
		return &Catalogue{langs: map[string]map[ID]entry{}}
	}
	return c
}

// Load reads every <lang>.toml of fsys. A table of keys holds texts by
// dotted id; a table with only "one" and "other" is a text with plural
// forms, picked by the field "n".
func Load(fsys fs.FS) (*Catalogue, error) {
	names, err := fs.Glob(fsys, "*.toml")
	if err != nil {
		return nil, fmt.Errorf("list catalogue files: %w", err)
	}
	c := &Catalogue{langs: map[string]map[ID]entry{}}
	for _, name := range names {
		raw, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		var tree map[string]any
		if _, err := toml.Decode(string(raw), &tree); err != nil {
			return nil, fmt.Errorf("parse %s: %w", name, err)
		}
		texts := map[ID]entry{}
		if err := flatten("", tree, texts); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		c.langs[strings.TrimSuffix(path.Base(name), ".toml")] = texts
	}
	return c, nil
}

func flatten(prefix string, tree map[string]any, out map[ID]entry) error {
	for k, v := range tree {
		id := k
		if prefix != "" {
			id = prefix + "." + k
		}
		switch v := v.(type) {
		case string:
			out[ID(id)] = entry{one: v, other: v}
		case map[string]any:
			other, ok := v["other"].(string)
			if ok && len(v) <= 2 {
				one, _ := v["one"].(string)
				if one == "" {
					one = other
				}
				out[ID(id)] = entry{one: one, other: other}
				continue
			}
			if err := flatten(id, v, out); err != nil {
				return err
			}
		default:
			return fmt.Errorf("%s: a text must be a string, not %T", id, v)
		}
	}
	return nil
}

// Languages lists the catalogue's languages, sorted.
func (c *Catalogue) Languages() []string {
	out := make([]string, 0, len(c.langs))
	for l := range c.langs {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}

// IDs lists the ids of lang, sorted.
func (c *Catalogue) IDs(lang string) []ID {
	out := make([]ID, 0, len(c.langs[lang]))
	for id := range c.langs[lang] {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

// Forms returns the raw forms of a text (one, other) and whether lang has it.
func (c *Catalogue) Forms(lang string, id ID) (one, other string, ok bool) {
	e, ok := c.langs[lang][id]
	return e.one, e.other, ok
}

// FallbackLang is the language of a text missing in the language asked.
const FallbackLang = "en"

func (c *Catalogue) lookup(lang string, id ID) (entry, string, bool) {
	if e, ok := c.langs[lang][id]; ok {
		return e, lang, true
	}
	e, ok := c.langs[FallbackLang][id]
	return e, FallbackLang, ok
}

// Text renders one catalogue text in lang with style. An unknown id is
// rendered as the id itself; an unknown field as its {name}.
func (c *Catalogue) Text(lang string, m Message, s Style) string {
	e, lang, ok := c.lookup(lang, m.ID)
	if !ok {
		return s.apply(s.Escape, string(m.ID))
	}
	tmpl := e.other
	if n, ok := m.Fields["n"].(int); ok && plural(lang, n) == "one" {
		tmpl = e.one
	}
	var b strings.Builder
	for tmpl != "" {
		i := strings.IndexByte(tmpl, '{')
		j := -1
		if i >= 0 {
			j = strings.IndexByte(tmpl[i:], '}')
		}
		if i < 0 || j < 0 {
			b.WriteString(s.apply(s.Escape, tmpl))
			break
		}
		b.WriteString(s.apply(s.Escape, tmpl[:i]))
		name, mod, _ := strings.Cut(tmpl[i+1:i+j], "|")
		if v, ok := m.Fields[name]; ok {
			b.WriteString(c.value(lang, v, mod, s))
		} else {
			b.WriteString(s.apply(s.Escape, tmpl[i:i+j+1]))
		}
		tmpl = tmpl[i+j+1:]
	}
	return b.String()
}

// value renders one field value; mod "a" puts the English indefinite
// article before it, chosen by the value's plain text.
func (c *Catalogue) value(lang string, v any, mod string, s Style) string {
	var out string
	switch v := v.(type) {
	case string:
		out = s.apply(s.Escape, v)
	case int:
		out = s.apply(s.Escape, fmt.Sprint(v))
	case Code:
		out = s.apply(s.Code, string(v))
	case Link:
		out = s.apply(s.Link, string(v))
	case Name:
		out = s.apply(s.Strong, s.apply(s.Escape, string(v)))
	case User:
		out = styled(s, s.User, v, NamedUser(v))
	case Channel:
		out = styled(s, s.Channel, v, NamedChannel(v))
	case Message:
		out = c.Text(lang, v, s)
	case List:
		parts := make([]string, len(v))
		for i, x := range v {
			parts[i] = c.value(lang, x, "", s)
		}
		sep := c.Text(lang, Message{ID: "list.separator"}, Style{})
		out = strings.Join(parts, s.apply(s.Escape, sep))
	default:
		out = s.apply(s.Escape, fmt.Sprint(v))
	}
	if mod == "a" {
		return s.apply(s.Escape, Article(c.plain(lang, v))+" ") + out
	}
	return out
}

// plain is a field value's text with no style, that an article is chosen
// by: a list's first value.
func (c *Catalogue) plain(lang string, v any) string {
	if l, ok := v.(List); ok {
		if len(l) == 0 {
			return ""
		}
		v = l[0]
	}
	return c.value(lang, v, "", Style{})
}

// styled renders v with f, or its plain text escaped when the style has
// no f.
func styled[T any](s Style, f func(T) string, v T, plain string) string {
	if f != nil {
		return f(v)
	}
	return s.apply(s.Escape, plain)
}

// plural is the form of a text for n: "one" for exactly one (English "a
// credential", Chinese "一个凭据…它"), else "other". A language that
// words one like any other number leaves "one" out.
func plural(_ string, n int) string {
	if n == 1 {
		return "one"
	}
	return "other"
}

// Article is the English indefinite article for a word: "an" before a
// vowel sound ("an OpenAI", "an SSH"), else "a" ("a GitHub").
func Article(word string) string {
	word = strings.TrimLeftFunc(word, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if word == "" {
		return "a"
	}
	first, _ := utf8.DecodeRuneInString(word)
	lower := strings.ToLower(word)
	// An initialism is read letter by letter: F, H, L, M, N, R, S and X
	// begin with a vowel sound, U does not ("a UUID").
	end := strings.IndexFunc(word, func(r rune) bool { return !unicode.IsLetter(r) })
	if end < 0 {
		end = len(word)
	}
	head := word[:end]
	if len(head) >= 2 && strings.ToUpper(head) == head {
		if strings.ContainsRune("AEFHILMNORSX", first) {
			return "an"
		}
		return "a"
	}
	for _, p := range []string{"uni", "use", "usa", "eu", "one", "once"} {
		if strings.HasPrefix(lower, p) {
			return "a"
		}
	}
	for _, p := range []string{"hour", "honest", "heir"} {
		if strings.HasPrefix(lower, p) {
			return "an"
		}
	}
	if strings.ContainsRune("aeiou", unicode.ToLower(first)) {
		return "an"
	}
	return "a"
}

// Render renders a Doc as one text: the level's mark before the first
// part, titles in Strong, items as bullets, notes in Emphasis.
func (c *Catalogue) Render(d Doc, s Style) string {
	var b strings.Builder
	for i, p := range d.Parts {
		line := c.Part(d.Lang, p, s)
		if i == 0 && s.Mark != nil && d.Level != Info {
			if mark := s.Mark(d.Level, c.Text(d.Lang, Message{ID: ID("level." + string(d.Level))}, Style{})); mark != "" {
				line = mark + line
			}
		}
		if i > 0 {
			b.WriteString("\n")
			if p.Gap {
				b.WriteString("\n")
			}
		}
		b.WriteString(line)
	}
	return b.String()
}

// Part renders one part of a Doc in lang, in its role's form.
func (c *Catalogue) Part(lang string, p Part, s Style) string {
	text := s.apply(s.Verbatim, p.Verbatim)
	if p.Msg != nil {
		text = c.Text(lang, *p.Msg, s)
	}
	switch p.Role {
	case Title:
		return s.apply(s.Strong, text)
	case Item:
		return "• " + text
	case Note:
		return s.apply(s.Emphasis, text)
	}
	return text
}

// Text renders one catalogue text with the Default catalogue.
func Text(lang string, m Message, s Style) string { return Default.Text(lang, m, s) }

// Render renders a Doc with the Default catalogue.
func Render(d Doc, s Style) string { return Default.Render(d, s) }

// FieldNames names the fields a text refers to, sorted, with no duplicates.
func FieldNames(text string) []string {
	var names []string
	for {
		i := strings.IndexByte(text, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(text[i:], '}')
		if j < 0 {
			break
		}
		name, _, _ := strings.Cut(text[i+1:i+j], "|")
		names = append(names, name)
		text = text[i+j+1:]
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// StripMarkdown removes light Markdown's marks: `code`, *bold* and
// _italic_ around a run of text lose their marks; a lone mark stays.
func StripMarkdown(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '`' || c == '*' || c == '_' {
			end := strings.IndexByte(s[i+1:], c)
			inner := ""
			if end > 0 {
				inner = s[i+1 : i+1+end]
			}
			wraps := inner != "" && !strings.ContainsAny(inner, "\n") &&
				(c == '`' || (inner[0] != ' ' && inner[len(inner)-1] != ' '))
			// An underscore inside a word (sk_live_…) is not a mark.
			if c == '_' && i > 0 && isWordByte(s[i-1]) {
				wraps = false
			}
			if wraps {
				b.WriteString(inner)
				i += end + 1
				continue
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

func isWordByte(c byte) bool {
	return c == '-' || c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}

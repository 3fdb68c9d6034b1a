// Package knowledge holds the bilingual (English / Simplified Chinese) FAQ about
// API keys, AI tokens, billing and limits, and the in-memory bleve index that
// answers questions from it.
package knowledge

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

//go:embed faq/*.yaml
var faqFiles embed.FS

// Languages lists the languages every entry must provide, in display order.
var Languages = []string{"en", "zh"}

// Embedded returns the built-in FAQ files, one <id>.yaml per entry at the root.
func Embedded() fs.FS {
	sub, err := fs.Sub(faqFiles, "faq")
	if err != nil {
		// fs.Sub only fails on an invalid path, and "faq" is valid.
		panic(fmt.Sprintf("knowledge: embedded faq: %v", err))
	}
	return sub
}

// Entry is one FAQ topic in every supported language.
type Entry struct {
	ID      string   `yaml:"id"`
	Related []string `yaml:"related"`
	Sources []string `yaml:"sources"`
	// Keywords are the topic's distinctive terms in any language (optional);
	// they are searched as a separate, lower-weighted field and, like the
	// phrasings, train the intent model that routes questions.
	Keywords []string `yaml:"keywords"`
	// Reviewed is the month (YYYY-MM) the entry was last checked against
	// its sources.
	Reviewed string          `yaml:"reviewed"`
	Text     map[string]Text `yaml:"-"`
}

// Text is an entry's content in one language.
type Text struct {
	Question  string   `yaml:"question"`
	Short     string   `yaml:"short"`
	Answer    string   `yaml:"answer"`
	Phrasings []string `yaml:"phrasings"`
	// Examples are more questions on the topic, written by people shown only
	// the topic list (never the FAQ). They train the intent model only: they
	// are not searched and do not decide whether a topic is keyed.
	Examples []string `yaml:"examples"`
}

// fileEntry is the on-disk shape of one FAQ file.
type fileEntry struct {
	ID       string   `yaml:"id"`
	Related  []string `yaml:"related"`
	Sources  []string `yaml:"sources"`
	Keywords []string `yaml:"keywords"`
	Reviewed string   `yaml:"reviewed"`
	EN       *Text    `yaml:"en"`
	ZH       *Text    `yaml:"zh"`
}

// Validation failures reported by Load, wrapped in a *ValidationError.
var (
	ErrMissingField   = errors.New("missing")
	ErrDuplicateID    = errors.New("duplicate id")
	ErrUnknownRelated = errors.New("unknown related id")
	ErrInvalid        = errors.New("invalid")
	ErrNoEntries      = errors.New("no faq entries")
)

// ValidationError names the file and field of a FAQ problem.
type ValidationError struct {
	File  string // file name inside the FS
	Field string // e.g. "zh.short", "related[2]"
	Err   error  // one of the Err* sentinels, possibly wrapped
	Info  string // extra detail, e.g. the offending value
}

func (e *ValidationError) Error() string {
	msg := fmt.Sprintf("faq %s: %s: %v", e.File, e.Field, e.Err)
	if e.Info != "" {
		msg += ": " + e.Info
	}
	return msg
}

func (e *ValidationError) Unwrap() error { return e.Err }

var (
	idPattern       = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	reviewedPattern = regexp.MustCompile(`^20[0-9]{2}-(0[1-9]|1[0-2])$`)
)

// Load reads every *.yaml file at the root of fsys and validates the set:
// ids are well-formed and unique (by convention the file is <id>.yaml); both languages have a
// question, short answer, full answer and at least one phrasing; related ids
// exist; at least one source is given. Entries are returned sorted by id.
func Load(fsys fs.FS) ([]Entry, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, fmt.Errorf("list faq files: %w", err)
	}
	if len(names) == 0 {
		return nil, ErrNoEntries
	}
	sort.Strings(names)
	entries := make([]Entry, 0, len(names))
	fileOf := make(map[string]string, len(names))
	for _, name := range names {
		e, err := loadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		if prev, dup := fileOf[e.ID]; dup {
			return nil, &ValidationError{File: name, Field: "id", Err: ErrDuplicateID, Info: fmt.Sprintf("%q also in %s", e.ID, prev)}
		}
		fileOf[e.ID] = name
		entries = append(entries, e)
	}
	for _, e := range entries {
		for i, r := range e.Related {
			if _, ok := fileOf[r]; !ok {
				return nil, &ValidationError{File: fileOf[e.ID], Field: fmt.Sprintf("related[%d]", i), Err: ErrUnknownRelated, Info: fmt.Sprintf("%q", r)}
			}
		}
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].ID < entries[j].ID })
	return entries, nil
}

func loadFile(fsys fs.FS, name string) (Entry, error) {
	raw, err := fs.ReadFile(fsys, name)
	if err != nil {
		return Entry{}, fmt.Errorf("read faq %s: %w", name, err)
	}
	dec := yaml.NewDecoder(strings.NewReader(string(raw)))
	dec.KnownFields(true)
	var fe fileEntry
	if err := dec.Decode(&fe); err != nil {
		return Entry{}, &ValidationError{File: name, Field: "yaml", Err: ErrInvalid, Info: err.Error()}
	}
	verr := func(field string, err error, info string) error {
		return &ValidationError{File: name, Field: field, Err: err, Info: info}
	}
	fe.ID = strings.TrimSpace(fe.ID)
	switch {
	case fe.ID == "":
		return Entry{}, verr("id", ErrMissingField, "")
	case !idPattern.MatchString(fe.ID):
		return Entry{}, verr("id", ErrInvalid, fmt.Sprintf("%q is not lower-case-with-dashes", fe.ID))
	}
	if len(fe.Sources) == 0 {
		return Entry{}, verr("sources", ErrMissingField, "")
	}
	for i, s := range fe.Sources {
		if !strings.HasPrefix(s, "https://") {
			return Entry{}, verr(fmt.Sprintf("sources[%d]", i), ErrInvalid, "not an https URL")
		}
	}
	seen := map[string]bool{}
	for i, r := range fe.Related {
		switch {
		case r == fe.ID:
			return Entry{}, verr(fmt.Sprintf("related[%d]", i), ErrInvalid, "an entry cannot relate to itself")
		case seen[r]:
			return Entry{}, verr(fmt.Sprintf("related[%d]", i), ErrInvalid, fmt.Sprintf("%q listed twice", r))
		}
		seen[r] = true
	}
	if fe.Reviewed != "" && !reviewedPattern.MatchString(fe.Reviewed) {
		return Entry{}, verr("reviewed", ErrInvalid, fmt.Sprintf("%q is not YYYY-MM", fe.Reviewed))
	}
	e := Entry{ID: fe.ID, Related: fe.Related, Sources: fe.Sources, Reviewed: fe.Reviewed, Text: map[string]Text{}}
	var bad string
	if e.Keywords, bad = trimmed(fe.Keywords, "keywords"); bad != "" {
		return Entry{}, verr(bad, ErrMissingField, "")
	}
	for _, lang := range Languages {
		t := fe.EN
		if lang == "zh" {
			t = fe.ZH
		}
		if t == nil {
			return Entry{}, verr(lang, ErrMissingField, "")
		}
		clean := Text{
			Question: strings.TrimSpace(t.Question),
			Short:    strings.TrimSpace(t.Short),
			Answer:   strings.TrimSpace(t.Answer),
		}
		for _, f := range []struct{ name, val string }{{"question", clean.Question}, {"short", clean.Short}, {"answer", clean.Answer}} {
			if f.val == "" {
				return Entry{}, verr(lang+"."+f.name, ErrMissingField, "")
			}
		}
		if clean.Phrasings, bad = trimmed(t.Phrasings, lang+".phrasings"); bad != "" {
			return Entry{}, verr(bad, ErrMissingField, "")
		}
		if len(clean.Phrasings) == 0 {
			return Entry{}, verr(lang+".phrasings", ErrMissingField, "")
		}
		if clean.Examples, bad = trimmed(t.Examples, lang+".examples"); bad != "" {
			return Entry{}, verr(bad, ErrMissingField, "")
		}
		e.Text[lang] = clean
	}
	return e, nil
}

// trimmed returns items with surrounding space removed, or the name
// (field[i]) of the first item that is empty.
func trimmed(items []string, field string) ([]string, string) {
	var out []string
	for i, s := range items {
		s = strings.TrimSpace(s)
		if s == "" {
			return nil, fmt.Sprintf("%s[%d]", field, i)
		}
		out = append(out, s)
	}
	return out, ""
}

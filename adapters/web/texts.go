package web

import (
	"net/http"
	"slices"
	"strings"

	"github.com/tokenbot/tokenbot/bot/msg"
)

// pagePrefix is the catalogue's section of the pages' own labels.
const pagePrefix = "page."

// TextsView is the pages' labels in one language: every catalogue text
// under page., keyed by the id without it ("removed", "takedowns_since_start.one").
// A text with plural forms comes as id.one and id.other; a {name} is
// filled in by the page.
type TextsView struct {
	Lang  string            `json:"lang"`
	Texts map[string]string `json:"texts"`
}

// getTexts serves the pages' labels in the language asked for (?lang=,
// else the browser's Accept-Language), or English.
func (s *Server) getTexts(w http.ResponseWriter, r *http.Request) {
	lang := pageLang(r.URL.Query().Get("lang"), r.Header.Get("Accept-Language"))
	writeJSON(w, http.StatusOK, Texts(lang))
}

// Texts returns the pages' labels in lang, falling back to English for a
// text lang lacks.
func Texts(lang string) TextsView {
	v := TextsView{Lang: lang, Texts: map[string]string{}}
	for _, id := range msg.Default.IDs(msg.FallbackLang) {
		if !strings.HasPrefix(string(id), pagePrefix) {
			continue
		}
		one, other, ok := msg.Default.Forms(lang, id)
		if !ok {
			one, other, _ = msg.Default.Forms(msg.FallbackLang, id)
		}
		key := strings.TrimPrefix(string(id), pagePrefix)
		if one == other {
			v.Texts[key] = other
			continue
		}
		v.Texts[key+".one"], v.Texts[key+".other"] = one, other
	}
	return v
}

// pageLang picks the catalogue language for a page: the one asked for,
// else the first of the browser's languages the catalogue has ("zh-CN"
// is zh), else English.
func pageLang(asked, accept string) string {
	langs := msg.Default.Languages()
	tags := []string{asked}
	for _, t := range strings.Split(accept, ",") {
		tags = append(tags, strings.TrimSpace(strings.SplitN(t, ";", 2)[0]))
	}
	for _, t := range tags {
		base, _, _ := strings.Cut(strings.ToLower(strings.ReplaceAll(t, "_", "-")), "-")
		if base != "" && slices.Contains(langs, base) {
			return base
		}
	}
	return msg.FallbackLang
}

package knowledge

import (
	"strings"
	"unicode"
)

func normalizeForCompare(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsPunct(r) || unicode.IsSpace(r) {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}

// faqWordings maps every FAQ title and phrasing, normalised, to its topic:
// an evaluation question that copies one measures nothing.
func faqWordings(ix *Index) map[string]string {
	own := map[string]string{}
	for _, topic := range ix.Topics("en") {
		for _, lang := range Languages {
			tx, _ := ix.Entry(topic.ID, lang)
			own[normalizeForCompare(tx.Question)] = topic.ID
			for _, p := range tx.Phrasings {
				own[normalizeForCompare(p)] = topic.ID
			}
		}
	}
	return own
}

package knowledge

import "testing"

// independentFile is a question set written from one-line topic descriptions
// by someone who never read the FAQ wording: the most honest estimate of how
// well real chat questions are matched. TestEvalSets measures it.
const independentFile = "testdata/independent.yaml"

// TestIndependentSetIsSound checks the independent set's labels and coverage:
// every topic has at least 4 questions per language, every label names a
// real topic, and no question copies an FAQ phrasing.
func TestIndependentSetIsSound(t *testing.T) {
	ix := testIndex(t)
	qs, _ := loadQuestionFile(t, independentFile)
	own := faqWordings(ix)
	count := map[string]map[string]int{}
	for _, topic := range ix.Topics("en") {
		count[topic.ID] = map[string]int{}
	}
	for _, l := range qs {
		if _, ok := ix.Entry(l.id, l.lang); !ok {
			t.Errorf("question %q labelled with unknown topic %q", l.q, l.id)
			continue
		}
		if id, dup := own[normalizeForCompare(l.q)]; dup {
			t.Errorf("question %q copies an FAQ phrasing of %s", l.q, id)
		}
		count[l.id][l.lang]++
	}
	for id, byLang := range count {
		for _, lang := range Languages {
			if byLang[lang] < 4 {
				t.Errorf("topic %s has %d %s questions, want >= 4", id, byLang[lang], lang)
			}
		}
	}
}

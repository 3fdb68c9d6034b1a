package knowledge

import (
	"context"
	"os"
	"sort"
	"testing"

	"go.yaml.in/yaml/v3"
)

// independentFile is a question set written from one-line topic descriptions
// by someone who never read the FAQ wording: the most honest estimate of how
// well real chat questions are matched.
const independentFile = "testdata/independent.yaml"

type independentQuestion struct{ id, lang, q string }

func loadIndependent(t *testing.T) []independentQuestion {
	t.Helper()
	raw, err := os.ReadFile(independentFile)
	if err != nil {
		t.Fatalf("read %s: %v", independentFile, err)
	}
	var set struct {
		OnTopic map[string]map[string][]string `yaml:"on_topic"`
	}
	if err := yaml.Unmarshal(raw, &set); err != nil {
		t.Fatalf("parse %s: %v", independentFile, err)
	}
	ids := make([]string, 0, len(set.OnTopic))
	for id := range set.OnTopic {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var out []independentQuestion
	for _, id := range ids {
		for _, lang := range Languages {
			for _, q := range set.OnTopic[id][lang] {
				out = append(out, independentQuestion{id, lang, q})
			}
		}
	}
	return out
}

func TestIndependentAccuracy(t *testing.T) {
	entries, err := Load(Embedded())
	if err != nil {
		t.Fatalf("load embedded FAQ: %v", err)
	}
	ix, err := NewIndex(entries, Options{})
	if err != nil {
		t.Fatalf("build index: %v", err)
	}
	qs := loadIndependent(t)

	// Every topic of the FAQ needs at least 4 questions per language, every
	// label must name a real topic, and no question may copy an FAQ phrasing.
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

	ctx := context.Background()
	type tally struct{ n, hits int }
	perLang := map[string]*tally{}
	for _, lang := range Languages {
		perLang[lang] = &tally{}
	}
	hits, passive, passiveWrong, wrongLang := 0, 0, 0, 0
	for _, l := range qs {
		a, err := ix.Ask(ctx, l.q, Mention)
		if err != nil {
			t.Fatalf("Ask(%q, mention): %v", l.q, err)
		}
		if a.Lang != l.lang {
			wrongLang++
			t.Logf("language [%s] detected %s: %s", l.lang, a.Lang, l.q)
		}
		perLang[l.lang].n++
		if a.Answered && a.ID == l.id {
			hits++
			perLang[l.lang].hits++
		} else {
			got := a.ID
			if !a.Answered {
				got += "(unanswered)"
			}
			t.Logf("[%s] %s: %s", l.id, got, l.q)
		}

		p, err := ix.Ask(ctx, l.q, Passive)
		if err != nil {
			t.Fatalf("Ask(%q, passive): %v", l.q, err)
		}
		switch {
		case p.Answered && p.ID == l.id:
			passive++
		case p.Answered:
			passiveWrong++
			t.Logf("passive wrong [%s] %s: %s", l.id, p.ID, l.q)
		}
	}
	if len(qs) == 0 {
		t.Fatalf("%s holds no questions", independentFile)
	}
	pct := func(a, b int) float64 { return 100 * float64(a) / float64(b) }
	t.Logf("independent mention top-1 accuracy: %d/%d = %.1f%%", hits, len(qs), pct(hits, len(qs)))
	for _, lang := range Languages {
		tl := perLang[lang]
		if tl.n > 0 {
			t.Logf("  %s: %d/%d = %.1f%%", lang, tl.hits, tl.n, pct(tl.hits, tl.n))
		}
	}
	t.Logf("independent passive recall: %d/%d = %.1f%%; passive wrong answers: %d; language misdetections: %d",
		passive, len(qs), pct(passive, len(qs)), passiveWrong, wrongLang)
	if hits*2 < len(qs) {
		t.Errorf("independent mention accuracy %.1f%%, want >= 50%%", pct(hits, len(qs)))
	}
}

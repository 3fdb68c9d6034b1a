package knowledge

import (
	"os"
	"sort"
	"sync"
	"testing"

	"go.yaml.in/yaml/v3"
)

type questionSet struct {
	OnTopic  map[string]map[string][]string `yaml:"on_topic"`
	OffTopic map[string][]string            `yaml:"off_topic"`
}

type labelled struct{ id, lang, q string }

func loadQuestions(t testing.TB) (on []labelled, off []labelled) {
	t.Helper()
	return loadQuestionFile(t, "testdata/questions.yaml")
}

func loadQuestionFile(t testing.TB, name string) (on []labelled, off []labelled) {
	t.Helper()
	raw, err := os.ReadFile(name)
	if err != nil {
		t.Fatalf("read questions: %v", err)
	}
	var qs questionSet
	if err := yaml.Unmarshal(raw, &qs); err != nil {
		t.Fatalf("parse questions: %v", err)
	}
	ids := make([]string, 0, len(qs.OnTopic))
	for id := range qs.OnTopic {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		for _, lang := range Languages {
			for _, q := range qs.OnTopic[id][lang] {
				on = append(on, labelled{id, lang, q})
			}
		}
	}
	for _, lang := range Languages {
		for _, q := range qs.OffTopic[lang] {
			off = append(off, labelled{"", lang, q})
		}
	}
	return on, off
}

var (
	sharedOnce sync.Once
	sharedIx   *Index
	sharedErr  error
)

// testIndex builds the index over the embedded FAQ once per test binary.
func testIndex(t testing.TB) *Index {
	t.Helper()
	sharedOnce.Do(func() {
		entries, err := Load(Embedded())
		if err != nil {
			sharedErr = err
			return
		}
		sharedIx, sharedErr = NewIndex(entries, Options{})
	})
	if sharedErr != nil {
		t.Fatalf("build index: %v", sharedErr)
	}
	return sharedIx
}

func TestQuestionSetCoversEveryTopic(t *testing.T) {
	ix := testIndex(t)
	on, off := loadQuestions(t)
	count := map[string]map[string]int{}
	for _, l := range on {
		if _, ok := ix.Entry(l.id, l.lang); !ok {
			t.Errorf("test question %q labelled with unknown id %q", l.q, l.id)
		}
		if count[l.id] == nil {
			count[l.id] = map[string]int{}
		}
		count[l.id][l.lang]++
	}
	// The test questions must be held out: none may copy an FAQ phrasing or title.
	own := faqWordings(ix)
	for _, l := range on {
		if id, dup := own[normalizeForCompare(l.q)]; dup {
			t.Errorf("test question %q copies a phrasing of %s", l.q, id)
		}
	}
	for _, topic := range ix.Topics("en") {
		for _, lang := range Languages {
			if n := count[topic.ID][lang]; n < 3 {
				t.Errorf("topic %s has %d %s test questions, want >= 3", topic.ID, n, lang)
			}
		}
	}
	offCount := map[string]int{}
	for _, l := range off {
		offCount[l.lang]++
	}
	for _, lang := range Languages {
		if offCount[lang] < 20 {
			t.Errorf("%d off-topic %s lines, want >= 20", offCount[lang], lang)
		}
	}
}

// TestEvalSetsAreHeldOut checks that no dev, holdout or blind question
// copies an FAQ phrasing or title: those sets measure unseen wording.
func TestEvalSetsAreHeldOut(t *testing.T) {
	ix := testIndex(t)
	own := faqWordings(ix)
	for _, file := range []string{"testdata/dev.yaml", "testdata/dev2.yaml", "testdata/dev3.yaml", "testdata/dev4.yaml", "testdata/dev5.yaml", "testdata/dev6.yaml", "testdata/holdout.yaml", "testdata/blind.yaml"} {
		on, _ := loadQuestionFile(t, file)
		for _, l := range on {
			if _, ok := ix.Entry(l.id, l.lang); !ok {
				t.Errorf("%s: question %q labelled with unknown id %q", file, l.q, l.id)
			}
			if id, dup := own[normalizeForCompare(l.q)]; dup {
				t.Errorf("%s: question %q copies a phrasing of %s", file, l.q, id)
			}
		}
	}
}

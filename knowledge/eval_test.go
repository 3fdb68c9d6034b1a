package knowledge

import (
	"context"
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

func TestMentionAccuracy(t *testing.T) {
	ix := testIndex(t)
	on, _ := loadQuestions(t)
	ctx := context.Background()
	hits := 0
	for _, l := range on {
		a, err := ix.Ask(ctx, l.q, Mention)
		if err != nil {
			t.Fatalf("Ask(%q): %v", l.q, err)
		}
		if a.Lang != l.lang {
			t.Errorf("Ask(%q): lang %s, want %s", l.q, a.Lang, l.lang)
		}
		if a.Answered && a.ID == l.id {
			hits++
			continue
		}
		t.Logf("miss [%s] %q: got %q (answered=%v score=%.3f)", l.id, l.q, a.ID, a.Answered, a.Score)
	}
	acc := float64(hits) / float64(len(on))
	t.Logf("mention top-1 accuracy: %d/%d = %.1f%%", hits, len(on), 100*acc)
	if acc < 0.95 {
		t.Errorf("mention top-1 accuracy %.1f%%, want >= 95%%", 100*acc)
	}
}

func TestPassiveNeverAnswersOffTopic(t *testing.T) {
	ix := testIndex(t)
	_, off := loadQuestions(t)
	ctx := context.Background()
	fp := 0
	for _, l := range off {
		a, err := ix.Ask(ctx, l.q, Passive)
		if err != nil {
			t.Fatalf("Ask(%q): %v", l.q, err)
		}
		if a.Answered || a.Answer != "" {
			fp++
			t.Errorf("passive answered off-topic %q with %s (score %.3f)", l.q, a.ID, a.Score)
		}
	}
	t.Logf("passive false positives: %d/%d", fp, len(off))
}

func TestPassiveRecall(t *testing.T) {
	ix := testIndex(t)
	on, _ := loadQuestions(t)
	ctx := context.Background()
	answered, wrong := 0, 0
	for _, l := range on {
		a, err := ix.Ask(ctx, l.q, Passive)
		if err != nil {
			t.Fatalf("Ask(%q): %v", l.q, err)
		}
		switch {
		case !a.Answered:
			t.Logf("passive silent [%s] %q (score %.3f)", l.id, l.q, a.Score)
		case a.ID != l.id:
			wrong++
			t.Logf("passive wrong [%s] %q: got %s (score %.3f)", l.id, l.q, a.ID, a.Score)
		default:
			answered++
		}
	}
	recall := float64(answered) / float64(len(on))
	t.Logf("passive recall: %d/%d = %.1f%% (wrong answers: %d)", answered, len(on), 100*recall, wrong)
	if recall < 0.6 {
		t.Errorf("passive recall %.1f%%, want >= 60%%", 100*recall)
	}
}

// TestHoldoutAccuracy logs accuracy on a second question set that was never
// used to tune the FAQ: an honest estimate of how well unseen wording matches.
func TestHoldoutAccuracy(t *testing.T) {
	ix := testIndex(t)
	on, _ := loadQuestionFile(t, "testdata/holdout.yaml")
	hits, passive, passiveWrong := 0, 0, 0
	for _, l := range on {
		a, err := ix.Ask(context.Background(), l.q, Mention)
		if err != nil {
			t.Fatalf("Ask(%q): %v", l.q, err)
		}
		if a.ID == l.id {
			hits++
		} else {
			t.Logf("holdout miss [%s] %q: got %q", l.id, l.q, a.ID)
		}
		if p, _ := ix.Ask(context.Background(), l.q, Passive); p.Answered && p.ID == l.id {
			passive++
		} else if p.Answered {
			passiveWrong++
			t.Logf("holdout passive wrong [%s] %q: got %q", l.id, l.q, p.ID)
		}
	}
	t.Logf("holdout mention accuracy: %d/%d = %.1f%%; passive recall %d/%d, passive wrong answers %d", hits, len(on), 100*float64(hits)/float64(len(on)), passive, len(on), passiveWrong)
	if hits*2 < len(on) {
		t.Errorf("holdout accuracy %d/%d is below 50%%", hits, len(on))
	}
}

// TestBlindAccuracy measures a third question set, written before the method
// changes and never inspected line by line while tuning. It logs only the
// aggregate figure, so the set stays blind; 60% is a regression floor.
func TestBlindAccuracy(t *testing.T) {
	ix := testIndex(t)
	on, _ := loadQuestionFile(t, "testdata/blind.yaml")
	if len(on) < 108 {
		t.Fatalf("blind set has %d questions, want >= 108 (2 per topic and language)", len(on))
	}
	hits, passive, passiveWrong := 0, 0, 0
	for _, l := range on {
		a, err := ix.Ask(context.Background(), l.q, Mention)
		if err != nil {
			t.Fatalf("Ask(%q): %v", l.q, err)
		}
		if a.ID == l.id {
			hits++
		}
		p, err := ix.Ask(context.Background(), l.q, Passive)
		if err != nil {
			t.Fatalf("Ask(%q, passive): %v", l.q, err)
		}
		switch {
		case p.Answered && p.ID == l.id:
			passive++
		case p.Answered:
			passiveWrong++
		}
	}
	acc := float64(hits) / float64(len(on))
	t.Logf("blind mention accuracy: %d/%d = %.1f%%; passive recall %d/%d, passive wrong answers %d", hits, len(on), 100*acc, passive, len(on), passiveWrong)
	if acc < 0.60 {
		t.Errorf("blind mention accuracy %.1f%%, want >= 60%%", 100*acc)
	}
}

// TestEvalSetsAreHeldOut checks that no holdout or blind question copies an
// FAQ phrasing or title: those sets measure unseen wording.
func TestEvalSetsAreHeldOut(t *testing.T) {
	ix := testIndex(t)
	own := faqWordings(ix)
	for _, file := range []string{"testdata/holdout.yaml", "testdata/blind.yaml"} {
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

package estimate

import (
	"context"
	"os"
	"testing"

	"github.com/tokenbot/tokenbot/bot/tokens"
	"go.yaml.in/yaml/v3"
)

// freshFile is the FAQ's independent question set; its computed section asks
// for prices, context windows and sizes the way users type them. It was
// written without seeing this package and scored once (23/34), then once
// more after names as typed, retired models and more quantities were
// built from the list, not from the set (28/34); the floor only
// catches a regression, and misses are not listed.
const freshFile = "../../knowledge/testdata/fresh.yaml"

func TestFreshComputedQuestions(t *testing.T) {
	raw, err := os.ReadFile(freshFile)
	if err != nil {
		t.Fatalf("read %s: %v", freshFile, err)
	}
	var set struct {
		Computed []struct{ Q, Kind, Lang string } `yaml:"computed"`
	}
	if err := yaml.Unmarshal(raw, &set); err != nil {
		t.Fatalf("parse %s: %v", freshFile, err)
	}
	if len(set.Computed) < 30 {
		t.Fatalf("%s holds %d computed questions, want >= 30", freshFile, len(set.Computed))
	}
	cat, err := tokens.DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	a := &Answerer{Catalog: cat, Counter: tokens.NewCounter(tokens.Options{})}
	answered := map[string]int{}
	total := map[string]int{}
	n := 0
	for _, q := range set.Computed {
		ans, ok, err := a.Answer(context.Background(), q.Q, false)
		if err != nil {
			t.Fatalf("Answer: %v", err)
		}
		total[q.Kind]++
		if ok {
			if ans.Text == "" {
				t.Errorf("an answered computed question has no text")
			}
			answered[q.Kind]++
			n++
		}
	}
	t.Logf("fresh computed questions answered: %d/%d (price %d/%d, context %d/%d, size %d/%d)", n, len(set.Computed),
		answered["price"], total["price"], answered["context"], total["context"], answered["size"], total["size"])
	if n < 28 {
		t.Errorf("answered %d/%d computed questions, want >= 28", n, len(set.Computed))
	}
}

package tokens

import (
	"encoding/json"
	"os"
	"slices"
	"testing"
)

type fixtureFile struct {
	Generator string   `json:"generator"`
	Encodings []string `json:"encodings"`
	Cases     []struct {
		Name   string           `json:"name"`
		Text   string           `json:"text"`
		Tokens map[string][]int `json:"tokens"`
	} `json:"cases"`
}

func loadFixtures(t testing.TB) fixtureFile {
	t.Helper()
	data, err := os.ReadFile("testdata/tiktoken_fixtures.json")
	if err != nil {
		t.Fatal(err)
	}
	var f fixtureFile
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Cases) < 40 || !slices.Equal(f.Encodings, Encodings()) {
		t.Fatalf("fixture file incomplete: %d cases, encodings %v", len(f.Cases), f.Encodings)
	}
	return f
}

// TestFixtures compares ids with OpenAI tiktoken's encode_ordinary output
// recorded by testdata/tiktoken-fixtures (npm ci && node gen.mjs).
func TestFixtures(t *testing.T) {
	f := loadFixtures(t)
	c := testCounter()
	for _, tc := range f.Cases {
		for _, enc := range Encodings() {
			t.Run(tc.Name+"/"+enc, func(t *testing.T) {
				want, ok := tc.Tokens[enc]
				if !ok {
					t.Fatalf("fixture has no ids for %s", enc)
				}
				got, err := c.Encode(enc, tc.Text)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(got, want) {
					t.Errorf("ids differ from tiktoken (%d vs %d tokens)\n got %v\nwant %v", len(got), len(want), head(got), head(want))
				}
				n, err := c.Count(enc, tc.Text)
				if err != nil || n != len(want) {
					t.Errorf("Count = %d, %v; want %d", n, err, len(want))
				}
			})
		}
	}
}

func head(ids []int) []int {
	if len(ids) > 40 {
		return ids[:40]
	}
	return ids
}

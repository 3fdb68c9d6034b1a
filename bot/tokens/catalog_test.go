package tokens

import (
	"errors"
	"strings"
	"testing"
)

func TestDefaultCatalog(t *testing.T) {
	cat, err := DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	if cat.PricesAsOf() == "" || len(cat.Sources()) == 0 {
		t.Errorf("table lacks date or sources: %q %v", cat.PricesAsOf(), cat.Sources())
	}
	required := []string{
		"gpt-5", "gpt-5-mini", "gpt-5-nano", "gpt-4.1", "gpt-4.1-mini", "gpt-4o", "gpt-4o-mini", "o3", "o4-mini",
		"gpt-oss-120b", "gpt-oss-20b", "claude-opus-4.5", "claude-sonnet-4.5", "claude-haiku-4.5",
		"gemini-2.5-pro", "gemini-2.5-flash",
	}
	for _, id := range required {
		m, err := cat.Lookup(id)
		if err != nil {
			t.Errorf("lookup %s: %v", id, err)
			continue
		}
		openai := strings.HasPrefix(id, "gpt-") || id == "o3" || id == "o4-mini"
		if m.Exact != openai {
			t.Errorf("%s: exact = %v; want %v", id, m.Exact, openai)
		}
		if !m.Exact && !strings.Contains(m.Estimate, "o200k_base") {
			t.Errorf("%s: estimate note %q does not say how it is estimated", id, m.Estimate)
		}
		if m.InputPerMTok <= 0 || m.OutputPerMTok < m.InputPerMTok || m.ContextWindow < 100_000 {
			t.Errorf("%s: implausible row %+v", id, m)
		}
	}
	// Spot-check prices a user would compare with the pricing pages.
	for id, want := range map[string][3]float64{
		"gpt-5": {1.25, 0.125, 10}, "gpt-4o-mini": {0.15, 0.075, 0.60}, "claude-sonnet-4.5": {3, 0.30, 15}, "gemini-2.5-pro": {1.25, 0.125, 10},
	} {
		m, _ := cat.Lookup(id)
		if got := [3]float64{m.InputPerMTok, m.CachedInputPerMTok, m.OutputPerMTok}; got != want {
			t.Errorf("%s prices = %v; want %v", id, got, want)
		}
	}
}

func TestLookupAliasesAndCase(t *testing.T) {
	cat, err := DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	for name, id := range map[string]string{
		"GPT-5": "gpt-5", " gpt-4o-2024-08-06 ": "gpt-4o", "claude-sonnet-4-5-20250929": "claude-sonnet-4.5",
		"Claude-Haiku-4-5": "claude-haiku-4.5", "models/gemini-2.5-flash": "gemini-2.5-flash",
	} {
		m, err := cat.Lookup(name)
		if err != nil || m.ID != id {
			t.Errorf("Lookup(%q) = %s, %v; want %s", name, m.ID, err, id)
		}
	}
}

func TestLookupUnknownSuggests(t *testing.T) {
	cat, err := DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	for name, suggestion := range map[string]string{
		"gpt5":          "gpt-5",
		"claude-sonet":  "claude-sonnet-4.5",
		"gemini-25-pro": "gemini-2.5-pro",
		"o4mini":        "o4-mini",
		"claude":        "claude-sonnet-4.5",
		"Gemini":        "gemini-2.5-flash",
	} {
		_, err := cat.Lookup(name)
		if !errors.Is(err, ErrUnknownModel) {
			t.Errorf("Lookup(%q): err = %v; want ErrUnknownModel", name, err)
			continue
		}
		if !strings.Contains(err.Error(), "did you mean") || !strings.Contains(err.Error(), suggestion) {
			t.Errorf("Lookup(%q): %v; want a suggestion of %s", name, err, suggestion)
		}
	}
}

const validRow = `
  - id: m1
    aliases: [m-one]
    provider: acme
    encoding: o200k_base
    input_per_mtok: 1
    cached_input_per_mtok: 0.5
    output_per_mtok: 2
    context_window: 1000
    max_output: 100
    exact: true
`

func TestLoadCatalogValidation(t *testing.T) {
	head := "prices_as_of: \"2025-11\"\nsources: [https://example.com/pricing]\nmodels:\n"
	tests := []struct {
		name, yaml, want string
	}{
		{"valid", head + validRow, ""},
		{"no date", "sources: [x]\nmodels:\n" + validRow, "prices_as_of: required"},
		{"no sources", "prices_as_of: x\nmodels:\n" + validRow, "sources: required"},
		{"no models", head, "no models"},
		{"unknown field", head + validRow + "    colour: red\n", "colour"},
		{"not yaml", "models: [", "parse model table"},
		{"no id", head + strings.Replace(validRow, "id: m1", "id: \"\"", 1), "models[0] (no id): field id"},
		{"bad encoding", head + strings.Replace(validRow, "o200k_base", "o300k", 1), `models[0] (m1): field encoding: unknown encoding "o300k"`},
		{"negative price", head + strings.Replace(validRow, "input_per_mtok: 1", "input_per_mtok: -1", 1), "field input_per_mtok: must be a price >= 0"},
		{"missing price", head + strings.Replace(validRow, "    output_per_mtok: 2\n", "", 1), "field output_per_mtok: required"},
		{"cached above input", head + strings.Replace(validRow, "cached_input_per_mtok: 0.5", "cached_input_per_mtok: 5", 1), "field cached_input_per_mtok: 5 is above"},
		{"zero context", head + strings.Replace(validRow, "context_window: 1000", "context_window: 0", 1), "field context_window"},
		{"output above context", head + strings.Replace(validRow, "max_output: 100", "max_output: 5000", 1), "field max_output"},
		{"missing exact", head + strings.Replace(validRow, "    exact: true\n", "", 1), "field exact: required"},
		{"estimate missing", head + strings.Replace(validRow, "exact: true", "exact: false", 1), "field estimate: required when exact is false"},
		{"estimate on exact", head + validRow + "    estimate: guess\n", "field estimate: must be empty"},
		{"duplicate alias", head + validRow + strings.NewReplacer("id: m1", "id: m2", "[m-one]", "[M-ONE]").Replace(validRow), `models[1] (m2): name "M-ONE" is already used by m1`},
		{"dollars not euros", "currency: EUR\n" + head + validRow, "currency"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cat, err := LoadCatalog([]byte(tt.yaml))
			if tt.want == "" {
				if err != nil || len(cat.Models()) != 1 {
					t.Fatalf("valid table: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v; want it to contain %q", err, tt.want)
			}
		})
	}
}

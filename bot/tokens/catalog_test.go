package tokens

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/tokenbot/tokenbot/configs"
)

func TestDefaultCatalog(t *testing.T) {
	cat, err := DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	if cat.PricesAsOf() == "" || len(cat.Sources()) == 0 || cat.Dataset().Name != "@pydantic/genai-prices" || cat.Dataset().Date != cat.PricesAsOf() {
		t.Errorf("table lacks date, sources or dataset: %q %v %+v", cat.PricesAsOf(), cat.Sources(), cat.Dataset())
	}
	// Current text models of every provider the bot's users pay.
	required := map[string]string{
		"gpt-5.5": "openai", "gpt-5.4": "openai", "gpt-5.4-mini": "openai", "gpt-5.4-nano": "openai",
		"claude-opus-4-7": "anthropic", "claude-sonnet-4-6": "anthropic", "claude-haiku-4-5": "anthropic",
		"gemini-3-flash-preview": "google", "gemini-3.1-pro-preview": "google", "gemini-3.1-flash-lite": "google",
		"deepseek-flash": "deepseek", "deepseek-v4-pro": "deepseek", "mistral-large-2512": "mistral", "grok-4.3": "xai", "llama-3.3-70b-versatile": "groq",
	}
	for id, provider := range required {
		m, err := cat.Lookup(id)
		if err != nil {
			t.Errorf("lookup %s: %v", id, err)
			continue
		}
		if m.Provider != provider {
			t.Errorf("%s: provider %q; want %q", id, m.Provider, provider)
		}
		if m.Exact != (provider == "openai") {
			t.Errorf("%s: exact = %v; want %v", id, m.Exact, provider == "openai")
		}
		if !m.Exact && !strings.Contains(m.Estimate, "o200k_base") {
			t.Errorf("%s: estimate note %q does not say which encoding stands in", id, m.Estimate)
		}
		if m.InputPerMTok <= 0 || m.OutputPerMTok < m.InputPerMTok || m.CachedInputPerMTok > m.InputPerMTok {
			t.Errorf("%s: implausible prices %+v", id, m)
		}
	}
	// Spot-check prices a user would compare with the pricing pages:
	// input, cached input, output, context window.
	for id, want := range map[string][4]float64{
		"gpt-5.4":           {2.5, 0.25, 15, 1_050_000},
		"claude-sonnet-4-6": {3, 0.30, 15, 1_000_000},
		"claude-haiku-4-5":  {1, 0.10, 5, 200_000},
		"gemini-2.5-pro":    {1.25, 0.125, 10, 1_048_576},
		// DeepSeek's peak rates (https://api-docs.deepseek.com/quick_start/pricing).
		"deepseek-flash":  {0.3, 0.006, 1.2, 1_000_000},
		"deepseek-v4-pro": {1.32, 0.044, 3.96, 1_000_000},
		// Checked on 2026-12-02 against the providers' pages: those
		// overrides.json cites, https://docs.x.ai/developers/grok-4-6 and
		// Mistral's Large 3 card (https://docs.mistral.ai/models/mistral-large-3-25-12).
		// Google's 3.5 Flash-Lite prices are the dataset's: no Google price page found.
		"gpt-6-sol":             {2, 0.20, 10, 1_050_000},
		"claude-opus-4-8":       {5, 0.50, 25, 1_000_000},
		"gemini-3.8-flash":      {0.75, 0.075, 3.75, 1_048_576},
		"gemini-3.5-flash-lite": {0.3, 0.03, 2.5, 1_048_576},
		"grok-4.6":              {2, 0.50, 6, 500_000},
		"mistral-large-2512":    {0.5, 0.05, 1.5, 262_144},
		// mistral-large-latest is Mistral Large 3; its card gives no cache price.
		"mistral-large-latest": {0.5, 0.5, 1.5, 262_144},
	} {
		m, _ := cat.Lookup(id)
		if got := [4]float64{m.InputPerMTok, m.CachedInputPerMTok, m.OutputPerMTok, float64(m.ContextWindow)}; got != want {
			t.Errorf("%s = %v; want %v", id, got, want)
		}
	}
	// Current models the pinned dataset version lacks, added from the
	// providers' model pages.
	for id, want := range map[string][6]float64{
		"gpt-6.2-sol":       {2, 0.10, 2.5, 10, 1_050_000, 128_000},
		"gpt-6.1-terra":     {1, 0.05, 1.25, 5, 1_050_000, 128_000},
		"claude-sonnet-5-5": {2, 0.20, 2.5, 10, 1_000_000, 128_000},
		"claude-haiku-5-5":  {0.1, 0.01, 0.125, 0.5, 1_000_000, 128_000},
		"claude-fable-5-2":  {8, 0.20, 10, 40, 1_000_000, 128_000},
		"gpt-6.2-astra":     {8, 0.40, 0, 40, 1_050_000, 128_000},
	} {
		m, err := cat.Lookup(id)
		got := [6]float64{m.InputPerMTok, m.CachedInputPerMTok, m.CacheWritePerMTok, m.OutputPerMTok, float64(m.ContextWindow), float64(m.MaxOutput)}
		if err != nil || got != want || !strings.HasPrefix(m.Source, "https://") {
			t.Errorf("%s = %v (source %q), %v; want %v", id, got, m.Source, err, want)
		}
	}
	// Claude Opus 5.5, the current Opus model, is the dataset's row with the
	// max output of Anthropic's page.
	if m, err := cat.Lookup("claude-opus-5.5"); err != nil || m.ID != "claude-opus-5-5" || m.InputPerMTok != 4 || m.OutputPerMTok != 20 || m.ContextWindow != 1_000_000 || m.MaxOutput != 128_000 {
		t.Errorf("claude-opus-5.5 = %+v, %v", m, err)
	}
	// mistral-large is Mistral Large 3: the ids of the Large 2 models
	// Mistral retired are not its aliases. mistral-large-2411 has a row of
	// its own, with its own prices and shutdown date; mistral-large-2407,
	// which Mistral's card gives no price, is not listed.
	if m, _ := cat.Lookup("mistral-large"); slices.Contains(m.Aliases, "mistral-large-2411") || slices.Contains(m.Aliases, "mistral-large-2407") {
		t.Errorf("mistral-large aliases = %v; want no Mistral Large 2 id", m.Aliases)
	}
	if m, err := cat.Lookup("mistral-large-2411"); err != nil || m.ID != "mistral-large-2411" || m.InputPerMTok != 2 || m.OutputPerMTok != 6 || m.Shutdown != "2026-05-31" || m.Replacement != "mistral-medium-3-5" {
		t.Errorf("mistral-large-2411 = %+v, %v; want its own retired row", m, err)
	}
	if m, err := cat.Lookup("mistral-large-2407"); !errors.Is(err, ErrUnknownModel) {
		t.Errorf("mistral-large-2407 = %s, %v; want unknown", m.ID, err)
	}
	if m, _ := cat.Lookup("gpt-6.2-sol"); m.LongContext == nil || m.LongContext.AboveTokens != 272_000 || m.LongContext.InputPerMTok != 4 || m.LongContext.OutputPerMTok != 15 {
		t.Errorf("gpt-6.2-sol long-context tier = %+v", m.LongContext)
	}
	if m, _ := cat.Lookup("claude-sonnet-4-6"); m.CacheWritePerMTok != 3.75 {
		t.Errorf("claude-sonnet-4-6 cache write = %v; want 3.75", m.CacheWritePerMTok)
	}
	if m, _ := cat.Lookup("gpt-5.4"); m.LongContext == nil || m.LongContext.InputPerMTok != 5 || m.LongContext.OutputPerMTok != 22.5 {
		t.Errorf("gpt-5.4 long-context tier = %+v; want input 5, output 22.5", m.LongContext)
	}
}

func TestDefaultModelsAreCurrent(t *testing.T) {
	cat, err := DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	def, err := configs.FS.ReadFile("tokenbot.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Tokens struct {
			Models []string `yaml:"models"`
		} `yaml:"tokens"`
	}
	if err := yaml.Unmarshal(def, &cfg); err != nil || len(cfg.Tokens.Models) == 0 {
		t.Fatalf("tokens.models: %v %v", cfg.Tokens.Models, err)
	}
	for _, name := range cfg.Tokens.Models {
		m, err := cat.Lookup(name)
		if err != nil {
			t.Errorf("default model %s: %v", name, err)
		} else if st := m.StatusAt(time.Now()); st != Active {
			t.Errorf("default model %s is not active (status %d, shutdown %q)", name, st, m.Shutdown)
		}
	}
}

func TestLifecycle(t *testing.T) {
	cat, err := DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	tests := []struct {
		name string
		on   string
		want Status
		note []string // substrings of the notice
	}{
		{"gpt-4", "2026-12-01", ShutDown, []string{"gpt-4 was shut down on 2026-10-23", "gpt-5.6-sol"}},
		{"gpt-4", "2026-10-22", Deprecated, []string{"shuts down on 2026-10-23"}},
		{"gpt-4-0613", "2026-12-01", ShutDown, []string{"gpt-4 was shut down"}},
		// The named replacement, claude-opus-4-8, is legacy: the chain goes
		// on to the model Anthropic names for it.
		{"claude-3-opus-20240229", "2026-12-01", ShutDown, []string{"2026-01-05", "current models: claude-opus-5-5."}},
		{"gpt-5", "2026-12-01", Deprecated, []string{"shuts down on 2026-12-11", "gpt-6.1-sol"}},
		{"claude-3-5-sonnet-20241022", "2026-12-01", ShutDown, []string{"claude-3-5-sonnet was shut down on 2025-10-28; current models: claude-sonnet-5-5."}},
		{"claude-sonnet-4-5", "2026-12-01", ShutDown, []string{"2026-11-30", "claude-sonnet-5-5"}},
		{"gemini-2.0-flash", "2026-12-01", ShutDown, []string{"2026-06-01", "gemini-3.1-flash-lite"}},
		{"claude-sonnet-5-5", "2026-12-01", Active, nil},
		{"grok-2", "2026-12-01", Deprecated, []string{"grok-2-1212 is deprecated; current models: "}},
		{"gpt-5.5", "2026-12-01", Active, nil},
		// A retired id the provider routes to another model, and ids whose
		// requests fail.
		{"deepseek-v4-flash", "2026-12-01", Deprecated, []string{"deepseek-v4-flash is retired; requests to it are served by deepseek-flash and billed at its prices."}},
		{"gemini-2.5-pro", "2026-12-01", ShutDown, []string{"gemini-2.5-pro was shut down on 2026-12-01; current models: gemini-3.8-flash."}},
		{"gemini-2.5-pro", "2026-11-30", Deprecated, []string{"shuts down on 2026-12-01", "gemini-3.8-flash"}},
		{"deepseek-chat", "2026-12-01", ShutDown, []string{"deepseek-chat was shut down on 2026-07-24; current models: deepseek-flash"}},
		// Legacy: still served, no end announced, the provider's model named.
		{"claude-opus-5", "2026-12-01", Active, []string{"claude-opus-5 is a legacy model, still served; current models: claude-opus-5-5."}},
		{"deepseek-v3.2", "2026-12-01", ShutDown, []string{"deepseek-v3.2 was shut down on 2026-07-24; current models: deepseek-flash"}},
		{"mistral-large-2411", "2026-12-01", ShutDown, []string{"mistral-large-2411 was shut down on 2026-05-31; current models: mistral-medium-3-5"}},
	}
	for _, tt := range tests {
		m, err := cat.Lookup(tt.name)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if got := m.StatusAt(day(tt.on)); got != tt.want {
			t.Errorf("%s on %s: status %d; want %d", tt.name, tt.on, got, tt.want)
		}
		note := cat.Notice(m, day(tt.on))
		if tt.note == nil && note != "" {
			t.Errorf("%s: notice %q for an active model", tt.name, note)
		}
		for _, w := range tt.note {
			if !strings.Contains(note, w) {
				t.Errorf("%s on %s: notice %q lacks %q", tt.name, tt.on, note, w)
			}
		}
	}
	// Every date and every row the dataset lacks names the page it was read from.
	for _, m := range cat.Models() {
		if m.Shutdown != "" && !strings.HasPrefix(m.LifecycleSource, "https://") {
			t.Errorf("%s: shutdown %s without a source", m.ID, m.Shutdown)
		}
	}
	for _, m := range cat.Current(day("2026-12-01"), "anthropic") {
		if m.ID == "claude-3-5-sonnet" || m.ID == "claude-sonnet-4-5" {
			t.Errorf("Current(anthropic) lists retired %s", m.ID)
		}
	}
	for _, m := range cat.Current(day("2026-12-01"), "openai") {
		if m.ID == "gpt-4" || m.Provider != "openai" {
			t.Errorf("Current(openai) lists %s (%s)", m.ID, m.Provider)
		}
	}
}

func TestLookupAliasesAndCase(t *testing.T) {
	cat, err := DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	for name, id := range map[string]string{
		"GPT-5.5": "gpt-5.5", " gpt-4o-2024-08-06 ": "gpt-4o", "claude-sonnet-4-5-20250929": "claude-sonnet-4-5",
		"Claude-Haiku-4.5": "claude-haiku-4-5", "claude-sonnet-4.6": "claude-sonnet-4-6", "claude-opus-4-7-20260416": "claude-opus-4-7",
		"models/gemini-2.5-flash": "gemini-2.5-flash", "gemini-3.1-pro": "gemini-3.1-pro-preview", "gpt-5-4-mini": "gpt-5.4-mini",
		"anthropic/claude-sonnet-4-6": "claude-sonnet-4-6", "gpt-5.4-mini-2026-03-17": "gpt-5.4-mini",
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
		"gpt5.5":             "gpt-5.5",
		"claude-sonet-4-6":   "claude-sonnet-4-6",
		"gemini-31-pro":      "gemini-3.1-pro-preview",
		"claude":             "claude-",
		"gpt-9000-ultra":     "gpt-",
		"deepsek-flash":      "deepseek-flash",
		"claude-opus-4-9000": "claude-opus-4",
	} {
		_, err := cat.Lookup(name)
		if !errors.Is(err, ErrUnknownModel) {
			t.Errorf("Lookup(%q): err = %v; want ErrUnknownModel", name, err)
			continue
		}
		if !strings.Contains(err.Error(), "did you mean") || !strings.Contains(err.Error(), suggestion) {
			t.Errorf("Lookup(%q): %v; want a suggestion of %s", name, err, suggestion)
		}
		for _, dead := range []string{"gpt-4,", "claude-v1", "claude-2,", "gemini-pro,"} {
			if strings.Contains(err.Error()+",", dead) {
				t.Errorf("Lookup(%q) suggests shut-down %s: %v", name, dead, err)
			}
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
		{"json unknown field", `{"prices_as_of": "x", "colour": "red"}`, "colour"},
		{"json not json", `{"models": [`, "parse model table"},
		{"no id", head + strings.Replace(validRow, "id: m1", "id: \"\"", 1), "models[0] (no id): field id"},
		{"bad encoding", head + strings.Replace(validRow, "o200k_base", "o300k", 1), `models[0] (m1): field encoding: unknown encoding "o300k"`},
		{"negative price", head + strings.Replace(validRow, "input_per_mtok: 1", "input_per_mtok: -1", 1), "field input_per_mtok: must be a price >= 0"},
		{"missing price", head + strings.Replace(validRow, "    output_per_mtok: 2\n", "", 1), "field output_per_mtok: required"},
		{"cached above input", head + strings.Replace(validRow, "cached_input_per_mtok: 0.5", "cached_input_per_mtok: 5", 1), "field cached_input_per_mtok: 5 is above"},
		{"negative context", head + strings.Replace(validRow, "context_window: 1000", "context_window: -1", 1), "field context_window"},
		{"bad shutdown", head + validRow + "    shutdown: soon\n", `field shutdown: must be a date YYYY-MM-DD, got "soon"`},
		{"tier without above", head + validRow + "    long_context: {input_per_mtok: 2, cached_input_per_mtok: 1, output_per_mtok: 4}\n", "long_context.above_tokens"},
		{"tier without output", head + validRow + "    long_context: {above_tokens: 500, input_per_mtok: 2, cached_input_per_mtok: 1}\n", "long_context.output_per_mtok: required"},
		{"negative cache write", head + validRow + "    cache_write_per_mtok: -2\n", "cache_write_per_mtok: must be a price"},
		{"output above context", head + strings.Replace(validRow, "max_output: 100", "max_output: 5000", 1), "field max_output"},
		{"missing exact", head + strings.Replace(validRow, "    exact: true\n", "", 1), "field exact: required"},
		{"estimate missing", head + strings.Replace(validRow, "exact: true", "exact: false", 1), "field estimate: required when exact is false"},
		{"estimate on exact", head + validRow + "    estimate: guess\n", "field estimate: must be empty"},
		{"duplicate alias", head + validRow + strings.NewReplacer("id: m1", "id: m2", "[m-one]", "[M-ONE]").Replace(validRow), `models[1] (m2): name "M-ONE" is already used by m1`},
		{"dollars not euros", "currency: EUR\n" + head + validRow, "currency"},
		{"served by a model of the table", head + validRow + "    deprecated: true\n    served_by: m2\n" + strings.NewReplacer("id: m1", "id: m2", "[m-one]", "[m-two]").Replace(validRow), ""},
		{"served by an alias", head + validRow + "    deprecated: true\n    served_by: M-TWO\n" + strings.NewReplacer("id: m1", "id: m2", "[m-one]", "[m-two]").Replace(validRow), ""},
		{"served by an unknown model", head + validRow + "    shutdown: 2026-01-01\n    served_by: m9\n", `models[0] (m1): field served_by: unknown model "m9"`},
		{"served by itself", head + validRow + "    deprecated: true\n    served_by: m-one\n", "field served_by: names the model itself"},
		{"served by a routed model", head + validRow + "    deprecated: true\n    served_by: m2\n" +
			strings.NewReplacer("id: m1", "id: m2", "[m-one]", "[m-two]").Replace(validRow) + "    deprecated: true\n    served_by: m1\n", "field served_by: m2 is itself served by m1"},
		{"served by on an active model", head + validRow + "    served_by: m2\n", "field served_by: needs shutdown or deprecated"},
		{"legacy", head + validRow + "    legacy: true\n    replacement: m2\n", ""},
		{"legacy without replacement", head + validRow + "    legacy: true\n", "field legacy: needs a replacement"},
		{"legacy with a shutdown", head + validRow + "    legacy: true\n    replacement: m2\n    shutdown: 2026-01-01\n", "field legacy: needs a replacement, and no shutdown"},
		{"price note", head + validRow + "    price_note: {en: peak rate, zh: 高峰价}\n", ""},
		{"price note without zh", head + validRow + "    price_note: {en: peak rate}\n", "field price_note: needs en and zh"},
		{"price note of two lines", head + validRow + "    price_note: {en: \"peak\\nrate\", zh: 高峰价}\n", "field price_note"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cat, err := LoadCatalog([]byte(tt.yaml))
			if tt.want == "" {
				if err != nil || len(cat.Models()) != strings.Count(tt.yaml, "- id:") {
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

// ServedByAt names the model serving a retired id: from its shutdown date
// on, or at once when the provider gave no date.
func TestServedByAt(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	tests := []struct {
		name string
		m    Model
		on   string
		want string
	}{
		{"before the shutdown", Model{ID: "a", Shutdown: "2026-12-01", ServedBy: "b"}, "2026-11-30", ""},
		{"on the shutdown day", Model{ID: "a", Shutdown: "2026-12-01", ServedBy: "b"}, "2026-12-01", "b"},
		{"retired with no date", Model{ID: "a", Deprecated: true, ServedBy: "b"}, "2026-01-01", "b"},
		{"shut down, not routed", Model{ID: "a", Shutdown: "2026-01-01"}, "2026-12-01", ""},
	}
	for _, tt := range tests {
		if got := tt.m.ServedByAt(day(tt.on)); got != tt.want {
			t.Errorf("%s: ServedByAt(%s) = %q; want %q", tt.name, tt.on, got, tt.want)
		}
	}
	// The default table: a routed id names a served model with its own
	// prices; Google turns a shut-down Gemini id off instead.
	cat, err := DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]string{"deepseek-v4-flash": "deepseek-flash", "gemini-2.5-pro": "", "gemini-2.5-flash": ""} {
		m, err := cat.Lookup(id)
		if err != nil || m.ServedByAt(day("2026-12-02")) != want {
			t.Errorf("%s: served by %q (%v); want %q", id, m.ServedBy, err, want)
		}
	}
}

// No OpenAI source names GPT-6's encoding: its counts are marked estimates
// and the note says o200k_base is assumed; GPT-5's stay exact (tiktoken
// maps gpt-5 to o200k_base).
func TestGPT6EncodingAssumed(t *testing.T) {
	cat, err := DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"gpt-6-sol", "gpt-6-luna", "gpt-6.1-terra", "gpt-6.2-sol"} {
		m, err := cat.Lookup(id)
		if err != nil {
			t.Fatal(err)
		}
		if m.Exact || m.Encoding != "o200k_base" || !strings.Contains(m.Estimate, "assumed") {
			t.Errorf("%s: exact %v, encoding %s, note %q; want an estimate with o200k_base, said to be assumed", id, m.Exact, m.Encoding, m.Estimate)
		}
	}
	if m, err := cat.Lookup("gpt-5"); err != nil || !m.Exact {
		t.Errorf("gpt-5 = %+v, %v; want exact", m, err)
	}
}

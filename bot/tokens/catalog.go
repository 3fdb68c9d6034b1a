package tokens

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/tokenbot/tokenbot/configs"
)

// ErrUnknownModel is returned by Catalog.Lookup for a name that is neither a
// model id nor an alias.
var ErrUnknownModel = errors.New("unknown model")

// Model is one row of the model table: how to count its tokens and what they
// cost.
type Model struct {
	ID       string   `yaml:"id" json:"id"`
	Aliases  []string `yaml:"aliases,omitempty" json:"aliases,omitempty"`
	Provider string   `yaml:"provider" json:"provider"`
	// Encoding is the OpenAI encoding used to count the model's tokens.
	Encoding string `yaml:"encoding" json:"encoding"`
	// Prices in USD per million tokens.
	InputPerMTok       float64 `yaml:"input_per_mtok" json:"input_per_mtok"`
	CachedInputPerMTok float64 `yaml:"cached_input_per_mtok" json:"cached_input_per_mtok"`
	OutputPerMTok      float64 `yaml:"output_per_mtok" json:"output_per_mtok"`
	ContextWindow      int     `yaml:"context_window" json:"context_window"`
	MaxOutput          int     `yaml:"max_output" json:"max_output"`
	// Exact is true when Encoding is the model's own tokenizer.
	Exact bool `yaml:"exact" json:"exact"`
	// Estimate says how counts are estimated when Exact is false.
	Estimate string `yaml:"estimate,omitempty" json:"estimate,omitempty"`
}

// Catalog is a validated model table.
type Catalog struct {
	pricesAsOf string
	sources    []string
	models     []Model
	byName     map[string]int // lower-case id or alias → index
}

type catalogFile struct {
	PricesAsOf string      `yaml:"prices_as_of"`
	Currency   string      `yaml:"currency"`
	Sources    []string    `yaml:"sources"`
	Models     []modelFile `yaml:"models"`
}

type modelFile struct {
	ID                 string   `yaml:"id"`
	Aliases            []string `yaml:"aliases"`
	Provider           string   `yaml:"provider"`
	Encoding           string   `yaml:"encoding"`
	InputPerMTok       *float64 `yaml:"input_per_mtok"`
	CachedInputPerMTok *float64 `yaml:"cached_input_per_mtok"`
	OutputPerMTok      *float64 `yaml:"output_per_mtok"`
	ContextWindow      int      `yaml:"context_window"`
	MaxOutput          int      `yaml:"max_output"`
	Exact              *bool    `yaml:"exact"`
	Estimate           string   `yaml:"estimate"`
}

// DefaultCatalog returns the model table embedded from configs/models.yaml.
func DefaultCatalog() (*Catalog, error) {
	data, err := configs.FS.ReadFile("models.yaml")
	if err != nil {
		return nil, fmt.Errorf("read default model table: %w", err)
	}
	c, err := LoadCatalog(data)
	if err != nil {
		return nil, fmt.Errorf("default model table: %w", err)
	}
	return c, nil
}

// LoadCatalog parses and validates a model table in the format of
// configs/models.yaml. Errors name the model and field at fault.
func LoadCatalog(data []byte) (*Catalog, error) {
	var f catalogFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("parse model table: %w", err)
	}
	if strings.TrimSpace(f.PricesAsOf) == "" {
		return nil, errors.New("model table: field prices_as_of: required (the date the prices were taken)")
	}
	if f.Currency != "" && f.Currency != "USD" {
		return nil, fmt.Errorf("model table: field currency: %q is not supported, prices must be in USD", f.Currency)
	}
	if len(f.Sources) == 0 {
		return nil, errors.New("model table: field sources: required (where the prices come from)")
	}
	if len(f.Models) == 0 {
		return nil, errors.New("model table: field models: no models")
	}
	c := &Catalog{pricesAsOf: f.PricesAsOf, sources: f.Sources, byName: map[string]int{}}
	for i, mf := range f.Models {
		m, err := mf.validate()
		if err != nil {
			name := mf.ID
			if name == "" {
				name = "no id"
			}
			return nil, fmt.Errorf("model table: models[%d] (%s): %w", i, name, err)
		}
		for _, name := range append([]string{m.ID}, m.Aliases...) {
			key := strings.ToLower(name)
			if j, dup := c.byName[key]; dup {
				return nil, fmt.Errorf("model table: models[%d] (%s): name %q is already used by %s", i, m.ID, name, c.models[j].ID)
			}
			c.byName[key] = i
		}
		c.models = append(c.models, m)
	}
	return c, nil
}

func (mf modelFile) validate() (Model, error) {
	fieldErr := func(field, format string, args ...any) error {
		return fmt.Errorf("field %s: %s", field, fmt.Sprintf(format, args...))
	}
	validName := func(s string) bool {
		return s != "" && strings.TrimSpace(s) == s && !strings.ContainsAny(s, " \t\n")
	}
	if !validName(mf.ID) {
		return Model{}, fieldErr("id", "required, without spaces (got %q)", mf.ID)
	}
	for _, a := range mf.Aliases {
		if !validName(a) {
			return Model{}, fieldErr("aliases", "alias %q is empty or has spaces", a)
		}
	}
	if strings.TrimSpace(mf.Provider) == "" {
		return Model{}, fieldErr("provider", "required")
	}
	if _, ok := splitterFor(mf.Encoding); !ok {
		return Model{}, fieldErr("encoding", "unknown encoding %q (known: %s)", mf.Encoding, strings.Join(Encodings(), ", "))
	}
	price := func(field string, p *float64) (float64, error) {
		switch {
		case p == nil:
			return 0, fieldErr(field, "required (USD per 1M tokens)")
		case math.IsNaN(*p) || math.IsInf(*p, 0) || *p < 0:
			return 0, fieldErr(field, "must be a price >= 0 in USD per 1M tokens, got %v", *p)
		}
		return *p, nil
	}
	in, err := price("input_per_mtok", mf.InputPerMTok)
	if err != nil {
		return Model{}, err
	}
	cached, err := price("cached_input_per_mtok", mf.CachedInputPerMTok)
	if err != nil {
		return Model{}, err
	}
	out, err := price("output_per_mtok", mf.OutputPerMTok)
	if err != nil {
		return Model{}, err
	}
	if cached > in {
		return Model{}, fieldErr("cached_input_per_mtok", "%v is above input_per_mtok %v", cached, in)
	}
	if mf.ContextWindow <= 0 {
		return Model{}, fieldErr("context_window", "must be > 0 tokens, got %d", mf.ContextWindow)
	}
	if mf.MaxOutput <= 0 || mf.MaxOutput > mf.ContextWindow {
		return Model{}, fieldErr("max_output", "must be > 0 and <= context_window (%d), got %d", mf.ContextWindow, mf.MaxOutput)
	}
	if mf.Exact == nil {
		return Model{}, fieldErr("exact", "required (true when the encoding is the model's own tokenizer)")
	}
	est := strings.TrimSpace(mf.Estimate)
	if !*mf.Exact && est == "" {
		return Model{}, fieldErr("estimate", "required when exact is false: say how counts are estimated")
	}
	if *mf.Exact && est != "" {
		return Model{}, fieldErr("estimate", "must be empty when exact is true")
	}
	return Model{
		ID: mf.ID, Aliases: slices.Clone(mf.Aliases), Provider: mf.Provider, Encoding: mf.Encoding,
		InputPerMTok: in, CachedInputPerMTok: cached, OutputPerMTok: out,
		ContextWindow: mf.ContextWindow, MaxOutput: mf.MaxOutput, Exact: *mf.Exact, Estimate: est,
	}, nil
}

// PricesAsOf returns the date the table's prices were taken.
func (c *Catalog) PricesAsOf() string { return c.pricesAsOf }

// Sources returns where the table's prices come from.
func (c *Catalog) Sources() []string { return slices.Clone(c.sources) }

// Models returns the models in table order.
func (c *Catalog) Models() []Model {
	out := make([]Model, len(c.models))
	for i, m := range c.models {
		m.Aliases = slices.Clone(m.Aliases)
		out[i] = m
	}
	return out
}

// Lookup finds a model by id or alias, ignoring case. For an unknown name the
// error (ErrUnknownModel) names the closest known ids.
func (c *Catalog) Lookup(name string) (Model, error) {
	key := strings.ToLower(strings.TrimSpace(name))
	if i, ok := c.byName[key]; ok {
		m := c.models[i]
		m.Aliases = slices.Clone(m.Aliases)
		return m, nil
	}
	return Model{}, fmt.Errorf("%w %q; did you mean %s?", ErrUnknownModel, truncate(name, 64), strings.Join(c.closest(key, 3), ", "))
}

// closest returns up to n model ids whose id or alias is nearest to key by
// edit distance; a name containing key counts as distance 1.
func (c *Catalog) closest(key string, n int) []string {
	best := make([]int, len(c.models))
	for i := range best {
		best[i] = math.MaxInt
	}
	for name, i := range c.byName {
		d := editDistance(key, name)
		if len(key) >= 2 && strings.Contains(name, key) {
			d = 1 // "claude" → the claude models
		}
		best[i] = min(best[i], d)
	}
	idx := make([]int, len(c.models))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return best[idx[a]] < best[idx[b]] })
	var out []string
	for _, i := range idx[:min(n, len(idx))] {
		out = append(out, c.models[i].ID)
	}
	return out
}

// editDistance is the Levenshtein distance between a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 256 {
		ra = ra[:256]
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

package tokens

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

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
	Name     string   `yaml:"name,omitempty" json:"name,omitempty"`
	Aliases  []string `yaml:"aliases,omitempty" json:"aliases,omitempty"`
	Provider string   `yaml:"provider" json:"provider"`
	// Encoding is the OpenAI encoding used to count the model's tokens.
	Encoding string `yaml:"encoding" json:"encoding"`
	// Prices in USD per million tokens, for prompts up to
	// LongContext.AboveTokens when the model has a long-context tier.
	InputPerMTok       float64 `yaml:"input_per_mtok" json:"input_per_mtok"`
	CachedInputPerMTok float64 `yaml:"cached_input_per_mtok" json:"cached_input_per_mtok"`
	// CacheWritePerMTok is the price of writing the prompt cache; 0 when the
	// provider does not charge for it separately.
	CacheWritePerMTok float64 `yaml:"cache_write_per_mtok,omitempty" json:"cache_write_per_mtok,omitempty"`
	OutputPerMTok     float64 `yaml:"output_per_mtok" json:"output_per_mtok"`
	// LongContext is the price tier for prompts longer than its AboveTokens.
	LongContext *Tier `yaml:"long_context,omitempty" json:"long_context,omitempty"`
	// ContextWindow and MaxOutput are in tokens; 0 when the dataset does not
	// say.
	ContextWindow int `yaml:"context_window" json:"context_window"`
	MaxOutput     int `yaml:"max_output" json:"max_output"`
	// Exact is true when Encoding is the model's own tokenizer.
	Exact bool `yaml:"exact" json:"exact"`
	// Estimate says how counts are estimated when Exact is false.
	Estimate string `yaml:"estimate,omitempty" json:"estimate,omitempty"`
	// Shutdown is the date (YYYY-MM-DD) the provider stops or stopped
	// serving the model; empty for a model with no announced end. A model
	// the dataset only flags as deprecated has Deprecated set and no date.
	Shutdown   string `yaml:"shutdown,omitempty" json:"shutdown,omitempty"`
	Deprecated bool   `yaml:"deprecated,omitempty" json:"deprecated,omitempty"`
	// Legacy marks an active model its provider has superseded (Anthropic's
	// "legacy" status): still served with no end announced, but the
	// provider recommends moving to Replacement.
	Legacy bool `yaml:"legacy,omitempty" json:"legacy,omitempty"`
	// Replacement is the provider's recommended successor, when named.
	Replacement string `yaml:"replacement,omitempty" json:"replacement,omitempty"`
	// ServedBy is the model the provider routes this id to once it is
	// retired: the id still answers, served by that model and billed at its
	// prices. With no Shutdown date the routing is already in force.
	ServedBy string `yaml:"served_by,omitempty" json:"served_by,omitempty"`
	// LifecycleSource is the page the shutdown date was read from.
	LifecycleSource string `yaml:"lifecycle_source,omitempty" json:"lifecycle_source,omitempty"`
	// Source is the provider page a row the dataset lacks was read from.
	Source string `yaml:"source,omitempty" json:"source,omitempty"`
	// PriceNote qualifies the prices (for example, cheaper off-peak hours);
	// nil when they need no note.
	PriceNote *Note `yaml:"price_note,omitempty" json:"price_note,omitempty"`
}

// Note is a short text shown with a model's figures, in English and
// Simplified Chinese.
type Note struct {
	EN string `yaml:"en" json:"en"`
	ZH string `yaml:"zh" json:"zh"`
}

// In returns the note in lang ("zh" or else English).
func (n Note) In(lang string) string {
	if lang == "zh" {
		return n.ZH
	}
	return n.EN
}

// Tier is a model's long-context price tier, in USD per million tokens.
type Tier struct {
	AboveTokens        int     `yaml:"above_tokens" json:"above_tokens"`
	InputPerMTok       float64 `yaml:"input_per_mtok" json:"input_per_mtok"`
	CachedInputPerMTok float64 `yaml:"cached_input_per_mtok" json:"cached_input_per_mtok"`
	CacheWritePerMTok  float64 `yaml:"cache_write_per_mtok,omitempty" json:"cache_write_per_mtok,omitempty"`
	OutputPerMTok      float64 `yaml:"output_per_mtok" json:"output_per_mtok"`
}

// Status is where a model is in its provider's lifecycle.
type Status int

const (
	Active     Status = iota
	Deprecated        // announced end, still served
	ShutDown          // no longer served
)

// ServedByAt returns the id of the model that answers requests to m on day
// now in its stead (see ServedBy), or "" when m still serves itself.
func (m Model) ServedByAt(now time.Time) string {
	if m.ServedBy == "" || (m.Shutdown != "" && m.StatusAt(now) != ShutDown) {
		return ""
	}
	return m.ServedBy
}

// StatusAt returns the model's status on day now.
func (m Model) StatusAt(now time.Time) Status {
	switch {
	case m.Shutdown != "" && now.Format(time.DateOnly) >= m.Shutdown:
		return ShutDown
	case m.Shutdown != "" || m.Deprecated:
		return Deprecated
	}
	return Active
}

// Dataset names the public dataset a generated table comes from.
type Dataset struct {
	Name    string `yaml:"name" json:"name"`
	Version string `yaml:"version" json:"version"`
	Date    string `yaml:"date" json:"date"`
	License string `yaml:"license" json:"license"`
	URL     string `yaml:"url" json:"url"`
}

// Catalog is a validated model table. It is safe for concurrent use;
// Replace swaps in a newer table (see Refresh).
type Catalog struct {
	cur atomic.Pointer[table]
}

// table is one immutable version of a catalog.
type table struct {
	pricesAsOf string
	dataset    Dataset
	sources    []string
	models     []Model
	byName     map[string]int // lower-case id or alias → index

	idxOnce sync.Once
	idx     *nameIndex // names by words and versions, for Resolve
}

func (c *Catalog) t() *table { return c.cur.Load() }

// Replace makes next's table the catalog's.
func (c *Catalog) Replace(next *Catalog) { c.cur.Store(next.t()) }

type catalogFile struct {
	Generated  string      `yaml:"generated" json:"generated"`
	Dataset    Dataset     `yaml:"dataset" json:"dataset"`
	PricesAsOf string      `yaml:"prices_as_of" json:"prices_as_of"`
	Currency   string      `yaml:"currency" json:"currency"`
	Sources    []string    `yaml:"sources" json:"sources"`
	Models     []modelFile `yaml:"models" json:"models"`
}

type modelFile struct {
	ID                 string   `yaml:"id" json:"id"`
	Name               string   `yaml:"name" json:"name"`
	Aliases            []string `yaml:"aliases" json:"aliases"`
	Provider           string   `yaml:"provider" json:"provider"`
	Encoding           string   `yaml:"encoding" json:"encoding"`
	InputPerMTok       *float64 `yaml:"input_per_mtok" json:"input_per_mtok"`
	CachedInputPerMTok *float64 `yaml:"cached_input_per_mtok" json:"cached_input_per_mtok"`
	CacheWritePerMTok  *float64 `yaml:"cache_write_per_mtok" json:"cache_write_per_mtok"`
	OutputPerMTok      *float64 `yaml:"output_per_mtok" json:"output_per_mtok"`
	LongContext        *struct {
		AboveTokens        int      `yaml:"above_tokens" json:"above_tokens"`
		InputPerMTok       *float64 `yaml:"input_per_mtok" json:"input_per_mtok"`
		CachedInputPerMTok *float64 `yaml:"cached_input_per_mtok" json:"cached_input_per_mtok"`
		CacheWritePerMTok  *float64 `yaml:"cache_write_per_mtok" json:"cache_write_per_mtok"`
		OutputPerMTok      *float64 `yaml:"output_per_mtok" json:"output_per_mtok"`
	} `yaml:"long_context" json:"long_context"`
	ContextWindow   int    `yaml:"context_window" json:"context_window"`
	MaxOutput       int    `yaml:"max_output" json:"max_output"`
	Exact           *bool  `yaml:"exact" json:"exact"`
	Estimate        string `yaml:"estimate" json:"estimate"`
	Shutdown        string `yaml:"shutdown" json:"shutdown"`
	Deprecated      bool   `yaml:"deprecated" json:"deprecated"`
	Legacy          bool   `yaml:"legacy" json:"legacy"`
	Replacement     string `yaml:"replacement" json:"replacement"`
	ServedBy        string `yaml:"served_by" json:"served_by"`
	LifecycleSource string `yaml:"lifecycle_source" json:"lifecycle_source"`
	Source          string `yaml:"source" json:"source"`
	PriceNote       *Note  `yaml:"price_note" json:"price_note"`
}

// DefaultFile is the embedded model table, generated by configs/gen/gen.mjs.
const DefaultFile = "models.json"

// DefaultCatalog returns the model table embedded from configs/models.json.
func DefaultCatalog() (*Catalog, error) {
	data, err := configs.FS.ReadFile(DefaultFile)
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
// configs/models.json (JSON, or the same fields in YAML). Errors name the
// model and field at fault.
func LoadCatalog(data []byte) (*Catalog, error) {
	var f catalogFile
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '{' {
		// JSON (the generated format): encoding/json is ~10× faster than
		// the YAML decoder on it.
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&f); err != nil {
			return nil, fmt.Errorf("parse model table: %w", err)
		}
	} else {
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&f); err != nil {
			return nil, fmt.Errorf("parse model table: %w", err)
		}
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
	c := &table{pricesAsOf: f.PricesAsOf, dataset: f.Dataset, sources: f.Sources, byName: map[string]int{}}
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
	// served_by names another model of the table that serves itself.
	for i, m := range c.models {
		if m.ServedBy == "" {
			continue
		}
		j, ok := c.find(strings.ToLower(m.ServedBy))
		switch {
		case !ok:
			return nil, fmt.Errorf("model table: models[%d] (%s): field served_by: unknown model %q", i, m.ID, m.ServedBy)
		case j == i:
			return nil, fmt.Errorf("model table: models[%d] (%s): field served_by: names the model itself", i, m.ID)
		case c.models[j].ServedBy != "":
			return nil, fmt.Errorf("model table: models[%d] (%s): field served_by: %s is itself served by %s", i, m.ID, c.models[j].ID, c.models[j].ServedBy)
		}
	}
	cat := &Catalog{}
	cat.cur.Store(c)
	return cat, nil
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
	// tier reads the three required prices of a tier and its optional
	// cache write price, under the field prefix ("" or "long_context.").
	tier := func(prefix string, in, cached, out, write *float64) (t Tier, err error) {
		for _, p := range []struct {
			field string
			in    *float64
			out   *float64
		}{
			{"input_per_mtok", in, &t.InputPerMTok},
			{"cached_input_per_mtok", cached, &t.CachedInputPerMTok},
			{"output_per_mtok", out, &t.OutputPerMTok},
		} {
			if *p.out, err = price(prefix+p.field, p.in); err != nil {
				return Tier{}, err
			}
		}
		if prefix == "" && t.CachedInputPerMTok > t.InputPerMTok {
			return Tier{}, fieldErr("cached_input_per_mtok", "%v is above input_per_mtok %v", t.CachedInputPerMTok, t.InputPerMTok)
		}
		if write != nil {
			if t.CacheWritePerMTok, err = price(prefix+"cache_write_per_mtok", write); err != nil {
				return Tier{}, err
			}
		}
		return t, nil
	}
	base, err := tier("", mf.InputPerMTok, mf.CachedInputPerMTok, mf.OutputPerMTok, mf.CacheWritePerMTok)
	if err != nil {
		return Model{}, err
	}
	var long *Tier
	if lc := mf.LongContext; lc != nil {
		if lc.AboveTokens <= 0 {
			return Model{}, fieldErr("long_context.above_tokens", "must be > 0 tokens, got %d", lc.AboveTokens)
		}
		t, err := tier("long_context.", lc.InputPerMTok, lc.CachedInputPerMTok, lc.OutputPerMTok, lc.CacheWritePerMTok)
		if err != nil {
			return Model{}, err
		}
		t.AboveTokens = lc.AboveTokens
		long = &t
	}
	if mf.ContextWindow < 0 {
		return Model{}, fieldErr("context_window", "must be tokens >= 0 (0: unknown), got %d", mf.ContextWindow)
	}
	if mf.MaxOutput < 0 || (mf.ContextWindow > 0 && mf.MaxOutput > mf.ContextWindow) {
		return Model{}, fieldErr("max_output", "must be >= 0 (0: unknown) and <= context_window (%d), got %d", mf.ContextWindow, mf.MaxOutput)
	}
	if mf.Shutdown != "" {
		if _, err := time.Parse(time.DateOnly, mf.Shutdown); err != nil {
			return Model{}, fieldErr("shutdown", "must be a date YYYY-MM-DD, got %q", mf.Shutdown)
		}
	}
	if mf.ServedBy != "" && !validName(mf.ServedBy) {
		return Model{}, fieldErr("served_by", "a model id without spaces, got %q", mf.ServedBy)
	}
	if mf.Legacy && (mf.Replacement == "" || mf.Shutdown != "" || mf.Deprecated) {
		return Model{}, fieldErr("legacy", "needs a replacement, and no shutdown or deprecated: a legacy model is still served with no end announced")
	}
	if mf.ServedBy != "" && mf.Shutdown == "" && !mf.Deprecated {
		return Model{}, fieldErr("served_by", "needs shutdown or deprecated: only a retired id is served by another model")
	}
	var note *Note
	if n := mf.PriceNote; n != nil {
		en, zh := strings.TrimSpace(n.EN), strings.TrimSpace(n.ZH)
		if en == "" || zh == "" || strings.ContainsAny(en+zh, "\n{}") || len(en) > 300 || len(zh) > 300 {
			return Model{}, fieldErr("price_note", "needs en and zh, one line each of at most 300 bytes, without braces")
		}
		note = &Note{EN: en, ZH: zh}
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
		ID: mf.ID, Name: mf.Name, Aliases: slices.Clone(mf.Aliases), Provider: mf.Provider, Encoding: mf.Encoding,
		InputPerMTok: base.InputPerMTok, CachedInputPerMTok: base.CachedInputPerMTok, CacheWritePerMTok: base.CacheWritePerMTok,
		OutputPerMTok: base.OutputPerMTok, LongContext: long,
		ContextWindow: mf.ContextWindow, MaxOutput: mf.MaxOutput, Exact: *mf.Exact, Estimate: est,
		Shutdown: mf.Shutdown, Deprecated: mf.Deprecated, Legacy: mf.Legacy, Replacement: mf.Replacement, ServedBy: mf.ServedBy,
		LifecycleSource: mf.LifecycleSource, Source: mf.Source, PriceNote: note,
	}, nil
}

// PricesAsOf returns the date the table's prices were taken.
func (c *Catalog) PricesAsOf() string { return c.t().pricesAsOf }

// Sources returns where the table's prices come from.
func (c *Catalog) Sources() []string { return slices.Clone(c.t().sources) }

// Models returns the models in table order.
func (c *Catalog) Models() []Model {
	t := c.t()
	out := make([]Model, len(t.models))
	for i, m := range t.models {
		m.Aliases = slices.Clone(m.Aliases)
		out[i] = m
	}
	return out
}

// Dataset returns the public dataset the table was generated from (zero
// for a hand-written table).
func (c *Catalog) Dataset() Dataset { return c.t().dataset }

// Current returns the models still served on day now (active or deprecated
// without a past shutdown date), in table order; provider "" means all.
func (c *Catalog) Current(now time.Time, provider string) []Model {
	var out []Model
	for _, m := range c.Models() {
		if m.StatusAt(now) != ShutDown && (provider == "" || m.Provider == provider) {
			out = append(out, m)
		}
	}
	return out
}

// Lookup finds a model by id or alias, ignoring case, a "models/" or
// "provider/" prefix, a snapshot date suffix (claude-sonnet-4-5-20250929,
// gpt-4o-2024-08-06) and a missing "-preview": the strict lookup for
// configuration and stored ids. Names typed by users go through Resolve.
// For an unknown name the error (ErrUnknownModel) names the closest ids of
// models still served.
func (c *Catalog) Lookup(name string) (Model, error) {
	t := c.t()
	key := strings.ToLower(strings.TrimSpace(name))
	if i, ok := t.find(key); ok {
		return t.model(i), nil
	}
	return Model{}, fmt.Errorf("%w %q; did you mean %s?", ErrUnknownModel, truncate(name, 64), strings.Join(t.closest(key, 3), ", "))
}

// snapshot matches the date suffix of a model snapshot id.
var snapshot = regexp.MustCompile(`[-@](\d{8}|\d{4}-\d{2}-\d{2}|\d{2}-\d{4})$`)

func (c *table) find(key string) (int, bool) {
	if len(key) > maxNameBytes {
		return 0, false
	}
	try := func(k string) (int, bool) {
		if i, ok := c.byName[k]; ok {
			return i, true
		}
		if d := snapshot.FindStringIndex(k); d != nil {
			if i, ok := c.byName[k[:d[0]]]; ok {
				return i, true
			}
		}
		i, ok := c.byName[k+"-preview"]
		return i, ok
	}
	if i, ok := try(key); ok {
		return i, true
	}
	if _, rest, ok := strings.Cut(key, "/"); ok {
		return try(rest)
	}
	return 0, false
}

// Closest returns up to n ids of models still served today whose id or
// alias is nearest to key by edit distance; a name containing key counts as
// distance 1.
func (c *Catalog) Closest(key string, n int) []string { return c.t().closest(key, n) }

func (c *table) closest(key string, n int) []string {
	key = strings.ToLower(strings.TrimSpace(key))
	now := time.Now()
	best := make([]int, len(c.models))
	for i := range best {
		best[i] = math.MaxInt
	}
	// top holds the n smallest distances of distinct models so far: a name
	// farther than the last of them cannot make the list, so its distance
	// is computed only up to that bound.
	top := make([]int, 0, n+1)
	bound := func() int {
		if len(top) < n {
			return math.MaxInt
		}
		return top[n-1]
	}
	// Names of the same family first ("gpt-9000" → the gpt models); all
	// names when none shares the key's first word.
	x := c.index()
	f, _ := x.word(firstWord(key))
	names := x.byFirst[f]
	if len(names) == 0 {
		names = slices.Collect(maps.Keys(c.byName))
	}
	for _, name := range names {
		i := c.byName[name]
		if c.models[i].StatusAt(now) == ShutDown {
			continue
		}
		d := 1 // a name containing key: "claude" → the claude models
		if len(key) < 2 || !strings.Contains(name, key) {
			d = min(editDistanceMax(key, name, bound()), editDistanceMax(key, strings.TrimSuffix(name, "-preview"), bound()))
		}
		if d < best[i] {
			if k := slices.Index(top, best[i]); best[i] != math.MaxInt && k >= 0 {
				top = slices.Delete(top, k, k+1)
			}
			best[i] = d
			at, _ := slices.BinarySearch(top, d)
			top = slices.Insert(top, at, d)
			if len(top) > n {
				top = top[:n]
			}
		}
	}
	idx := make([]int, 0, len(c.models))
	for i := range c.models {
		if best[i] != math.MaxInt {
			idx = append(idx, i)
		}
	}
	// Nearest first; among equals, the newer model (later in the table, whose
	// rows are sorted by id within a provider).
	sort.SliceStable(idx, func(a, b int) bool {
		if best[idx[a]] != best[idx[b]] {
			return best[idx[a]] < best[idx[b]]
		}
		return idx[a] > idx[b]
	})
	var out []string
	for _, i := range idx[:min(n, len(idx))] {
		out = append(out, c.models[i].ID)
	}
	return out
}

// Successors returns ids to use instead of m: its provider's named
// replacement when there is one (followed on while that one is retired and
// names its own), else up to n newest active models of its provider in the
// same line (claude-3-5-sonnet → the current Claude Sonnet models), else the
// active ones of its provider nearest to its id.
func (c *Catalog) Successors(m Model, n int) []string {
	now := time.Now()
	if m.Replacement != "" {
		r := m.Replacement
		// Follow the chain past models that are no longer current: shut
		// down, routed to another model, or legacy.
		for range 4 {
			next, err := c.Lookup(r)
			if err != nil {
				break
			}
			if s := next.ServedByAt(now); s != "" {
				r = s
				continue
			}
			if (next.StatusAt(now) != ShutDown && !next.Legacy) || next.Replacement == "" {
				break
			}
			r = next.Replacement
		}
		return []string{r}
	}
	t := c.t()
	var out []string
	add := func(r Model) {
		if len(out) < n && r.ID != m.ID && !slices.Contains(out, r.ID) && r.Provider == m.Provider && r.StatusAt(now) == Active && !r.Legacy {
			out = append(out, r.ID)
		}
	}
	for _, r := range t.index().rank(strings.Join(splitName(strings.ToLower(m.ID)).words, " "), now) {
		add(t.models[r.model])
	}
	if len(out) == 0 {
		for _, id := range c.Closest(m.ID, 4*n) {
			if i, ok := t.find(id); ok {
				add(t.models[i])
			}
		}
	}
	return out
}

// editDistanceMax is the Levenshtein distance between a and b, in runes,
// or a number above max when it is larger than max.
func editDistanceMax(a, b string, max int) int {
	max = min(max, 1<<20)
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 256 {
		ra = ra[:256]
	}
	if d := len(ra) - len(rb); d > max || -d > max {
		return max + 1
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		low := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			low = min(low, cur[j])
		}
		if low > max {
			return max + 1
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

// Notice says, in English, that m is deprecated, shut down or legacy on day
// now and what to use instead; it is empty for a current model.
func (c *Catalog) Notice(m Model, now time.Time) string {
	use := ""
	if s := c.Successors(m, 3); len(s) > 0 {
		use = "; current models: " + strings.Join(s, ", ")
	}
	switch {
	case m.ServedByAt(now) != "" && m.Shutdown != "":
		return fmt.Sprintf("%s was retired on %s; requests to it are served by %s and billed at its prices.", m.ID, m.Shutdown, m.ServedBy)
	case m.ServedByAt(now) != "":
		return fmt.Sprintf("%s is retired; requests to it are served by %s and billed at its prices.", m.ID, m.ServedBy)
	case m.StatusAt(now) == ShutDown:
		return fmt.Sprintf("%s was shut down on %s%s.", m.ID, m.Shutdown, use)
	case m.Shutdown != "":
		return fmt.Sprintf("%s is deprecated and shuts down on %s%s.", m.ID, m.Shutdown, use)
	case m.Deprecated:
		return fmt.Sprintf("%s is deprecated%s.", m.ID, use)
	case m.Legacy:
		return fmt.Sprintf("%s is a legacy model, still served%s.", m.ID, use)
	}
	return ""
}

package knowledge

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/cjk" // registers the "cjk" analyzer
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Mode says whether the bot was addressed.
type Mode int

const (
	// Mention: the bot was addressed or messaged directly; it always answers.
	Mention Mode = iota
	// Passive: channel chatter; the bot answers only confident, on-topic questions.
	Passive
)

func (m Mode) String() string {
	switch m {
	case Mention:
		return "mention"
	case Passive:
		return "passive"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// ParseMode parses "mention" or "passive" (case-insensitive).
func ParseMode(s string) (Mode, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "mention":
		return Mention, nil
	case "passive":
		return Passive, nil
	}
	return 0, fmt.Errorf("parse mode %q: want mention or passive", s)
}

// Default confidence thresholds, tuned on testdata/questions.yaml.
const (
	// DefaultPassiveMinScore is the lowest score (see Answer.Score) at which
	// a passive question is answered.
	DefaultPassiveMinScore = 0.10
	// passiveMinMargin: the best entry must beat the runner-up by this factor.
	passiveMinMargin = 1.15
	// mentionMinScore: below this, a mention gets the "not sure" reply.
	mentionMinScore = 0.15
)

// Options tunes an Index.
type Options struct {
	// PassiveMinScore overrides DefaultPassiveMinScore when > 0.
	PassiveMinScore float64
}

// Topic is an entry's id and title in one language.
type Topic struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// Answer is the result of Ask. When Answered is false, ID is empty and
// Answer holds a "not sure" text listing the topics (mention mode) or is
// empty (passive mode). Score is the best entry's relevance: its best BM25
// phrasing score plus 0.35 times its short-answer score (typically 0.05-0.6
// with the built-in FAQ; 0 when nothing was searched). Question echoes the
// sanitised, 4 KiB-capped input.
type Answer struct {
	Question string   `json:"question"`
	Answered bool     `json:"answered"`
	ID       string   `json:"id"`
	Title    string   `json:"title"`
	Score    float64  `json:"score"`
	Lang     string   `json:"lang"`
	Answer   string   `json:"answer"`
	Short    string   `json:"short"`
	Related  []Topic  `json:"related"`
	Sources  []string `json:"sources"`
}

// Index answers questions from FAQ entries. It is safe for concurrent use.
type Index struct {
	idx     bleve.Index
	entries map[string]Entry
	order   []string // ids in load order
	passive float64
}

// Field names in the bleve document; one document per entry holds both languages.
func field(lang, part string) string { return lang + "_" + part }

// Each entry is indexed as several documents per language: one per question
// or phrasing (field <lang>_q; short documents that match short chat
// questions well) and one for the short answer (field <lang>_short). An
// entry's score is its best phrasing score plus bodyWeight times its
// short-answer score. The full answer is not searched: on the held-out
// questions it added noise (long texts share words with everything).
const bodyWeight = 0.35

const searchWindow = 24

var docParts = []string{"q", "short"}

func buildMapping() (*mapping.IndexMappingImpl, error) {
	im := bleve.NewIndexMapping()
	im.ScoringModel = "bm25" // honoured by scorch; upsidedown (NewMemOnly) would score tf-idf.
	im.DefaultAnalyzer = en.AnalyzerName
	doc := bleve.NewDocumentStaticMapping()
	for _, lang := range Languages {
		analyzer := en.AnalyzerName
		if lang == "zh" {
			analyzer = "cjk"
		}
		for _, part := range docParts {
			fm := bleve.NewTextFieldMapping()
			fm.Analyzer = analyzer
			fm.Store = false
			fm.IncludeTermVectors = false
			fm.IncludeInAll = false
			doc.AddFieldMappingsAt(field(lang, part), fm)
		}
	}
	im.DefaultMapping = doc
	if err := im.Validate(); err != nil {
		return nil, fmt.Errorf("validate index mapping: %w", err)
	}
	return im, nil
}

// splitIdentifiers lets "cached_tokens" or "x-ratelimit-reset" match their words.
var identReplacer = strings.NewReplacer("/tokens", " tokenscommand ", "_", " ", ".", " ", "/", " ")

// zhColloquial maps colloquial or misspelt Chinese to the FAQ's wording.
var zhColloquial = strings.NewReplacer(
	"为啥", "为什么", "干啥", "做什么", "干嘛", "做什么", "是个啥", "是什么", "是啥", "是什么", "啥", "什么",
	"咋办", "怎么办", "咋", "怎么", "秘钥", "密钥", "泄漏", "泄露", "令牌", "token",
)

// synonyms map words that chat uses to the FAQ's wording. They apply to the
// indexed phrasings and to questions alike, so both sides meet.
var synonyms = map[string]string{
	"pricier": "cost more", "costlier": "cost more", "pricey": "cost more", "expensive": "cost more", "costly": "cost more",
	"spend": "cost", "spending": "cost", "spent": "cost", "expense": "cost", "expenses": "cost",
	"squad": "team", "squads": "team", "department": "team", "departments": "team", "group": "team", "groups": "team", "org": "team", "orgs": "team",
	"exposed": "leaked", "compromised": "leaked", "leak": "leaked", "leaks": "leaked", "leaking": "leaked",
	"token per minute": "tpm", "tokens per minute": "tpm", "request per minute": "rpm", "requests per minute": "rpm",
	"creds": "credits", "credit balance": "credits",
	"turns": "conversation", "messages": "conversation",
	"小组": "团队", "部门": "团队", "各组": "团队",
	"花费": "费用", "开销": "费用", "花销": "费用", "开支": "费用",
	"暴露": "泄露", "外泄": "泄露", "泄漏": "泄露",
}

var synonymRE = func() *regexp.Regexp {
	var latin, han []string
	for w := range synonyms {
		if w[0] < utf8.RuneSelf {
			latin = append(latin, regexp.QuoteMeta(w))
		} else {
			han = append(han, regexp.QuoteMeta(w))
		}
	}
	// Longest first so "tokens per minute" wins over shorter keys.
	for _, l := range [][]string{latin, han} {
		sort.Slice(l, func(i, j int) bool { return len(l[i]) > len(l[j]) || (len(l[i]) == len(l[j]) && l[i] < l[j]) })
	}
	// Latin words must match whole words; Chinese has no word boundaries.
	return regexp.MustCompile(`(?i)\b(?:` + strings.Join(latin, "|") + `)\b|` + strings.Join(han, "|"))
}()

func prepare(s string) string {
	s = zhColloquial.Replace(identReplacer.Replace(s))
	return synonymRE.ReplaceAllStringFunc(s, func(m string) string {
		if w, ok := synonyms[strings.ToLower(m)]; ok {
			return w
		}
		return m
	})
}

// NewIndex builds an in-memory bleve index (scorch, BM25) over entries.
func NewIndex(entries []Entry, opts Options) (*Index, error) {
	if len(entries) == 0 {
		return nil, ErrNoEntries
	}
	im, err := buildMapping()
	if err != nil {
		return nil, err
	}
	idx, err := bleve.NewUsing("", im, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("create index: %w", err)
	}
	ix := &Index{idx: idx, entries: make(map[string]Entry, len(entries)), passive: DefaultPassiveMinScore}
	if opts.PassiveMinScore > 0 {
		ix.passive = opts.PassiveMinScore
	}
	fail := func(err error) (*Index, error) {
		_ = idx.Close()
		return nil, err
	}
	batch := idx.NewBatch()
	for _, e := range entries {
		if _, dup := ix.entries[e.ID]; dup {
			return fail(fmt.Errorf("index entry %q: %w", e.ID, ErrDuplicateID))
		}
		for _, lang := range Languages {
			t, ok := e.Text[lang]
			if !ok {
				return fail(fmt.Errorf("index entry %q: %s: %w", e.ID, lang, ErrMissingField))
			}
			docs := map[string]map[string]any{
				docID(e.ID, lang, "body"): {field(lang, "short"): prepare(t.Short)},
				docID(e.ID, lang, "q0"):   {field(lang, "q"): prepare(t.Question)},
			}
			for i, p := range t.Phrasings {
				docs[docID(e.ID, lang, fmt.Sprintf("q%d", i+1))] = map[string]any{field(lang, "q"): prepare(p)}
			}
			for id, d := range docs {
				if err := batch.Index(id, d); err != nil {
					return fail(fmt.Errorf("index entry %q: %w", e.ID, err))
				}
			}
		}
		ix.entries[e.ID] = e
		ix.order = append(ix.order, e.ID)
	}
	if err := idx.Batch(batch); err != nil {
		return fail(fmt.Errorf("index faq: %w", err))
	}
	return ix, nil
}

func docID(id, lang, part string) string { return id + "|" + lang + "|" + part }

func parseDocID(doc string) (id string, body bool) {
	id, rest, _ := strings.Cut(doc, "|")
	return id, strings.HasSuffix(rest, "|body")
}

// Close releases the index.
func (ix *Index) Close() error { return ix.idx.Close() }

// Entry returns an entry's text in lang ("en" or "zh").
func (ix *Index) Entry(id, lang string) (Text, bool) {
	e, ok := ix.entries[id]
	if !ok {
		return Text{}, false
	}
	t, ok := e.Text[lang]
	return t, ok
}

// Topics lists every entry's id and title in lang, in id order.
func (ix *Index) Topics(lang string) []Topic {
	out := make([]Topic, 0, len(ix.order))
	for _, id := range ix.order {
		if t, ok := ix.entries[id].Text[lang]; ok {
			out = append(out, Topic{ID: id, Title: t.Question})
		}
	}
	return out
}

type hit struct {
	id    string
	score float64
}

// search returns the best entries for q in lang's fields, best first.
func (ix *Index) search(ctx context.Context, q, lang string) ([]hit, error) {
	q = prepare(q)
	var parts []query.Query
	for _, part := range docParts {
		mq := bleve.NewMatchQuery(q)
		mq.SetField(field(lang, part))
		parts = append(parts, mq)
	}
	req := bleve.NewSearchRequestOptions(bleve.NewDisjunctionQuery(parts...), searchWindow, 0, false)
	res, err := ix.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search faq: %w", err)
	}
	phrase := map[string]float64{}
	body := map[string]float64{}
	for _, h := range res.Hits {
		id, isBody := parseDocID(h.ID)
		if isBody {
			body[id] = max(body[id], h.Score)
		} else {
			phrase[id] = max(phrase[id], h.Score)
		}
	}
	scores := map[string]float64{}
	for id, s := range phrase {
		scores[id] += s
	}
	for id, s := range body {
		scores[id] += bodyWeight * s
	}
	hits := make([]hit, 0, len(scores))
	for id, s := range scores {
		hits = append(hits, hit{id: id, score: s})
	}
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].score != hits[j].score {
			return hits[i].score > hits[j].score
		}
		return hits[i].id < hits[j].id
	})
	return hits, nil
}

// Ask answers question in the asker's language. In Mention mode it always
// returns an answer: the best entry, or a "not sure" text listing the topics.
// In Passive mode it answers only a confident, on-topic question and
// otherwise returns Answered=false with an empty Answer. Only the first
// MaxQuestionBytes of question are searched; invalid UTF-8 is replaced.
func (ix *Index) Ask(ctx context.Context, question string, mode Mode) (Answer, error) {
	if err := ctx.Err(); err != nil {
		return Answer{}, fmt.Errorf("ask: %w", err)
	}
	q := sanitize(question)
	lang := DetectLang(q)
	ans := Answer{Question: q, Lang: lang, Related: []Topic{}, Sources: []string{}}
	notAnswered := func() (Answer, error) {
		if mode == Mention {
			ans.Answer = ix.notSure(lang)
		}
		return ans, nil
	}
	if strings.Trim(q, " \t\n\uFFFD") == "" {
		return notAnswered()
	}
	if mode == Passive && (!isQuestion(q) || !(inDomain(q) || inDomain(prepare(q)))) {
		return notAnswered()
	}
	hits, err := ix.search(ctx, q, lang)
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return Answer{}, fmt.Errorf("ask: %w", err)
		}
		return Answer{}, err
	}
	if len(hits) == 0 {
		return notAnswered()
	}
	best := hits[0]
	score := best.score
	ans.Score = score
	switch mode {
	case Passive:
		if score < ix.passive {
			return notAnswered()
		}
		if len(hits) > 1 && best.score < passiveMinMargin*hits[1].score {
			return notAnswered()
		}
	default:
		if score < mentionMinScore && !inDomain(q) && !inDomain(prepare(q)) {
			return notAnswered()
		}
	}
	e := ix.entries[best.id]
	t := e.Text[lang]
	ans.Answered = true
	ans.ID = e.ID
	ans.Title = t.Question
	ans.Answer = t.Answer
	ans.Short = t.Short
	for _, r := range e.Related {
		if rt, ok := ix.entries[r].Text[lang]; ok {
			ans.Related = append(ans.Related, Topic{ID: r, Title: rt.Question})
		}
	}
	ans.Sources = append(ans.Sources, e.Sources...)
	return ans, nil
}

// notSure is the mention-mode reply when no entry fits.
func (ix *Index) notSure(lang string) string {
	var b strings.Builder
	if lang == "zh" {
		b.WriteString("这个问题我不太确定。我可以解释下面这些话题，换个说法问我试试：\n")
	} else {
		b.WriteString("I'm not sure about that one. Here are the topics I can explain — try asking about one of them:\n")
	}
	for _, t := range ix.Topics(lang) {
		b.WriteString("• ")
		b.WriteString(t.Title)
		b.WriteString("\n")
	}
	if lang == "zh" {
		b.WriteString("也可以用 /tokens <文本> 计算 token 数量和费用。")
	} else {
		b.WriteString("You can also count tokens and cost with /tokens <text>.")
	}
	return b.String()
}

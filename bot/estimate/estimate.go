// Package estimate answers questions about a model's price, its context
// window and the size of a text in tokens with numbers from the model
// catalog and the token counter, in the asker's language, citing the
// catalog's date. Sizes of texts not given (2,000 Chinese characters, 300
// pages) are estimates from tokens-per-character rates measured with the
// real counter on the sample texts in samples/.
package estimate

import (
	"context"
	_ "embed"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tokenbot/tokenbot/bot/msg"
	"github.com/tokenbot/tokenbot/bot/tokens"
	"github.com/tokenbot/tokenbot/knowledge"
)

// Answerer answers price, context and size questions. It is safe for
// concurrent use.
type Answerer struct {
	Catalog *tokens.Catalog
	Counter *tokens.Counter
	// Now is today's date for model lifecycles; nil means time.Now.
	Now func() time.Time

	once  sync.Once
	rates map[unit]rate
	err   error
}

// Answer is a computed reply.
type Answer struct {
	Lang string
	// Doc is the reply as the bot says it: catalogue texts (estimate.*)
	// with the models as emphasised names; Text is Doc in light Markdown.
	Doc  msg.Doc
	Text string
	// Models are the catalog ids the answer is about.
	Models []string
}

// MaxModels is the most models one answer covers.
const MaxModels = 4

// Answer returns a computed answer to question, or false when it does not
// ask for a price, a context window or a size the catalog can answer. In
// passive mode (the bot was not addressed) it answers only a question that
// names a catalog model and is put as a question.
func (a *Answerer) Answer(ctx context.Context, question string, passive bool) (Answer, bool, error) {
	if len(question) > knowledge.MaxQuestionBytes {
		return Answer{}, false, nil
	}
	question = fold(simplified(question))
	q := kinds(question)
	if !q.price && !q.context && !q.size {
		return Answer{}, false, nil
	}
	q.names = a.Catalog.Mentions(question, MaxModels)
	lang := knowledge.DetectLang(question)
	q.quantities(question, lang, nameWords(q.names))
	wantsSize := q.size && q.qty != nil
	if !q.price && !q.context && !wantsSize {
		return Answer{}, false, nil
	}
	models, r := a.models(q.names)
	switch {
	case passive && (len(models) == 0 || !asks.MatchString(question)):
		return Answer{}, false, nil
	case len(models) == 0 && len(r.unknown) == 0 && len(r.ambiguous) == 0 && !wantsSize && !(q.price && len(q.tokens) > 0):
		return Answer{}, false, nil
	}
	if q.qty != nil && q.qty.unit != unitToken {
		if err := a.measure(ctx); err != nil {
			return Answer{}, false, err
		}
	}
	w := writer{doc: msg.Doc{Lang: lang}}
	for _, u := range r.unknown {
		w.line("unknown", msg.Fields{"name": msg.Code(u.name), "list": strings.Join(u.ids, ", ")})
	}
	for _, amb := range r.ambiguous {
		w.line("ambiguous", msg.Fields{"name": msg.Code(amb.name), "list": strings.Join(amb.ids, ", ")})
	}
	var ids []string
	for i, m := range models {
		ids = append(ids, m.ID)
		if name := r.read[i]; name != "" {
			w.line("read_as", msg.Fields{"name": msg.Code(name), "model": msg.Name(m.ID)})
		}
		// A retired id the provider routes to another model: that model's
		// figures are the ones that apply.
		shown, routed := m, a.servedBy(m)
		retired := routed != nil || m.StatusAt(a.now()) == tokens.ShutDown
		switch {
		case routed != nil:
			var since any = ""
			if m.Shutdown != "" {
				since = say("served_since", msg.Fields{"date": m.Shutdown})
			}
			w.line("served_by", msg.Fields{"model": msg.Name(m.ID), "since": since, "target": msg.Name(routed.ID)})
			shown = *routed
		case retired:
			a.lifecycle(&w, m)
		}
		if q.price || (!q.context && !wantsSize) {
			a.price(&w, shown, q)
		}
		if q.context {
			a.fit(&w, shown, q.qty)
		}
		if !retired {
			a.lifecycle(&w, m)
		}
	}
	if q.price && len(models) == 0 && len(q.tokens) > 0 {
		var list msg.List
		for _, t := range q.tokens {
			list = append(list, tokensOf(t))
		}
		w.line("need_model", msg.Fields{"amounts": list})
	}
	if q.price && len(models) >= 2 {
		for _, r := range comparedRoles(question) {
			ratio(&w, models, r)
		}
	}
	// A size asked for, or asked to fit in no model the catalog could
	// name: the size alone.
	if q.qty != nil && q.qty.unit != unitToken && ((wantsSize && !q.context) || (q.context && len(models) == 0)) {
		a.size(&w, *q.qty)
	}
	if q.qty != nil && q.qty.unit != unitToken && (q.context || wantsSize) {
		a.how(&w, *q.qty)
	}
	for _, m := range models {
		if !m.Exact && (q.context && q.qty != nil) {
			w.line("estimated", msg.Fields{"model": msg.Name(m.ID)})
		}
	}
	d := a.Catalog.Dataset()
	dataset := strings.TrimSpace(d.Name + " " + d.Version)
	if dataset == "" {
		dataset = strings.Join(a.Catalog.Sources(), ", ")
	}
	w.doc.Add(false, msg.M(msg.Note, "estimate.source", msg.Fields{"date": a.Catalog.PricesAsOf(), "dataset": dataset}))
	return Answer{Lang: lang, Doc: w.doc, Text: msg.Render(w.doc, msg.Markdown), Models: ids}, true, nil
}

// resolved is what the names in a question resolved to, besides models.
type resolved struct {
	read []string // per model: the name as typed when it was not its id or alias
	// unknown are names that fit no model, with the closest ids; ambiguous
	// names that fit several, with the candidates.
	unknown, ambiguous []namedIDs
}

type namedIDs struct {
	name string
	ids  []string
}

// models resolves the names in a question with the catalog's resolver:
// models (each once, at most MaxModels), names that fit several models and
// names that fit none.
func (a *Answerer) models(names []string) (known []tokens.Model, r resolved) {
	for _, n := range names {
		res, typed, err := a.resolve(n)
		switch {
		case len(res.Candidates) > 0:
			r.ambiguous = append(r.ambiguous, namedIDs{typed, res.Candidates})
		case err != nil:
			r.unknown = append(r.unknown, namedIDs{typed, res.Closest})
		case !slices.ContainsFunc(known, func(k tokens.Model) bool { return k.ID == res.Model.ID }) && len(known) < MaxModels:
			known = append(known, res.Model)
			read := ""
			if !res.Exact {
				read = typed
			}
			r.read = append(r.read, read)
		}
	}
	return known, r
}

// resolve resolves a name as typed, or else without the ordinary words a
// mention can run on into ("claude-3-opus still"): a name with a version
// ends with it, so the words after its
// last version are dropped; a name without one is tried at each shorter
// length. It returns the words it read as the name, and resolves at most
// as many names as the mention has words.
func (a *Answerer) resolve(name string) (tokens.Resolution, string, error) {
	res, err := a.Catalog.Resolve(name)
	if err == nil || len(res.Candidates) > 0 {
		return res, name, err
	}
	words := strings.Fields(name)
	last := len(words) - 1
	for last >= 0 && !strings.ContainsFunc(words[last], unicode.IsDigit) {
		last--
	}
	switch {
	case last == len(words)-1:
		return res, name, err
	case last >= 0:
		prefix := strings.Join(words[:last+1], " ")
		res, err = a.Catalog.Resolve(prefix)
		return res, prefix, err
	}
	for k := len(words) - 1; k >= 1; k-- {
		prefix := strings.Join(words[:k], " ")
		if pr, perr := a.Catalog.Resolve(prefix); perr == nil || len(pr.Candidates) > 0 {
			return pr, prefix, perr
		}
	}
	return res, name, err
}

func (a *Answerer) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

func (a *Answerer) price(w *writer, m tokens.Model, q question) {
	var write any = ""
	if m.CacheWritePerMTok > 0 {
		write = say("cache_write", msg.Fields{"price": tokens.USD(m.CacheWritePerMTok)})
	}
	w.line("price", msg.Fields{"model": msg.Name(m.ID), "provider": m.Provider, "input": tokens.USD(m.InputPerMTok),
		"cached": tokens.USD(m.CachedInputPerMTok), "write": write, "output": tokens.USD(m.OutputPerMTok)})
	if t := m.LongContext; t != nil {
		w.line("long_tier", msg.Fields{"above": tokens.Group(t.AboveTokens), "input": tokens.USD(t.InputPerMTok), "output": tokens.USD(t.OutputPerMTok)})
	}
	if n := m.PriceNote; n != nil {
		// The catalog's own note, in the asker's language: data, said as it is.
		w.doc.Add(false, msg.V(msg.Para, n.In(w.doc.Lang)))
	}
	if len(q.tokens) > 0 {
		costs(w, m, q.tokens, q.oneRequest)
	}
}

// costs prices the token amounts asked about on m: each role's total and,
// for more than one role, the sum. Input above the long-context tier is
// priced at its rate only when the question says it is one request;
// otherwise the answer says what it assumed and what one request costs.
func costs(w *writer, m tokens.Model, amounts []quantity, oneRequest bool) {
	var per [4]float64 // tokens per role
	for _, t := range amounts {
		per[t.role] += t.n
	}
	in, cached, out := m.InputPerMTok, m.CachedInputPerMTok, m.OutputPerMTok
	prompt := per[roleInput] + per[roleCached] + per[roleAny]
	long := m.LongContext != nil && prompt > float64(m.LongContext.AboveTokens)
	if long && oneRequest {
		in, cached, out = m.LongContext.InputPerMTok, m.LongContext.CachedInputPerMTok, m.LongContext.OutputPerMTok
	}
	price := [4]float64{0, in, out, cachedOr(cached, in)}
	if per[roleAny] > 0 {
		n := per[roleAny]
		w.line("cost", msg.Fields{"tokens": round(n), "model": msg.Name(m.ID), "input": tokens.USD(n * in / 1e6), "output": tokens.USD(n * out / 1e6)})
	}
	var total float64
	roles := 0
	for r := roleInput; r <= roleCached; r++ {
		if per[r] == 0 {
			continue
		}
		c := per[r] * price[r] / 1e6
		total += c
		roles++
		w.line("cost_role", msg.Fields{"tokens": tokensOf(quantity{n: per[r], unit: unitToken, role: r}), "model": msg.Name(m.ID), "cost": tokens.USD(c)})
	}
	if roles >= 2 {
		w.line("cost_total", msg.Fields{"model": msg.Name(m.ID), "total": tokens.USD(total)})
	}
	if oneRequest && m.ContextWindow > 0 && prompt > float64(m.ContextWindow) {
		w.line("over_window", msg.Fields{"tokens": round(prompt), "model": msg.Name(m.ID), "window": tokens.Group(m.ContextWindow)})
	}
	switch {
	case long && oneRequest:
		w.line("long_used", msg.Fields{"above": tokens.Group(m.LongContext.AboveTokens)})
	case long:
		t := m.LongContext
		one := (per[roleInput]+per[roleAny])*t.InputPerMTok/1e6 + per[roleCached]*cachedOr(t.CachedInputPerMTok, t.InputPerMTok)/1e6 + per[roleOutput]*t.OutputPerMTok/1e6
		w.line("long_assumed", msg.Fields{"above": tokens.Group(t.AboveTokens), "total": tokens.USD(one)})
	}
}

// cachedOr is the price of cached input tokens: cached, or the input
// price in when the model has no cheaper price for them.
func cachedOr(cached, in float64) float64 {
	if cached == 0 {
		return in
	}
	return cached
}

func (a *Answerer) fit(w *writer, m tokens.Model, qty *quantity) {
	if m.ContextWindow == 0 {
		w.line("context_unknown", msg.Fields{"model": msg.Name(m.ID)})
		return
	}
	if qty == nil {
		var max any = ""
		if m.MaxOutput > 0 {
			max = say("max_output", msg.Fields{"max": tokens.Group(m.MaxOutput)})
		}
		w.line("context", msg.Fields{"model": msg.Name(m.ID), "window": tokens.Group(m.ContextWindow), "max": max})
		return
	}
	n := a.tokensOf(*qty, "o200k_base")
	key := "fits"
	if n > float64(m.ContextWindow) {
		key = "no_fit"
	}
	// An amount given in tokens is not converted: "250,000 tokens", not
	// "250,000 tokens ≈ 250,000 tokens".
	size := say("converted", msg.Fields{"qty": qtyOf(*qty), "tokens": round(n)})
	if qty.unit == unitToken {
		size = say("in_tokens", msg.Fields{"tokens": round(n)})
	}
	w.line(key, msg.Fields{"size": size, "model": msg.Name(m.ID), "window": tokens.Group(m.ContextWindow),
		"share": tokens.Percent(n / float64(m.ContextWindow))})
}

func (a *Answerer) size(w *writer, qty quantity) {
	w.line("size", msg.Fields{"qty": qtyOf(qty), "tokens": round(a.tokensOf(qty, "o200k_base")), "encoding": "o200k_base",
		"cl100k": round(a.tokensOf(qty, "cl100k_base")), "older": "cl100k_base"})
}

// how says how a size was estimated: the measured rate, the sample it
// was measured on and the size assumed for a page or a book.
func (a *Answerer) how(w *writer, qty quantity) {
	u := qty.unit
	var assume, doc any = "", ""
	switch u {
	case unitPage:
		u = textUnit(qty.lang)
		assume = say("page", msg.Fields{"per": tokens.Group(wordsPerPage[qty.lang]), "units": u.word(2)})
	case unitBook:
		u = textUnit(qty.lang)
		assume = say("book", msg.Fields{"per": tokens.Group(wordsPerBook[qty.lang]), "units": u.word(2)})
	case unitLine:
		assume = say("code_sample", nil)
	}
	if qty.doc {
		doc = say("doc", nil)
	}
	r := a.rates[u]
	w.line("how", msg.Fields{"rate": strconv.FormatFloat(r.perUnit["o200k_base"], 'f', 2, 64), "unit": u.word(1), "encoding": "o200k_base",
		"n": tokens.Group(r.units), "units": u.word(2), "page": assume, "doc": doc})
	if qty.noPages {
		w.line("doc_pages", nil)
	}
}

// servedBy returns the model that answers requests to m today in its stead,
// or nil when m serves itself (or names a model the catalog lacks).
func (a *Answerer) servedBy(m tokens.Model) *tokens.Model {
	id := m.ServedByAt(a.now())
	if id == "" {
		return nil
	}
	t, err := a.Catalog.Lookup(id)
	if err != nil {
		return nil
	}
	return &t
}

func (a *Answerer) lifecycle(w *writer, m tokens.Model) {
	if m.StatusAt(a.now()) == tokens.Active && !m.Legacy {
		return
	}
	f := msg.Fields{"model": msg.Name(m.ID), "date": m.Shutdown, "list": strings.Join(a.Catalog.Successors(m, 3), ", ")}
	switch {
	case m.Legacy:
		w.line("legacy", f)
	case m.StatusAt(a.now()) == tokens.ShutDown:
		w.line("shut_down", f)
	case m.Shutdown != "":
		w.line("ends", f)
	case m.Deprecated:
		w.line("deprecated", f)
	}
}

// ratio compares the prices of the cheapest and dearest models named for
// tokens of role r (input, output or cached input), and says which.
func ratio(w *writer, models []tokens.Model, r role) {
	price := func(m tokens.Model) float64 {
		switch r {
		case roleOutput:
			return m.OutputPerMTok
		case roleCached:
			return cachedOr(m.CachedInputPerMTok, m.InputPerMTok)
		}
		return m.InputPerMTok
	}
	cheap, dear := models[0], models[0]
	for _, m := range models[1:] {
		if price(m) < price(cheap) {
			cheap = m
		}
		if price(m) > price(dear) {
			dear = m
		}
	}
	if price(cheap) > 0 && price(dear) > price(cheap) {
		w.line("ratio."+r.key(), msg.Fields{"dear": msg.Name(dear.ID), "cheap": msg.Name(cheap.ID), "ratio": strconv.FormatFloat(price(dear)/price(cheap), 'f', 1, 64)})
	}
}

// unit is what a quantity in a question counts.
type unit int

const (
	unitToken  unit = iota
	unitChar        // characters of English text
	unitZhChar      // Chinese characters
	unitWord        // English words
	unitPage        // pages: wordsPerPage words or characters of the asker's language
	unitBook        // books: wordsPerBook words or characters of the asker's language
	unitLine        // lines of source code
)

func (u unit) key() string {
	return [...]string{"token", "char", "zh_char", "word", "page", "book", "line"}[u]
}

// word is the unit's word for n of it ("page", "pages").
func (u unit) word(n int) msg.Message {
	return msg.Message{ID: msg.ID("estimate.unit." + u.key()), Fields: msg.Fields{"n": n}}
}

// counted is whether a number of the unit takes a measure word in
// Chinese ("2,000 个汉字" against "300 页").
func (u unit) counted() bool { return u != unitPage && u != unitBook && u != unitLine }

// The sizes taken for a page and a book, stated in every answer that uses
// them: a page of a document (PDF, Word) of English prose, single spaced,
// and of Chinese in characters; a book as a novel-length text in English
// words or Chinese characters (二十万字).
//
// Sources: "Single-spaced, a 500-word paper is about one page long"
// (https://www.reference.com/education/long-500-word-paper-e688adc076be96f);
// "The typical novel nowadays is roughly 90,000 words" (editor Shawn Coyne,
// quoted at https://authorscast.com/is-90000-words-a-novel). The Chinese
// figures have no source found: pages on characters per A4 page disagree
// (500–700 at http://w.hanyi.net/a63656, 1,400–1,600 at
// http://w.hanyi.net/a63664), and the 茅盾文学奖's 130,000-character
// minimum (https://rmnxw.com/zh-my/lvse/xinli/l45z5w.html) bounds a novel
// rather than sizing a typical one; the Chinese answers call them
// assumed. The tokens per word, character or line are not assumed: they
// are measured with the real counter on samples/.
var (
	wordsPerPage = map[string]int{"en": 500, "zh": 800}
	wordsPerBook = map[string]int{"en": 90_000, "zh": 200_000}
)

// textUnit is what a page or a book is made of in the asker's language.
func textUnit(lang string) unit {
	if lang == "zh" {
		return unitZhChar
	}
	return unitWord
}

// rate is tokens per unit in each encoding, measured on a sample text of
// units units.
type rate struct {
	units   int
	perUnit map[string]float64
}

//go:embed samples/en.txt
var sampleEN string

//go:embed samples/zh.txt
var sampleZH string

// sampleCode is Go source (bufio/scan.go of the Go distribution, BSD
// licence) for lines of code.
//
//go:embed samples/code.txt
var sampleCode string

// measure counts the sample texts once with the real counter. The result
// is kept for the life of the Answerer, so the count does not stop with the
// question that first needed it: a cancelled question must not leave every
// later one without rates.
func (a *Answerer) measure(ctx context.Context) error {
	ctx = context.WithoutCancel(ctx)
	a.once.Do(func() {
		a.rates = map[unit]rate{}
		for _, s := range []struct {
			u    unit
			text string
			n    int
		}{
			{unitChar, sampleEN, utf8.RuneCountInString(sampleEN)},
			{unitWord, sampleEN, len(strings.Fields(sampleEN))},
			{unitZhChar, sampleZH, utf8.RuneCountInString(sampleZH)},
			{unitLine, sampleCode, strings.Count(sampleCode, "\n")},
		} {
			rep, err := a.Counter.Report(ctx, s.text, nil, tokens.ReportOptions{Encodings: []string{"o200k_base", "cl100k_base"}})
			if err != nil {
				a.err = fmt.Errorf("measure sample text: %w", err)
				return
			}
			r := rate{units: s.n, perUnit: map[string]float64{}}
			for _, e := range rep.Encodings {
				r.perUnit[e.Name] = float64(e.Tokens) / float64(s.n)
			}
			a.rates[s.u] = r
		}
	})
	return a.err
}

// Rate returns the measured tokens per unit ("char", "zh_char", "word",
// "line") in encoding, for documentation and tests.
func (a *Answerer) Rate(ctx context.Context, u, encoding string) (float64, error) {
	if err := a.measure(ctx); err != nil {
		return 0, err
	}
	k, ok := map[string]unit{"char": unitChar, "zh_char": unitZhChar, "word": unitWord, "line": unitLine}[u]
	if !ok {
		return 0, fmt.Errorf("no measured rate for %q", u)
	}
	return a.rates[k].perUnit[encoding], nil
}

func (a *Answerer) tokensOf(q quantity, encoding string) float64 {
	switch q.unit {
	case unitToken:
		return q.n
	case unitPage:
		return q.n * float64(wordsPerPage[q.lang]) * a.rates[textUnit(q.lang)].perUnit[encoding]
	case unitBook:
		return q.n * float64(wordsPerBook[q.lang]) * a.rates[textUnit(q.lang)].perUnit[encoding]
	}
	return q.n * a.rates[q.unit].perUnit[encoding]
}

// writer collects an answer's lines: catalogue texts in the asker's
// language.
type writer struct {
	doc msg.Doc
}

// line adds the text estimate.<key> as a line of the answer.
func (w *writer) line(key string, f msg.Fields) {
	w.doc.Add(false, msg.M(msg.Para, msg.ID("estimate."+key), f))
}

// say is the text estimate.<key>, to fill a field of another.
func say(key string, f msg.Fields) msg.Message {
	return msg.Message{ID: msg.ID("estimate." + key), Fields: f}
}

// qtyOf says a quantity with its unit: "2,000 Chinese characters", "300 页".
func qtyOf(q quantity) msg.Message {
	n := 2
	if q.n == 1 {
		n = 1
	}
	key := "qty"
	if q.unit.counted() {
		key = "qty_counted"
	}
	return say(key, msg.Fields{"n": round(q.n), "unit": q.unit.word(n)})
}

// tokensOf says a token amount with its role: "2,000,000 input tokens",
// "200 万个输入 token".
func tokensOf(t quantity) msg.Message {
	if t.role == roleAny {
		return qtyOf(t)
	}
	return say("role_tokens", msg.Fields{"tokens": round(t.n), "role": say("role."+t.role.key(), nil)})
}

func round(v float64) string { return tokens.Group(int(math.Round(v))) }

// question is what parse found in a question.
type question struct {
	names                []string // model names as written, in order
	price, context, size bool
	qty                  *quantity  // the size asked about
	tokens               []quantity // token amounts to price, with their roles
	oneRequest           bool       // the tokens are said to be one request
}

// quantity is an amount of text named in a question.
type quantity struct {
	n    float64
	unit unit
	role role   // for tokens: priced as input, output, cached or both
	lang string // the asker's language, for pages and books
	// doc is set for a PDF or Word document, noPages when its page count
	// was not given (n is then one page).
	doc, noPages bool
}

var (
	// The words of each kind of question, English and Chinese apart: the
	// Chinese ones are looked for only in text with Han characters.
	priceWords = kind(`\b(price[sd]?|pricing|cost[s]?|how much|cheap\w*|expensive|dollars?|usd|per (?:1m|million)|vs\.?|versus|compare\w*)\b|\$`,
		`价格|价钱|价位|单价|什么价|多少钱|花多少|要花|费用|收费|计费|贵|便宜|对比|比较|美元|美金|\$`)
	ctxWords = kind(`\b(context|window|fits?|max(?:imum)? output|output limit)\b|\bin (?:one go|one request|a single request)\b`,
		`上下文|窗口|放得下|放得进|放进|装得下|装得进|塞得下|塞得进|塞进|容纳|最多能?输入|最长能?输入|一次能?(?:输入|处理)|最大输出|多大|(?i:context|window)`)
	sizeWords = kind(`\bhow many tokens\b|\btokens? (?:is|are|would|does|do)\b|\btoken counts? (?:for|of)\b|\broughly\b`,
		`多少(?:个)?\s*(?i:token|词元|令牌)|几个\s*(?i:token)|(?i:token|词元|令牌)\s*(?:数量?)?\s*(?:大概|大约|约)?\s*(?:是|有|算)?\s*多少|(?:换算|折合|折算)成?\s*(?i:token|词元|令牌)`)
	// A question rather than a remark, for passive mode.
	asks = regexp.MustCompile(`(?i)[?？]|^\s*(how|what|which|does|do|is|are|can|will|would)\b|吗|多少|多大|几个|怎么|是否|能不能`)
	// A number with an optional multiplier, then a unit ("300-page").
	// A book or a document named without a number of pages: "a book",
	// "the PDF", "一本书", "一份 Word 文档".
	oneThing = regexp.MustCompile(`(?i)\b(?:an?|one|the|this|my|our|whole|entire)\s+(?:whole\s+|entire\s+)?(book|novel|pdf|word doc(?:ument)?|docx?)\b|([一两二三四五六七八九十])\s*(?:本|部)\s*(书|小说)|([一两二三四五六七八九十])\s*(?:份|个)\s*(pdf|word|docx?|文档)`)
	docWords = regexp.MustCompile(`(?i)\b(pdf|word doc(?:ument)?|docx?)\b|文档`)
)

// chineseDigit is the value of a Chinese numeral for "一本书", "两本书".
var chineseDigit = map[string]float64{"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}

// words are the words of one kind of question.
type words struct{ en, zh *regexp.Regexp }

func kind(en, zh string) words { return words{regexp.MustCompile(`(?i)` + en), regexp.MustCompile(zh)} }

func (w words) match(s string, han bool) bool {
	return w.en.MatchString(s) || han && w.zh.MatchString(s)
}

func (w words) String() string { return w.en.String() + w.zh.String() }

// kinds finds what s asks for: a price, a context window, a size.
func kinds(s string) question {
	han := strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) })
	return question{price: priceWords.match(s, han), context: ctxWords.match(s, han), size: sizeWords.match(s, han)}
}

// quantities reads the amounts in s, written in lang: every token amount
// with its role, and the first amount of any unit as the size asked about.
// versionWords are the words of the model names in s, whose versions are
// not amounts.
func (q *question) quantities(s, lang string, versionWords map[string]bool) {
	q.oneRequest = oneRequest.MatchString(s)
	for _, a := range amounts(s, lang, versionWords) {
		if q.qty == nil {
			a.doc = a.unit == unitPage && docWords.MatchString(s)
			q.qty = &a
		}
		if a.unit == unitToken {
			q.tokens = append(q.tokens, a)
		}
	}
	if q.qty == nil {
		if m := oneThing.FindStringSubmatch(s); m != nil {
			q.qty = &quantity{n: 1, unit: unitBook, lang: lang}
			book := m[2] != "" || strings.EqualFold(m[1], "book") || strings.EqualFold(m[1], "novel")
			switch {
			case m[2] != "":
				q.qty.n = chineseDigit[m[2]]
			case !book:
				q.qty.unit, q.qty.doc, q.qty.noPages = unitPage, true, true
			}
		}
	}
}

func unitOf(word, lang string) unit {
	switch {
	case strings.HasPrefix(word, "chinese"), word == "汉字", strings.HasPrefix(word, "中文"):
		return unitZhChar
	case strings.HasPrefix(word, "char"), word == "字符", word == "字":
		if lang == "zh" {
			return unitZhChar
		}
		return unitChar
	case strings.HasPrefix(word, "word"), strings.HasPrefix(word, "english word"), word == "英文单词", word == "单词":
		return unitWord
	case strings.HasPrefix(word, "page"), word == "页":
		return unitPage
	case strings.HasPrefix(word, "book"), strings.HasPrefix(word, "novel"), strings.HasPrefix(word, "本"):
		return unitBook
	case strings.HasPrefix(word, "line"), word == "loc", word == "行代码":
		return unitLine
	}
	return unitToken
}

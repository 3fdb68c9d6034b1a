package knowledge

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/stop"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/analysis/tokenmap"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/tokenbot/tokenbot/bot/msg"
	"github.com/tokenbot/tokenbot/knowledge/hans"
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

// Default confidence thresholds, tuned on testdata/questions.yaml and
// testdata/dev.yaml.
const (
	// DefaultPassiveMinScore is the lowest intent-model probability of the
	// winning topic at which a passive question is answered.
	DefaultPassiveMinScore = 0.20
	// requestMinScore is the lowest intent-model probability at which a
	// passive line that is a help request but not a question is answered.
	requestMinScore = 0.4
	// mentionMinScore: a mention with no domain vocabulary whose best topic
	// scores below this (see Answer.Score) gets the "not sure" reply.
	mentionMinScore = 0.35
	// mentionMaxOffTopic: a mention that names no strong domain term is
	// "not sure" when the off-topic class is at least this likely.
	mentionMaxOffTopic = 0.6
	// weakMinScore and weakMaxOffTopic: a passive question with no core term
	// needs at least this probability for its topic and at most this one for
	// the off-topic class.
	weakMinScore    = 0.8
	weakMaxOffTopic = 0.1
	// suggestions is how many closest topics a "not sure" reply offers.
	suggestions = 3
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

// Answer is the result of Ask. When Answered is false, ID is empty and, in
// mention mode, Answer holds a "not sure" text offering the closest topics
// (also in Suggestions); in passive mode both are empty. Score is the best
// entry's combined relevance: the intent model's probability (0-1) plus
// bleveWeight times its BM25 score relative to the best BM25 hit (0 when
// nothing was searched). Question echoes the sanitised, 4 KiB-capped input;
// a Traditional Chinese question is answered in Simplified Chinese (Lang "zh").
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
	// Suggestions are the closest topics when Answered is false in mention mode.
	Suggestions []Topic `json:"suggestions,omitempty"`
}

// Index answers questions from FAQ entries. It is safe for concurrent use.
type Index struct {
	idx     bleve.Index
	entries map[string]Entry
	order   []string // ids in load order
	passive float64
	model   *classifier // classes: entries in order, then offTopic
	spell   *speller
	zhChars *hans.Converter
	// keyed[k] reports whether entry k is asked about with a key, token or
	// AI API named (see namesKeyOrAI) in nearly all of its own phrasings: a
	// passive line that names none (see domainTerms.anchored) is not about it.
	keyed []bool
}

// Field names in the bleve document; one document per entry holds both languages.
func field(lang, part string) string { return lang + "_" + part }

// Each entry is indexed as several documents per language:
//   - one per question or phrasing (field <lang>_q): short documents that
//     match short chat questions well. Chinese is analysed into bigrams plus
//     single characters, so words the bigrams split differently still meet;
//   - one "meta" document (field <lang>_meta) holding the entry's keywords
//     (its distinctive terms in both languages, listed twice so they weigh
//     more) and its short answer.
//
// An entry's score is its best phrasing score plus a small share of its other
// matching phrasings (several phrasings agreeing is evidence), plus metaWeight
// times its meta score. The full answer is not searched: with a low weight it
// made no measurable difference on the held-out questions and it doubled the
// search time (long texts match almost every question).
const searchWindow = 40

var docParts = []string{"q", "meta"}

const (
	// metaWeight weighs the keywords-and-short-answer document.
	metaWeight = 0.6
	// sumShare is the share of the other phrasings' scores added to the best one.
	sumShare = 0.2
	// sumCap caps that bonus at this fraction of the best phrasing's score.
	sumCap = 0.5
	// tieRatio and tieBonus: see search.
	tieRatio = 1.25
	tieBonus = 1.0
)

const zhAnalyzer = "cjk_unigram_bigram"

// zhStopChars are frequent function characters dropped as single-character
// tokens (bigrams containing them are kept): as unigrams they match nearly
// every phrasing, add no evidence and slow the search down.
const zhStopChars = "的了吗是我你他她它们在有和与么什怎呢啊吧呀一个这那就都也要会能不没把被给让到对为于还又很太最更嘛哦哈之其而及或从向上下中里时候可以得地着过来去说看请问吧"

func buildMapping() (*mapping.IndexMappingImpl, error) {
	im := bleve.NewIndexMapping()
	im.ScoringModel = "bm25" // honoured by scorch; upsidedown (NewMemOnly) would score tf-idf.
	im.DefaultAnalyzer = en.AnalyzerName
	if err := im.AddCustomTokenFilter("cjk_bigram_unigram", map[string]any{
		"type": cjk.BigramName, "output_unigram": true,
	}); err != nil {
		return nil, fmt.Errorf("register cjk filter: %w", err)
	}
	stopChars := make([]any, 0, len(zhStopChars))
	for _, r := range zhStopChars {
		stopChars = append(stopChars, string(r))
	}
	if err := im.AddCustomTokenMap("zh_stop_chars", map[string]any{"type": tokenmap.Name, "tokens": stopChars}); err != nil {
		return nil, fmt.Errorf("register cjk stop characters: %w", err)
	}
	if err := im.AddCustomTokenFilter("zh_stop_unigrams", map[string]any{"type": stop.Name, "stop_token_map": "zh_stop_chars"}); err != nil {
		return nil, fmt.Errorf("register cjk stop filter: %w", err)
	}
	if err := im.AddCustomAnalyzer(zhAnalyzer, map[string]any{
		"type":          custom.Name,
		"tokenizer":     unicode.Name,
		"token_filters": []string{cjk.WidthName, lowercase.Name, "cjk_bigram_unigram", "zh_stop_unigrams"},
	}); err != nil {
		return nil, fmt.Errorf("register cjk analyzer: %w", err)
	}
	doc := bleve.NewDocumentStaticMapping()
	for _, lang := range Languages {
		for _, part := range docParts {
			analyzer := en.AnalyzerName
			if lang == "zh" {
				analyzer = zhAnalyzer
				if part == "meta" {
					analyzer = cjk.AnalyzerName
				}
			}
			fm := bleve.NewTextFieldMapping()
			fm.Analyzer = analyzer
			fm.Store = false
			fm.IncludeTermVectors = false
			fm.IncludeInAll = false
			fm.DocValues = false
			doc.AddFieldMappingsAt(field(lang, part), fm)
		}
	}
	// Every query names its field: no composite "_all" field to build.
	doc.AddSubDocumentMapping("_all", bleve.NewDocumentDisabledMapping())
	im.DefaultMapping = doc
	if err := im.Validate(); err != nil {
		return nil, fmt.Errorf("validate index mapping: %w", err)
	}
	return im, nil
}

// splitIdentifiers lets "cached_tokens" or "x-ratelimit-reset" match their words.
var identReplacer = strings.NewReplacer("/tokens", " tokenscommand ", "_", " ", ".", " ", "/", " ", "!=", " vs ")

// zhColloquial maps colloquial or misspelt Chinese to the FAQ's wording.
var zhColloquial = strings.NewReplacer(
	"为啥", "为什么", "干啥", "做什么", "干嘛", "做什么", "是个啥", "是什么", "是啥", "是什么", "啥", "什么",
	"咋办", "怎么办", "咋", "怎么", "秘钥", "密钥", "密匙", "密钥", "泄漏", "泄露", "令牌", "token",
	"词元", "token", "機器人", "机器人",
	// asking the channel, not the topic: "有人知道这个机器人能干嘛吗"
	// taught the model that 有人知道 means the bot's own help
	"有没有人知道", "", "有人知道吗", "", "有人知道", "", "大家知道吗", "",
	// Taiwan usage written in characters that Simplified shares, which the
	// Traditional converter therefore never sees
	"快取", "缓存", "金钥", "密钥", "权杖", "令牌", "视窗", "窗口", "呼叫", "调用", "帐单", "账单",
	"伺服器", "服务器", "预设", "默认", "回传", "返回", "档案", "文件", "程式", "程序", "讯息", "消息",
	"帐号", "账号", "帐户", "账户",
	// pinyin-input slips on the FAQ's words, in the contexts they take
	// (超过其他 stays): 过其了 for 过期了, 计废 for 计费
	"过其了", "过期了", "过其吗", "过期吗", "会过其", "会过期", "过其时间", "过期时间", "过奇", "过期",
	"计废", "计费", "额渡", "额度", "上下问", "上下文", "令排", "令牌", "密要", "密钥", "迷钥", "密钥",
)

// synonyms map words that chat uses to the FAQ's wording. They apply to the
// indexed phrasings and to questions alike, so both sides meet. Keep the
// targets canonical: several chat words collapse onto one term.
var synonyms = map[string]string{
	"pricier": "cost more", "costlier": "cost more", "pricey": "cost more", "expensive": "cost more", "costly": "cost more",
	"spend": "cost", "spending": "cost", "spent": "cost", "expense": "cost", "expenses": "cost",
	"price": "cost", "prices": "cost", "priced": "cost", "pricing": "cost", "fee": "cost", "fees": "cost",
	"dollars": "cost", "dollar": "cost", "money": "cost", "usd": "cost",
	"charge": "billed", "charged": "billed", "charges": "billed", "charging": "billed", "bill": "billed", "billing": "billed", "invoice": "billed", "invoiced": "billed",
	"squad": "team", "squads": "team", "department": "team", "departments": "team", "group": "team", "groups": "team", "org": "team", "orgs": "team",
	"exposed": "leaked", "compromised": "leaked", "leak": "leaked", "leaks": "leaked", "leaking": "leaked",
	"token per minute": "tpm", "tokens per minute": "tpm", "request per minute": "rpm", "requests per minute": "rpm",
	"throttle": "rate limit", "throttled": "rate limit", "throttling": "rate limit", "too many requests": "rate limit 429", "ratelimit": "rate limit", "ratelimited": "rate limit",
	"creds": "credits", "credit balance": "credits",
	"apikey": "api key", "apikeys": "api key", "api-key": "api key", "api-keys": "api key", "secret key": "api key",
	"ctx": "context", "context length": "context window", "context size": "context window", "ctx window": "context window", "context limit": "context window",
	"mandarin": "chinese", "chn": "chinese",
	"convo": "conversation", "convos": "conversation", "thread": "conversation", "threads": "conversation",
	"turns": "conversation", "messages": "conversation",
	"ran out": "run out", "runs out": "run out", "running out": "run out", "used up": "run out", "exhausted": "run out", "depleted": "run out",
	"versus": "vs",
	// "keep" before a gerund is "again and again", not keeping a key somewhere
	"keep getting": "getting", "keeps getting": "getting", "kept getting": "getting",
	"keep hitting": "hitting", "keeps hitting": "hitting", "kept hitting": "hitting",
	"keep seeing": "seeing", "keeps seeing": "seeing", "keep failing": "failing", "keeps failing": "failing",
	"keep returning": "returning", "keeps returning": "returning", "keep running into": "running into",
	// asking the channel, not the topic (see zhColloquial's 有人知道吗)
	"does anyone know": "", "does anybody know": "", "anyone know": "", "anybody know": "", "any idea": "", "any ideas": "",
	"fresh":  "new",
	"mix up": "confuse", "mixed up": "confuse", "mixing up": "confuse", "mix them up": "confuse", "mixes up": "confuse",
	"confused": "confuse", "confusing": "confuse", "confusion": "confuse", "confuses": "confuse",
	"burned through": "consume", "burnt through": "consume", "eat": "consume", "eats": "consume", "eating": "consume", "burn": "consume", "burns": "consume", "burning": "consume",
	"consumes": "consume", "consumed": "consume", "consuming": "consume", "consumption": "consume",
	"小组": "团队", "部门": "团队", "各组": "团队",
	"花费": "费用", "开销": "费用", "花销": "费用", "开支": "费用",
	"暴露": "泄露", "外泄": "泄露", "泄漏": "泄露", "露出": "泄露",
	"收费": "计费", "扣费": "计费", "计价": "计费", "定价": "计费", "价格": "计费",
	"限速": "限流", "速率限制": "限流", "频率限制": "限流",
	"上下文窗口": "上下文", "上下文长度": "上下文",
	"机器人": "bot",
	"吃掉":  "消耗", "烧掉": "消耗", "烧钱": "消耗",
	"普通话": "中文", "汉语": "中文",
	"用光": "用完", "耗尽": "用完", "烧完": "用完", "花光": "用完",
	// domain concepts under other names
	"thinking tokens": "reasoning tokens", "thinking token": "reasoning tokens", "thought tokens": "reasoning tokens",
	"thinking budget": "reasoning effort", "extended thinking": "reasoning",
	"refill": "top up", "refills": "top up", "recharge": "top up", "reload": "top up", "topup": "top up", "top-up": "top up",
	"through the roof": "spike", "skyrocketed": "spike", "skyrocketing": "spike", "ballooned": "spike", "blew up": "spike", "went crazy": "spike", "shot up": "spike", "surged": "spike",
	"prompt tokens": "input tokens", "completion tokens": "output tokens", "tokens in": "input tokens", "tokens out": "output tokens",
	"思考 token": "推理 token", "思考token": "推理 token", "思维链": "推理",
	"影片": "视频", "补充额度": "充值", "续费": "充值",
	"暴增": "暴涨", "激增": "暴涨", "猛增": "暴涨", "飙升": "暴涨", "爆表": "暴涨",
	"混淆": "搞混", "弄混": "搞混", "说混": "搞混", "分不清": "搞混", "混为一谈": "搞混",
}

// synonymizer applies synonyms: Chinese keys anywhere (Chinese has no word
// boundaries), Latin keys as whole words, case-insensitively, longest first.
type synonymizer struct {
	han     *strings.Replacer
	latin   map[string]string // lower-case key -> replacement
	lengths []int             // distinct byte lengths of latin keys, longest first
}

var synonymSet = func() *synonymizer {
	sz := &synonymizer{latin: map[string]string{}}
	var han []string
	seen := map[int]bool{}
	for w, r := range synonyms {
		if w[0] >= utf8.RuneSelf {
			han = append(han, w)
			continue
		}
		sz.latin[strings.ToLower(w)] = r
		if !seen[len(w)] {
			seen[len(w)] = true
			sz.lengths = append(sz.lengths, len(w))
		}
	}
	sort.Sort(sort.Reverse(sort.IntSlice(sz.lengths)))
	// strings.Replacer tries keys in argument order at each position.
	sort.Slice(han, func(i, j int) bool {
		return len(han[i]) > len(han[j]) || (len(han[i]) == len(han[j]) && han[i] < han[j])
	})
	pairs := make([]string, 0, 2*len(han))
	for _, w := range han {
		pairs = append(pairs, w, synonyms[w])
	}
	sz.han = strings.NewReplacer(pairs...)
	return sz
}()

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// replace returns s with every synonym key replaced.
func (sz *synonymizer) replace(s string) string {
	s = sz.han.Replace(s)
	// ASCII-only lower-casing keeps byte offsets aligned with s.
	lower := []byte(s)
	for i, c := range lower {
		if c >= 'A' && c <= 'Z' {
			lower[i] = c + 'a' - 'A'
		}
	}
	var b strings.Builder
	last := 0
	for i := 0; i < len(lower); i++ {
		if !isWordByte(lower[i]) || (i > 0 && isWordByte(lower[i-1])) {
			continue
		}
		for _, n := range sz.lengths {
			end := i + n
			if end > len(lower) || (end < len(lower) && isWordByte(lower[end])) || !isWordByte(lower[end-1]) {
				continue
			}
			if r, ok := sz.latin[string(lower[i:end])]; ok {
				b.WriteString(s[last:i])
				b.WriteString(r)
				last = end
				i = end - 1
				break
			}
		}
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func prepare(s string) string {
	return synonymSet.replace(zhColloquial.Replace(identReplacer.Replace(s)))
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
	for _, e := range entries {
		if _, dup := ix.entries[e.ID]; dup {
			return fail(fmt.Errorf("index entry %q: %w", e.ID, ErrDuplicateID))
		}
		for _, lang := range Languages {
			if _, ok := e.Text[lang]; !ok {
				return fail(fmt.Errorf("index entry %q: %s: %w", e.ID, lang, ErrMissingField))
			}
		}
		ix.entries[e.ID] = e
		ix.order = append(ix.order, e.ID)
	}
	// The intent model is loaded or trains while bleve analyses the
	// entries: the two share nothing, and start-up takes the longer of them
	// rather than the sum.
	trained := make(chan error, 1)
	go func() { trained <- ix.trainModel(entries) }()
	err = indexEntries(idx, entries)
	if terr := <-trained; terr != nil {
		return fail(terr)
	}
	if err != nil {
		return fail(err)
	}
	return ix, nil
}

// indexEntries indexes every entry's phrasings and meta documents (see
// docParts) in one batch.
func indexEntries(idx bleve.Index, entries []Entry) error {
	batch := idx.NewBatch()
	for _, e := range entries {
		for _, lang := range Languages {
			t := e.Text[lang]
			meta := t.Short
			if len(e.Keywords) > 0 {
				kw := strings.Join(e.Keywords, " ; ")
				meta = kw + " ; " + kw + " ; " + t.Short
			}
			docs := map[string]map[string]any{
				docID(e.ID, lang, "meta"): {field(lang, "meta"): prepare(meta)},
			}
			for i, p := range append([]string{t.Question}, t.Phrasings...) {
				docs[docID(e.ID, lang, fmt.Sprintf("q%d", i))] = map[string]any{field(lang, "q"): prepare(p)}
			}
			for id, d := range docs {
				if err := batch.Index(id, d); err != nil {
					return fmt.Errorf("index entry %q: %w", e.ID, err)
				}
			}
		}
	}
	if err := idx.Batch(batch); err != nil {
		return fmt.Errorf("index faq: %w", err)
	}
	return nil
}

// trainModel builds the speller and the Chinese converter, then takes the
// intent model and the keyed flags from the precomputed artifact when it
// was made from these entries (see embeddedModel), and trains them
// otherwise.
func (ix *Index) trainModel(entries []Entry) error {
	ix.learnWording(entries)
	model, keyed, ok, err := embeddedModel(trainingDigest(entries))
	if err != nil {
		return err
	}
	if !ok {
		model, keyed = ix.fit(entries)
	}
	ix.model, ix.keyed = model, keyed
	return nil
}

// learnWording builds the speller's vocabulary and the Chinese converter.
//
// The speller's vocabulary is the FAQ's own wording (questions, short and
// full answers, keywords, synonyms), the off-topic examples' words (see
// newSpeller) and the phrasings' words, except those that look like typos
// of that wording: phrasings hold typos on purpose ("kye"), and those must
// not become words the speller keeps (see newSpeller). Training texts are
// corrected like questions, so both meet the same features.
func (ix *Index) learnWording(entries []Entry) {
	var vocab, phrasings []string
	for _, e := range entries {
		for _, lang := range Languages {
			t := e.Text[lang]
			vocab = append(vocab, t.Question, t.Short, t.Answer)
			phrasings = append(phrasings, t.Phrasings...)
			phrasings = append(phrasings, t.Examples...)
		}
		vocab = append(vocab, e.Keywords...)
	}
	for _, w := range sortedKeys(synonyms) {
		vocab = append(vocab, w, synonyms[w])
	}
	phrasings = append(phrasings, offTopicWritten...)
	ix.spell = newSpeller(vocab, phrasings, offTopicExamples)
	vocab = append(vocab, offTopicExamples...)
	// Phrasings hold Traditional Chinese on purpose: only the FAQ's own
	// Simplified wording tells the converter which characters are not a
	// sign of Traditional text, and training texts are normalised like
	// questions, so Traditional phrasings and questions meet the same features.
	ix.zhChars = hans.New(vocab...)
}

// fit trains the intent model on every entry's question, phrasings and
// keywords in both languages, plus the off-topic examples as one more
// class, and finds the keyed entries; the speller and converter must be
// built (see learnWording).
func (ix *Index) fit(entries []Entry) (*classifier, []bool) {
	prep := ix.normalize
	var texts []trainText
	// asked[k] holds entry k's question and phrasings, normalised.
	asked := make([][]string, len(entries))
	for k, e := range entries {
		for _, lang := range Languages {
			t := e.Text[lang]
			// The entry's own question states its focus and act most plainly.
			q := prep(t.Question)
			texts = append(texts, trainText{text: q, class: k, weight: questionWeight})
			asked[k] = append(asked[k], q)
			for _, p := range t.Phrasings {
				q := prep(p)
				texts = append(texts, trainText{text: q, class: k, weight: 1})
				asked[k] = append(asked[k], q)
			}
			for _, x := range t.Examples {
				texts = append(texts, trainText{text: prep(x), class: k, weight: exampleWeight})
			}
			// The answer's sentences name the topic's vocabulary ("hardcode",
			// "secrets manager", 写死…) that no phrasing may use.
			texts = append(texts, trainText{text: prep(t.Short), class: k, weight: shortWeight})
			for _, line := range answerSentences(t.Answer) {
				texts = append(texts, trainText{text: prep(line), class: k, weight: answerWeight})
			}
		}
		for _, kw := range e.Keywords {
			texts = append(texts, trainText{text: prep(kw), class: k, weight: keywordWeight})
		}
	}
	for _, q := range slices.Concat(offTopicExamples, offTopicWritten) {
		texts = append(texts, trainText{text: prep(q), class: len(entries), weight: offTopicWeight})
	}
	// Which entries are keyed is found on the other core while the model trains.
	keyed := make(chan []bool, 1)
	go func() { keyed <- keyedEntries(asked) }()
	model := train(texts, len(entries)+1)
	return model, <-keyed
}

// keyedEntries reports, for each entry's normalised question and
// phrasings, whether the entry is keyed (see Index.keyed).
func keyedEntries(asked [][]string) []bool {
	keyed := make([]bool, len(asked))
	for k, texts := range asked {
		// Stop once the share is reached or out of reach: the checks are
		// regular expressions, and every phrasing of the FAQ goes through
		// them at each start.
		need := int(math.Ceil(keyedShare * float64(len(texts))))
		named := 0
		for i, q := range texts {
			if named >= need || named+len(texts)-i < need {
				break
			}
			if namesKeyOrAI(q) {
				named++
			}
		}
		keyed[k] = named >= need
	}
	return keyed
}

// keyedShare: an entry is keyed (see Index.keyed) when at least this share
// of its question and phrasings names a key, token or AI API (see
// namesKeyOrAI); chosen on the development sets, where no keyed topic's
// question is asked without one.
const keyedShare = 0.94

// answerSentences splits an answer into its lines and sentences.
func answerSentences(a string) []string {
	return strings.FieldsFunc(a, func(r rune) bool {
		return r == '\n' || r == '。' || r == '；' || r == '：'
	})
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// normalize maps a question onto the FAQ's wording: Traditional Chinese to
// Simplified, misspelt English words to the FAQ's vocabulary, then prepare.
func (ix *Index) normalize(q string) string {
	return prepare(ix.spell.correct(ix.zhChars.Simplified(q)))
}

func docID(id, lang, part string) string { return id + "|" + lang + "|" + part }

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

// search returns the best entries for the normalised question q in lang's
// fields, best first, scored by BM25 alone.
func (ix *Index) search(ctx context.Context, q, lang string) ([]hit, error) {
	var parts []query.Query
	for _, part := range docParts {
		mq := bleve.NewMatchQuery(q)
		mq.SetField(field(lang, part))
		parts = append(parts, mq)
	}
	q0 := bleve.NewDisjunctionQuery(parts...)
	// Sorting by score alone is cheap: document ids are loaded for the
	// window only. One hit beyond the window shows whether a tie crosses its
	// edge; only then, since the index's internal numbering follows the
	// batch's map order, is the search repeated with ties broken by
	// document id, so every build of the index gives the same answers.
	req := bleve.NewSearchRequestOptions(q0, searchWindow+1, 0, false)
	res, err := ix.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search faq: %w", err)
	}
	if n := len(res.Hits); n > searchWindow {
		if res.Hits[searchWindow].Score == res.Hits[searchWindow-1].Score {
			req = bleve.NewSearchRequestOptions(q0, searchWindow, 0, false)
			req.SortBy([]string{"-_score", "_id"})
			if res, err = ix.idx.SearchInContext(ctx, req); err != nil {
				return nil, fmt.Errorf("search faq: %w", err)
			}
		} else {
			res.Hits = res.Hits[:searchWindow]
		}
	}
	type agg struct{ best, sum, meta float64 }
	per := map[string]*agg{}
	for _, h := range res.Hits {
		id, part, _ := strings.Cut(h.ID, "|")
		a := per[id]
		if a == nil {
			a = &agg{}
			per[id] = a
		}
		if strings.HasSuffix(part, "|meta") {
			a.meta = max(a.meta, h.Score)
			continue
		}
		a.best = max(a.best, h.Score)
		a.sum += h.Score
	}
	hits := make([]hit, 0, len(per))
	for id, a := range per {
		s := a.best + min(sumShare*(a.sum-a.best), sumCap*a.best) + metaWeight*a.meta
		hits = append(hits, hit{id: id, score: s})
	}
	byScore := func(i, j int) bool {
		if hits[i].score != hits[j].score {
			return hits[i].score > hits[j].score
		}
		return hits[i].id < hits[j].id
	}
	sort.Slice(hits, byScore)
	// Close neighbours (key-vs-token and why-confusing, token-billing and
	// input-output-tokens, ...) share most phrasing words. When several entries
	// score within tieRatio of the best, the topic's distinctive terms (its
	// keywords and short answer) decide: their evidence is counted again.
	if len(hits) > 1 && hits[1].score*tieRatio >= hits[0].score {
		cut := hits[0].score / tieRatio
		for i := range hits {
			if hits[i].score < cut {
				break
			}
			hits[i].score += tieBonus * (metaWeight * per[hits[i].id].meta)
		}
		sort.Slice(hits, byScore)
	}
	return hits, nil
}

// passiveMinMargin is the lowest lead of a passive answer's combined
// score (see Answer.Score) over the runner-up's.
const passiveMinMargin = 0.35

// passiveMaxOffTopic is the highest probability of the off-topic class a
// passive answer may have: a line the model finds even one part in five
// like chatter is left to the channel. Chosen on the development sets: of
// the values tried (1.0, 0.3, 0.2, 0.15, 0.1), the highest that answers none
// of their 2,575 off-topic lines (passive right 91.8 → 91.4%).
const passiveMaxOffTopic = 0.2

// bleveWeight weighs the BM25 score (relative to the best hit's) against
// the intent model's probability in an entry's combined score.
const bleveWeight = 0.5

// rank combines the intent model's probabilities with the BM25 hits into
// one score per entry, best first (ties by load order).
func (ix *Index) rank(hits []hit, probs []float64) []hit {
	bm := make(map[string]float64, len(hits))
	top := 0.0
	if len(hits) > 0 {
		top = hits[0].score
	}
	for _, h := range hits {
		bm[h.id] = h.score / top
	}
	out := make([]hit, len(ix.order))
	for k, id := range ix.order {
		out[k] = hit{id: id, score: probs[k] + bleveWeight*bm[id]}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].score > out[j].score })
	return out
}

// decisive reports whether the best topic's probability leads the
// runner-up's by more than lead (probs holds the topics, then the off-topic
// class) and is at least mentionMinScore.
func (ix *Index) decisive(probs []float64, lead float64) bool {
	p1, p2 := 0.0, 0.0
	for _, p := range probs[:len(ix.order)] {
		if p > p1 {
			p1, p2 = p, p1
		} else if p > p2 {
			p2 = p
		}
	}
	return p1-p2 > lead && p1 >= mentionMinScore
}

// Ask answers question in the asker's language. In Mention mode it always
// returns an answer: the best entry, or a "not sure" text offering the
// closest topics. In Passive mode it answers only a confident, on-topic
// question that uses the FAQ's words in their AI-API sense, and otherwise
// returns Answered=false with an empty Answer; a passive line longer than
// passiveFocusBytes is read by its questions (see passiveFocus). Only the
// first MaxQuestionBytes of question are searched; invalid UTF-8 is
// replaced.
func (ix *Index) Ask(ctx context.Context, question string, mode Mode) (Answer, error) {
	if err := ctx.Err(); err != nil {
		return Answer{}, fmt.Errorf("ask: %w", err)
	}
	q := sanitize(question)
	lang := DetectLang(q)
	ans := Answer{Question: q, Lang: lang, Related: []Topic{}, Sources: []string{}}
	var ranked []hit
	notAnswered := func() (Answer, error) {
		if mode == Mention {
			for _, h := range ranked[:min(suggestions, len(ranked))] {
				ans.Suggestions = append(ans.Suggestions, Topic{ID: h.id, Title: ix.entries[h.id].Text[lang].Question})
			}
			ans.Answer = ix.notSure(lang, ans.Suggestions)
		}
		return ans, nil
	}
	if strings.Trim(q, " \t\n\uFFFD") == "" {
		return notAnswered()
	}
	text := q
	if mode == Passive {
		text = passiveFocus(q)
	}
	// Sense cues are looked for before synonyms collapse them
	// (上下文窗口 → 上下文), distractors also before the speller "corrects"
	// a word the FAQ never uses ("kong" → "long").
	typed := ix.zhChars.Simplified(text)
	plain := ix.spell.correct(typed)
	nq := prepare(plain)
	asks := IsQuestion(nq)
	terms := domainTerms{s: nq, typed: typed}
	if mode == Passive && (!(asks || helpRequest(nq)) || aboutPeople(nq) || aboutSocial(nq) || aboutDocuments(typed) || !terms.in()) {
		return notAnswered()
	}
	probs, subject := ix.model.predict(nq)
	var hits []hit
	// BM25 adds at most bleveWeight to an entry's score. When the intent
	// model's best topic leads the runner-up by more than that, no search
	// can change a mention's answer (nor push its score below
	// mentionMinScore), so the search is skipped and Score is the model's
	// probability alone. A passive answer also needs a lead of
	// passiveMinMargin after the search: the model's lead must cover both.
	lead := bleveWeight
	if mode == Passive {
		lead += passiveMinMargin
	}
	searched := !ix.decisive(probs, lead)
	if searched {
		var err error
		if hits, err = ix.search(ctx, nq, lang); err != nil {
			if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
				return Answer{}, fmt.Errorf("ask: %w", err)
			}
			return Answer{}, err
		}
	}
	ranked = ix.rank(hits, probs)
	best := ranked[0]
	ans.Score = best.score
	pBest, pOff := 0.0, probs[len(ix.order)]
	argmax := 0
	for k, id := range ix.order {
		if id == best.id {
			pBest = probs[k]
		}
		if probs[k] > probs[argmax] {
			argmax = k
		}
	}
	switch mode {
	case Passive:
		margin := best.score - ranked[1].score
		minScore := ix.passive
		if !asks {
			minScore = max(minScore, requestMinScore)
		}
		if (searched && len(hits) == 0) || pOff >= pBest || pBest < minScore || ix.order[argmax] != best.id || margin < passiveMinMargin || pOff > passiveMaxOffTopic {
			return notAnswered()
		}
		// Our words in another sense: next to a distractor ("the office
		// printer", nginx, 聚餐) only a line that names an AI provider or
		// model is ours, and a keyed topic needs a key, token or AI API in
		// the line.
		if (terms.distracted() && !terms.provider()) || (ix.keyed[argmax] && !terms.anchored()) {
			return notAnswered()
		}
		// The team's own sign-in tokens and its own service's throttling
		// share our words; without a named AI provider or model they are
		// not ours.
		if !terms.provider() && (aboutOwnAuth(typed) || aboutOwnTraffic(typed)) {
			return notAnswered()
		}
		// A word with an everyday sense ("context", 额度) that a line names
		// without an anchor counts only next to a cue of its API sense.
		// So does a line whose anchor words are all in another sense (a
		// bash prompt, a data model, a tokenized card).
		if !terms.anchored() && (everydaySense(plain) || terms.otherSense()) {
			return notAnswered()
		}
		// Without a core term ("budget", "bill" or "environment" alone), or
		// next to a distractor, the line is likely everyday chatter: answer
		// only a clear-cut one.
		// A help request that is not a question needs a core term.
		if !terms.passive() && (!asks || pBest < weakMinScore || pOff > weakMaxOffTopic) {
			return notAnswered()
		}
	default:
		// "what can you do?" is all stop words, so the model sees nothing;
		// addressed to the bot it asks what the bot does.
		if !subject && asksAbilities(nq) {
			if _, ok := ix.entries[botHelpID]; ok {
				best = hit{id: botHelpID, score: mentionMinScore}
				ans.Score = best.score
				break
			}
		}
		unsure := pOff >= pBest || best.score < mentionMinScore || !subject
		if (unsure && !terms.in()) || (pOff >= mentionMaxOffTopic && !terms.isStrong()) {
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

// notSure is the mention-mode reply when no entry fits, in light
// Markdown (see NotSure).
func (ix *Index) notSure(lang string, closest []Topic) string {
	return msg.Render(NotSure(lang, closest), msg.Markdown)
}

// NotSure is the mention-mode reply when no entry fits: it offers the
// closest topics by their questions (none for an empty question).
func NotSure(lang string, closest []Topic) msg.Doc {
	d := msg.Doc{Lang: lang}
	if len(closest) > 0 {
		d.Add(false, msg.M(msg.Para, "answer.not_sure_topics", nil))
	} else {
		d.Add(false, msg.M(msg.Para, "answer.not_sure", nil))
	}
	for _, t := range closest {
		d.Add(false, msg.V(msg.Item, t.Title))
	}
	d.Add(false, msg.M(msg.Para, "answer.rephrase", msg.Fields{"command": msg.Code("/tokens")}))
	return d
}

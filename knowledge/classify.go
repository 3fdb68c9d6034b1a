package knowledge

import (
	"math"
	"math/rand/v2"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The intent model: a multinomial logistic regression over sparse features of
// a question (English word stems, word pairs and 4-letter prefixes; Chinese
// characters and character pairs), trained on every entry's question,
// phrasings and keywords in both languages (for the embedded FAQ at build
// time, see intentModelGz; for other entries when the index is built), plus one extra
// class, offTopic, trained on chatter that uses the FAQ's words in other
// senses (door keys, CSRF tokens, sales quotas, 年假额度…). BM25 finds
// phrasings that share rare words with the question; the model learns which
// words tell topics apart, so a question that merely mentions a sibling
// topic's word ("bill" in a reasoning-tokens question) still lands on the
// topic it is about. Training is deterministic: examples in load order,
// shuffled by a fixed-seed generator, features numbered in first-seen order.

const (
	trainSeed = 20261201
	// minStep: smaller gradient steps are skipped; they move nothing that
	// matters and would cost most of the training time.
	minStep = 1e-3
)

// Training settings, chosen on testdata/questions.yaml, dev.yaml and
// dev2.yaml.
const (
	trainEpochs = 5
	trainRate   = 2.0
	// keywordWeight scales the gradient of one-keyword examples: a keyword is
	// evidence for its topic but weaker than a whole phrasing.
	keywordWeight = 0.5
	// questionWeight scales the gradient of an entry's own question.
	questionWeight = 2.0
	// exampleWeight scales the gradient of an entry's examples (questions
	// written from the topic list alone, see Text.Examples).
	exampleWeight = 1.0
	// offTopicWeight scales the off-topic examples' gradient.
	offTopicWeight = 1.0
	// shortWeight scales the gradient of an entry's short answer.
	shortWeight = 0.5
	// answerWeight scales the gradient of each sentence of an entry's answer.
	answerWeight = 0.3
)

type example struct {
	feats  []int32
	vals   []float32
	class  int
	weight float64
}

type classifier struct {
	feat    map[string]int32
	classes int
	w       []float32 // len(feat) * classes, row-major by feature
	b       []float32
}

// Question acts: what a question asks of its subject. The same subject
// words mean different topics under different acts ("what is a token" vs
// "why do people confuse tokens"), so each act is a feature and is also
// paired with every content word of the question.
var acts = []struct {
	name string
	cues []string // English cues match whole words; Chinese cues anywhere
}{
	{"def", []string{"what is", "what are", "what's", "whats", "define", "definition", "meaning of", "mean", "means", "explain", "是什么", "什么是", "什么叫", "指的是", "是指", "意思", "含义", "定义"}},
	{"diff", []string{"vs", "difference", "instead of", "rather than", "and not", "differ", "different", "same", "versus", "compare", "compared", "related", "mismatch", "don't match", "doesn't match", "which is wrong", "which one is right", "区别", "差别", "不同", "不一样", "一样", "一回事", "同一", "关系", "差在", "对不上", "不一致", "哪个对", "哪个错"}},
	{"how", []string{"how do", "how to", "how can", "how should", "step", "steps", "way to", "where do", "where should", "怎么", "如何", "怎样", "步骤", "方法"}},
	{"why", []string{"why", "how come", "为什么", "为何", "怎么回事", "原因"}},
	{"cost", []string{"cost", "billed", "pay", "paid", "cheaper", "cheap", "discount", "save", "费用", "计费", "多少钱", "贵", "便宜", "省钱", "折扣", "打折"}},
	{"qty", []string{"how many", "how much", "how big", "how long", "how large", "ratio", "roughly", "多少", "几个", "多大", "多长", "多久", "大概", "比例"}},
	// a change over time: what usage-spike asks about, and none of its
	// siblings (billing, input and output, cached tokens) does
	{"growth", []string{"doubled", "tripled", "triple", "triples", "jumped", "jump", "spike", "spiked", "spiking", "surge", "surged", "skyrocketed", "went up", "shot up", "overnight", "翻倍", "暴涨", "猛涨", "激增", "飙升", "涨了", "突然涨", "多了好几倍"}},
	{"trouble", []string{"error", "fail", "failed", "failing", "broken", "stopped", "not working", "doesn't work", "help", "429", "429s", "what now", "what do i do", "what do we do", "报错", "错误", "失败", "怎么办", "用不了", "不能用", "挂了"}},
}

// actCues indexes the cues: English cues (one to four words) by their
// words, Chinese cues as substrings, each with its act's index.
var actCues = func() (c struct {
	en    map[string]int
	zh    []string
	zhAct []int
	words int
}) {
	c.en = map[string]int{}
	for i, a := range acts {
		for _, cue := range a.cues {
			if cue[0] >= utf8.RuneSelf {
				c.zh, c.zhAct = append(c.zh, cue), append(c.zhAct, i)
				continue
			}
			if _, dup := c.en[cue]; !dup {
				c.en[cue] = i
			}
			c.words = max(c.words, len(strings.Fields(cue)))
		}
	}
	return c
}()

// questionActs returns the names of the acts whose cues occur in s, in the
// order of acts.
func questionActs(s string) []string {
	found := make([]bool, len(acts))
	// English: every run of one to actCues.words words is looked up.
	var words []string
	start := -1
	lower := strings.ToLower(s)
	for i, r := range lower + " " {
		if unicode.IsLetter(r) && r < utf8.RuneSelf || unicode.IsDigit(r) || r == '\'' {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			words = append(words, lower[start:i])
			start = -1
		}
	}
	for i := range words {
		for n := 1; n <= actCues.words && i+n <= len(words); n++ {
			if a, ok := actCues.en[strings.Join(words[i:i+n], " ")]; ok {
				found[a] = true
			}
		}
	}
	for i, cue := range actCues.zh {
		if !found[actCues.zhAct[i]] && strings.Contains(s, cue) {
			found[actCues.zhAct[i]] = true
		}
	}
	var out []string
	for i, a := range acts {
		if found[i] {
			out = append(out, a.name)
		}
	}
	return out
}

// features returns the feature strings of s, already normalised (see
// Index.normalize), in order of appearance, without duplicates. The result
// is named: the deferred function appends the question acts to it.
func features(s string) (out []string) {
	seen := map[string]bool{}
	add := func(f string) {
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	defer func() {
		words := len(out)
		for _, a := range questionActs(s) {
			add("a:" + a)
			for _, f := range out[:words] {
				if f[0] == 'w' || f[0] == 'c' {
					add(a + "|" + f)
				}
			}
		}
	}()
	var prevWord string
	var prevHan rune
	for _, w := range splitRuns(s) {
		r, _ := utf8.DecodeRuneInString(w)
		if unicode.Is(unicode.Han, r) {
			prevWord = ""
			for _, c := range w {
				if !strings.ContainsRune(zhStopChars, c) {
					add("c:" + string(c))
				}
				if prevHan != 0 {
					add("z:" + string(prevHan) + string(c))
				}
				prevHan = c
			}
			prevHan = 0
			continue
		}
		prevHan = 0
		if enStop[w] {
			continue
		}
		st := stem(w)
		add("w:" + st)
		if n := len(st); n > 4 {
			add("p:" + st[:4])
		}
		if prevWord != "" {
			add("b:" + prevWord + "_" + st)
		}

		prevWord = st
	}
	return out
}

// splitRuns splits s into lower-cased runs of Latin letters and digits and
// runs of Han characters; everything else separates runs.
func splitRuns(s string) []string {
	var out []string
	start, kind := -1, 0 // kind 1 latin, 2 han
	flush := func(i int) {
		if start >= 0 {
			out = append(out, strings.ToLower(s[start:i]))
		}
		start, kind = -1, 0
	}
	for i, r := range s {
		k := 0
		switch {
		case unicode.Is(unicode.Han, r):
			k = 2
		case r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			k = 1
		}
		if k != kind {
			flush(i)
			if k != 0 {
				start, kind = i, k
			}
		}
	}
	flush(len(s))
	return out
}

// stem strips a few English inflections so "keys", "rotating" and "rotated"
// meet "key" and "rotat".
func stem(w string) string {
	for _, suf := range []string{"ing", "ed", "es", "s"} {
		if len(w) > len(suf)+2 && strings.HasSuffix(w, suf) && !strings.HasSuffix(w, "ss") {
			return w[:len(w)-len(suf)]
		}
	}
	return w
}

// enStop are English function words; they carry no topic.
var enStop = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a an the is are am was were be been being do does did doing i me my we our us you your
		it its this that these those to of in on at for with by from as and or but if so then than there here
		can could should would will shall may might must have has had just about into out up down over any some
		what whats how why which who when where hey hi ok okay pls please thanks thx anyone someone`) {
		m[w] = true
	}
	return m
}()

// vectorize turns feature strings into known feature ids and weights (each
// 1/sqrt(n), so long questions do not get more confident by length alone).
func (c *classifier) vectorize(fs []string, grow bool) ([]int32, []float32) {
	ids := make([]int32, 0, len(fs))
	for _, f := range fs {
		id, ok := c.feat[f]
		if !ok {
			if !grow {
				continue
			}
			id = int32(len(c.feat))
			c.feat[f] = id
		}
		ids = append(ids, id)
	}
	vals := make([]float32, len(ids))
	if len(ids) > 0 {
		v := float32(1 / math.Sqrt(float64(len(ids))))
		for i := range vals {
			vals[i] = v
		}
	}
	return ids, vals
}

// trainText is one training text of a class.
type trainText struct {
	text   string
	class  int
	weight float64
}

func train(texts []trainText, classes int) *classifier {
	c := &classifier{feat: map[string]int32{}, classes: classes}
	exs := make([]example, 0, len(texts))
	for _, t := range texts {
		ids, vals := c.vectorize(features(t.text), true)
		if len(ids) == 0 {
			continue
		}
		exs = append(exs, example{feats: ids, vals: vals, class: t.class, weight: t.weight})
	}
	c.w = make([]float32, len(c.feat)*classes)
	c.b = make([]float32, classes)
	rng := rand.New(rand.NewPCG(trainSeed, trainSeed))
	order := make([]int, len(exs))
	for i := range order {
		order[i] = i
	}
	probs := make([]float64, classes)
	// Averaged SGD: the model returned is the mean of the weights after
	// every step, which is steadier on unseen questions than the last
	// weights. ua and ub accumulate step*update, so the mean is w - ua/steps.
	ua := make([]float32, len(c.w))
	ub := make([]float32, classes)
	step := float32(1)
	for epoch := range trainEpochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		rate := trainRate / (1 + float64(epoch)/10)
		for _, i := range order {
			ex := &exs[i]
			c.probs(ex.feats, ex.vals, probs)
			for k := range classes {
				g := probs[k]
				if k == ex.class {
					g -= 1
				}
				g *= rate * ex.weight
				if math.Abs(g) < minStep {
					continue
				}
				c.b[k] -= float32(g)
				for j, f := range ex.feats {
					c.w[int(f)*classes+k] -= float32(g) * ex.vals[j]
				}
				ub[k] -= step * float32(g)
				for j, f := range ex.feats {
					ua[int(f)*classes+k] -= step * float32(g) * ex.vals[j]
				}
			}
			step++
		}
	}
	for i := range c.w {
		c.w[i] -= ua[i] / step
	}
	for k := range c.b {
		c.b[k] -= ub[k] / step
	}
	return c
}

// probs writes the softmax class probabilities of a feature vector into out.
func (c *classifier) probs(ids []int32, vals []float32, out []float64) {
	for k := range out {
		out[k] = float64(c.b[k])
	}
	for j, f := range ids {
		row := c.w[int(f)*c.classes : int(f+1)*c.classes]
		v := float64(vals[j])
		for k, w := range row {
			out[k] += v * float64(w)
		}
	}
	m := math.Inf(-1)
	for _, x := range out {
		m = max(m, x)
	}
	sum := 0.0
	for k, x := range out {
		out[k] = math.Exp(x - m)
		sum += out[k]
	}
	for k := range out {
		out[k] /= sum
	}
}

// predict returns the class probabilities of a normalised question.
//
// subject reports whether any of the question's words is known to the
// model: a question act alone ("what is the airspeed of a swallow?") is no
// evidence for any topic.
func (c *classifier) predict(s string) (probs []float64, subject bool) {
	fs := features(s)
	for _, f := range fs {
		if _, ok := c.feat[f]; ok && !strings.HasPrefix(f, "a:") {
			subject = true
			break
		}
	}
	ids, vals := c.vectorize(fs, false)
	probs = make([]float64, c.classes)
	c.probs(ids, vals, probs)
	return probs, subject
}

// speller corrects misspelt English words to the FAQ's vocabulary: a word
// the FAQ never uses, at one edit (insertion, deletion, substitution or
// transposition of neighbours) from a word it does use, becomes the most
// frequent such word ("kye" → "key", "rotaet" → "rotate", "wat" → "what").
type speller struct {
	freq map[string]int
	// near maps each vocabulary word, and each string one deletion away
	// from it, to the words it came from: two words one edit apart share a
	// key (the word itself or a common deletion), so a misspelling's
	// candidates are a few map lookups instead of a scan of the vocabulary.
	near map[string][]string
	// chatter holds the words known only from chatter (see newSpeller).
	chatter map[string]bool
}

// typoRatio: see newSpeller.
const typoRatio = 20

// minChatterFix is the shortest word corrected to a word known only from
// chatter: "sth" is not a typo of "ssh", "ofice" is one of "office".
const minChatterFix = 5

// newSpeller learns the words of texts, and some words of seconds (texts
// that may hold deliberate typos, see below). The words of chatter are
// known too, so never corrected, but a word known only from them is a
// correction for words of at least minChatterFix letters only.
func newSpeller(texts, seconds, chatter []string) *speller {
	sp := &speller{freq: map[string]int{}, near: map[string][]string{}, chatter: map[string]bool{}}
	latin := func(t string, visit func(string)) {
		for _, w := range splitRuns(t) {
			if w[0] < utf8.RuneSelf && len(w) >= 2 && !isDigits(w) {
				visit(w)
			}
		}
	}
	for _, t := range texts {
		latin(t, func(w string) { sp.freq[w]++ })
	}
	for _, t := range chatter {
		latin(t, func(w string) {
			if sp.freq[w] == 0 {
				sp.chatter[w] = true // not a word of texts: its first use here
			}
			sp.freq[w]++
		})
	}
	index := func(w string) { forNear(w, func(k string) { sp.near[k] = append(sp.near[k], w) }) }
	for w := range sp.freq {
		index(w)
	}
	// A word of seconds is learnt unless it is one edit from a word of
	// texts that is far more frequent: "tokns" (2 uses, "tokens" 600) is a
	// typo, "safe" (6 uses, "same" 55) a word. Decided against texts' words
	// only, so the order of the map does not matter.
	seen := map[string]int{}
	for _, t := range seconds {
		latin(t, func(w string) { seen[w]++ })
	}
	var learnt []string
	for w, n := range seen {
		if fix := sp.fix(w); sp.freq[w] > 0 || fix == "" || sp.freq[fix] < typoRatio*n {
			learnt = append(learnt, w)
		}
	}
	for _, w := range learnt {
		if sp.freq[w] == 0 {
			index(w)
		}
		sp.freq[w] += seen[w]
	}
	return sp
}

// forNear calls visit with w and every string one deletion away from w
// (each once).
func forNear(w string, visit func(string)) {
	visit(w)
	for i := 0; i < len(w); i++ {
		if i > 0 && w[i] == w[i-1] {
			continue // deleting either of two equal letters gives the same string
		}
		visit(w[:i] + w[i+1:])
	}
}

func isDigits(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < '0' || w[i] > '9' {
			return false
		}
	}
	return true
}

// correct returns s with misspelt Latin words replaced.
func (sp *speller) correct(s string) string {
	var b strings.Builder
	changed := false
	last := 0
	for i := 0; i < len(s); {
		if !isASCIILetter(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && (isASCIILetter(s[j]) || s[j] >= '0' && s[j] <= '9') {
			j++
		}
		w := strings.ToLower(s[i:j])
		if fix := sp.fix(w); fix != "" {
			b.WriteString(s[last:i])
			b.WriteString(fix)
			last = j
			changed = true
		}
		i = j
	}
	if !changed {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// fix returns the correction of a lower-case word, or "" to keep it.
func (sp *speller) fix(w string) string {
	if len(w) < 3 || len(w) > 20 || sp.freq[w] > 0 || enStop[w] || commonEN[w] {
		return ""
	}
	// The most frequent candidate wins; ties go to the shorter, then the
	// alphabetically first word, so the choice never depends on map order.
	best, bestFreq := "", 0
	forNear(w, func(k string) {
		for _, v := range sp.near[k] {
			f := sp.freq[v]
			better := f > bestFreq || f == bestFreq && (len(v) < len(best) || len(v) == len(best) && v < best)
			if better && (len(w) >= minChatterFix || !sp.chatter[v]) && oneEdit(w, v) {
				best, bestFreq = v, f
			}
		}
	})
	return best
}

// commonEN are ordinary words that the FAQ happens not to use but that sit
// one edit from a FAQ word; they are never "corrected".
var commonEN = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`door doors room lock code cold bold told sold word ward card cart part kit bet bus uac quote quotes`) {
		m[w] = true
	}
	return m
}()

// oneEdit reports whether a and b (different strings) are one edit apart,
// counting a swap of neighbouring letters as one edit.
func oneEdit(a, b string) bool {
	if a == b {
		return false
	}
	la, lb := len(a), len(b)
	switch {
	case la == lb:
		diff := -1
		for i := 0; i < la; i++ {
			if a[i] != b[i] {
				if diff >= 0 {
					// a second difference: only a transposition of i-1, i.
					return diff == i-1 && a[diff] == b[i] && a[i] == b[diff] && a[i+1:] == b[i+1:]
				}
				diff = i
			}
		}
		return true
	case la+1 == lb:
		a, b = b, a
		fallthrough
	case la == lb+1:
		// a is one longer than b: deleting one letter of a gives b.
		i := 0
		for i < len(b) && a[i] == b[i] {
			i++
		}
		return a[i+1:] == b[i:]
	}
	return false
}

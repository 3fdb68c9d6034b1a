// Package metrics observes the tokenbot core for Prometheus and for the web
// dashboard: events by platform and kind, takedowns by outcome and
// provider, FAQ hits and misses, handler latency, texts the leak scanner
// failed on, and the most recent questions the FAQ could not answer.
//
// No label ever holds user text or a secret: platforms, kinds, outcomes,
// providers, languages and FAQ topic ids are reduced to short identifiers
// from a fixed alphabet, and anything else becomes "other".
package metrics

import (
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/tokenbot/tokenbot/bot"
	"github.com/tokenbot/tokenbot/bot/ledger"
)

// Namespace prefixes every metric name.
const Namespace = "tokenbot"

// Options configure Metrics.
type Options struct {
	// Unanswered is how many unanswered questions are kept (default 50).
	Unanswered int
	// Registry receives the collectors; nil means a new registry with the
	// Go and process collectors.
	Registry *prometheus.Registry
	// Now returns the current time; tests replace it.
	Now func() time.Time
	// Scanner is the leak scanner whose failures are exported as
	// tokenbot_scan_failures_total; nil leaves the metric out.
	Scanner ScanFailures
}

// ScanFailures counts the texts a scanner failed on (a rule panicked; each
// such text was reported unsafe). *leaks.Scanner implements it.
type ScanFailures interface {
	Failures() int64
}

// Metrics implements bot.Observer. It is safe for concurrent use.
type Metrics struct {
	reg       *prometheus.Registry
	events    *prometheus.CounterVec
	takedowns *prometheus.CounterVec
	faq       *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	now       func() time.Time
	started   time.Time

	mu         sync.Mutex
	byKind     map[string]int
	byPlatform map[string]int
	byOutcome  map[string]int
	byProvider map[string]int
	hits       int
	misses     int
	questions  *Recorder
}

var _ bot.Observer = (*Metrics)(nil)

// New registers tokenbot's collectors and returns the observer.
func New(opts Options) *Metrics {
	reg := opts.Registry
	if reg == nil {
		reg = prometheus.NewRegistry()
		reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	m := &Metrics{
		reg: reg,
		events: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: Namespace, Name: "events_total",
			Help: "Events handled, by platform and kind (message, edit, mention, command)."}, []string{"platform", "kind"}),
		takedowns: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: Namespace, Name: "takedowns_total",
			Help: "Takedowns finished, by outcome (deleted, warned, escalated, failed) and provider."}, []string{"outcome", "provider"}),
		faq: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: Namespace, Name: "faq_answers_total",
			Help: "FAQ look-ups that answered (hit) or did not (miss), by language and topic id."}, []string{"result", "lang", "topic"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: Namespace, Name: "handle_seconds",
			Help:    "Time the router took to decide what to do about one event, by platform and kind.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5}}, []string{"platform", "kind"}),
		now:        now,
		started:    now(),
		byKind:     map[string]int{},
		byPlatform: map[string]int{},
		byOutcome:  map[string]int{},
		byProvider: map[string]int{},
		questions:  NewRecorder(opts.Unanswered),
	}
	reg.MustRegister(m.events, m.takedowns, m.faq, m.latency)
	if s := opts.Scanner; s != nil {
		reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Namespace: Namespace, Name: "scan_failures_total",
			Help: "Texts the leak scanner failed on (a rule panicked); each was taken down as unscanned."},
			func() float64 { return float64(s.Failures()) }))
	}
	return m
}

// Registry returns the registry the collectors are in.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the registry in the Prometheus exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Handled counts one event, its FAQ answers and the router's latency, and
// records unanswered questions. It reads the question from the answer,
// which the router has already masked, never from the event's text.
func (m *Metrics) Handled(ev bot.Event, acts []bot.Action, elapsed time.Duration) {
	platform, kind := Label(ev.Platform), Label(string(ev.Kind))
	m.events.WithLabelValues(platform, kind).Inc()
	m.latency.WithLabelValues(platform, kind).Observe(elapsed.Seconds())
	m.mu.Lock()
	defer m.mu.Unlock()
	m.byKind[kind]++
	m.byPlatform[platform]++
	for _, a := range acts {
		if a.Answer == nil {
			continue
		}
		lang := Label(a.Answer.Lang)
		if a.Answer.Answered {
			m.faq.WithLabelValues("hit", lang, Label(a.Answer.ID)).Inc()
			m.hits++
			continue
		}
		m.faq.WithLabelValues("miss", lang, "").Inc()
		m.misses++
		m.questions.Add(Question{Text: a.Answer.Question, Lang: a.Answer.Lang, Platform: ev.Platform,
			Channel: ev.Where(), Time: m.now()})
	}
}

// TakedownDone counts a finished takedown by outcome and provider.
func (m *Metrics) TakedownDone(p *bot.Plan, outcome ledger.Outcome) {
	provider := "unknown"
	if p != nil && len(p.Leaks) > 0 {
		provider = Label(p.Leaks[0].Provider)
	}
	o := "other"
	if outcome.Valid() {
		o = string(outcome)
	}
	m.takedowns.WithLabelValues(o, provider).Inc()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.byOutcome[o]++
	m.byProvider[provider]++
}

// Snapshot is what happened since the process started.
type Snapshot struct {
	Started    time.Time      `json:"started"`
	Uptime     float64        `json:"uptime_seconds"`
	Events     int            `json:"events"`
	ByKind     map[string]int `json:"events_by_kind"`
	ByPlatform map[string]int `json:"events_by_platform"`
	Takedowns  int            `json:"takedowns"`
	ByOutcome  map[string]int `json:"takedowns_by_outcome"`
	ByProvider map[string]int `json:"takedowns_by_provider"`
	FAQHits    int            `json:"faq_hits"`
	FAQMisses  int            `json:"faq_misses"`
}

// Snapshot returns the counters since start.
func (m *Metrics) Snapshot() Snapshot {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := Snapshot{Started: m.started, Uptime: m.now().Sub(m.started).Seconds(),
		ByKind: clone(m.byKind), ByPlatform: clone(m.byPlatform), ByOutcome: clone(m.byOutcome),
		ByProvider: clone(m.byProvider), FAQHits: m.hits, FAQMisses: m.misses}
	for _, n := range m.byKind {
		s.Events += n
	}
	for _, n := range m.byOutcome {
		s.Takedowns += n
	}
	return s
}

// Unanswered returns the most recent unanswered questions, newest first.
func (m *Metrics) Unanswered() []Question { return m.questions.List() }

func clone(in map[string]int) map[string]int {
	out := make(map[string]int, len(in))
	for k, v := range in {
		out[k] = v
	}
	return out
}

// maxLabel bounds a label value.
const maxLabel = 48

// Label reduces s to a safe label value: lower-case letters, digits, '-',
// '_' and '.', at most 48 bytes. Anything else (spaces, quotes, non-ASCII,
// longer strings) yields "other", so that no free text, and no secret, can
// become a label. Spaces in provider names ("Google Cloud") become '_'.
func Label(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return ""
	}
	if len(s) > maxLabel {
		return "other"
	}
	b := []byte(s)
	for i, c := range b {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-', c == '_', c == '.':
		case c == ' ':
			b[i] = '_'
		default:
			return "other"
		}
	}
	return string(b)
}

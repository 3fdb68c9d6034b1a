package metrics

import (
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/tokenbot/tokenbot/bot"
	"github.com/tokenbot/tokenbot/bot/ledger"
	"github.com/tokenbot/tokenbot/knowledge"
)

const planted = "ghp_R2d2C3poBb8Luke1Leia2Han3Chewie4Yoda5"

func TestObserverCountsEventsAnswersAndTakedowns(t *testing.T) {
	m := New(Options{})
	hit := knowledge.Answer{Question: "what is a token?", Answered: true, ID: "what-is-ai-token", Lang: "en"}
	miss := knowledge.Answer{Question: "how tall is the office plant?", Lang: "en"}
	zhMiss := knowledge.Answer{Question: "今天午饭吃什么？", Lang: "zh"}
	events := []struct {
		ev   bot.Event
		acts []bot.Action
	}{
		{bot.Event{Platform: "slack", Kind: bot.Mention, Text: "what is a token?"}, []bot.Action{{Kind: bot.Reply, Answer: &hit}}},
		{bot.Event{Platform: "slack", Kind: bot.Mention, Text: "how tall is the office plant?", Channel: "C1", ChannelName: "random"}, []bot.Action{{Kind: bot.Reply, Answer: &miss}}},
		{bot.Event{Platform: "web", Kind: bot.Mention, Text: zhMiss.Question, Channel: "general"}, []bot.Action{{Kind: bot.Reply, Answer: &zhMiss}}},
		{bot.Event{Platform: "discord", Kind: bot.Command, Text: "hello " + planted}, []bot.Action{{Kind: bot.PrivateReply, Text: "counted"}}},
		{bot.Event{Platform: "discord", Kind: bot.Message, Text: "key " + planted}, []bot.Action{{Kind: bot.Takedown}}},
	}
	for _, e := range events {
		m.Handled(e.ev, e.acts, 3*time.Millisecond)
	}
	m.TakedownDone(&bot.Plan{Leaks: []bot.Leak{{Provider: "GitHub", Masked: "ghp_…ode5"}}}, ledger.Deleted)
	m.TakedownDone(&bot.Plan{Leaks: []bot.Leak{{Provider: "Google Cloud"}}}, ledger.Escalated)
	m.TakedownDone(&bot.Plan{}, ledger.Outcome("weird outcome"))

	checks := []struct {
		name string
		got  float64
		want float64
	}{
		{"slack mentions", testutil.ToFloat64(m.events.WithLabelValues("slack", "mention")), 2},
		{"discord commands", testutil.ToFloat64(m.events.WithLabelValues("discord", "command")), 1},
		{"faq hits", testutil.ToFloat64(m.faq.WithLabelValues("hit", "en", "what-is-ai-token")), 1},
		{"faq misses en", testutil.ToFloat64(m.faq.WithLabelValues("miss", "en", "")), 1},
		{"faq misses zh", testutil.ToFloat64(m.faq.WithLabelValues("miss", "zh", "")), 1},
		{"deleted github", testutil.ToFloat64(m.takedowns.WithLabelValues("deleted", "github")), 1},
		{"escalated google", testutil.ToFloat64(m.takedowns.WithLabelValues("escalated", "google_cloud")), 1},
		{"unknown outcome", testutil.ToFloat64(m.takedowns.WithLabelValues("other", "unknown")), 1},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if n := testutil.CollectAndCount(m.latency); n != 4 {
		t.Errorf("latency series = %d, want 4 (one per platform and kind)", n)
	}

	snap := m.Snapshot()
	if snap.Events != 5 || snap.Takedowns != 3 || snap.FAQHits != 1 || snap.FAQMisses != 2 {
		t.Errorf("snapshot = %+v", snap)
	}
	if snap.ByPlatform["discord"] != 2 || snap.ByOutcome["deleted"] != 1 {
		t.Errorf("snapshot maps = %v %v", snap.ByPlatform, snap.ByOutcome)
	}

	qs := m.Unanswered()
	if len(qs) != 2 || qs[0].Text != zhMiss.Question || qs[1].Text != miss.Question || qs[1].Channel != "random" {
		t.Fatalf("unanswered = %+v", qs)
	}

	// The exposition holds no user text and no secret.
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	for _, bad := range []string{planted, "office plant", "午饭", "what is a token"} {
		if strings.Contains(string(body), bad) {
			t.Errorf("metrics exposition contains %q", bad)
		}
	}
	for _, want := range []string{`tokenbot_events_total{kind="mention",platform="slack"} 2`, `tokenbot_takedowns_total{outcome="deleted",provider="github"} 1`, "tokenbot_handle_seconds_bucket", "go_goroutines"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics exposition lacks %q", want)
		}
	}
}

func TestLabel(t *testing.T) {
	tests := []struct{ in, want string }{
		{"slack", "slack"},
		{"Google Cloud", "google_cloud"},
		{"key-vs-token", "key-vs-token"},
		{"", ""},
		{"zh", "zh"},
		{`a"b`, "other"},
		{"密钥", "other"},
		{"sk-ant-api03-" + strings.Repeat("x", 60), "other"},
		{"line\nbreak", "other"},
		{"\xff", "other"},
	}
	for _, tt := range tests {
		if got := Label(tt.in); got != tt.want {
			t.Errorf("Label(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRecorder(t *testing.T) {
	r := NewRecorder(3)
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, q := range []string{"one?", "two?", "  ONE?  ", "three?", "four?", "", "   "} {
		r.Add(Question{Text: q, Time: base.Add(time.Duration(i) * time.Minute)})
	}
	got := r.List()
	var texts []string
	for _, q := range got {
		texts = append(texts, fmt.Sprintf("%s×%d", q.Text, q.Count))
	}
	if want := "four?×1 three?×1 ONE?×2"; strings.Join(texts, " ") != want {
		t.Errorf("recorder = %v, want %s", texts, want)
	}

	long := strings.Repeat("问", 500) + "\xff"
	r.Add(Question{Text: long})
	q := r.List()[0]
	if len(q.Text) > MaxQuestionBytes || !strings.HasSuffix(q.Text, "…") || !strings.HasPrefix(q.Text, "问问") {
		t.Errorf("long question kept as %d bytes: %q…", len(q.Text), q.Text[:12])
	}
}

func BenchmarkHandled(b *testing.B) {
	m := New(Options{})
	ans := knowledge.Answer{Answered: true, ID: "key-vs-token", Lang: "en"}
	ev := bot.Event{Platform: "slack", Kind: bot.Mention}
	acts := []bot.Action{{Kind: bot.Reply, Answer: &ans}}
	b.ReportAllocs()
	for b.Loop() {
		m.Handled(ev, acts, time.Millisecond)
	}
}

type failures struct{ n atomic.Int64 }

func (f *failures) Failures() int64 { return f.n.Load() }

// TestScanFailuresAreExported: /metrics shows how many texts the scanner
// failed on, read at every scrape; without a scanner the metric is absent.
func TestScanFailuresAreExported(t *testing.T) {
	scrape := func(m *Metrics) string {
		rec := httptest.NewRecorder()
		m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		return rec.Body.String()
	}
	f := &failures{}
	m := New(Options{Registry: prometheus.NewRegistry(), Scanner: f})
	if body := scrape(m); !strings.Contains(body, "tokenbot_scan_failures_total 0") {
		t.Fatalf("before any failure, /metrics lacks tokenbot_scan_failures_total 0:\n%s", body)
	}
	f.n.Add(3)
	if body := scrape(m); !strings.Contains(body, "tokenbot_scan_failures_total 3") {
		t.Fatalf("after three failures, /metrics lacks tokenbot_scan_failures_total 3:\n%s", body)
	}
	if body := scrape(New(Options{Registry: prometheus.NewRegistry()})); strings.Contains(body, "scan_failures") {
		t.Errorf("without a scanner, /metrics has a scan failure count:\n%s", body)
	}
}

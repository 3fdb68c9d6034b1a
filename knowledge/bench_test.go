package knowledge

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"
)

var benchQuestions = []string{
	"what's the difference between an api key and a token?",
	"API key 和 token 一样吗",
	"why did our openai bill spike this week?",
	"为什么老是报 429",
	"how many tokens is a chinese character",
	"上下文窗口是什么意思",
	"i pasted my key in slack, what now",
	"每个团队的 API 预算怎么设置",
	"wat is a api kye",
	"金鑰和 token 差在哪裡？",
	"we ship a chatbot that keeps the whole history in every call; after about forty turns it gets slow, costs a lot and finally errors out. why does that happen?",
	"the budget for the team offsite is 5k, ideas?",
}

func BenchmarkAsk(b *testing.B) {
	ix := testIndex(b)
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := ix.Ask(ctx, benchQuestions[i%len(benchQuestions)], Mention); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkAskP99 reports the 50th and 99th percentile latency of single
// mention-mode Ask calls over mixed English and Chinese questions.
func BenchmarkAskP99(b *testing.B) { benchPercentiles(b, Mention) }

// BenchmarkAskPassiveP99 is BenchmarkAskP99 in passive mode.
func BenchmarkAskPassiveP99(b *testing.B) { benchPercentiles(b, Passive) }

func benchPercentiles(b *testing.B, mode Mode) {
	ix := testIndex(b)
	ctx := context.Background()
	lat := make([]time.Duration, 0, 4096)
	i := 0
	for b.Loop() {
		start := time.Now()
		if _, err := ix.Ask(ctx, benchQuestions[i%len(benchQuestions)], mode); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
		i++
	}
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Nanoseconds()) }
	b.ReportMetric(pct(0.50), "p50-ns")
	b.ReportMetric(pct(0.99), "p99-ns")
}

// BenchmarkColdStart measures loading the embedded FAQ, building the bleve
// index, training the intent model and answering one Traditional Chinese
// question (which loads the conversion dictionaries on first use).
func BenchmarkColdStart(b *testing.B) {
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		entries, err := Load(Embedded())
		if err != nil {
			b.Fatal(err)
		}
		ix, err := NewIndex(entries, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := ix.Ask(ctx, "金鑰和 token 差在哪裡？", Mention); err != nil {
			b.Fatal(err)
		}
		_ = ix.Close()
	}
}

func BenchmarkNewIndex(b *testing.B) {
	entries, err := Load(Embedded())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		ix, err := NewIndex(entries, Options{})
		if err != nil {
			b.Fatal(err)
		}
		_ = ix.Close()
	}
}

// longPassiveLines are chat lines of about 4 KiB (MaxQuestionBytes) that
// reach every stage of passive routing: a pasted log or a long account with
// domain words and a question in it, in English and in Chinese.
var longPassiveLines = func() []string {
	en := "we moved the nightly report job to the new worker pool yesterday and since then the logs show retries, " +
		"timeouts and a few 429 responses from the provider; the key was rotated last week and the staging " +
		"environment uses its own key, the budget alert fired twice and the bill looks higher than usual. "
	zh := "昨天把夜间报表任务迁到了新的机器上，之后日志里一直有重试、超时和几次 429，上周刚轮换过密钥，" +
		"测试环境用的是单独的 key，预算提醒响了两次，账单看起来比平时高。"
	long := func(unit, question string) string {
		s := ""
		for len(s)+len(unit)+len(question) < MaxQuestionBytes {
			s += unit
		}
		return s + question
	}
	return []string{
		long(en, "why would the token usage jump like that?"),
		long(zh, "为什么 token 用量会涨这么多？"),
	}
}()

// BenchmarkAskPassiveLong measures passive-mode Ask on 4 KiB chat lines.
func BenchmarkAskPassiveLong(b *testing.B) {
	ix := testIndex(b)
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := ix.Ask(ctx, longPassiveLines[i%len(longPassiveLines)], Passive); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkNamesKeyDense: a 4 KiB line of nouns in other senses ("ssh key"
// ×512), the worst case of namesKey's windows: each byte is searched once.
func BenchmarkNamesKeyDense(b *testing.B) {
	s := strings.Repeat("ssh key ", 512)
	for b.Loop() {
		if namesKey(s) {
			b.Fatal("an SSH key named as ours")
		}
	}
}

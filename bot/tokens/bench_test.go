package tokens

import (
	"context"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// cpuTime returns the CPU time used by the process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loop runs f b.N times and also reports CPU time per op ("cpu-ns/op") and,
// when bytes > 0, throughput by CPU time ("cpu-MB/s"): on a shared machine
// wall time includes waiting for a core, CPU time does not.
func loop(b *testing.B, bytes int, f func()) {
	if bytes > 0 {
		b.SetBytes(int64(bytes))
	}
	start := cpuTime()
	n := 0
	for b.Loop() {
		f()
		n++
	}
	cpu := cpuTime() - start
	if n > 0 && cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(n), "cpu-ns/op")
		if bytes > 0 {
			b.ReportMetric(float64(bytes)*float64(n)/cpu.Seconds()/1e6, "cpu-MB/s")
		}
	}
}

// benchCorpus returns about 64 KiB of English, Chinese or Go code.
func benchCorpus(b *testing.B, name string) string {
	b.Helper()
	var src []byte
	var err error
	switch name {
	case "english":
		src, err = os.ReadFile("testdata/bench_en.txt")
	case "chinese":
		src, err = os.ReadFile("testdata/bench_zh.txt")
	case "code":
		for _, f := range []string{"counter.go", "split.go", "bpe/bpe.go"} {
			data, e := os.ReadFile(f)
			if e != nil {
				err = e
			}
			src = append(src, data...)
		}
	}
	if err != nil {
		b.Fatal(err)
	}
	var sb strings.Builder
	for sb.Len() < 64<<10 {
		sb.Write(src)
	}
	return sb.String()
}

// BenchmarkCount reports throughput (MB/s) of this package and of
// tiktoken-go's EncodeOrdinary on the same texts.
func BenchmarkCount(b *testing.B) {
	c := NewCounter(Options{})
	c.Warm(context.Background())
	for _, corpus := range []string{"english", "chinese", "code"} {
		text := benchCorpus(b, corpus)
		for _, enc := range []string{O200KBase, CL100KBase} {
			b.Run(corpus+"/"+enc+"/tokens", func(b *testing.B) {
				loop(b, len(text), func() {
					if _, err := c.Count(enc, text); err != nil {
						b.Fatal(err)
					}
				})
			})
			b.Run(corpus+"/"+enc+"/tiktoken-go", func(b *testing.B) {
				ref := reference(b, enc)
				loop(b, len(text), func() {
					_ = len(ref.EncodeOrdinary(text))
				})
			})
		}
	}
}

// BenchmarkReport4000 measures a full report of a 4,000-character message:
// all four encodings, every model of the default table, 100 pieces.
func BenchmarkReport4000(b *testing.B) {
	cat, err := DefaultCatalog()
	if err != nil {
		b.Fatal(err)
	}
	c := NewCounter(Options{})
	c.Warm(context.Background())
	en := []rune(benchCorpus(b, "english"))
	zh := []rune(benchCorpus(b, "chinese"))
	text := string(en[:3000]) + "\n" + string(zh[:999])
	if n := len([]rune(text)); n != 4000 {
		b.Fatalf("message has %d characters", n)
	}
	models := cat.Models()
	loop(b, 0, func() {
		if _, err := c.Report(context.Background(), text, models, ReportOptions{PiecesEncoding: O200KBase}); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkColdStart measures the time from a fresh Counter to the first
// count in one encoding (loading that encoding's vocabulary).
func BenchmarkColdStart(b *testing.B) {
	for _, enc := range Encodings() {
		b.Run(enc, func(b *testing.B) {
			loop(b, 0, func() {
				c := NewCounter(Options{})
				if _, err := c.Count(enc, "How many tokens is this?"); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}

// BenchmarkDefaultCatalog measures loading and validating the embedded
// catalog, done once at start.
func BenchmarkDefaultCatalog(b *testing.B) {
	loop(b, 0, func() {
		if _, err := DefaultCatalog(); err != nil {
			b.Fatal(err)
		}
	})
}

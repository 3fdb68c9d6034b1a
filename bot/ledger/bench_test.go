package ledger

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkClaimFinish measures takedown decisions per second through the
// ledger: one Claim of a new key and one Finish, as the core does per leak.
func BenchmarkClaimFinish(b *testing.B) {
	for _, be := range []backend{sqliteBackend(), postgresBackend()} {
		b.Run(be.name, func(b *testing.B) {
			s, _ := be.fresh(b)
			ctx := context.Background()
			rec := sample(0, "bench")
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				rec.MessageID = fmt.Sprintf("m%09d", i)
				claimed, _, err := s.Claim(ctx, rec, "bench", time.Minute)
				if err != nil || !claimed {
					b.Fatalf("claim: %v %v", claimed, err)
				}
				if err := s.Finish(ctx, rec.Key, "bench", Deleted, 1, ""); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "takedowns/s")
		})
	}
}

// BenchmarkClaimFinishParallel is BenchmarkClaimFinish with concurrent
// workers, as when many messages arrive at once.
func BenchmarkClaimFinishParallel(b *testing.B) {
	for _, be := range []backend{sqliteBackend(), postgresBackend()} {
		b.Run(be.name, func(b *testing.B) {
			s, _ := be.fresh(b)
			ctx := context.Background()
			var n atomic.Int64
			b.SetParallelism(4)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				rec := sample(0, "bench")
				for pb.Next() {
					rec.MessageID = fmt.Sprintf("m%09d", n.Add(1))
					claimed, _, err := s.Claim(ctx, rec, "bench", time.Minute)
					if err != nil || !claimed {
						b.Errorf("claim: %v %v", claimed, err)
						return
					}
					if err := s.Finish(ctx, rec.Key, "bench", Deleted, 1, ""); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "takedowns/s")
		})
	}
}

// BenchmarkSeenEvent measures event de-duplication per delivery.
func BenchmarkSeenEvent(b *testing.B) {
	for _, be := range []backend{sqliteBackend(), postgresBackend()} {
		b.Run(be.name, func(b *testing.B) {
			s, _ := be.fresh(b)
			ctx := context.Background()
			for i := 0; b.Loop(); i++ {
				if _, err := s.SeenEvent(ctx, "slack", fmt.Sprintf("Ev%09d", i)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// statsRows is how many takedowns BenchmarkStats seeds: a busy
// workspace's 30 days.
const statsRows = 500_000

// BenchmarkStats measures the dashboard's stats query on statsRows
// takedowns spread over 30 days (2 platforms, 20 channels, 5 providers),
// for the 24h, 7d and 30d ranges the dashboard offers and all time. The
// rows are seeded once per run, with one INSERT … SELECT through the
// same triggers that keep the counts in production.
func BenchmarkStats(b *testing.B) {
	for _, be := range []backend{sqliteBackend(), postgresBackend()} {
		b.Run(be.name, func(b *testing.B) {
			s, _ := be.fresh(b)
			ctx := context.Background()
			now := time.Now()
			start := time.Now()
			be.seed(b, s, statsRows, now.Add(-30*24*time.Hour), now)
			b.Logf("seeded %d rows in %v", statsRows, time.Since(start).Round(time.Millisecond))
			for _, r := range []struct {
				name  string
				since time.Time
			}{
				{"24h", now.Add(-24 * time.Hour)},
				{"7d", now.Add(-7 * 24 * time.Hour)},
				{"30d", now.Add(-30 * 24 * time.Hour)},
				{"all", time.Time{}},
			} {
				b.Run(r.name, func(b *testing.B) {
					for b.Loop() {
						st, err := s.Stats(ctx, r.since)
						if err != nil {
							b.Fatal(err)
						}
						if r.since.IsZero() && st.Total != statsRows {
							b.Fatalf("total %d, want %d", st.Total, statsRows)
						}
					}
				})
			}
		})
	}
}

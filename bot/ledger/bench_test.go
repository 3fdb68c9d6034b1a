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

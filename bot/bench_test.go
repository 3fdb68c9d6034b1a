package bot_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/tokenbot/tokenbot/bot"
	"github.com/tokenbot/tokenbot/bot/bottest"
	"github.com/tokenbot/tokenbot/bot/ledger"
	"github.com/tokenbot/tokenbot/bot/tokens"
	"github.com/tokenbot/tokenbot/knowledge"
)

// BenchmarkColdStartAnswer measures a fresh process's path to its first
// answer: load the embedded FAQ, build the bleve index, answer.
func BenchmarkColdStartAnswer(b *testing.B) {
	for b.Loop() {
		entries, err := knowledge.Load(knowledge.Embedded())
		if err != nil {
			b.Fatal(err)
		}
		ix, err := knowledge.NewIndex(entries, knowledge.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if a, err := ix.Ask(context.Background(), "is an API key the same as a token?", knowledge.Mention); err != nil || !a.Answered {
			b.Fatalf("answer: %v %v", a.ID, err)
		}
	}
}

// BenchmarkColdStartCount measures a fresh counter's first count with the
// default encoding, o200k_base, and with cl100k_base.
func BenchmarkColdStartCount(b *testing.B) {
	for _, enc := range []string{"o200k_base", "cl100k_base"} {
		b.Run(enc, func(b *testing.B) {
			for b.Loop() {
				c := tokens.NewCounter(tokens.Options{})
				if n, err := c.Count(enc, "hello world"); err != nil || n != 2 {
					b.Fatalf("count = %d, %v", n, err)
				}
			}
		})
	}
}

// BenchmarkHandle measures the router on chat traffic: a question, a
// clean message in a passive channel, a /tokens command.
func BenchmarkHandle(b *testing.B) {
	c := bottest.New(b, bottest.Options{PassiveChannels: []string{"general"}})
	events := []bot.Event{
		{Kind: bot.Mention, Platform: "bench", Channel: "general", User: "U", MessageID: "1", Text: "how are cached tokens billed?"},
		{Kind: bot.Message, Platform: "bench", Channel: "general", User: "U", MessageID: "2", Text: "deploy is done, standup in 5"},
		{Kind: bot.Command, Command: "tokens", Platform: "bench", Channel: "general", User: "U", Text: "Summarize this paragraph in three bullet points."},
	}
	ctx := context.Background()
	for i := 0; b.Loop(); i++ {
		if _, err := c.Router.Handle(ctx, events[i%len(events)]); err != nil {
			b.Fatal(err)
		}
	}
}

// deleteClock is a platform that answers every action at once and notes
// when each message's delete arrived.
type deleteClock struct {
	mu      sync.Mutex
	arrived map[string]time.Time // message id → when its event arrived
	waits   []time.Duration      // arrival to delete, per message
	done    sync.WaitGroup
}

func (c *deleteClock) Execute(_ context.Context, a bot.Action) error {
	if a.Kind != bot.Delete {
		return nil
	}
	now := time.Now()
	c.mu.Lock()
	c.waits = append(c.waits, now.Sub(c.arrived[a.MessageID]))
	c.mu.Unlock()
	c.done.Done()
	return nil
}

// BenchmarkIntakeTakedowns measures chat messages taken in, and leaked
// keys taken down, through the production path — bot.Intake (scan, claim
// in the ledger, event id marked seen), its queue and workers, the
// dispatcher's attempt (delete, poster and security notices, each step
// saved) — with a platform that answers at once, on SQLite and on
// PostgreSQL (TOKENBOT_TEST_DATABASE_URL). In "leaks" every message holds
// a key; in "1in10" one in ten does, the others are clean chat. 32
// deliveries are taken in at once, as the adapters allow. "max" offers
// messages as fast as they are taken; "1000_per_s" offers one every
// millisecond. It reports events/s (first arrival to the last message
// handled) and the time from a leak's arrival to its delete (p50, p99).
func BenchmarkIntakeTakedowns(b *testing.B) {
	stores := []struct {
		name string
		open func(testing.TB) ledger.Store
	}{
		{"sqlite", func(tb testing.TB) ledger.Store { return nil }},
		{"postgres", bottest.Postgres},
	}
	for _, st := range stores {
		for _, mix := range []int{1, 10} {
			for _, rate := range []int{0, 1000} {
				name := st.name + "/leaks"
				if mix > 1 {
					name = fmt.Sprintf("%s/1in%d", st.name, mix)
				}
				if rate > 0 {
					name += fmt.Sprintf("/%d_per_s", rate)
				} else {
					name += "/max"
				}
				b.Run(name, func(b *testing.B) {
					c := bottest.New(b, bottest.Options{Store: st.open(b)})
					benchIntake(b, c, mix, rate)
				})
			}
		}
	}
}

func benchIntake(b *testing.B, c *bottest.Core, leakEvery, rate int) {
	clock := &deleteClock{arrived: map[string]time.Time{}}
	d := c.Dispatcher(clock)
	d.Log = slog.New(slog.NewTextHandler(io.Discard, nil)) // as serve logs: info and up
	d.Observer = nil
	in := bot.NewIntake(d, c.Store, d.Log, 0, 0)
	key := bottest.AnthropicKey(500)
	ctx := context.Background()
	run := fmt.Sprintf("%x", time.Now().UnixNano())
	events := make(chan int)
	var submitters sync.WaitGroup
	for range 32 {
		submitters.Add(1)
		go func() {
			defer submitters.Done()
			for i := range events {
				id := fmt.Sprintf("%s.%06d", run, i)
				text := "standup moved to 10:30, the deploy of build 4411 is green"
				if i%leakEvery == 0 {
					text = "deploy with ANTHROPIC_API_KEY=" + key
				}
				ev := bot.Event{Kind: bot.Message, Platform: "bench", Workspace: "W1", Channel: "C1", User: "U1", MessageID: id, Text: text}
				if err := in.SubmitWait(ctx, ev, "ev-"+id); err != nil {
					b.Error(err)
				}
			}
		}()
	}
	leaks := (b.N + leakEvery - 1) / leakEvery
	clock.done.Add(leaks)
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		if rate > 0 {
			if wait := time.Until(start.Add(time.Duration(i) * time.Second / time.Duration(rate))); wait > 0 {
				time.Sleep(wait)
			}
		}
		clock.mu.Lock()
		clock.arrived[fmt.Sprintf("%s.%06d", run, i)] = time.Now()
		clock.mu.Unlock()
		events <- i
	}
	close(events)
	submitters.Wait()
	clock.done.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if err := in.Close(ctx); err != nil {
		b.Fatal(err)
	}
	if len(clock.waits) != leaks {
		b.Fatalf("%d deletes for %d leaks", len(clock.waits), leaks)
	}
	slices.Sort(clock.waits)
	q := func(p float64) float64 {
		return float64(clock.waits[min(len(clock.waits)-1, int(p*float64(len(clock.waits))))].Microseconds()) / 1000
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
	b.ReportMetric(q(0.50), "p50-delete-ms")
	b.ReportMetric(q(0.99), "p99-delete-ms")
	b.ReportMetric(0, "ns/op")
}

// Package retry is tokenbot's one retry policy: exponential backoff with
// decorrelated jitter, a platform's Retry-After honoured up to a cap,
// waits that end with their context, and a bounded number of attempts.
//
// The dispatcher uses it for the wait before a failed takedown step is
// tried again (the ledger keeps that wait across restarts) and for the
// short in-process retries of answers; the Slack adapter for its reads
// and its Socket Mode reconnections.
package retry

import (
	"context"
	"math/rand/v2"
	"time"
)

// Policy says how long to wait between attempts and how many to make.
// The zero value is usable: see the defaults.
type Policy struct {
	// Base is the least wait (default DefaultBase); Max the longest
	// (default DefaultMax).
	Base, Max time.Duration
	// MaxRetryAfter caps a platform's Retry-After (default Max). Next
	// waits at most this long; Do gives up rather than wait longer.
	MaxRetryAfter time.Duration
	// Attempts bounds Do's calls of its function (default
	// DefaultAttempts); a value below zero means no bound (Do then ends
	// with its context or a final error).
	Attempts int
	// Rand returns a number in [0, 1); tests replace it. Default
	// math/rand/v2's Float64.
	Rand func() float64
	// Sleep waits; tests replace it. Default Sleep.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Defaults of a Policy.
const (
	DefaultBase     = 250 * time.Millisecond
	DefaultMax      = 30 * time.Second
	DefaultAttempts = 3
)

// Next returns the wait after a failure, prev being the wait before it
// (zero after the first failure): decorrelated jitter, a random wait
// between Base and three times prev, within Max. A positive retryAfter
// (the platform's word) is the wait instead, capped at MaxRetryAfter.
func (p Policy) Next(prev, retryAfter time.Duration) time.Duration {
	if retryAfter > 0 {
		return min(retryAfter, p.maxRetryAfter())
	}
	base, hi := p.base(), p.max()
	if base >= hi {
		return hi
	}
	top := min(max(3*prev, base), hi)
	return base + time.Duration(p.rand()*float64(top-base))
}

// Outcome is what Do's classify says of an error.
type Outcome struct {
	// Retry is true when the error may pass on another attempt.
	Retry bool
	// RetryAfter is the platform's wait, or zero.
	RetryAfter time.Duration
}

// Do calls f until it succeeds, classify says its error is final, the
// attempts run out, a platform asks to wait longer than MaxRetryAfter,
// or ctx ends; it returns f's last error (nil on success). onRetry, when
// set, is told of each wait before it starts.
func (p Policy) Do(ctx context.Context, f func(ctx context.Context) error, classify func(error) Outcome,
	onRetry func(attempt int, wait time.Duration, err error)) error {
	var wait time.Duration
	for i := 1; ; i++ {
		err := f(ctx)
		if err == nil {
			return nil
		}
		o := classify(err)
		if !o.Retry || (p.attempts() > 0 && i >= p.attempts()) || o.RetryAfter > p.maxRetryAfter() {
			return err
		}
		wait = p.Next(wait, o.RetryAfter)
		if onRetry != nil {
			onRetry(i, wait, err)
		}
		if p.sleep(ctx, wait) != nil {
			return err
		}
	}
}

// Sleep waits for d, or until ctx ends (then it returns ctx's error).
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (p Policy) base() time.Duration { return positive(p.Base, DefaultBase) }
func (p Policy) max() time.Duration  { return positive(p.Max, DefaultMax) }
func (p Policy) maxRetryAfter() time.Duration {
	return positive(p.MaxRetryAfter, p.max())
}

func (p Policy) attempts() int {
	if p.Attempts == 0 {
		return DefaultAttempts
	}
	return p.Attempts
}

func (p Policy) rand() float64 {
	if p.Rand != nil {
		// A replaced source outside [0, 1) must not widen the range.
		return min(max(p.Rand(), 0), 1)
	}
	return rand.Float64()
}

func (p Policy) sleep(ctx context.Context, d time.Duration) error {
	if p.Sleep != nil {
		return p.Sleep(ctx, d)
	}
	return Sleep(ctx, d)
}

func positive(v, def time.Duration) time.Duration {
	if v > 0 {
		return v
	}
	return def
}

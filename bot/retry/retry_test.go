package retry

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

func fixed(v float64) func() float64 { return func() float64 { return v } }

func TestNext(t *testing.T) {
	p := Policy{Base: time.Second, Max: time.Minute, MaxRetryAfter: 10 * time.Second}
	tests := []struct {
		name        string
		rand        float64
		prev, after time.Duration
		want        time.Duration
	}{
		{"first failure, lowest draw", 0, 0, 0, time.Second},
		{"first failure, highest draw", 1, 0, 0, time.Second},
		{"grows up to three times the last wait", 1, 4 * time.Second, 0, 12 * time.Second},
		{"half-way draw", 0.5, 4 * time.Second, 0, 6500 * time.Millisecond},
		{"jitter may go back to the base", 0, 20 * time.Second, 0, time.Second},
		{"never past Max", 1, time.Hour, 0, time.Minute},
		{"Retry-After is the wait", 0.5, 0, 3 * time.Second, 3 * time.Second},
		{"Retry-After is capped", 0.5, 0, time.Hour, 10 * time.Second},
		{"a source out of range is clamped", 7, 4 * time.Second, 0, 12 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p.Rand = fixed(tt.rand)
			if got := p.Next(tt.prev, tt.after); got != tt.want {
				t.Errorf("Next(%v, %v) = %v, want %v", tt.prev, tt.after, got, tt.want)
			}
		})
	}
}

func TestNextDefaults(t *testing.T) {
	var p Policy
	for range 1000 {
		if w := p.Next(time.Hour, 0); w < DefaultBase || w > DefaultMax {
			t.Fatalf("wait %v outside [%v, %v]", w, DefaultBase, DefaultMax)
		}
	}
	if w := p.Next(0, time.Hour); w != DefaultMax {
		t.Errorf("Retry-After capped at %v, want Max %v", w, DefaultMax)
	}
	if w := (Policy{Base: time.Minute, Max: time.Second}).Next(0, 0); w != time.Second {
		t.Errorf("Base above Max waits %v, want Max", w)
	}
}

var (
	errTransient = errors.New("transient")
	errFinal     = errors.New("final")
	errLimited   = errors.New("rate limited")
)

func classify(after time.Duration) func(error) Outcome {
	return func(err error) Outcome {
		switch {
		case errors.Is(err, errLimited):
			return Outcome{Retry: true, RetryAfter: after}
		case errors.Is(err, errTransient):
			return Outcome{Retry: true}
		}
		return Outcome{}
	}
}

func TestDo(t *testing.T) {
	tests := []struct {
		name      string
		attempts  int
		errs      []error // returned in turn; nil after them
		after     time.Duration
		wantErr   error
		wantCalls int
		wantWaits []time.Duration
	}{
		{"success at once", 3, nil, 0, nil, 1, nil},
		{"transient then success", 3, []error{errTransient}, 0, nil, 2, []time.Duration{100 * time.Millisecond}},
		{"waits grow", 4, []error{errTransient, errTransient, errTransient}, 0, nil, 4,
			[]time.Duration{100 * time.Millisecond, 300 * time.Millisecond, 900 * time.Millisecond}},
		{"attempts run out", 3, []error{errTransient, errTransient, errTransient, errTransient}, 0, errTransient, 3,
			[]time.Duration{100 * time.Millisecond, 300 * time.Millisecond}},
		{"a final error is not retried", 3, []error{errFinal}, 0, errFinal, 1, nil},
		{"Retry-After is waited", 3, []error{errLimited}, 2 * time.Second, nil, 2, []time.Duration{2 * time.Second}},
		{"a Retry-After past the cap gives up", 3, []error{errLimited}, 10 * time.Second, errLimited, 1, nil},
		{"unbounded attempts", -1, []error{errTransient, errTransient, errTransient, errTransient, errTransient}, 0, nil, 6,
			[]time.Duration{100 * time.Millisecond, 300 * time.Millisecond, 900 * time.Millisecond, time.Second, time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var waits []time.Duration
			p := Policy{Base: 100 * time.Millisecond, Max: time.Second, MaxRetryAfter: 5 * time.Second, Attempts: tt.attempts,
				Rand: fixed(1), Sleep: func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }}
			calls, told := 0, 0
			err := p.Do(context.Background(), func(context.Context) error {
				calls++
				if calls <= len(tt.errs) {
					return tt.errs[calls-1]
				}
				return nil
			}, classify(tt.after), func(int, time.Duration, error) { told++ })
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Errorf("Do = %v, want %v", err, tt.wantErr)
			}
			if calls != tt.wantCalls {
				t.Errorf("%d calls, want %d", calls, tt.wantCalls)
			}
			if !slices.Equal(waits, tt.wantWaits) {
				t.Errorf("waits %v, want %v", waits, tt.wantWaits)
			}
			if told != len(waits) {
				t.Errorf("onRetry told of %d waits, want %d", told, len(waits))
			}
		})
	}
}

func TestDoEndsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	// The real Sleep: a cancelled context ends the wait at once.
	p := Policy{Base: time.Hour, Max: time.Hour, Attempts: -1}
	err := p.Do(ctx, func(context.Context) error {
		calls++
		cancel()
		return errTransient
	}, classify(0), nil)
	if !errors.Is(err, errTransient) || calls != 1 {
		t.Errorf("Do = %v after %d calls; want the last error after one call", err, calls)
	}
}

func TestSleep(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("Sleep on a cancelled context = %v", err)
	}
	if err := Sleep(context.Background(), 0); err != nil {
		t.Errorf("Sleep(0) = %v", err)
	}
}

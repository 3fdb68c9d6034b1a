package web

import (
	"math"
	"net/http"
	"sync"
	"time"
)

// limiter is a token bucket per client address: each client may make
// burst requests at once and then rate a second. It protects the core from
// a flood of messages and the admin token from guessing.
type limiter struct {
	rate  float64 // tokens per second
	burst float64
	now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
	fails  int // failed attempts (see fail)
}

func newLimiter(rate float64, burst int) *limiter {
	return &limiter{rate: rate, burst: float64(burst), now: time.Now, buckets: map[string]*bucket{}}
}

// allow takes one token for key; when none is left it returns how long
// until one is.
func (l *limiter) allow(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.refill(key)
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, l.until(b)
}

// wait returns how long until key has a token, without taking one.
func (l *limiter) wait(key string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if b := l.refill(key); b.tokens < 1 {
		return l.until(b)
	}
	return 0
}

// fail takes a token for a failed attempt of key and returns the failures
// counted since key's bucket was last full.
func (l *limiter) fail(key string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.refill(key)
	b.tokens = math.Max(0, b.tokens-1)
	b.fails++
	return b.fails
}

func (l *limiter) until(b *bucket) time.Duration {
	return time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
}

// refill returns key's bucket brought up to now. l.mu is held.
func (l *limiter) refill(key string) *bucket {
	now := l.now()
	if now.Sub(l.swept) > time.Minute {
		// Forget clients whose bucket has refilled.
		for k, b := range l.buckets {
			if b.tokens+now.Sub(b.last).Seconds()*l.rate >= l.burst {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	}
	b.tokens = math.Min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
	b.last = now
	return b
}

// limit answers 429 with Retry-After when the client has used its share.
func (s *Server) limit(l *limiter, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if ok, wait := l.allow(s.clientAddr(r)); !ok {
			tooMany(w, wait, "too many requests")
			return
		}
		next(w, r)
	}
}

// budget bounds the request bytes all clients together have in flight: a
// request takes its declared length (the body limit when it declares none)
// before its body is read, and gets 503 with Retry-After when the budget is
// spent. The count of requests alone would let a few large ones take the
// memory of many small ones.
func (s *Server) budget(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		n := r.ContentLength
		switch {
		case n > s.cfg.MaxBodyBytes:
			fail(w, http.StatusRequestEntityTooLarge, "too_large", "request body is larger than %d bytes", s.cfg.MaxBodyBytes)
			return
		case n < 0:
			n = s.cfg.MaxBodyBytes
		case n == 0:
			n = 1
		}
		if !s.inflightBytes.TryAcquire(n) {
			w.Header().Set("Retry-After", "1")
			fail(w, http.StatusServiceUnavailable, "busy", "the server is handling too much text at once; retry in a second")
			return
		}
		defer s.inflightBytes.Release(n)
		next(w, r)
	}
}

package slack

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/tokenbot/tokenbot/adapters/slack/fakeslack"
)

// TestReadRetries checks a Slack read under the read policy, through the
// fake's users.info: rate limits and transient failures are waited out
// (Retry-After as Slack gives it), a Retry-After past a minute or a final
// error is not, and the tries are bounded.
func TestReadRetries(t *testing.T) {
	tests := []struct {
		name      string
		failures  []fakeslack.Failure
		want      string // the name found, or "" when the read gave up
		wantCalls int
	}{
		{"read at once", nil, "Dana", 1},
		{"rate limited, then read", []fakeslack.Failure{{Status: http.StatusTooManyRequests, RetryAfter: 3}}, "Dana", 2},
		{"rate limited, then a 503, then read", []fakeslack.Failure{{Status: http.StatusTooManyRequests, RetryAfter: 3}, {Status: http.StatusServiceUnavailable}}, "Dana", 3},
		{"a Retry-After past a minute gives up", []fakeslack.Failure{{Status: http.StatusTooManyRequests, RetryAfter: 120}}, "", 1},
		{"a final error is not retried", []fakeslack.Failure{{Error: "missing_scope"}}, "", 1},
		{"four tries at most", []fakeslack.Failure{{Status: 503}, {Status: 503}, {Status: 503}, {Status: 503}}, "", 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, options{})
			h.fake.AddUser(fakeslack.User{ID: "U0DANA0001", Name: "dana", DisplayName: "Dana"})
			h.fake.Fail("users.info", tt.failures...)
			if got := h.a.userName(context.Background(), "U0DANA0001"); got != tt.want {
				t.Errorf("name = %q, want %q", got, tt.want)
			}
			if n := len(h.fake.Calls("users.info")); n != tt.wantCalls {
				t.Errorf("%d users.info calls, want %d", n, tt.wantCalls)
			}
			h.mu.Lock()
			slept := h.slept
			h.mu.Unlock()
			if len(slept) != tt.wantCalls-1 {
				t.Fatalf("waits %v, want one between each two calls", slept)
			}
			for i, w := range slept {
				rl := i < len(tt.failures) && tt.failures[i].RetryAfter > 0
				switch {
				case rl && w != time.Duration(tt.failures[i].RetryAfter)*time.Second:
					t.Errorf("wait %d = %v, want Slack's Retry-After %ds", i, w, tt.failures[i].RetryAfter)
				case !rl && (w < readPolicy.Base || w > readPolicy.Max):
					t.Errorf("wait %d = %v, want within [%v, %v]", i, w, readPolicy.Base, readPolicy.Max)
				}
			}
		})
	}
}

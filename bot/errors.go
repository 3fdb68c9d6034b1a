package bot

import (
	"errors"
	"fmt"
	"time"
)

// Errors an Executor returns, wrapped, so that the core can tell what to do
// next without knowing the platform.
var (
	// ErrPermission: the bot lacks a permission or scope (Slack
	// cant_delete_message / missing_scope, Discord 50013). Not retried; a
	// takedown is escalated.
	ErrPermission = errors.New("missing permission")
	// ErrNotFound: the message or channel is gone. A delete that finds the
	// message gone has nothing left to do.
	ErrNotFound = errors.New("not found")
	// ErrUnsupported: the adapter cannot perform this kind of action (for
	// example an ephemeral reply); the core falls back to another one.
	ErrUnsupported = errors.New("unsupported action")
)

// RateLimitError says the platform asked us to wait before trying again.
type RateLimitError struct {
	RetryAfter time.Duration
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("rate limited: retry after %s", e.RetryAfter)
}

package bottest

import (
	"context"
	"sync/atomic"

	"github.com/tokenbot/tokenbot/bot"
	"github.com/tokenbot/tokenbot/bot/leaks"
)

// CountingScanner wraps a scanner and counts the bytes it was asked to
// scan, so that a test can tell a limit was checked before any scan.
type CountingScanner struct {
	bot.Scanner
	scanned atomic.Int64
}

// ScanContext counts text's bytes, then scans it.
func (c *CountingScanner) ScanContext(ctx context.Context, text string) ([]leaks.Finding, error) {
	c.scanned.Add(int64(len(text)))
	return c.Scanner.ScanContext(ctx, text)
}

// Scanned is how many bytes were scanned so far.
func (c *CountingScanner) Scanned() int64 { return c.scanned.Load() }

// Reset sets the count back to zero.
func (c *CountingScanner) Reset() { c.scanned.Store(0) }

// CountingRouter is a copy of c's router whose scanner counts what it
// scans; c's own router is left as it was.
func (c *Core) CountingRouter() (*bot.Router, *CountingScanner) {
	sc := &CountingScanner{Scanner: c.Router.Scanner}
	r := *c.Router
	r.Scanner = sc
	return &r, sc
}

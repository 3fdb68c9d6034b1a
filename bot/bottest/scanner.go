package bottest

import (
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

// Scan counts text's bytes, then scans it.
func (c *CountingScanner) Scan(text string) []leaks.Finding {
	c.scanned.Add(int64(len(text)))
	return c.Scanner.Scan(text)
}

// Scanned is how many bytes were scanned so far.
func (c *CountingScanner) Scanned() int64 { return c.scanned.Load() }

// Reset sets the count back to zero.
func (c *CountingScanner) Reset() { c.scanned.Store(0) }

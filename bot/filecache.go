package bot

import (
	"context"
	"sync"
)

// DefaultFileCacheBytes is the size of an adapter's FileCache.
const DefaultFileCacheBytes = 16 << 20

// FileCache remembers the attachments an adapter fetched, by file id, so
// that a redelivery, a retry or an edit of the same message does not look
// them up or download them again, even when they arrive at the same time.
// It holds at most its size in file text (oldest entries go first; each
// entry counts 64 bytes more) and is safe for concurrent use. A nil *File
// records a file that is not to be scanned (not text, too large).
type FileCache struct {
	max     int
	mu      sync.Mutex
	size    int
	m       map[string]*File
	order   []string
	pending map[string]chan struct{} // closed when the fetch of an id ends
}

// NewFileCache returns a cache of at most maxBytes.
func NewFileCache(maxBytes int) *FileCache {
	return &FileCache{max: maxBytes, m: map[string]*File{}, pending: map[string]chan struct{}{}}
}

// Get returns the file cached under id, or fetches it with fetch and
// caches what it returns without an error. Callers asking for an id being
// fetched wait for that fetch (or for ctx) instead of fetching it again;
// a failed fetch is not remembered, and the next caller tries again.
func (c *FileCache) Get(ctx context.Context, id string, fetch func() (*File, error)) (*File, error) {
	for {
		c.mu.Lock()
		if f, ok := c.m[id]; ok {
			c.mu.Unlock()
			return f, nil
		}
		wait, busy := c.pending[id]
		if !busy {
			done := make(chan struct{})
			c.pending[id] = done
			c.mu.Unlock()
			f, err := fetch()
			c.mu.Lock()
			delete(c.pending, id)
			if err == nil {
				c.put(id, f)
			}
			c.mu.Unlock()
			close(done)
			return f, err
		}
		c.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// put caches f under id unless it is larger than the whole cache; c.mu is
// held.
func (c *FileCache) put(id string, f *File) {
	n := cost(f)
	if n > c.max {
		return
	}
	for len(c.order) > 0 && c.size+n > c.max {
		oldest := c.order[0]
		// Cleared so that the array, which append reallocates only once
		// it is full, keeps no evicted id alive.
		c.order[0] = ""
		c.order = c.order[1:]
		c.size -= cost(c.m[oldest])
		delete(c.m, oldest)
	}
	c.m[id] = f
	c.order = append(c.order, id)
	c.size += n
}

// cost is what an entry counts against the cache: its text and name, and a
// little for the entry itself.
func cost(f *File) int {
	if f == nil {
		return 64
	}
	return 64 + len(f.Name) + len(f.Text)
}

package bot

import "sync"

// DefaultFileCacheBytes is the size of an adapter's FileCache.
const DefaultFileCacheBytes = 16 << 20

// FileCache remembers the attachments an adapter fetched, by file id, so
// that a redelivery, a retry or an edit of the same message does not look
// them up or download them again. It holds at most MaxBytes of text
// (oldest entries go first) and is safe for concurrent use. A nil *File
// records a file that is not to be scanned (not text, too large).
type FileCache struct {
	max   int
	mu    sync.Mutex
	size  int
	m     map[string]*File
	order []string
}

// NewFileCache returns a cache of at most maxBytes of file text (each
// entry counts 64 bytes more).
func NewFileCache(maxBytes int) *FileCache {
	return &FileCache{max: maxBytes, m: map[string]*File{}}
}

// Get returns the file cached under id.
func (c *FileCache) Get(id string) (f *File, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f, ok = c.m[id]
	return f, ok
}

// Put caches f (nil: not to be scanned) under id, unless id is cached
// already (a file's content does not change under its id) or f is larger
// than the whole cache.
func (c *FileCache) Put(id string, f *File) {
	n := cost(f)
	if n > c.max {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[id]; ok {
		return
	}
	for len(c.order) > 0 && c.size+n > c.max {
		oldest := c.order[0]
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

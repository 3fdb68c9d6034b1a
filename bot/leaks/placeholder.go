package leaks

import "strings"

// placeholderWords are the words "your-api-key-here"-type placeholders are
// made of; a secret whose whole body is such words is a placeholder.
var placeholderWords = []string{
	"your", "my", "our", "the", "api", "key", "keys", "here", "goes", "token", "secret",
	"insert", "put", "paste", "replace", "with", "me", "this", "example", "sample",
	"placeholder", "redacted", "change", "changeme", "dummy", "fake", "test", "xxx",
	"access", "auth", "password", "value", "real", "actual", "new", "own",
}

// placeholder recognises a secret that is a placeholder or a masked preview
// by its shape, never by a substring a random key could contain: after
// the rule's literal prefix (sk-proj-, ghp_…), a body made mostly of mask
// characters (x, X, 0, *, ., -, _, #), mostly one repeated character, one
// or two sequential runs ("1234567890abcdef…"), or only placeholder words.
func placeholder(secret string, prefixes []string) bool {
	body := secret
	for _, p := range prefixes {
		if len(p) < len(secret) && strings.EqualFold(secret[:len(p)], p) && len(secret)-len(p) < len(body) {
			body = secret[len(p):]
		}
	}
	if len(body) < 6 {
		return false
	}
	masks := 0
	var counts [256]int32
	top := 0
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch c {
		case 'x', 'X', '0', '*', '.', '-', '_', '#':
			masks++
		}
		counts[c]++
		top = max(top, int(counts[c]))
	}
	if masks*10 >= len(body)*6 || top*2 >= len(body) {
		return true
	}
	return sequential(body) || placeholderWordsOnly(body)
}

// sequential reports a body of one or two runs of successive characters
// ("0123456789abcdef0123456789abcdef"), separators aside.
func sequential(body string) bool {
	breaks, n := 0, 0
	var prev byte
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c == '-' || c == '_' || c == '.' {
			continue
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if n > 0 && c != prev+1 && !(prev == '9' && (c == 'a' || c == '0')) {
			breaks++
		}
		prev = c
		n++
	}
	return n >= 8 && breaks <= 1
}

// placeholderWordsOnly reports a body made only of placeholder words
// (letters only, separators aside), e.g. "your-api-key-here".
func placeholderWordsOnly(body string) bool {
	var b strings.Builder
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case c == '-' || c == '_' || c == '.':
		case 'a' <= c && c <= 'z':
			b.WriteByte(c)
		case 'A' <= c && c <= 'Z':
			b.WriteByte(c + 'a' - 'A')
		default:
			return false
		}
	}
	s := b.String()
	if len(s) < 6 {
		return false
	}
	// ok[i]: s[:i] splits into placeholder words.
	ok := make([]bool, len(s)+1)
	ok[0] = true
	for i := 0; i < len(s); i++ {
		if !ok[i] {
			continue
		}
		for _, w := range placeholderWords {
			if strings.HasPrefix(s[i:], w) {
				ok[i+len(w)] = true
			}
		}
	}
	return ok[len(s)]
}

package bottest

import "strings"

// keyPrefixes are the literal prefixes of the keys this package makes: a
// masked preview may show them.
var keyPrefixes = []string{"sk-ant-api03-", "ghp_"}

// Leaked returns the first run of 8 characters of secret that out shows
// beyond what a masked preview may (the key's literal prefix and its last
// 4 characters), or "" when there is none. Tests search every output of
// the bot with it: replies, requests to a platform, logs, audit rows,
// metrics, pages.
func Leaked(out, secret string) string {
	start := 0
	for _, p := range keyPrefixes {
		if strings.HasPrefix(secret, p) {
			start = len(p)
		}
	}
	// A run that begins in the prefix and ends past it shows hidden
	// characters too: the first one checked ends one past the prefix.
	for i := max(start-7, 0); i+8 <= len(secret); i++ {
		if w := secret[i : i+8]; strings.Contains(out, w) {
			return w
		}
	}
	return ""
}

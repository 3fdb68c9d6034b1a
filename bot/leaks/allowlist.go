package leaks

import (
	"regexp"
	"slices"
	"strings"

	"github.com/zricethezav/gitleaks/v8/config"
)

// matchAllowed reports whether one of rule r's matchLists allows its match
// [ms, me) of t, which then is dropped whatever its secret group is (the
// checks of dropped only add reasons to drop).
func (s *Scanner) matchAllowed(r *rule, t string, ms, me int, w *work) bool {
	ms, me = trimNewlines(t, ms, me)
	if ms >= me {
		return false
	}
	for _, a := range r.matchLists {
		target := t[ms:me]
		if a.RegexTarget == "line" {
			target = lineAround(t, ms, me)
		}
		if s.regexesMatch(a, target, false, w) {
			return true
		}
	}
	return false
}

// bySpan reports whether allowlist a allows a candidate by its regexes on
// the match or the line alone: when one matches, a allows it whatever the
// secret (no stop word or other condition left to hold).
func bySpan(a *config.Allowlist) bool {
	if a == nil || len(a.Regexes) == 0 || (a.RegexTarget != "match" && a.RegexTarget != "line") {
		return false
	}
	if a.MatchCondition == config.AllowlistMatchAnd {
		return len(a.Commits) == 0 && len(a.Paths) == 0 && len(a.StopWords) == 0
	}
	return true
}

// cheapDrop reports whether rule r's candidate secret is not a finding by
// the secret alone: too little entropy, chat noise or a placeholder.
func cheapDrop(r *rule, secret string) bool {
	if r.entropy != 0 && entropyAtMost(secret, r.entropy) {
		return true
	}
	// The chat filters before the allowlists: they cost less.
	if r.generic && chatNoise(secret) {
		return true
	}
	return placeholder(secret, r.prefixes)
}

// allowedCandidate reports whether an allowlist (global or rule r's)
// allows r's candidate secret, in match, on line: the verdict worth
// remembering once cheapDrop has let the candidate through.
func (s *Scanner) allowedCandidate(r *rule, secret, match, line string, w *work) bool {
	return s.allowed(s.globals, true, secret, match, line, w) || s.allowed(r.allowlists, false, secret, match, line, w)
}

// maxLineContext bounds the line an allowlist with regexTarget = "line"
// sees: at most this many bytes on each side of the match (gitleaks sees
// the whole line; a chat message can be one line of a megabyte).
const maxLineContext = 64

func lineAround(t string, ms, me int) string {
	lo := max(0, ms-maxLineContext)
	start := strings.LastIndexByte(t[lo:ms], '\n') + 1 + lo
	hi := min(len(t), me+maxLineContext)
	end := strings.IndexByte(t[me:hi], '\n')
	if end < 0 {
		end = hi
	} else {
		end += me
	}
	return t[start:end]
}

// allowed applies gitleaks allowlists to a finding (commit and path
// conditions never hold: chat messages have neither).
//
// For the global allowlist (global set), a regex only allows a secret it
// matches whole: gitleaks' `(?i)^true|false|null$` would otherwise allow
// every random key that happens to contain "false".
func (s *Scanner) allowed(lists []*config.Allowlist, global bool, secret, match, line string, w *work) bool {
	for _, a := range lists {
		if a == nil {
			continue
		}
		if a.MatchCondition == config.AllowlistMatchAnd && (len(a.Commits) > 0 || len(a.Paths) > 0) {
			continue // chat messages have no commit or path
		}
		target := secret
		switch a.RegexTarget {
		case "match":
			target = match
		case "line":
			target = line
		}
		// One DFA pass for all the regexes when it can tell; else the
		// individual regexes (not gitleaks' joined alternation: most are
		// anchored or literal and fail fast on a long secret).
		regexOK := s.regexesMatch(a, target, global && a.RegexTarget == "", w)
		// The stop words last, and only when they decide.
		if a.MatchCondition == config.AllowlistMatchAnd {
			if len(a.Regexes) == 0 && len(a.StopWords) == 0 || len(a.Regexes) > 0 && !regexOK {
				continue
			}
			if len(a.StopWords) == 0 {
				return true
			}
		} else if regexOK {
			return true
		}
		if containsStopWord(a, secret) {
			return true
		}
	}
	return false
}

// regexesMatch reports whether one of a's regexes allows target (with
// whole, matching all of it).
func (s *Scanner) regexesMatch(a *config.Allowlist, target string, whole bool, w *work) bool {
	ok, known := s.listFilters[a].decide(target, whole, w)
	if !known {
		ok = slices.ContainsFunc(a.Regexes, func(re *regexp.Regexp) bool {
			return allowMatch(re, s.filters[re], target, whole, w)
		})
	}
	return ok
}

// maxDirectStopWords is the most stop words an allowlist may have to be
// looked for one by one; above it, gitleaks' trie (which copies and
// lower-cases the secret on each call) finds them.
const maxDirectStopWords = 32

// containsStopWord is gitleaks' Allowlist.ContainsStopWord: whether the
// lower-cased secret contains one of a's stop words.
func containsStopWord(a *config.Allowlist, secret string) bool {
	if len(a.StopWords) == 0 {
		return false
	}
	if len(a.StopWords) > maxDirectStopWords || !ascii(secret) || slices.Contains(a.StopWords, "") {
		ok, _ := a.ContainsStopWord(secret)
		return ok
	}
	lower := strings.ToLower(secret) // ASCII: no copy when already lower
	for _, w := range a.StopWords {
		if strings.Contains(lower, w) {
			return true
		}
	}
	return false
}

// chatNoise recognises values that low-confidence rules pick up in chat but
// that are not credentials: UUIDs, git SHAs and sha256/sha512 digests,
// numeric ids (Discord/Slack snowflakes, timestamps).
// It applies to generic rules only: Snyk and Heroku keys are UUIDs, Asana
// and Discord client ids numbers, Sentry and Meraki tokens hex.
func chatNoise(secret string) bool {
	if isUUID(secret) || allBytes(secret, isDigit) {
		return true
	}
	if allBytes(secret, isHexDigit) {
		switch len(secret) {
		case 40, 64, 128:
			return true
		}
	}
	for _, p := range []string{"sha1:", "sha256:", "sha512:", "sha384:"} {
		if len(secret) >= len(p) && strings.EqualFold(secret[:len(p)], p) {
			return true
		}
	}
	return false
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isHexDigit(c byte) bool {
	return isDigit(c) || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
}

// allBytes reports whether s is non-empty and every byte satisfies ok.
func allBytes(s string, ok func(byte) bool) bool {
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			return false
		}
	}
	return s != ""
}

// isUUID reports whether s is 8-4-4-4-12 hex digits.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch i {
		case 8, 13, 18, 23:
			if s[i] != '-' {
				return false
			}
		default:
			if !isHexDigit(s[i]) {
				return false
			}
		}
	}
	return true
}

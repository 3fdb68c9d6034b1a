package tokens

import (
	"sync"
	"unicode"
	"unicode/utf8"
)

// The pre-tokenizers below are hand-written equivalents of each encoding's
// split regular expression, matched the way tiktoken's backtracking regex
// engine matches them: at each position the first alternative that can match
// wins, greedy quantifiers giving back one character at a time.
//
// Character classes follow the regexes: \p{L}, \p{N}, \s (Unicode
// White_Space), and for o200k_base the "upper" [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]
// and "lower" [\p{Ll}\p{Lm}\p{Lo}\p{M}] sets. A byte that is not part of valid
// UTF-8 is classified like U+FFFD (a symbol) and kept as the raw byte.

const (
	cL  uint8 = 1 << iota // \p{L}
	cN                    // \p{N}
	cS                    // \s
	cNL                   // \r or \n
	cU                    // [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]
	cW                    // [\p{Ll}\p{Lm}\p{Lo}\p{M}]
)

func classifyRune(r rune) uint8 {
	var c uint8
	switch {
	case unicode.IsLetter(r):
		c |= cL
		switch {
		case unicode.IsLower(r):
			c |= cW
		case unicode.IsUpper(r), unicode.IsTitle(r):
			c |= cU
		default: // Lm, Lo
			c |= cU | cW
		}
	case unicode.IsMark(r):
		c |= cU | cW
	case unicode.IsNumber(r):
		c |= cN
	case unicode.IsSpace(r):
		c |= cS
		if r == '\r' || r == '\n' {
			c |= cNL
		}
	}
	return c
}

var (
	bmpOnce  sync.Once
	bmpClass []uint8 // class of every rune in the Basic Multilingual Plane
)

func bmpTable() []uint8 {
	bmpOnce.Do(func() {
		t := make([]uint8, 0x10000)
		for r := range rune(0x10000) {
			t[r] = classifyRune(r)
		}
		bmpClass = t
	})
	return bmpClass
}

// classes decodes runes of s and returns their classes.
type classes struct {
	bmp []uint8
}

func newClasses() classes { return classes{bmp: bmpTable()} }

// at returns the class and byte width of the character at s[i].
func (k classes) at(s string, i int) (uint8, int) {
	if b := s[i]; b < utf8.RuneSelf {
		return k.bmp[b], 1
	}
	r, n := utf8.DecodeRuneInString(s[i:])
	if r < 0x10000 {
		return k.bmp[r], n // invalid bytes decode as U+FFFD, width 1
	}
	return classifyRune(r), n
}

func isOther(c uint8) bool  { return c&(cL|cN|cS) == 0 }  // [^\s\p{L}\p{N}]
func isPrefix(c uint8) bool { return c&(cL|cN|cNL) == 0 } // [^\r\n\p{L}\p{N}]

// runEnd returns the end of the longest run from i of characters whose class
// satisfies ok.
func (k classes) runEnd(s string, i int, ok func(uint8) bool) int {
	for i < len(s) {
		c, n := k.at(s, i)
		if !ok(c) {
			break
		}
		i += n
	}
	return i
}

func hasL(c uint8) bool { return c&cL != 0 }
func hasN(c uint8) bool { return c&cN != 0 }
func hasU(c uint8) bool { return c&cU != 0 }
func hasW(c uint8) bool { return c&cW != 0 }

// contraction matches 's|'t|'re|'ve|'m|'ll|'d at s[i:], returning its length
// or 0. With fold, letters match case-insensitively as in (?i:...), where
// Unicode simple case folding also maps ſ (U+017F) to s.
func contraction(s string, i int, fold bool) int {
	if i+1 >= len(s) || s[i] != '\'' {
		return 0
	}
	lower := func(b byte) byte {
		if fold && 'A' <= b && b <= 'Z' {
			return b + 'a' - 'A'
		}
		return b
	}
	switch lower(s[i+1]) {
	case 's', 't', 'm', 'd':
		return 2
	case 'r', 'v':
		if i+2 < len(s) && lower(s[i+2]) == 'e' {
			return 3
		}
	case 'l':
		if i+2 < len(s) && lower(s[i+2]) == 'l' {
			return 3
		}
	case 0xC5: // ſ is C5 BF
		if fold && i+2 < len(s) && s[i+2] == 0xBF {
			return 3
		}
	}
	return 0
}

// whitespace handles the last three alternatives shared by every pattern
// (cl100k and o200k add \s*[\r\n]+ first, when newlines is true):
//
//	\s*[\r\n]+ | \s+(?!\S) | \s+
//
// s[i] is known to be whitespace.
func (k classes) whitespace(s string, i int, newlines bool) int {
	end, lastStart, nlEnd := i, i, -1
	for end < len(s) {
		c, n := k.at(s, end)
		if c&cS == 0 {
			break
		}
		if c&cNL != 0 {
			nlEnd = end + n
		}
		lastStart = end
		end += n
	}
	if newlines && nlEnd > 0 {
		return nlEnd // \s*[\r\n]+ ends after the run's last newline
	}
	if end == len(s) || lastStart == i {
		return end // \s+(?!\S) at end of text, or a single \s by \s+
	}
	return lastStart // \s+(?!\S) leaves the last whitespace to the next piece
}

// splitter returns the end of the piece starting at s[i] (i < len(s)).
type splitter func(k classes, s string, i int) int

// splitGPT2 implements the pattern of r50k_base and p50k_base:
//
//	's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
func splitGPT2(k classes, s string, i int) int {
	if n := contraction(s, i, false); n > 0 {
		return i + n
	}
	j := i
	if s[i] == ' ' {
		j++
	}
	if j < len(s) {
		c, _ := k.at(s, j)
		switch {
		case hasL(c):
			return k.runEnd(s, j, hasL)
		case hasN(c):
			return k.runEnd(s, j, hasN)
		case isOther(c):
			return k.runEnd(s, j, isOther)
		}
	}
	return k.whitespace(s, i, false)
}

// splitCL100K implements the pattern of cl100k_base:
//
//	(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}|
//	 ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
func splitCL100K(k classes, s string, i int) int {
	if n := contraction(s, i, true); n > 0 {
		return i + n
	}
	c, n := k.at(s, i)
	if hasL(c) {
		return k.runEnd(s, i, hasL)
	}
	if isPrefix(c) && i+n < len(s) {
		if c2, _ := k.at(s, i+n); hasL(c2) {
			return k.runEnd(s, i+n, hasL)
		}
	}
	if hasN(c) {
		return digits3(k, s, i)
	}
	if e := otherRun(k, s, i, false); e > 0 {
		return e
	}
	return k.whitespace(s, i, true)
}

// digits3 matches \p{N}{1,3}.
func digits3(k classes, s string, i int) int {
	for range 3 {
		if i >= len(s) {
			break
		}
		c, n := k.at(s, i)
		if !hasN(c) {
			break
		}
		i += n
	}
	return i
}

// otherRun matches " ?[^\s\p{L}\p{N}]+[\r\n]*" (with slash: "[\r\n/]*"),
// returning 0 when it does not match at s[i].
func otherRun(k classes, s string, i int, slash bool) int {
	j := i
	if s[i] == ' ' {
		j++
	}
	if j >= len(s) {
		return 0
	}
	if c, _ := k.at(s, j); !isOther(c) {
		return 0
	}
	j = k.runEnd(s, j, isOther)
	for j < len(s) && (s[j] == '\r' || s[j] == '\n' || (slash && s[j] == '/')) {
		j++
	}
	return j
}

// splitO200K implements the pattern of o200k_base:
//
//	[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|
//	[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|
//	\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+
func splitO200K(k classes, s string, i int) int {
	c, n := k.at(s, i)
	withPrefix := isPrefix(c) && i+n < len(s)
	// First alternative: prefix? upper* lower+ contraction?
	if withPrefix {
		if e := o200kLowerWord(k, s, i+n); e > 0 {
			return e
		}
	}
	if hasU(c) || hasW(c) {
		if e := o200kLowerWord(k, s, i); e > 0 {
			return e
		}
	}
	// Second alternative: prefix? upper+ lower* contraction?
	if withPrefix {
		if e := o200kUpperWord(k, s, i+n); e > 0 {
			return e
		}
	}
	if hasU(c) {
		if e := o200kUpperWord(k, s, i); e > 0 {
			return e
		}
	}
	if hasN(c) {
		return digits3(k, s, i)
	}
	if e := otherRun(k, s, i, true); e > 0 {
		return e
	}
	return k.whitespace(s, i, true)
}

// o200kLowerWord matches upper* lower+ contraction? at s[p:], or returns 0.
func o200kLowerWord(k classes, s string, p int) int {
	// upper* takes the longest run; lastW tracks where lower+ can start when
	// upper* has to give characters back.
	a, lastWEnd := p, -1
	for a < len(s) {
		c, n := k.at(s, a)
		if !hasU(c) {
			break
		}
		if hasW(c) {
			lastWEnd = a + n
		}
		a += n
	}
	e := -1
	if a < len(s) {
		if c, _ := k.at(s, a); hasW(c) {
			e = k.runEnd(s, a, hasW)
		}
	}
	if e < 0 {
		if lastWEnd < 0 {
			return 0
		}
		e = lastWEnd
	}
	return e + contraction(s, e, true)
}

// o200kUpperWord matches upper+ lower* contraction? at s[p:], or returns 0.
func o200kUpperWord(k classes, s string, p int) int {
	a := k.runEnd(s, p, hasU)
	if a == p {
		return 0
	}
	e := k.runEnd(s, a, hasW)
	return e + contraction(s, e, true)
}

package leaks

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// normalize returns text with every non-ASCII rune (and every invalid byte)
// replaced by ASCII of the same byte length (and every ASCII control byte
// by a space), so offsets are unchanged and
// gitleaks' ASCII boundary classes see CJK punctuation as a boundary:
// full-width colon/equals/quotes become their ASCII forms, line and
// paragraph separators a newline, everything else spaces.
func normalize(text string) string {
	i := 0
	for i < len(text) && plainByte[text[i]] {
		i++
	}
	if i == len(text) {
		return text
	}
	// One buffer, written run by run: ASCII runs are copied, each rune
	// replaced by its ASCII (the common invisible and CJK punctuation
	// runes without decoding them).
	var b strings.Builder
	b.Grow(len(text))
	b.WriteString(text[:i])
	for i < len(text) {
		j := i
		for j < len(text) && plainByte[text[j]] {
			j++
		}
		b.WriteString(text[i:j])
		if i = j; i == len(text) {
			break
		}
		c := text[i]
		switch {
		case c < utf8.RuneSelf: // a control byte
			b.WriteByte(' ')
			i++
			continue
		case c >= 0xc3 && c <= 0xdf && i+1 < len(text) && text[i+1]&0xc0 == 0x80:
			// A two-byte rune from U+00C0 (none is replaced by more than
			// spaces; U+0085, a line break, is below): two spaces.
			b.WriteString("  ")
			i += 2
			continue
		case c == 0xc2 && i+1 < len(text) && text[i+1]&0xc0 == 0x80:
			// U+0080–U+00BF: the soft hyphen, no-break space… (U+0085 a
			// line break).
			if text[i+1] == 0x85 {
				b.WriteString("\n ")
			} else {
				b.WriteString("  ")
			}
			i += 2
			continue
		case c == 0xe2 && i+2 < len(text) && text[i+1] == 0x80 && text[i+2]&0xc0 == 0x80:
			// U+2000–U+203F: zero-width characters, quotes, separators.
			b.WriteByte(generalPunct[text[i+2]&0x3f])
			b.WriteString("  ")
			i += 3
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		b.WriteByte(asciiFor(r))
		b.WriteString(spaces[:size-1])
		i += size
	}
	return b.String()
}

// spaces pads a rune's ASCII replacement to the rune's length.
const spaces = "   "

// plainByte marks the bytes normalize keeps: ASCII other than control
// bytes (see isControl).
var plainByte = func() (t [256]bool) {
	for c := range utf8.RuneSelf {
		t[c] = !isControl(byte(c))
	}
	return t
}()

// generalPunct is asciiFor of U+2000–U+203F, by the rune's last six bits.
var generalPunct = func() (t [64]byte) {
	for k := range t {
		t[k] = asciiFor(0x2000 + rune(k))
	}
	return t
}()

// asciiFor is the ASCII byte normalize puts first in place of r (the
// rest of r's bytes become spaces).
func asciiFor(r rune) byte {
	switch r {
	case '：':
		return ':'
	case '＝':
		return '='
	case '“', '”', '＂', '「', '」', '『', '』':
		return '"'
	case '‘', '’', '＇':
		return '\''
	case '\u2028', '\u2029', '\u0085':
		return '\n'
	}
	return ' '
}

// isControl reports ASCII control bytes other than tab, newline and
// carriage return; chat clients never put them inside a key.
func isControl(c byte) bool {
	return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f
}

// relaxBoundaries turns ASCII punctuation that often follows a key in chat
// (sentence ends, closing brackets, URL and Slack markup delimiters,
// markdown emphasis) into spaces; an opening parenthesis stays (a key is
// not followed by one, a C identifier is: GLC_CreateLightmap…(void)). It is used in a second pass for
// well-formed provider rules only, whose gitleaks boundary classes would
// otherwise miss "my key is AIza….", "(sk-…)" or "<https://x?key=AIza…|x>".
func relaxBoundaries(t string) string {
	r, _ := relaxedText(t)
	return r
}

// relaxedText is relaxBoundaries(t) and the offsets it changed.
func relaxedText(t string) (string, []int) {
	var b []byte // a copy, made at the first change
	var changed []int
	for i := 0; i < len(t); i++ {
		switch relaxClass[t[i]] {
		case relaxNever:
			continue
		case relaxBeforeNonWord:
			// A sentence's end, not a file extension or a host name
			// (video_box.ico-….png).
			if i+1 < len(t) && isWordByte(t[i+1]) {
				continue
			}
		}
		if b == nil {
			b = []byte(t)
		}
		b[i] = ' '
		changed = append(changed, i)
	}
	if b == nil {
		return t, nil
	}
	return string(b), changed
}

// relaxReach is how far from a changed byte a hit of a rule whose matches
// are at most span long may be and still begin (or end) a match the
// relaxed pass finds and the plain pass does not: the changed byte is in
// the match, in the bytes the regex looks at after its start (at most
// span), in the assertion bytes around it, or in the line an allowlist
// sees (maxLineContext on each side); or it changed a match of the plain
// pass that overlapped this one (another span).
func relaxReach(span int) int { return 2*max(span, 1) + maxLineContext + 2 }

// nearAny returns the positions of qs (sorted) at most d from one of at
// (sorted): qs itself when that is all of them. The positions near a
// change are found by binary search, so a long text with a few changes
// (a run of keywords ending in a full stop) costs no pass over its hits.
func nearAny(qs, at []int, d int) []int {
	var out []int
	upto := 0 // with out nil: qs[:upto] are all near
	lo, i := 0, 0
	for lo < len(qs) && i < len(at) {
		// The first change that can reach qs[lo], then the hits it
		// reaches.
		if i += sort.SearchInts(at[i:], qs[lo]-d); i == len(at) {
			break
		}
		c := at[i]
		a := lo + sort.SearchInts(qs[lo:], c-d)
		b := a + sort.Search(len(qs)-a, func(k int) bool { return qs[a+k] > c+d })
		switch {
		case out != nil:
			out = append(out, qs[a:b]...)
		case a == upto:
			upto = b
		default:
			out = append(append(make([]int, 0, len(qs)-a+upto), qs[:upto]...), qs[a:b]...)
		}
		lo = max(lo, b)
		i++
	}
	switch {
	case out != nil:
		return out
	case upto == len(qs):
		return qs
	}
	return qs[:upto:upto]
}

// What relaxBoundaries does with a byte.
const (
	relaxNever = iota
	relaxAlways
	relaxBeforeNonWord
)

var relaxClass = [256]uint8{
	'.': relaxBeforeNonWord, ',': relaxBeforeNonWord, '!': relaxBeforeNonWord, '?': relaxBeforeNonWord,
	')': relaxAlways, ']': relaxAlways, '}': relaxAlways, '>': relaxAlways, '<': relaxAlways, '|': relaxAlways, '&': relaxAlways, '*': relaxAlways,
}

// snapRunes widens [a,b) to whole runes of text.
func snapRunes(text string, a, b int) (int, int) {
	for a > 0 && !utf8.RuneStart(text[a]) {
		a--
	}
	for b < len(text) && !utf8.RuneStart(text[b]) {
		b++
	}
	return a, b
}

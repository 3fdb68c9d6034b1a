package leaks

import (
	"sort"
	"unicode/utf8"
	"unsafe"
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
	// One copy, mended in place: each rune replaced by its ASCII (the
	// common two-byte runes, invisible characters and CJK punctuation
	// without decoding them), then handed out as the string it now is.
	b := make([]byte, len(text))
	copy(b, text)
	for i < len(b) {
		c := b[i]
		switch {
		case plainByte[c]:
			i++
			continue
		case c < utf8.RuneSelf: // a control byte
			b[i] = ' '
			i++
			continue
		case c >= 0xc2 && c <= 0xdf && i+1 < len(b) && b[i+1]&0xc0 == 0x80:
			// A two-byte rune: two spaces (U+0085, a line break, a line
			// break and a space).
			if c == 0xc2 && b[i+1] == 0x85 {
				b[i] = '\n'
			} else {
				b[i] = ' '
			}
			b[i+1] = ' '
			i += 2
			continue
		case c == 0xe2 && i+2 < len(b) && b[i+1] == 0x80 && b[i+2]&0xc0 == 0x80:
			// U+2000–U+203F: zero-width characters, quotes, separators.
			b[i], b[i+1], b[i+2] = generalPunct[b[i+2]&0x3f], ' ', ' '
			i += 3
			continue
		case c >= 0xe0 && c <= 0xee && c != 0xe2 && c != 0xe3 && i+2 < len(b) && b[i+1]&0xc0 == 0x80 && b[i+2]&0xc0 == 0x80:
			// A three-byte rune asciiFor makes a space (CJK ideographs:
			// the others it replaces are in U+20xx, U+30xx and U+FFxx);
			// an invalid one gives a space per byte all the same.
			b[i], b[i+1], b[i+2] = ' ', ' ', ' '
			i += 3
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		b[i] = asciiFor(r)
		for k := 1; k < size; k++ {
			b[i+k] = ' '
		}
		i += size
	}
	// b is not written again.
	return unsafe.String(unsafe.SliceData(b), len(b))
}

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

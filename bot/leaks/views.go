package leaks

import (
	"slices"
	"sync"
	"unicode/utf8"
)

// A view is a text the rules run over, and the way back from its offsets
// to the scanned text's. The scanned text itself is the first view; a key
// wrapped across lines or split by invisible characters is found in the
// joined view, and a key inside base64 in a decoded view.
type view struct {
	raw  string // the view's text as written (joined or decoded)
	text string // normalize(raw), what the rules match
	// lo[i] and hi[i] bound the bytes of the scanned text that view byte i
	// comes from; nil: the view is the scanned text.
	lo, hi []int32
	// crossing: keep only findings that span a joined gap (the others
	// are the scanned text's own).
	crossing bool
	// bufs holds lo and hi when they come from joinPool (see release).
	bufs *joinBufs
}

// joinBufs are a joined or decoded view's buffers, kept for the next
// scan: a message with invisible characters would otherwise allocate (and
// clear) six times its length of offsets on each scan.
type joinBufs struct {
	raw    []byte
	lo, hi []int32
}

var joinPool = sync.Pool{New: func() any { return new(joinBufs) }}

// release gives the views' pooled buffers back once the scan is done
// with them (findings keep no offsets of a view, only their own).
func release(vs []*view) {
	for _, v := range vs {
		if v.bufs != nil {
			joinPool.Put(v.bufs)
			v.bufs, v.lo, v.hi = nil, nil, nil
		}
	}
}

// Bounds of the decoded views: base64 runs shorter than minBase64 or
// longer than maxBase64 are not decoded, and at most maxDecoded bytes are
// decoded per text (as gitleaks bounds its decoding).
const (
	minBase64  = 20
	maxBase64  = 64 << 10
	maxDecoded = 64 << 10
)

// views returns the views of text to scan: the text, its joined view (when
// something was joined) and the decoded base64 runs of the latter.
func views(text string, w *work) []*view {
	base := &view{raw: text, text: normalize(text)}
	w.viewBytes += len(text)
	vs := []*view{base}
	src := base
	if j := joinedView(text); j != nil {
		w.viewBytes += len(j.raw)
		vs = append(vs, j)
		src = j
	}
	for _, d := range decodedViews(src) {
		w.viewBytes += len(d.raw)
		vs = append(vs, d)
	}
	return vs
}

// span maps view offsets [a,b) to the scanned text.
func (v *view) span(a, b int) (int, int) {
	if v.lo == nil {
		return a, b
	}
	return int(v.lo[a]), int(v.hi[b-1])
}

// finding turns a raw finding of the view into one of the scanned text;
// ok is false when the view does not keep it.
func (v *view) finding(text string, rf rawFinding, prefixes []string) (Finding, bool) {
	f := rf.f
	va, vb := snapRunes(v.raw, f.Start, f.End)
	a, b := v.span(va, vb)
	if v.crossing && b-a == vb-va {
		return f, false
	}
	a, b = snapRunes(text, a, b)
	f.Start, f.End = a, b
	f.secret = text[a:b]
	key := f.secret
	if v.lo != nil {
		key = v.raw[va:vb]
		if key != f.secret {
			f.key = key
		}
	}
	f.Masked = mask(key, prefixes)
	return f, true
}

// invisible reports runes chat clients and editors put inside words
// without showing them: zero-width space, non-joiner and joiner, word
// joiner, byte order mark and soft hyphen.
func invisible(r rune) bool {
	switch r {
	case '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad':
		return true
	}
	return false
}

// keyByte reports bytes that keys are made of.
func keyByte(c byte) bool {
	return isWordByte(c) || c == '-' || c == '+' || c == '/' || c == '='
}

// minWrapRun is how many key bytes must end a line for its line break to be
// taken for a wrap inside a key (terminal and YAML folding wrap at 76–80
// columns; a key split by hand in a code block keeps its long first part).
const minWrapRun = 16

// wrapAt reports whether the line break at i (a '\r' or '\n') joins two
// parts of one key, and returns where the next part starts (after the
// break and the next line's indentation).
func wrapAt(text string, i int) (int, bool) {
	run := 0
	for k := i - 1; k >= 0 && keyByte(text[k]) && run < minWrapRun; k-- {
		run++
	}
	if run < minWrapRun {
		return 0, false
	}
	j := i
	if text[j] == '\r' {
		j++
	}
	if j >= len(text) || text[j] != '\n' {
		return 0, false
	}
	j++
	for j < len(text) && (text[j] == ' ' || text[j] == '\t') {
		j++
	}
	if j >= len(text) || !keyByte(text[j]) {
		return 0, false
	}
	// A next line that assigns (DEBUG=1) starts something new; '=' only
	// ends a continuation as base64 padding.
	k := j
	for k < len(text) && keyByte(text[k]) && text[k] != '=' {
		k++
	}
	if k < len(text) && text[k] == '=' {
		for k < len(text) && text[k] == '=' {
			k++
		}
		if k < len(text) && keyByte(text[k]) {
			return 0, false
		}
	}
	return j, true
}

// joinedView returns text with invisible runes and line wraps inside keys
// removed, or nil when there are none.
func joinedView(text string) *view {
	if !needsJoin(text) {
		return nil
	}
	b := joinPool.Get().(*joinBufs)
	raw := slices.Grow(b.raw[:0], len(text))[:len(text)]
	lo := slices.Grow(b.lo[:0], len(text))[:len(text)]
	hi := slices.Grow(b.hi[:0], len(text))[:len(text)]
	b.raw, b.lo, b.hi = raw, lo, hi
	n := 0 // bytes of raw written
	// keep copies text[i:j] to the view, byte for byte.
	keep := func(i, j int) {
		copy(raw[n:], text[i:j])
		l, h := lo[n:n+j-i], hi[n:n+j-i]
		for k := range l {
			l[k], h[k] = int32(i+k), int32(i+k+1)
		}
		n += j - i
	}
	joined := false
	for i := 0; i < len(text); {
		// The ASCII run up to a byte that may begin a join.
		j := i
		for j < len(text) && text[j] < utf8.RuneSelf && text[j] != '\r' && text[j] != '\n' {
			j++
		}
		keep(i, j)
		if i = j; i == len(text) {
			break
		}
		c := text[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(text[i:])
			if invisible(r) {
				joined = true
				i += size
				continue
			}
			for k := 0; k < size; k++ {
				raw[n], lo[n], hi[n] = text[i+k], int32(i), int32(i+size)
				n++
			}
			i += size
			continue
		}
		if next, ok := wrapAt(text, i); ok {
			joined = true
			i = next
			continue
		}
		keep(i, i+1)
		i++
	}
	raw, lo, hi = raw[:n], lo[:n], hi[:n]
	if !joined {
		joinPool.Put(b)
		return nil
	}
	s := string(raw)
	return &view{raw: s, text: normalize(s), lo: lo, hi: hi, crossing: true, bufs: b}
}

// needsJoin reports whether text has an invisible rune or a line wrap
// inside a key.
func needsJoin(text string) bool {
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case c == '\r' || c == '\n':
			if _, ok := wrapAt(text, i); ok {
				return true
			}
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(text[i:])
			if invisible(r) {
				return true
			}
			i += size - 1
		}
	}
	return false
}

// base64Value holds, per byte, 1 + its value in standard or URL-safe
// base64 (the two alphabets differ only in '+' '/' and '-' '_', which
// have the same values), 0 for other bytes.
var base64Value = func() (v [256]byte) {
	const std = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for i := 0; i < len(std); i++ {
		v[std[i]] = byte(i) + 1
	}
	v['-'], v['_'] = 63, 64
	return v
}()

func base64Byte(c byte) bool { return base64Value[c] != 0 }

// base64Alphabet marks the bytes only one of the two alphabets has.
var base64Alphabet = [256]uint8{'+': alphaStd, '/': alphaStd, '-': alphaURL, '_': alphaURL}

const (
	alphaStd = 1 << iota
	alphaURL
)

// decodedViews decodes, one level deep, the base64 runs of src that decode
// to text (a .env file, a Kubernetes Secret's data, a key).
func decodedViews(src *view) []*view {
	var out []*view
	// buf is decodeText's space, kept across the runs: most runs fail
	// within a few bytes, and each would otherwise allocate its own.
	buf := make([]byte, 0, 512)
	budget := maxDecoded
	t := src.raw
	// i is where a run may begin: no run goes on from before it.
	for i := 0; i+minBase64 <= len(t) && budget > 0; {
		// A run long enough to decode, begun in [i, k], holds t[k]:
		// without a base64 byte there, the run begins after it (most of
		// chat's runs, and a run of keywords, are skipped a stride at a
		// time).
		k := i + minBase64 - 1
		if !base64Byte(t[k]) {
			i = k + 1
			continue
		}
		for back := k; back > i; back-- {
			if !base64Byte(t[back-1]) {
				i = back
				break
			}
		}
		j := k + 1
		for j < len(t) && base64Byte(t[j]) {
			j++
		}
		end := j
		for end < len(t) && end-j < 2 && t[end] == '=' {
			end++
		}
		run := t[i:j]
		start := i
		i = end
		if len(run) < minBase64 || len(run) > maxBase64 {
			continue
		}
		dec, ok := decodeText(run, buf)
		if !ok {
			continue
		}
		buf = dec[:0]
		if len(dec) > budget {
			dec = dec[:budget]
		}
		budget -= len(dec)
		b := joinPool.Get().(*joinBufs)
		b.lo = slices.Grow(b.lo[:0], len(dec))[:len(dec)]
		b.hi = slices.Grow(b.hi[:0], len(dec))[:len(dec)]
		v := &view{raw: string(dec), lo: b.lo, hi: b.hi, bufs: b}
		v.text = normalize(v.raw)
		// Decoded byte k comes from the quantum at start+k/3*4.
		for k, g := 0, start; k < len(dec); k, g = k+3, g+4 {
			ge := min(g+4, j)
			lo, hi := int32(g), int32(ge)
			if src.lo != nil {
				lo, hi = src.lo[g], src.hi[ge-1]
			}
			for x := k; x < min(k+3, len(dec)); x++ {
				v.lo[x], v.hi[x] = lo, hi
			}
		}
		out = append(out, v)
	}
	return out
}

// controlByte is 1 at the bytes isControl reports, by byte value.
var controlByte = func() (t [256]uint8) {
	for c := range t {
		if isControl(byte(c)) {
			t[c] = 1
		}
	}
	return t
}()

// decodeText decodes run (base64 bytes, without padding) into buf's
// space, as encoding/base64's unpadded standard or URL-safe encoding
// would, and reports whether it decoded to text: valid UTF-8 with no
// control bytes other than tab and line breaks. It stops at the first
// control byte or invalid UTF-8, which random data gives within a few
// bytes: most base64 runs in chat (keys, hashes) are not text and cost no
// full decoding.
func decodeText(run string, buf []byte) ([]byte, bool) {
	const maxCheck = 4 << 10
	if len(run)%4 == 1 {
		return nil, false // no encoding ends a quantum with one byte
	}
	var alphas uint8 // the alphabets of run's bytes
	out := buf[:0]
	valid := 0    // out[:valid] is valid UTF-8 and ends before a rune
	high := false // out[valid:] has a byte beyond ASCII
	// check: how many bytes beyond valid text are checked at once, doubled
	// after each check passed (text stops being valid within twice what
	// was valid before the check that finds it).
	check := 12
	for i := 0; i < len(run); i += 4 {
		n := min(4, len(run)-i)
		if n == 4 {
			// A whole quantum: three bytes at once.
			c0, c1, c2, c3 := run[i], run[i+1], run[i+2], run[i+3]
			alpha := base64Alphabet[c0] | base64Alphabet[c1] | base64Alphabet[c2] | base64Alphabet[c3]
			alphas |= alpha
			v := uint32(base64Value[c0]-1)<<18 | uint32(base64Value[c1]-1)<<12 | uint32(base64Value[c2]-1)<<6 | uint32(base64Value[c3]-1)
			b0, b1, b2 := byte(v>>16), byte(v>>8), byte(v)
			if controlByte[b0]|controlByte[b1]|controlByte[b2] != 0 {
				return nil, false
			}
			high = high || (b0|b1|b2) >= utf8.RuneSelf
			out = append(out, b0, b1, b2)
		} else {
			var v uint32
			for k := 0; k < n; k++ {
				c := run[i+k]
				alpha := base64Alphabet[c]
				alphas |= alpha
				v |= uint32(base64Value[c]-1) << (18 - 6*k)
			}
			for k := 0; k < n-1; k++ {
				b := byte(v >> (16 - 8*k))
				if isControl(b) {
					return nil, false
				}
				high = high || b >= utf8.RuneSelf
				out = append(out, b)
			}
		}
		if n := len(out) - valid; n >= max(64, check) || high && (valid == 0 || n >= check) {
			// The decoded runes so far, up to the last one begun, must be
			// valid UTF-8: stop at the first invalid one (random bytes
			// give one within a few; once some text is valid, text beyond
			// ASCII is checked a dozen bytes at a time, then two dozen, …).
			end := len(out)
			for k := end - 1; k >= max(valid, end-utf8.UTFMax); k-- {
				if utf8.RuneStart(out[k]) {
					end = k
					break
				}
			}
			if !utf8.Valid(out[valid:end]) {
				return nil, false
			}
			valid = end
			high = end < len(out)
			check = min(2*check, maxCheck)
			// Text so far: room for the whole run at once (random data,
			// most runs, stops before this and allocates little).
			out = slices.Grow(out, len(run)/4*3+2-len(out))
		}
	}
	if alphas&alphaStd != 0 && alphas&alphaURL != 0 {
		return nil, false // neither alphabet has all the bytes
	}
	return out, utf8.Valid(out[valid:])
}

package estimate

import (
	"strings"
	"sync"
	"unicode"

	"github.com/longbridgeapp/opencc"
)

// twToSimplified converts Traditional Chinese (Taiwan usage) to
// Simplified, the script of the question words in estimate.go. The
// router hands estimate the message as typed, so "價格", "萬字" and "頁"
// are converted here.
var twToSimplified = sync.OnceValue(func() *opencc.OpenCC {
	cc, err := opencc.New("tw2sp")
	if err != nil {
		return nil // embedded dictionaries; questions are then read as typed
	}
	return cc
})

// ownChars are the Han characters of this package's Chinese: its answer
// texts and question words. Converting Simplified text is not a no-op
// (么 → 幺), so a question is converted only when a character outside
// them changes.
var ownChars = sync.OnceValue(func() map[rune]bool {
	chars := map[rune]bool{}
	var b strings.Builder
	for _, langs := range texts() {
		b.WriteString(langs["zh"])
	}
	for _, re := range []interface{ String() string }{priceWords, ctxWords, sizeWords, asks, after, before, oneRequest, oneThing, docWords} {
		b.WriteString(re.String())
	}
	for _, r := range b.String() {
		if unicode.Is(unicode.Han, r) {
			chars[r] = true
		}
	}
	return chars
})

// simplified returns s in Simplified Chinese when it is Traditional, else s.
func simplified(s string) string {
	cc := twToSimplified()
	if cc == nil {
		return s
	}
	own := ownChars()
	for _, r := range s {
		if unicode.Is(unicode.Han, r) && !own[r] && traditional(cc, r) {
			if out, err := cc.Convert(s); err == nil {
				return out
			}
			return s
		}
	}
	return s
}

// changed caches, per Han character, whether the converter changes it, so
// that Chinese chatter costs map look-ups, not a conversion. It holds at
// most one entry per Han character.
var changed sync.Map // rune → bool

func traditional(cc *opencc.OpenCC, r rune) bool {
	if v, ok := changed.Load(r); ok {
		return v.(bool)
	}
	c, err := cc.Convert(string(r))
	t := err == nil && c != string(r)
	changed.Store(r, t)
	return t
}

// nameWords are the alphabetic words of the model names in a question, the
// words a version follows ("grok" in "grok 4.6").
func nameWords(names []string) map[string]bool {
	w := map[string]bool{}
	for _, n := range names {
		for _, f := range strings.FieldsFunc(strings.ToLower(n), func(r rune) bool { return r == ' ' || r == '-' }) {
			w[f] = true
		}
	}
	return w
}

// Package hans converts Traditional Chinese (Taiwan usage, with phrases:
// 金鑰 → 密钥, 快取 → 缓存, 價格 → 价格) to Simplified Chinese, the script of
// tokenbot's Chinese texts, with OpenCC's tw2sp dictionaries.
package hans

import (
	"log/slog"
	"sync"
	"unicode"

	"github.com/longbridgeapp/opencc"
)

// tw2sp loads the dictionaries once; they are embedded in the opencc
// module, so this fails only if the module itself is broken, and text is
// then read as typed.
var tw2sp = sync.OnceValue(func() *opencc.OpenCC {
	cc, err := opencc.New("tw2sp")
	if err != nil {
		slog.Error("hans: load traditional-to-simplified dictionaries", "err", err)
		return nil
	}
	return cc
})

// changed caches, per Han character, whether the converter changes it, so
// that Simplified chatter costs map look-ups, not a conversion. It holds
// at most one entry per Han character.
var changed sync.Map // rune → bool

// Converter converts text that is Traditional Chinese and leaves other
// text alone. Converting Simplified text is not a no-op (么 → 幺), so a
// text is converted only when it holds a Han character outside the
// caller's own texts that the converter changes.
type Converter struct {
	own map[rune]bool
}

// New returns a Converter that never takes the Han characters of texts
// (the caller's own Simplified wording) as a sign of Traditional Chinese.
func New(texts ...string) *Converter {
	own := map[rune]bool{}
	for _, t := range texts {
		for _, r := range t {
			if unicode.Is(unicode.Han, r) {
				own[r] = true
			}
		}
	}
	return &Converter{own: own}
}

// Simplified returns s in Simplified Chinese when it is Traditional, else s.
func (c *Converter) Simplified(s string) string {
	cc := tw2sp()
	if cc == nil {
		return s
	}
	for _, r := range s {
		if unicode.Is(unicode.Han, r) && !c.own[r] && traditional(cc, r) {
			if out, err := cc.Convert(s); err == nil {
				return out
			}
			return s
		}
	}
	return s
}

func traditional(cc *opencc.OpenCC, r rune) bool {
	if v, ok := changed.Load(r); ok {
		return v.(bool)
	}
	c, err := cc.Convert(string(r))
	t := err == nil && c != string(r)
	changed.Store(r, t)
	return t
}

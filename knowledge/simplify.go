package knowledge

import (
	"log/slog"
	"sync"
	"unicode"

	"github.com/longbridgeapp/opencc"
)

// twToSimplified converts Traditional Chinese (Taiwan usage, with phrases:
// 金鑰 → 密钥, 快取 → 缓存, 視窗 → 窗口) to Simplified Chinese, the FAQ's
// script. Its dictionaries are embedded in the opencc module and loaded once.
var twToSimplified = sync.OnceValue(func() *opencc.OpenCC {
	cc, err := opencc.New("tw2sp")
	if err != nil {
		// The configuration and dictionaries are embedded in the module, so
		// this only fails if the module itself is broken; questions are then
		// matched as written.
		slog.Error("knowledge: load traditional-to-simplified dictionaries", "err", err)
		return nil
	}
	return cc
})

// simplifiedChars are the Han characters of the FAQ's Chinese text, which is
// Simplified. Converting text that is already Simplified is not a no-op
// (Traditional 么 is Simplified 幺), so a question is converted only when it
// holds a character that the FAQ never uses and that the converter changes.
type simplifiedChars map[rune]bool

func newSimplifiedChars(texts []string) simplifiedChars {
	sc := simplifiedChars{}
	for _, t := range texts {
		for _, r := range t {
			if unicode.Is(unicode.Han, r) {
				sc[r] = true
			}
		}
	}
	return sc
}

// toSimplified returns s in Simplified Chinese; text that is not
// Traditional Chinese is returned as is.
func (sc simplifiedChars) toSimplified(s string) string {
	cc := twToSimplified()
	if cc == nil {
		return s
	}
	traditional := false
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) || sc[r] {
			continue
		}
		if c, err := cc.Convert(string(r)); err == nil && c != string(r) {
			traditional = true
			break
		}
	}
	if !traditional {
		return s
	}
	out, err := cc.Convert(s)
	if err != nil {
		return s
	}
	return out
}

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

// toSimplified returns s in Simplified Chinese; text without Han characters
// is returned as is.
func toSimplified(s string) string {
	hasHan := false
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			hasHan = true
			break
		}
	}
	if !hasHan {
		return s
	}
	cc := twToSimplified()
	if cc == nil {
		return s
	}
	out, err := cc.Convert(s)
	if err != nil {
		return s
	}
	return out
}

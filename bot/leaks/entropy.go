package leaks

import (
	"math"
	"unicode/utf8"
)

// entropyAtMost reports whether shannonEntropy(secret) <= limit. For an
// ASCII secret it sums n·log2(n) from a table, log2(N) − Σ n·log2(n)/N,
// which differs from shannonEntropy by rounding only: within
// entropySlack of the limit, shannonEntropy decides.
func entropyAtMost(secret string, limit float64) bool {
	n := len(secret)
	if n == 0 || n > maxTableEntropy {
		return shannonEntropy(secret) <= limit
	}
	var counts [utf8.RuneSelf]uint16
	for i := 0; i < n; i++ {
		c := secret[i]
		if c >= utf8.RuneSelf {
			return shannonEntropy(secret) <= limit
		}
		counts[c]++
	}
	sum := 0.0
	for i := 0; i < n; i++ {
		if k := counts[secret[i]]; k > 0 {
			sum += nLog2n[k]
			counts[secret[i]] = 0
		}
	}
	e := nLog2n[n]/float64(n) - sum/float64(n)
	if math.Abs(e-limit) < entropySlack {
		return shannonEntropy(secret) <= limit
	}
	return e <= limit
}

// maxTableEntropy is the longest secret whose entropy is summed from
// nLog2n; entropySlack is far above the rounding error of either sum
// (about 1e-15 per term) and far below any meaningful entropy difference.
const (
	maxTableEntropy = 1024
	entropySlack    = 1e-9
)

// nLog2n[k] is k·log2(k).
var nLog2n = func() (t [maxTableEntropy + 1]float64) {
	for k := 1; k <= maxTableEntropy; k++ {
		t[k] = float64(k) * math.Log2(float64(k))
	}
	return t
}()

// shannonEntropy is gitleaks' entropy measure (bits per byte over runes).
func shannonEntropy(data string) float64 {
	if data == "" {
		return 0
	}
	var ascii [utf8.RuneSelf]int
	var counts map[rune]int // runes beyond ASCII
	for _, c := range data {
		if c < utf8.RuneSelf {
			ascii[c]++
			continue
		}
		if counts == nil {
			counts = map[rune]int{}
		}
		counts[c]++
	}
	inv := 1.0 / float64(len(data))
	e := 0.0
	add := func(n int) {
		f := float64(n) * inv
		e -= f * math.Log2(f)
	}
	for _, n := range ascii {
		if n > 0 {
			add(n)
		}
	}
	for _, n := range counts {
		add(n)
	}
	return e
}

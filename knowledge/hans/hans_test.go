package hans

import "testing"

func TestSimplified(t *testing.T) {
	c := New("什么价格")
	for _, tt := range []struct{ in, want string }{
		{"金鑰跟 token 差在哪裡？", "密钥跟 token 差在哪里？"},
		{"mistral large 價格多少", "mistral large 价格多少"},
		{"什么价格", "什么价格"}, // Simplified stays as typed: not 什幺
		{"plain English", "plain English"},
		{"", ""},
	} {
		if got := c.Simplified(tt.in); got != tt.want {
			t.Errorf("Simplified(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

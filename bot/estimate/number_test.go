package estimate

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestScanNumbers(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want []float64
	}{
		{"2,000 words", []float64{2000}},
		{"1,500 page PDF", []float64{1500}},
		{"10M input + 2M output", []float64{1e7, 2e6}},
		{"2m tokens and 5k words", []float64{2e6, 5e3}},
		{"2 million, 3 mil, 1.5 billion, 4 bn", []float64{2e6, 3e6, 1.5e9, 4e9}},
		{"half a million tokens", []float64{5e5}},
		{"a million tokens, two thousand words", []float64{1e6, 2e3}},
		{"１０００ 字", []float64{1000}},
		{"200 万输入、50 万输出", []float64{2e6, 5e5}},
		{"1000 万输入", []float64{1e7}},
		{"1.5万字", []float64{1.5e4}},
		{"一百万", []float64{1e6}},
		{"两百万", []float64{2e6}},
		{"十万", []float64{1e5}},
		{"一万字", []float64{1e4}},
		{"三千", []float64{3e3}},
		{"一亿五千万", []float64{1.5e8}},
		{"2百万", []float64{2e6}},
		{"3千 token", []float64{3e3}},
		{"3千万 token", []float64{3e7}},
		{"一千万 token", []float64{1e7}},
		{"三十万字", []float64{3e5}},
		{"两千字", []float64{2e3}},
		{"十五", []float64{15}},
		{"二十", []float64{20}},
		{"九百九十九", []float64{999}},
		{"五千零一", []float64{5001}},
		{"一亿 token", []float64{1e8}},
		{"百万 token", []float64{1e6}},
		{"千万 token", []float64{1e7}},
		{"百亿", []float64{1e10}},
		{"百度千问", nil}, // 百 and 千 alone start no amount
		// Versions and ids are not amounts.
		{"gpt-5.4 claude-sonnet-4-6 gemini-3.1-pro o4-mini gpt4o", nil},
		{"5 mins, a b test", []float64{5}},
		{"通义千问", nil},
		{"1,00 tokens", []float64{1}}, // not a thousands separator: 1, then 00
	} {
		var got []float64
		for _, n := range scanNumbers(fold(tt.in)) {
			got = append(got, n.v)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("scanNumbers(%q) = %v; want %v", tt.in, got, tt.want)
		}
	}
}

func TestAmounts(t *testing.T) {
	versions := map[string]bool{"grok": true, "haiku": true, "claude": true}
	for _, tt := range []struct {
		in   string
		want string // n unit role, per amount
	}{
		{"10M input + 2M output tokens on claude haiku 4.5", "1e+07 token 1, 2e+06 token 2"},
		{"price of grok 4.6 input tokens?", ""},
		{"cost of 2 million input tokens", "2e+06 token 1"},
		{"200 万输入、50 万输出", "2e+06 token 1, 500000 token 2"},
		{"输入 200 万，输出 50 万", "2e+06 token 1, 500000 token 2"},
		{"跑 1000 万输入 token", "1e+07 token 1"},
		{"生成一百万输出 token", "1e+06 token 2"},
		{"300 mil cached input tokens", "3e+08 token 3"},
		{"1M tokens", "1e+06 token 0"},
		{"每百万 token 什么价", ""},
		{"一万字的中文文章", "10000 zh_char 0"},
		{"200 页的 PDF", "200 page 0"},
		{"a 40-page PDF", "40 page 0"},
		{"这周加班 10 个小时", ""},
		{"预算 5 万够不够团建", ""},
		// A role after the tokens it names.
		{"处理一千万 token 输入", "1e+07 token 1"},
		{"3千万 token 的输出", "3e+07 token 2"},
		{"2M tokens of cached input", "2e+06 token 3"},
		{"500k tokens output", "500000 token 2"},
		{"三十万字的小说", "300000 zh_char 0"},
		// Two roles after the tokens: priced as both.
		{"2M tokens input and output", "2e+06 token 0"},
		{"100 万 token 输入和输出", "1e+06 token 0"},
	} {
		var got []string
		for _, q := range amounts(fold(tt.in), "zh", versions) {
			got = append(got, fmt.Sprintf("%v %s %d", q.n, q.unit.key(), q.role))
		}
		if s := strings.Join(got, ", "); s != tt.want {
			t.Errorf("amounts(%q) = %q; want %q", tt.in, s, tt.want)
		}
	}
}

func FuzzScanNumbers(f *testing.F) {
	for _, s := range []string{"2,000", "1.5万", "一亿五千万亿万", "half a million", "9,999,999,999,999,999 tokens", "１０００", "gpt-5.4", "\xff万"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		s = fold(s)
		nums := scanNumbers(s)
		if len(nums) > len(s) {
			t.Fatalf("%d numbers in %d bytes", len(nums), len(s))
		}
		last := 0
		for _, n := range nums {
			if n.start < last || n.end <= n.start || n.end > len(s) || !(n.v > 0 && n.v < maxNumber) {
				t.Fatalf("bad number %+v in %q", n, s)
			}
			last = n.end
		}
		if utf8.ValidString(s) {
			amounts(s, "en", map[string]bool{"gpt": true})
		}
	})
}

func TestSimplified(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"100 萬字的中文小說", "100 万字的中文小说"},
		{"mistral large 價格多少", "mistral large 价格多少"},
		{"claude opus 4.6 每百万 token 什么价", "claude opus 4.6 每百万 token 什么价"}, // Simplified: 么 stays
		{"how much is gpt-5.4?", "how much is gpt-5.4?"},
	} {
		if got := simplified(tt.in); got != tt.want {
			t.Errorf("simplified(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

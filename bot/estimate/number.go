package estimate

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// number is an amount written in a question: "2,000", "1.5M", "half a
// million", "200 万", "一百万", "1.5万", with its byte span.
type number struct {
	v          float64
	start, end int
}

// maxNumber bounds an amount; larger ones are not amounts a question means.
const maxNumber = 1e15

// English multipliers after a number ("2M", "10 million", "5k"), each
// followed by a non-letter.
var enMult = []struct {
	word string
	v    float64
}{
	{"thousand", 1e3}, {"million", 1e6}, {"billion", 1e9}, {"mil", 1e6}, {"mn", 1e6}, {"bn", 1e9}, {"k", 1e3}, {"m", 1e6}, {"b", 1e9},
}

// English number words that start an amount: "a million", "two thousand",
// "half a million".
var enWords = map[string]float64{
	"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
	"ten": 10, "twenty": 20, "fifty": 50, "hundred": 100, "half": 0.5, "half a": 0.5,
}

var zhDigit = map[rune]float64{'零': 0, '〇': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}
var zhUnit = map[rune]float64{'十': 10, '百': 100, '千': 1e3, '万': 1e4, '亿': 1e8}

// scanNumbers finds the amounts in s (already folded to ASCII digits by
// fold) in one pass. A run of digits inside a word or a model id
// ("gpt-5.4", "o4-mini", "claude-sonnet-4-6") is not an amount.
func scanNumbers(s string) []number {
	var out []number
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r >= '0' && r <= '9':
			end := digitsEnd(s, i)
			if inWord(s, i) || end+1 < len(s) && s[end] == '-' && isDigit(s[end+1]) {
				i = skipWord(s, end)
				continue
			}
			v, err := strconv.ParseFloat(strings.ReplaceAll(s[i:end], ",", ""), 64)
			if err != nil {
				i = end
				continue
			}
			v, end = multiply(s, v, end, true)
			if v > 0 && v < maxNumber {
				out = append(out, number{v, i, end})
			}
			i = end
		case zhDigit[r] > 0 || r == '十' || zhLead(s[i+size:], r):
			v, end := zhNumber(s, i, 0)
			if v > 0 && v < maxNumber && (end-i > size || zhDigit[r] > 0) {
				out = append(out, number{v, i, end})
			}
			i = end
		case isASCIILetter(s[i]) && !inWord(s, i):
			end := skipWord(s, i)
			w := strings.ToLower(s[i:end])
			if w == "half" && strings.HasPrefix(strings.ToLower(s[end:]), " a ") {
				w, end = "half a", end+2
			}
			if base, ok := enWords[w]; ok {
				if v, e := multiply(s, base, end, false); e > end && v < maxNumber {
					out = append(out, number{v, i, e})
					end = e
				}
			}
			i = end
		default:
			i += size
		}
	}
	return out
}

// digitsEnd is the end of the number starting at i: digits, thousands
// separators followed by three digits, one decimal part.
func digitsEnd(s string, i int) int {
	j, dot := i, false
	for j < len(s) {
		c := s[j]
		switch {
		case c >= '0' && c <= '9':
			j++
		case c == ',' && j+4 <= len(s) && allDigits(s[j+1:j+4]) && (j+4 == len(s) || !isDigit(s[j+4])):
			j++
		case c == '.' && !dot && j+1 < len(s) && s[j+1] >= '0' && s[j+1] <= '9':
			dot = true
			j++
		default:
			return j
		}
		if j-i > 24 {
			return j
		}
	}
	return j
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// multiply applies a multiplier after a number at end: English ("M",
// " million") or Chinese ("万", " 百万"), across spaces. Single letters
// ("k", "M") and Chinese multipliers count only after digits.
func multiply(s string, v float64, end int, digits bool) (float64, int) {
	j := end
	for j < len(s) && s[j] == ' ' {
		j++
	}
	if j < len(s) && isASCIILetter(s[j]) {
		rest := strings.ToLower(s[j:min(len(s), j+9)])
		for _, m := range enMult {
			if strings.HasPrefix(rest, m.word) && (digits || len(m.word) > 2) && (j+len(m.word) == len(s) || !isASCIILetter(s[j+len(m.word)])) {
				return v * m.v, j + len(m.word)
			}
		}
		return v, end
	}
	if r, _ := utf8.DecodeRuneInString(s[j:]); digits && zhUnit[r] > 0 && !strings.HasPrefix(s[j:], "千问") {
		return zhNumber(s, j, v)
	}
	return v, end
}

// zhLead reports whether 百 or 千 at the start of a numeral, then rest,
// is an amount on its own: "百万", "千万", "百亿" are; a lone 千 or 百
// ("千问", "百度") is not.
func zhLead(rest string, r rune) bool {
	if r != '百' && r != '千' {
		return false
	}
	next, _ := utf8.DecodeRuneInString(rest)
	return next == '万' || next == '亿'
}

// zhNumber reads a Chinese numeral at i ("一百万", "两千", "十万", "万" after
// a number given as lead): digits, 十 百 千 inside a section, 万 and 亿
// scaling what came before.
func zhNumber(s string, i int, lead float64) (float64, int) {
	var total, section float64
	num := lead
	j := i
	for n := 0; j < len(s) && n < 16; n++ {
		r, size := utf8.DecodeRuneInString(s[j:])
		if d, ok := zhDigit[r]; ok {
			num = d
		} else if u, ok := zhUnit[r]; ok {
			switch {
			case u < 1e4:
				if num == 0 {
					num = 1
				}
				section += num * u
			case u == 1e8:
				total = (total + section + num) * u
				section = 0
			default:
				val := section + num
				if val == 0 {
					val = 1
				}
				total += val * u
				section = 0
			}
			num = 0
		} else {
			break
		}
		j += size
	}
	v := total + section + num
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, j
	}
	return v, j
}

// inWord reports whether the byte at i continues a word or a model id.
func inWord(s string, i int) bool {
	if i == 0 {
		return false
	}
	c := s[i-1]
	return isASCIILetter(c) || isDigit(c) || strings.IndexByte("-._/", c) >= 0 && i >= 2 && (isASCIILetter(s[i-2]) || isDigit(s[i-2]))
}

func skipWord(s string, i int) int {
	for i < len(s) && (isASCIILetter(s[i]) || isDigit(s[i]) || strings.IndexByte("-._/", s[i]) >= 0) {
		i++
	}
	return i
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// fold maps full-width digits and punctuation to ASCII ("１０００" → "1000",
// "，" between digits stays a Chinese comma).
func fold(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r >= '０' && r <= '９' || r == '．' || r == '＄' }) {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return '0' + (r - '０')
		case r == '．':
			return '.'
		case r == '＄':
			return '$'
		}
		return r
	}, s)
}

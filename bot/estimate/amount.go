package estimate

import (
	"regexp"
	"slices"
	"strings"

	"github.com/tokenbot/tokenbot/bot/tokens"
)

// role is what tokens in a question are priced as.
type role int

const (
	roleAny    role = iota // not said: priced both as input and as output
	roleInput              // input / prompt tokens
	roleOutput             // output / generated tokens
	roleCached             // cached input tokens
)

func (r role) key() string { return [...]string{"", "input", "output", "cached"}[r] }

// roleRE are the words of a role, longest first, before an amount or
// after it.
const roleRE = `cached input|cache[ds]? (?:read|hit)s?|cached|input|prompt|output|completion|generated|缓存输入|缓存命中|缓存|输入|提示|输出|生成`

var (
	// What follows an amount: a role, then a unit ("2M output tokens",
	// "200 万输入", "300-page", "2000 个汉字"), or tokens, then their role
	// ("一千万 token 输入", "2M tokens of output"). Matched on a short window.
	after = regexp.MustCompile(`(?i)^\s*(?:个\s*)?-?\s*(?:(` + roleRE + `)\s*(?:的\s*)?)?(chinese characters?|chinese chars?|characters?|chars?|english words?|words?|pages?|books?|novels?|lines? of code|loc\b|tokens?|汉字|中文字符?|字符|字|英文单词|单词|页|本(?:书|小说)|行代码|词元)?(?:\s*(?:的|of)?\s*(` + roleRE + `))?`)
	// A role said before an amount: "input of 2M", "输入 200 万".
	before = regexp.MustCompile(`(?i)(` + roleRE + `)\s*(?:tokens?\s*)?(?:of|:|：|为|是|约|大约|大概)?\s*$`)
	// One request said: the long-context tier applies to its prompt.
	oneRequest = regexp.MustCompile(`(?i)\b(?:one|a single|single|1)\s+(?:request|call|prompt|api call)\b|\bin one go\b|\bat once\b|一次性?|单次|单个请求|一个请求`)
)

// inOut is a role said as "in" or "out" after an amount, where a list of
// amounts goes on or ends: "500k tokens in and 100k out", "2M in, 1M out".
// "tokens in a book" or "in one go" are not roles.
var inOut = regexp.MustCompile(`(?i)^\s*(?:tokens?\s+)?(in|out)(?:\s*(?:and\b|[,;/&+]|$)|\s+on\b)`)

// bothRoles continues a role with a second one: "… input and output".
var bothRoles = regexp.MustCompile(`(?i)^\s*(?:and|or|&|/|\+|和|与|及|或|加)\s*(?:` + roleRE + `)`)

// roleNamed finds the roles a question names anywhere: "per million
// output tokens", "输出价格", "cached input" (one role, not also input).
var roleNamed = regexp.MustCompile(`(?i)` + roleRE)

// comparedRoles are the roles whose prices a comparison in s compares, in
// the order input, output, cached: those s names, or input alone when it
// names none.
func comparedRoles(s string) []role {
	var out []role
	for _, w := range roleNamed.FindAllString(s, -1) {
		out = append(out, roleOf(strings.ToLower(w)))
	}
	if len(out) == 0 {
		return []role{roleInput}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// amounts finds every amount with its unit and, for tokens, its role. A
// number that is a model's version ("grok 4.6", "claude haiku 4.5") or
// follows 每 ("每百万") is not an amount.
func amounts(s, lang string, versionWords map[string]bool) []quantity {
	var out []quantity
	for _, n := range scanNumbers(s) {
		if isModelVersion(s, n, versionWords) || strings.HasSuffix(s[:n.start], "每") || strings.HasSuffix(strings.TrimRight(s[:n.start], " "), "每") {
			continue
		}
		rest := s[n.end:min(len(s), n.end+48)]
		m := after.FindStringSubmatch(rest)
		roleWord, unitWord := strings.ToLower(m[1]), strings.ToLower(m[2])
		if roleWord == "" && unitOf(unitWord, lang) == unitToken {
			roleWord = strings.ToLower(m[3])
			if bothRoles.MatchString(rest[len(m[0]):]) {
				roleWord = "" // "2M tokens input and output": priced as both
			}
		}
		if roleWord == "" && unitOf(unitWord, lang) == unitToken {
			if io := inOut.FindStringSubmatch(rest); io != nil {
				roleWord = "output"
				if strings.EqualFold(io[1], "in") {
					roleWord = "input"
				}
			}
		}
		if roleWord == "" {
			if b := before.FindStringSubmatch(s[max(0, n.start-24):n.start]); b != nil {
				roleWord = strings.ToLower(b[1])
			}
		}
		if unitWord == "" && roleWord == "" {
			continue // a bare number: 10 个小时, 5 万 (budget)
		}
		q := quantity{n: n.v, unit: unitOf(unitWord, lang), lang: lang}
		if q.unit == unitToken {
			q.role = roleOf(roleWord)
		}
		out = append(out, q)
		if len(out) == maxAmounts {
			break
		}
	}
	return out
}

// maxAmounts bounds the amounts one answer prices.
const maxAmounts = 8

func roleOf(w string) role {
	switch {
	case strings.Contains(w, "cache"), strings.Contains(w, "缓存"):
		return roleCached
	case w == "input", w == "prompt", w == "输入", w == "提示":
		return roleInput
	case w != "":
		return roleOutput
	}
	return roleAny
}

// isModelVersion reports whether n is the version after a model's family
// word: "grok 4.6", "gpt 5.4", "claude haiku 4.5" — a number shaped like a
// version (tokens.IsVersion: "4", "4.6", not "300", "2M" or "2,000") right
// after a word of a named model.
func isModelVersion(s string, n number, versionWords map[string]bool) bool {
	if !tokens.IsVersion(s[n.start:n.end]) {
		return false
	}
	prev := strings.TrimRight(s[:n.start], " ")
	i := len(prev)
	for i > 0 && isASCIILetter(prev[i-1]) {
		i--
	}
	return i < len(prev) && versionWords[strings.ToLower(prev[i:])]
}

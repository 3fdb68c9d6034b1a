package web

import (
	"fmt"
	"html"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/tokenbot/tokenbot/bot/bottest"
)

// The page asks for its labels in the browser's language: a Chinese
// browser gets the Chinese badge of a removed message, an English or
// unknown one the English, and a plural label both forms.
func TestTextsInTheBrowsersLanguage(t *testing.T) {
	ts := startServer(t, Config{}, bottest.Options{})
	c := newClient(t, ts.URL())
	tests := []struct {
		name, path, accept string
		lang, removed      string
		takedowns          []string // the keys of the takedowns counter's label
	}{
		{"asked for zh-CN", "/api/texts?lang=zh-CN", "", "zh", "已被 tokenbot 删除", []string{"takedowns_since_start"}},
		{"a Chinese browser", "/api/texts", "zh-Hans-CN,zh;q=0.9,en;q=0.8", "zh", "已被 tokenbot 删除", []string{"takedowns_since_start"}},
		{"an English browser", "/api/texts", "en-GB,en;q=0.9", "en", "removed by tokenbot", []string{"takedowns_since_start.one", "takedowns_since_start.other"}},
		{"a language the catalogue lacks", "/api/texts?lang=fr", "fr-FR", "en", "removed by tokenbot", []string{"takedowns_since_start.one"}},
		{"nonsense", "/api/texts?lang=%00%ff-", "", "en", "removed by tokenbot", []string{"takedowns_since_start.other"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := c.do("GET", tt.path, nil, map[string]string{"Accept-Language": tt.accept})
			if res.status != 200 {
				t.Fatalf("GET %s: %d %s", tt.path, res.status, res.body)
			}
			var v TextsView
			res.json(t, &v)
			if v.Lang != tt.lang || v.Texts["removed"] != tt.removed {
				t.Errorf("lang %q removed %q, want %q %q", v.Lang, v.Texts["removed"], tt.lang, tt.removed)
			}
			for _, k := range tt.takedowns {
				if v.Texts[k] == "" {
					t.Errorf("no text %s in %v", k, v.Texts)
				}
			}
		})
	}
	if res := c.post("/api/texts", map[string]string{}); res.status != 405 {
		t.Errorf("POST /api/texts: %d, want 405", res.status)
	}
}

// staticPages are the pages and scripts whose labels come from the catalogue.
var staticPages = []string{"index.html", "dashboard.html", "login.html", "app.js", "common.js", "dash.js", "login.js"}

// Every label the pages ask for by id is in the catalogue: tr("…"),
// trn(n, "…"), fill(n, "…"), data-t="…", data-t-placeholder="…" and
// data-t-aria="…" in the static files, and the label of every audit
// outcome the dashboard draws.
func TestPagesAskOnlyForKnownTexts(t *testing.T) {
	known := Texts("zh").Texts
	en := Texts("en").Texts
	ids := regexp.MustCompile(`\btr\("([a-z_.]+)"|\b(?:trn|fill)\([^,]+, "([a-z_.]+)"|data-t(?:-placeholder|-aria)?="([a-z_.0-9]+)"|\btr\([^()]*?\? "([a-z_.]+)" : "([a-z_.]+)"`)
	seen := 0
	for _, name := range staticPages {
		src, err := os.ReadFile("static/" + name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ids.FindAllStringSubmatch(string(src), -1) {
			for _, id := range m[1:] {
				if id == "" {
					continue
				}
				seen++
				if known[id] == "" && known[id+".other"] == "" || en[id] == "" && en[id+".other"] == "" {
					t.Errorf("%s asks for the label %q, which the catalogue lacks", name, id)
				}
			}
		}
	}
	if seen < 60 {
		t.Errorf("found only %d label ids in the pages", seen)
	}
	dash, err := os.ReadFile("static/dash.js")
	if err != nil {
		t.Fatal(err)
	}
	outcomes := regexp.MustCompile(`const outcomes = \[([^\]]*)\]`).FindSubmatch(dash)
	if outcomes == nil {
		t.Fatal("dash.js has no list of outcomes")
	}
	for _, o := range regexp.MustCompile(`"([a-z]+)"`).FindAllSubmatch(outcomes[1], -1) {
		if id := "outcome." + string(o[1]); known[id] == "" || en[id] == "" {
			t.Errorf("the dashboard draws the outcome %s, which has no label %s", o[1], id)
		}
	}
	for id, text := range known {
		if strings.ContainsAny(text, "<>&") {
			t.Errorf("label %s holds markup: %q", id, text)
		}
	}
}

// No page or script shows English of its own: every text a user reads
// comes from the catalogue (see englishLeft and englishInScript).
func TestPagesHaveNoEnglishOfTheirOwn(t *testing.T) {
	for _, name := range staticPages {
		src, err := os.ReadFile("static/" + name)
		if err != nil {
			t.Fatal(err)
		}
		var left []string
		if strings.HasSuffix(name, ".html") {
			left = englishLeft(string(src))
		} else {
			left = englishInScript(string(src))
		}
		for _, l := range left {
			t.Errorf("%s shows a text of its own, not from the catalogue: %s", name, l)
		}
	}
}

// The checks above find what they are meant to find.
func TestEnglishOfTheirOwnIsFound(t *testing.T) {
	tests := []struct {
		name, src string
		html      bool
		want      int
	}{
		{"a labelled heading", `<h1 data-t="x">Hello</h1>`, true, 0},
		{"a field inside a label", `<p data-t="x">Ask <code data-field="c">/tokens</code> now</p>`, true, 0},
		{"a name not to translate", `<div class="brand" translate="no"><img src="a.svg" alt=""> tokenbot</div>`, true, 0},
		{"the doctype and symbols", "<!doctype html>\n<span>·</span> <b>#</b>", true, 0},
		{"a bare heading", `<h1>Hello</h1>`, true, 1},
		{"text after a labelled element", `<label><span data-t="x">Range</span> of dates <select></select></label>`, true, 1},
		{"a bare placeholder", `<input placeholder="your name">`, true, 1},
		{"a placeholder with its label", `<input placeholder="your name" data-t-placeholder="your_name">`, true, 0},
		{"an aria-label without its label", `<section aria-label="Tokenizer"></section>`, true, 1},
		{"a title attribute", `<a title="Go home" data-t="home">Home</a>`, true, 1},
		{"an entity", `<p>&amp;&nbsp;1</p>`, true, 0},
		{"a label from the catalogue", `el("span", { text: tr("removed"), title: tr(a ? "x_y" : "z") })`, false, 0},
		{"a plural label", `counter(n, trn(n, "events"), "c-events"); x.textContent = trn(n, "a_b")`, false, 0},
		{"fields of a label", `fill(n, "desc", { command: el("code", { text: "/tokens <text>" }) })`, false, 0},
		{"an answer's label", `el("a", { href: u, text: label("source") })`, false, 0},
		{"English beside a label", `x(tr("a"), el("b", { text: "Send" }))`, false, 1},
		{"a comparison", `el("span", { text: m.level === "alert" ? "!" : "?" })`, false, 0},
		{"no letters", `el("td", { text: "≈ " + usd(v), title: "# " + ch })`, false, 0},
		{"English after the author", `el("span", { text: m.author + (m.mine ? " (you)" : "") })`, false, 1},
		{"an English tooltip", `el("span", { class: "tok", title: "token " + (i + 1) + " · id " + p.id })`, false, 2},
		{"an English aria-label", `canvas.setAttribute("aria-label", "Takedowns: " + total)`, false, 1},
		{"English text content", `e.textContent = 'That token is not right.';`, false, 1},
		{"an English placeholder", `$("text").placeholder = "Message #" + ch;`, false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			if tt.html {
				got = englishLeft(tt.src)
			} else {
				got = englishInScript(tt.src)
			}
			if len(got) != tt.want {
				t.Errorf("found %d texts %q, want %d", len(got), got, tt.want)
			}
		})
	}
}

var (
	htmlToken = regexp.MustCompile(`(?s)<!--.*?-->|<![^>]*>|<(/?)([a-zA-Z][a-zA-Z0-9]*)((?:"[^"]*"|'[^']*'|[^'">])*)>|[^<]+`)
	htmlAttr  = regexp.MustCompile(`([a-zA-Z][a-zA-Z0-9_:-]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?`)
	htmlVoid  = map[string]bool{"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true, "img": true, "input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true}
	letters   = regexp.MustCompile(`\p{L}{2,}`)
	// labelAttrs are the attributes a user reads, each with the attribute
	// that names its catalogue label ("" when the pages have none: such a
	// text is set by the script with tr).
	labelAttrs = map[string]string{"placeholder": "data-t-placeholder", "aria-label": "data-t-aria", "title": "", "alt": ""}
)

// englishLeft lists the words an HTML page shows that are not labelled:
// a text outside every element with a data-t id, and an attribute a user
// reads without its data-t-… id. An element marked translate="no" (a
// name, a command, the sample questions) is left as it is.
func englishLeft(src string) []string {
	var left []string
	var open []bool // per open element: is its text taken care of
	covered := func() bool { return slices.Contains(open, true) }
	for _, m := range htmlToken.FindAllStringSubmatch(src, -1) {
		tok, closing, tag := m[0], m[1], strings.ToLower(m[2])
		switch {
		case strings.HasPrefix(tok, "<!"):
		case tag == "" && !strings.HasPrefix(tok, "<"):
			if text := strings.TrimSpace(html.UnescapeString(tok)); letters.MatchString(text) && !covered() {
				left = append(left, strconv.Quote(text))
			}
		case closing != "":
			if len(open) > 0 {
				open = open[:len(open)-1]
			}
		default:
			attrs := map[string]string{}
			for _, a := range htmlAttr.FindAllStringSubmatch(m[3], -1) {
				attrs[strings.ToLower(a[1])] = a[2] + a[3] + a[4]
			}
			mine := attrs["translate"] == "no"
			for attr, label := range labelAttrs {
				v, ok := attrs[attr]
				if _, labelled := attrs[label]; ok && letters.MatchString(v) && !mine && !covered() && (label == "" || !labelled) {
					left = append(left, fmt.Sprintf("%s=%q", attr, v))
				}
			}
			if !htmlVoid[tag] && !strings.HasSuffix(tok, "/>") {
				_, labelled := attrs["data-t"]
				open = append(open, mine || labelled)
			}
		}
	}
	return left
}

var (
	// scriptShows is where a script puts a text before a user: a text:,
	// title: or aria-label: of el(), and a textContent, placeholder,
	// title or aria-label it sets.
	scriptShows = regexp.MustCompile(`(?:\b(?:text|title|placeholder|alt)|"aria-label")\s*:\s*|\.(?:textContent|innerText|placeholder|title|alt)\s*=\s*|\.setAttribute\(\s*"(?:aria-label|title|placeholder|alt)"\s*,\s*`)
	comparison  = regexp.MustCompile(`[=!]==?\s*$`)
)

// englishInScript lists the string literals with words in them that a
// script shows a user without the catalogue: the literals of the value
// after each scriptShows, except those compared with and those given to
// tr, trn or fill (label ids and their fields) or to label (an answer's
// labels, which the server sends from the catalogue). A call is seen
// from the start of the line.
func englishInScript(src string) []string {
	var left []string
	given := func(f string) bool { return f == "tr" || f == "trn" || f == "fill" || f == "label" }
	for _, loc := range scriptShows.FindAllStringIndex(src, -1) {
		var calls []string // the functions called around the current point
		base := -1         // len(calls) where the value starts
		for i := strings.LastIndexByte(src[:loc[0]], '\n') + 1; i < len(src); i++ {
			if i >= loc[1] && base < 0 {
				base = len(calls)
			}
			c := src[i]
			switch {
			case c == '"' || c == '\'' || c == '`':
				j := i + 1
				for j < len(src) && src[j] != c {
					if src[j] == '\\' {
						j++
					}
					j++
				}
				lit := src[i+1 : min(j, len(src))]
				if base >= 0 && letters.MatchString(lit) && !slices.ContainsFunc(calls, given) && !comparison.MatchString(src[loc[1]:i]) {
					left = append(left, strconv.Quote(lit))
				}
				i = j
			case c == '(' || c == '[' || c == '{':
				k := i
				for c == '(' && k > 0 && isIdent(src[k-1]) {
					k--
				}
				calls = append(calls, src[k:i])
			case c == ')' || c == ']' || c == '}':
				if len(calls) == base || len(calls) == 0 {
					i = len(src)
					continue
				}
				calls = calls[:len(calls)-1]
			case len(calls) == base && (c == ',' || c == ';' || c == '\n'):
				i = len(src)
			}
		}
	}
	return left
}

func isIdent(c byte) bool {
	return c == '_' || c == '$' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

package web

import (
	"os"
	"regexp"
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

// Every label the pages ask for by id is in the catalogue: tr("…"),
// trn(n, "…"), data-t-placeholder="…" and data-t="…" in the static files.
func TestPagesAskOnlyForKnownTexts(t *testing.T) {
	known := Texts("zh").Texts
	en := Texts("en").Texts
	ids := regexp.MustCompile(`\btr\("([a-z_.]+)"|\btrn\([^,]+, "([a-z_.]+)"|data-t(?:-placeholder)?="([a-z_.0-9]+)"|\btr\([^()"]*\? "([a-z_.]+)" : "([a-z_.]+)"`)
	seen := 0
	for _, name := range []string{"app.js", "common.js", "dash.js", "index.html", "dashboard.html"} {
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
	if seen < 20 {
		t.Errorf("found only %d label ids in the pages", seen)
	}
	for id, text := range known {
		if strings.ContainsAny(text, "<>&") {
			t.Errorf("label %s holds markup: %q", id, text)
		}
	}
}

package web

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/tokenbot/tokenbot/bot/bottest"
	"github.com/tokenbot/tokenbot/bot/ledger"
	"github.com/tokenbot/tokenbot/knowledge"
)

// browserPath finds a Chromium or Chrome binary: $TOKENBOT_CHROME, then the
// usual names on PATH.
func browserPath() string {
	if p := os.Getenv("TOKENBOT_CHROME"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// page is one browser tab with everything it reported.
type page struct {
	t    *testing.T
	ctx  context.Context
	dir  string
	mu   sync.Mutex
	errs []string
}

// newBrowser starts a headless browser with a fresh profile. Outside CI it
// skips the test when no browser is installed; in CI it fails.
func newBrowser(t *testing.T, shots string) *page {
	t.Helper()
	path := browserPath()
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("no Chromium found (CI=true): install it with `apt-get install -y chromium` or set TOKENBOT_CHROME")
		}
		t.Skip("skipping browser test: no Chromium found; install it with `apt-get install -y chromium` or set TOKENBOT_CHROME")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("lang", "en-US"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1440, 960),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTime := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTime(); cancelTab(); cancelAlloc() })
	p := &page{t: t, ctx: ctx, dir: shots}
	exceptions := chromedp.Events(ctx, runtime.ExceptionThrown)
	entries := chromedp.Events(ctx, log.EntryAdded)
	go func() {
		for ev, err := range exceptions {
			if err != nil {
				return
			}
			p.report("exception: " + ev.ExceptionDetails.Text + " " + describe(ev.ExceptionDetails.Exception))
		}
	}()
	go func() {
		for ev, err := range entries {
			if err != nil {
				return
			}
			if ev.Entry.Level == log.EntryLevelError || ev.Entry.Source == log.EntrySourceSecurity {
				p.report(fmt.Sprintf("console %s/%s: %s (%s)", ev.Entry.Source, ev.Entry.Level, ev.Entry.Text, ev.Entry.URL))
			}
		}
	}()
	return p
}

func describe(o *runtime.RemoteObject) string {
	if o == nil {
		return ""
	}
	return o.Description
}

func (p *page) report(s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.errs = append(p.errs, s)
}

// problems returns the exceptions, console errors and CSP violations seen.
func (p *page) problems() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.errs...)
}

func (p *page) do(steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, steps...); err != nil {
		p.t.Fatalf("browser: %v", err)
	}
}

func eval[T any](p *page, js string) T {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		p.t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// waitFor polls a JavaScript predicate until it holds.
func (p *page) waitFor(what, js string) {
	p.t.Helper()
	if _, err := chromedp.Run(p.ctx, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(15*time.Second))); err != nil {
		p.shot("failed-" + strings.ReplaceAll(what, " ", "-"))
		p.t.Fatalf("waiting for %s: %v; page problems: %v", what, err, p.problems())
	}
}

// shot saves a screenshot and names it in the test log.
func (p *page) shot(name string) {
	p.t.Helper()
	buf, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		p.t.Logf("screenshot %s: %v", name, err)
		return
	}
	path := filepath.Join(p.dir, name+".png")
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		p.t.Logf("screenshot %s: %v", name, err)
		return
	}
	p.t.Logf("screenshot: %s", path)
}

// submit clicks a button that loads a new page and waits for the load.
func (p *page) submit(sel string) {
	p.t.Helper()
	if _, err := chromedp.Run(p.ctx, chromedp.WaitEvent(cdppage.LoadEventFired, nil, chromedp.Click(chromedp.CSS(sel)))); err != nil {
		p.t.Fatalf("submit %s: %v", sel, err)
	}
}

// send types a message in the composer and sends it.
func (p *page) send(text string) {
	p.t.Helper()
	p.do(chromedp.SetValue(chromedp.ID("text"), text), chromedp.Click(chromedp.ID("send")))
}

// dom is everything the page holds as text: the serialised DOM and every
// form field's current value.
const dom = `document.documentElement.outerHTML + "\n" + [...document.querySelectorAll("textarea,input")].map(e => e.value).join("\n")`

func screenshotDir(t *testing.T) string {
	dir := os.Getenv("TOKENBOT_ARTIFACTS")
	if dir == "" {
		d, err := os.MkdirTemp("", "tokenbot-web-screenshots-")
		if err != nil {
			t.Fatal(err)
		}
		dir = d
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots go to %s", dir)
	return dir
}

func TestBrowserPlayground(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	shots := screenshotDir(t)
	p := newBrowser(t, shots)
	ts := startServer(t, Config{}, bottest.Options{})
	fixture, err := os.ReadFile(filepath.Join("testdata", "tokens.txt"))
	if err != nil {
		t.Fatal(err)
	}
	key := bottest.AnthropicKey(42)

	p.do(chromedp.Navigate(ts.URL()), chromedp.WaitVisible(chromedp.ID("composer")))
	p.waitFor("the tokenizer sample", `document.querySelectorAll("#tok-out .tok").length > 5`)
	p.do(chromedp.SetValue(chromedp.ID("name"), "Ada"))

	t.Run("questions in English and Chinese", func(t *testing.T) {
		p.t = t
		cases := []struct{ question, lang string }{
			{"What's the difference between an API key and an AI token?", "en"},
			{"API key 和 token 有什么区别？", "zh"},
		}
		for i, c := range cases {
			p.send(c.question)
			sel := fmt.Sprintf(`document.querySelectorAll("#messages .msg.bot .answer").length >= %d`, i+1)
			p.waitFor("answer "+c.lang, sel)
			got := eval[map[string]string](p, `(() => { const a = [...document.querySelectorAll("#messages .msg.bot .answer")].pop();
				return { topic: a.dataset.topic, lang: a.dataset.lang, title: a.querySelector(".answer-title").textContent,
				         body: a.querySelector(".body").textContent, related: String(a.querySelectorAll(".chip").length) }; })()`)
			want, err := ts.core.Router.FAQ.Ask(context.Background(), c.question, knowledge.Mention)
			if err != nil {
				t.Fatal(err)
			}
			if got["lang"] != c.lang || got["topic"] != want.ID || got["title"] != want.Title {
				t.Errorf("%q: page shows %v, want topic %s in %s", c.question, got, want.ID, c.lang)
			}
			if !strings.Contains(want.ID, "key") || !strings.Contains(want.ID, "token") {
				t.Errorf("%q matched topic %q, not the key-vs-token topic", c.question, want.ID)
			}
			if c.lang == "zh" && !strings.ContainsAny(got["body"], "密钥令牌") {
				t.Errorf("Chinese question got a non-Chinese answer: %.80s", got["body"])
			}
			if got["related"] == "0" {
				t.Errorf("%q: no related topics shown", c.question)
			}
		}
		p.shot("1-questions")
	})

	t.Run("tokens command", func(t *testing.T) {
		p.t = t
		text := strings.TrimSpace(string(fixture))
		p.send("/tokens " + text)
		p.waitFor("the /tokens report", `document.querySelector("#messages .msg.bot .report .tok-count") !== null`)
		got := eval[map[string]any](p, `(() => { const r = [...document.querySelectorAll("#messages .msg.bot .report")].pop();
			const c = r.querySelector(".tok-count");
			const toks = [...r.querySelectorAll(".tokens > .tok")];
			return { count: Number(c.dataset.count), encoding: c.dataset.encoding, spans: toks.length,
			         colours: new Set(toks.map(s => getComputedStyle(s).backgroundColor)).size,
			         ws: [...r.querySelectorAll(".tok .ws")].map(s => s.textContent).join(""),
			         models: r.querySelectorAll(".cost-table tbody tr").length,
			         bars: [...r.querySelectorAll(".cost-table .bar .fill")].filter(f => f.getBoundingClientRect().width > 0).length,
			         estimate: r.querySelectorAll(".badge.estimate").length, exact: r.querySelectorAll(".badge.exact").length }; })()`)
		enc, _ := got["encoding"].(string)
		want, err := ts.core.Router.Counter.Count(enc, text)
		if err != nil {
			t.Fatalf("count with %q: %v", enc, err)
		}
		if int(got["count"].(float64)) != want || int(got["spans"].(float64)) != want {
			t.Errorf("page shows %v tokens in %v spans for %s, the counter says %d", got["count"], got["spans"], enc, want)
		}
		if got["colours"].(float64) < 5 {
			t.Errorf("tokens are not coloured: %v distinct backgrounds", got["colours"])
		}
		for _, mark := range []string{"·", "→", "↵"} {
			if !strings.Contains(got["ws"].(string), mark) {
				t.Errorf("whitespace mark %q not shown", mark)
			}
		}
		if got["models"].(float64) != 3 || got["bars"].(float64) != 3 || got["estimate"].(float64) < 1 || got["exact"].(float64) < 1 {
			t.Errorf("cost table: %v", got)
		}

		// The tokenizer view switches encodings.
		p.do(chromedp.SetValue(chromedp.ID("tok-text"), text))
		p.do(chromedp.Evaluate[chromedp.Void](`document.getElementById("tok-text").dispatchEvent(new Event("input"))`))
		p.waitFor("the encoding switch", `document.querySelector('#tok-out button[data-encoding="cl100k_base"]') !== null`)
		p.do(chromedp.Click(chromedp.CSS(`#tok-out button[data-encoding="cl100k_base"]`)))
		p.waitFor("the cl100k_base view", `document.querySelector('#tok-out .tok-count[data-encoding="cl100k_base"]') !== null`)
		n := eval[int](p, `Number(document.querySelector("#tok-out .tok-count").dataset.count)`)
		spans := eval[int](p, `document.querySelectorAll("#tok-out .tokens > .tok").length`)
		if want, _ := ts.core.Router.Counter.Count("cl100k_base", text); n != want || spans != want {
			t.Errorf("tokenizer shows %d tokens in %d spans for cl100k_base, the counter says %d", n, spans, want)
		}
		p.shot("2-tokens")
	})

	t.Run("key takedown", func(t *testing.T) {
		p.t = t
		p.send("oops, pasting our config: ANTHROPIC_API_KEY=" + key)
		p.waitFor("the takedown notice", `document.querySelector("#messages .msg.removed") !== null`)
		p.waitFor("the private notice", `[...document.querySelectorAll("#messages .msg.private")].some(m => m.textContent.includes("I removed your message"))`)
		notice := eval[string](p, `document.querySelector("#messages .msg.removed").textContent`)
		if !strings.Contains(notice, "removed by tokenbot") || !strings.Contains(notice, "Anthropic") {
			t.Errorf("takedown notice: %q", notice)
		}
		p.shot("3-takedown")
		// The security channel shows the notice, masked.
		p.do(chromedp.Click(chromedp.CSS(`.chan[data-channel="security"]`)))
		p.waitFor("the security notice", `[...document.querySelectorAll("#messages .msg.notice")].some(m => m.textContent.includes("Leaked credential taken down"))`)
		p.shot("4-security-channel")
		all := eval[string](p, dom)
		for _, s := range []string{key, key[len("sk-ant-api03-"):]} {
			if strings.Contains(all, s) {
				t.Errorf("the page holds the planted key")
			}
		}
		p.do(chromedp.Click(chromedp.CSS(`.chan[data-channel="general"]`)))
	})

	t.Run("dashboard chart", func(t *testing.T) {
		p.t = t
		p.send("@tokenbot what is the airspeed velocity of an unladen swallow?")
		p.waitFor("the not-sure answer", `[...document.querySelectorAll("#messages .msg.bot")].some(m => m.textContent.includes("not sure"))`)
		// An edit of the message taken down, recorded against its takedown.
		taken, err := ts.core.Store.List(context.Background(), ledger.Filter{})
		if err != nil || len(taken) != 1 {
			t.Fatalf("ledger before the dashboard: %+v %v", taken, err)
		}
		edit := taken[0]
		edit.Revision = "1700000099.000100"
		if claimed, _, err := ts.core.Store.Claim(context.Background(), edit, "test", time.Minute); err != nil || claimed {
			t.Fatalf("edit of the takedown: claimed=%v %v", claimed, err)
		}
		p.do(chromedp.Navigate(ts.URL() + "/dashboard"))
		p.waitFor("the dashboard", `document.body.dataset.loaded === "1"`)
		got := eval[map[string]any](p, `(() => { const c = document.getElementById("chart");
			const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
			let deleted = 0;
			for (let i = 0; i < d.length; i += 4) if (d[i] === 0x43 && d[i+1] === 0x38 && d[i+2] === 0xca && d[i+3] === 255) deleted++;
			return { total: Number(c.dataset.total), bars: Number(c.dataset.bars), deletedPixels: deleted,
			         rows: [...document.querySelectorAll("#audit tbody tr")].map(r => r.dataset.outcome + " " + r.cells[4].textContent + " " + r.cells[2].textContent),
			         revisions: [...document.querySelectorAll("#audit tbody tr")].map(r => r.cells[8].textContent + " " + r.cells[8].title),
			         provider: document.querySelector('#by-provider .hbar') ? document.querySelector('#by-provider .hbar').dataset.name : "",
			         unanswered: document.getElementById("unanswered").textContent,
			         takedowns: document.querySelector("#c-takedowns .n").textContent }; })()`)
		if got["total"].(float64) != 1 || got["bars"].(float64) != 1 || got["deletedPixels"].(float64) < 20 {
			t.Errorf("chart: %v", got)
		}
		rows, _ := got["rows"].([]any)
		if len(rows) != 1 || rows[0] != "deleted Anthropic general" {
			t.Errorf("audit rows: %v", rows)
		}
		if revs, _ := got["revisions"].([]any); len(revs) != 1 || revs[0] != "1 last: 1700000099.000100" {
			t.Errorf("later revisions in the audit table: %v", got["revisions"])
		}
		if got["provider"] != "Anthropic" || got["takedowns"] != "1" || !strings.Contains(got["unanswered"].(string), "swallow") {
			t.Errorf("dashboard: %v", got)
		}
		recs, err := ts.core.Store.List(context.Background(), ledger.Filter{})
		if err != nil || len(recs) != 1 || recs[0].Outcome != ledger.Deleted {
			t.Errorf("ledger: %+v %v", recs, err)
		}
		p.shot("5-dashboard")
		if strings.Contains(eval[string](p, dom), key[len("sk-ant-api03-"):]) {
			t.Error("the dashboard holds the planted key")
		}
	})

	p.t = t
	if probs := p.problems(); len(probs) > 0 {
		t.Errorf("the pages reported problems (exceptions, console errors, CSP violations):\n%s", strings.Join(probs, "\n"))
	}
	if ts.rec.count() < 10 {
		t.Errorf("only %d responses recorded", ts.rec.count())
	}
	for _, s := range []string{key, key[len("sk-ant-api03-"):]} {
		if strings.Contains(ts.rec.String(), s) {
			t.Error("a response of the server holds the planted key")
		}
		if strings.Contains(ts.core.Logs(), s) {
			t.Error("the logs hold the planted key")
		}
	}
}

// TestBrowserAdminToken serves on every interface with an admin token and
// browses it through 127.0.0.1: although the browser is local, the
// dashboard and audit API stay closed until it logs in, which proves the
// rule follows the exposed address, not the client's.
func TestBrowserAdminToken(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	const token = "browser-admin-token-0123456789"
	shots := screenshotDir(t)
	p := newBrowser(t, shots)
	ts := startServer(t, Config{AdminToken: token}, bottest.Options{})

	p.do(chromedp.Navigate(ts.URL() + "/dashboard"))
	p.waitFor("the login form", `location.pathname === "/login" && document.getElementById("token") !== null`)
	status := eval[int](p, `(async () => (await fetch("/api/audit")).status)()`)
	if status != 401 {
		t.Errorf("audit API without login: %d", status)
	}
	p.do(chromedp.Navigate(ts.URL() + "/"))
	p.waitFor("the playground", `document.querySelector('.chan[data-channel="security"]') !== null`)
	if !eval[bool](p, `document.querySelector('.chan[data-channel="security"]').disabled`) {
		t.Error("the security channel is open without the admin token")
	}

	p.do(chromedp.Navigate(ts.URL()+"/login"), chromedp.SetValue(chromedp.ID("token"), "not-the-token"))
	p.submit("#login-btn")
	p.waitFor("the wrong-token message", `location.search.includes("error") && document.getElementById("error").textContent === "That token is not right." && !document.getElementById("error").hidden`)
	p.shot("6-login-refused")

	p.do(chromedp.SetValue(chromedp.ID("token"), token))
	p.submit("#login-btn")
	p.waitFor("the dashboard after login", `location.pathname === "/dashboard" && document.body.dataset.loaded === "1"`)
	if status := eval[int](p, `(async () => (await fetch("/api/audit")).status)()`); status != 200 {
		t.Errorf("audit API after login: %d", status)
	}
	if cookies := eval[string](p, `document.cookie`); strings.Contains(cookies, token) {
		t.Error("the admin token is readable from the page's cookies")
	}
	p.shot("7-dashboard-after-login")
	if strings.Contains(eval[string](p, dom), token) {
		t.Error("the page holds the admin token after login")
	}
	if probs := p.problems(); len(probs) > 0 {
		// A refused fetch logs a console error for the 401 on purpose.
		var other []string
		for _, pr := range probs {
			if !strings.Contains(pr, "401") {
				other = append(other, pr)
			}
		}
		if len(other) > 0 {
			t.Errorf("the pages reported problems:\n%s", strings.Join(other, "\n"))
		}
	}
}

// A browser whose language is Chinese sees the page's own labels in
// Chinese: the sidebar's headings and the badge of a removed message.
func TestBrowserChineseLabels(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	p := newBrowser(t, screenshotDir(t))
	ts := startServer(t, Config{}, bottest.Options{})
	p.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{
			Source: `Object.defineProperty(navigator, "language", { get: () => "zh-CN" });`})
		return err
	}))
	p.do(chromedp.Navigate(ts.URL()), chromedp.WaitVisible(chromedp.ID("composer")))
	p.waitFor("the Chinese headings", `document.documentElement.lang === "zh-Hans" && document.querySelector('[data-t="channels"]').textContent === "频道"`)
	p.send("我的密钥 ANTHROPIC_API_KEY=" + bottest.AnthropicKey(7))
	p.waitFor("the Chinese badge", `[...document.querySelectorAll("#messages .badge.removed")].some(b => b.textContent === "已被 tokenbot 删除")`)
	p.waitFor("the tokenizer's Chinese headings", `[...document.querySelectorAll("#tok-out h3")].some(h => h.textContent === "各编码的 token 数")`)
	// A label with a field keeps the page's own element in it.
	if got := eval[string](p, `document.querySelector(".who").firstChild.textContent + "|" + (document.querySelector(".who #name") !== null) + "|" + document.getElementById("text").placeholder + "|" + document.title`); got != "我是 |true|发消息到 #general：Enter 发送，Shift+Enter 换行|tokenbot 练习场" {
		t.Errorf("the playground's name field, composer and title read %q", got)
	}
	p.shot("7-chinese-labels")
	p.do(chromedp.Navigate(ts.URL() + "/login?error=wrong-token"))
	p.waitFor("the Chinese login page", `document.querySelector("h1").textContent === "管理员登录" && document.getElementById("error").textContent === "令牌不对。"`)
	if got := eval[string](p, `document.querySelector("form p").textContent + "|" + document.querySelector("form p code").textContent + "|" + document.getElementById("token").placeholder`); got != "查看仪表盘和审计日志需要管理员令牌（TOKENBOT_ADMIN_TOKEN）。|TOKENBOT_ADMIN_TOKEN|管理员令牌" {
		t.Errorf("the login page reads %q", got)
	}
	p.shot("8-chinese-login")
	p.do(chromedp.Navigate(ts.URL() + "/dashboard"))
	p.waitFor("the Chinese dashboard", `document.body.dataset.loaded === "1" && document.querySelector("#c-uptime .l").textContent === "运行时间"`)
	if got := eval[string](p, `document.querySelector("#c-uptime .n").textContent + "|" + document.getElementById("chart").getAttribute("aria-label")`); !regexp.MustCompile(`^\d+ (秒|分钟)\|删除次数趋势：所选范围内 \d+ 次$`).MatchString(got) {
		t.Errorf("the dashboard's uptime and chart read %q", got)
	}
	if probs := p.problems(); len(probs) > 0 {
		t.Errorf("the pages reported problems:\n%s", strings.Join(probs, "\n"))
	}
}

package knowledge

import (
	"slices"
	"strings"
	"testing"
)

func TestDetectLang(t *testing.T) {
	tests := []textCase[string]{
		{"what is a token?", "en"},
		{"API key 和 token 一样吗", "zh"},
		{"token 是什么", "zh"},
		{"为什么账单突然暴涨", "zh"},
		{"密钥", "zh"},
		{"how do I say 密钥 in english and what does the word mean for api keys", "en"},
		{"", "en"},
		{"1234 ???", "en"},
		{"🙂🙂", "en"},
		{"OpenAI 的 x-goog-api-key header 放哪", "zh"},
	}
	checkText(t, "DetectLang", DetectLang, tests)
}

func TestIsQuestion(t *testing.T) {
	tests := []textCase[bool]{
		{"what is a token", true},
		{"Does the key expire", true},
		{"tokens cost money?", true},
		{"token 怎么算", true},
		{"这个 key 泄露了吗", true},
		{"上下文窗口有多大", true},
		{"the token ring diagram is on page 4", false},
		{"deploying now", false},
		{"我把 key 换了", false},
		{"测试和生产用同一个 key 行不行", true},
		{"key和token是一个东西不", true},
	}
	checkText(t, "IsQuestion", IsQuestion, tests)
}

func TestHelpRequest(t *testing.T) {
	tests := []textCase[bool]{
		// problem reports
		{"leaked my key on discord", true},
		{"usage suddenly 10x overnight", true},
		{"reply truncated at 200 tokens", true},
		{"key 泄露了", true},
		{"费用突然翻倍了", true},
		// search-style queries
		{"tokens to words ratio", true},
		{"cap output tokens", true},
		{"token 和单词的换算比例", true},
		// imperatives and choices
		{"walk me through one request from key to invoice", true},
		{"每个环境一把密钥还是所有环境共用一把", true},
		// narration, thanks, and statements with a subject
		{"rotated the key this morning", false},
		{"we moved the nightly jobs to the batch api last week", false},
		{"thanks, the 429 errors are gone", false},
		{"tokens are cheap these days", false},
		{"我已经把 key 换了", false},
		{"谢谢，报错没有了", false},
		{"新模型的上下文窗口真大", false},
	}
	checkText(t, "helpRequest", helpRequest, tests)
}

func TestInDomain(t *testing.T) {
	tests := []textCase[bool]{
		{"how many tokens does gpt-4o allow?", true},
		{"what does my api key cost", true},
		{"why am I getting 429s", true},
		{"token 怎么计费", true},
		{"密钥放哪里", true},
		{"who has the key to the office?", false},
		{"how many tokens in the board game?", false},
		{"谁有办公室的钥匙？", false},
		{"午饭吃什么？", false},
		{"what time is standup?", false},
	}
	checkText(t, "inDomain", inDomain, tests)
}

func TestParseMode(t *testing.T) {
	for in, want := range map[string]Mode{"mention": Mention, "Passive": Passive, " MENTION ": Mention} {
		got, err := ParseMode(in)
		if err != nil || got != want {
			t.Errorf("ParseMode(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := ParseMode("loud"); err == nil {
		t.Error("ParseMode(\"loud\") succeeded, want an error")
	}
}

func TestSanitize(t *testing.T) {
	long := make([]byte, 0, MaxQuestionBytes+10)
	for len(long) < MaxQuestionBytes-1 {
		long = append(long, 'a')
	}
	long = append(long, "密钥"...) // straddles the 4 KiB boundary
	got := sanitize(string(long))
	if len(got) > MaxQuestionBytes {
		t.Errorf("sanitize kept %d bytes, want <= %d", len(got), MaxQuestionBytes)
	}
	if got[len(got)-1] != 'a' {
		t.Errorf("sanitize cut inside a character: ends with %q", got[len(got)-3:])
	}
	if s := sanitize("key\xff\xfe?\x00"); s != "key\uFFFD?" && s != "key\uFFFD\uFFFD?" {
		t.Errorf("sanitize(invalid utf-8) = %q", s)
	}
}

func TestPrepare(t *testing.T) {
	tests := []textCase[string]{
		{"our organisation spend", "our organisation cost"},
		{"Tokens per minute", "tpm"},
		{"各部门的开销", "各团队的费用"},
		{"cached_tokens", "cached tokens"},
		{"秘钥是啥", "密钥是什么"},
	}
	checkText(t, "prepare", prepare, tests)
}

func TestPrepareNormalisesChatVocabulary(t *testing.T) {
	tests := []textCase[string]{
		{"my APIKEY leaked", "my api key leaked"},
		{"is the api-key in the header", "is the api key in the header"},
		{"getting throttled again", "getting rate limit again"},
		{"what's the ctx size", "what's the context size"},
		{"what is the context length of gpt-4o", "what is the context window of gpt-4o"},
		{"prompt in Mandarin", "prompt in chinese"},
		{"api key != token", "api key  vs  token"},
		{"apikeyring stays", "apikeyring stays"},
		{"ctx_window", "context window"},
		{"秘钥会过期吗", "密钥会过期吗"},
		{"上下文窗口多大", "上下文多大"},
		{"为啥被限速了", "为什么被限流了"},
		{"机器人能干啥", "bot能做什么"},
		{"", ""},
	}
	checkText(t, "prepare", prepare, tests)
}

func TestSpellerLearnsPhrasingWordsButNotTheirTypos(t *testing.T) {
	faq := strings.Repeat("what is an api key, rotate the key, the same key. ", 30)
	sp := newSpeller([]string{faq}, []string{"wat is a kye", "my kye", "rotaet it", "is it safe", "safe?", "hackathon"}, []string{"my ssh key, the office door"})
	for _, tt := range []struct{ in, want string }{
		{"rotaet my kye", "rotate my key"}, // one edit from far more frequent FAQ words: typos
		{"is it safe", "is it safe"},       // a phrasing's word, not much rarer than "same"
		{"hackathon", "hackathon"},
		{"hackaton", "hackathon"},
		{"sth", "sth"},       // too short to correct to a chatter word
		{"ofice", "office"},  // long enough
		{"my ssh", "my ssh"}, // chatter words are known
	} {
		if got := sp.correct(tt.in); got != tt.want {
			t.Errorf("correct(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestEverydaySense(t *testing.T) {
	tests := []textCase[bool]{
		{"can you give me some context on this ticket?", true},
		{"能给我讲讲这个需求的上下文吗", true},
		{"what does 128k context mean", false},
		{"上下文窗口多大", false},
		{"what's the credit limit on the company card?", true},
		{"信用卡额度怎么提", true},
		{"quota vs credits", false},
		{"额度用完了怎么办", false},
		{"when does the next batch of monitors arrive?", true},
		{"batch jobs half off?", false},
		{"maven 本地缓存太大了怎么清", true},
		{"提示缓存能省多少", false},
		{"how do I rotate my key", false},
	}
	checkText(t, "everydaySense", everydaySense, tests)
}

func TestNamesKey(t *testing.T) {
	tests := []textCase[bool]{
		{"how do I rotate my key", true},
		{"how do I rotate my ssh key", false},
		{"are deploy keys on gitlab read-only?", false},
		{"who has the key to the server room", false},
		{"the key fob stopped working", false},
		{"do the meal tokens expire?", false},
		{"is the governance token worth it", false},
		{"csrf token vs api token", true},
		{"许可证密钥在哪找", false},
		{"主键要不要用 uuid", false},
		{"密钥多久轮换一次", true},
		{"redis 的 key 过期了", false},
		{"where do I regenerate the jira api token?", false},
		{"how do I get a new discord bot token", false},
		{"I pushed my openai key to github", true},
		{"pasted our key in slack by accident", true},
		{"how does the workflow read the key from github actions?", true},
		{"Discord 机器人的 token 重置了", false},
		{"把 key 发到微信群里了", true},
		{"our slack app's bot token got revoked", false},
		{"飞书应用的 app secret 多久轮换一次", false},
	}
	checkText(t, "namesKey", namesKey, tests)
}

func TestPhraseSet(t *testing.T) {
	p := newPhraseSet("ssh primary_key stand-up log_in_again")
	tests := []textCase[bool]{
		{"my SSH key", true},
		{"sshd is down", false},
		{"is this the primary key?", true},
		{"primary-key column", true},
		{"the primary, key question", false},
		{"key primary", false},
		{"daily stand-up", true},
		{"I had to log in again", true},
		{"log in", false},
		{"用 SSH 登录", true},
		{"", false},
	}
	checkText(t, "match", p.match, tests)
}

func TestAboutOwnAuthAndTraffic(t *testing.T) {
	for _, tt := range []struct {
		line          string
		auth, traffic bool
	}{
		{"our wechat access_token expires every two hours, where do we cache it?", true, false},
		{"refresh token 应该存在数据库还是 Redis？", true, false},
		{"支付宝登录的 token 多久过期？", true, false},
		{"is an access token the same as an ai token?", false, false},
		{"nginx limit_req drops traffic during the sale", false, true},
		{"大促的时候网关限流设多少 QPS 合适？", false, true},
		{"我们的接口要怎么做限流？", false, true},
		{"openai keeps returning 429, what now?", false, false},
		{"调 GPT 接口老是被限流怎么办？", false, false},
	} {
		if got := aboutOwnAuth(tt.line); got != tt.auth {
			t.Errorf("aboutOwnAuth(%q) = %v, want %v", tt.line, got, tt.auth)
		}
		if got := aboutOwnTraffic(tt.line); got != tt.traffic {
			t.Errorf("aboutOwnTraffic(%q) = %v, want %v", tt.line, got, tt.traffic)
		}
	}
}

func TestQuestionActs(t *testing.T) {
	for _, tt := range []struct {
		line, act string
		want      bool
	}{
		{"why did our token usage triple overnight?", "growth", true},
		{"账单突然翻倍了", "growth", true},
		{"how is token usage billed?", "growth", false},
		{"输入和输出 token 怎么计费", "growth", false},
		{"why a context error and not a 429?", "diff", true},
		{"can i send tokens instead of a key?", "diff", true},
		{"why do i get a 429?", "diff", false},
	} {
		if got := slices.Contains(questionActs(tt.line), tt.act); got != tt.want {
			t.Errorf("questionActs(%q) has %s = %v, want %v", tt.line, tt.act, got, tt.want)
		}
	}
}

// textCase is one row of a table that maps a chat line to a result.
type textCase[T comparable] struct {
	in   string
	want T
}

// checkText reports each row whose line f maps to another result.
func checkText[T comparable](t *testing.T, name string, f func(string) T, tests []textCase[T]) {
	t.Helper()
	for _, tt := range tests {
		if got := f(tt.in); got != tt.want {
			t.Errorf("%s(%q) = %#v, want %#v", name, tt.in, got, tt.want)
		}
	}
}

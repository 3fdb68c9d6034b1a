package knowledge

import (
	"context"
	"math"
	"testing"
)

// TestRouting pins how typical chat lines are routed: sibling-topic words,
// typos, very short lines, long questions with context, English terms inside
// Chinese, Traditional Chinese (answered in Simplified Chinese), and passive
// chatter that uses the FAQ's words in other senses. want "" means no answer
// (mention mode: the "not sure" reply).
func TestRouting(t *testing.T) {
	ix := testIndex(t)
	tests := []struct {
		name, q string
		mode    Mode
		want    string
	}{
		// sibling-topic words: the question is about one topic and mentions another's word
		{"sibling en", "do we need to rotate keys even if nothing leaked?", Mention, "key-rotation"},
		{"sibling en", "my answer was short but the bill shows thousands of output tokens from the reasoning model", Mention, "reasoning-tokens"},
		{"sibling en", "our bill spiked overnight, how do we find the cause?", Mention, "usage-spike"},
		{"sibling zh", "上下文窗口是指输入和输出加起来的长度吗", Mention, "context-window"},
		{"sibling zh", "没泄露的 key 也要定期换吗", Mention, "key-rotation"},
		{"sibling zh", "推理模型为什么输出 token 比回答多", Mention, "reasoning-tokens"},
		// typos
		{"typo en", "wat is a api kye", Mention, "what-is-api-key"},
		{"typo en", "how do i rotaet my api key", Mention, "key-rotation"},
		{"typo en", "what are cahced tokens", Mention, "cached-tokens"},
		// very short lines
		{"short en", "rpm vs tpm?", Mention, "rate-limits"},
		{"short en", "ctx window?", Mention, "context-window"},
		{"short zh", "429 是啥", Mention, "rate-limits"},
		// long question with context
		{"long en", "we ship a chatbot that keeps the whole history in every call; after about forty turns it gets slow, costs a lot and finally errors out. why does that happen?", Mention, "long-conversations"},
		// asking the channel ("有人知道吗") is no topic
		{"filler zh", "token 怎么算钱的，有人知道吗", Mention, "token-billing"},
		// English terms inside Chinese
		{"mixed zh", "prompt tokens 和 completion tokens 有啥区别", Mention, "input-output-tokens"},
		{"mixed zh", "cached tokens 为什么便宜", Mention, "cached-tokens"},
		// Traditional Chinese
		{"traditional", "金鑰和 token 差在哪裡？", Mention, "key-vs-token"},
		{"traditional", "API 額度是什麼？", Mention, "quota-and-credits"},
		{"traditional", "快取 token 是什麼？", Mention, "cached-tokens"},
		{"traditional", "金鑰外洩了怎麼辦？", Mention, "key-leaked"},
		{"traditional passive", "上下文視窗是什麼意思？", Passive, "context-window"},
		{"traditional passive", "我的金鑰放久了會不會過期", Passive, "key-expiry"},
		{"traditional passive", "帳單怎麼突然暴增", Passive, "usage-spike"},
		{"taiwan usage", "快取命中能省多少錢", Mention, "cached-tokens"},
		// mention: a question act alone is no topic
		{"unrelated en", "what is the boiling point of olive oil?", Mention, ""},
		{"unrelated zh", "珠穆朗玛峰有多高？", Mention, ""},
		// passive: on-topic questions are answered
		{"passive en", "what's the difference between an api key and a token?", Passive, "key-vs-token"},
		{"passive zh", "为什么一直报 429？", Passive, "rate-limits"},
		// passive: help requests that are not phrased as questions are answered
		{"passive report en", "leaked my openai key in a public repo", Passive, "key-leaked"},
		{"passive report en", "429 too many requests from openai", Passive, "rate-limits"},
		{"passive query en", "tokens to words ratio", Passive, "token-word-ratio"},
		{"passive choice en", "one api key per service or one shared by all?", Passive, "key-per-environment"},
		{"passive report zh", "不小心把密钥发到群里了", Passive, "key-leaked"},
		{"passive report zh", "token 用量一夜之间翻了十倍", Passive, "usage-spike"},
		{"traditional passive report", "金鑰外洩了", Passive, "key-leaked"},
		// passive: narration and thanks about our domain stay silent
		{"narration", "rotated the openai key this morning, all good", Passive, ""},
		{"narration", "thanks, the 429s are gone now", Passive, ""},
		{"narration zh", "今天已经把 key 换好了", Passive, ""},
		{"narration zh", "谢谢，限流的问题解决了", Passive, ""},
		// passive: chatter that uses our words in other senses stays silent
		{"chatter", "who has the key to the server room?", Passive, ""},
		{"chatter", "my ssh key is rejected by the bastion, any idea?", Passive, ""},
		{"chatter", "how do I publish my GPG key?", Passive, ""},
		{"chatter", "should this table use a composite primary key?", Passive, ""},
		{"chatter", "why is the csrf token missing on the login form?", Passive, ""},
		{"chatter", "does the session token expire after an hour?", Passive, ""},
		{"chatter", "Unexpected token < in JSON at position 0, anyone seen this?", Passive, ""},
		{"chatter", "are we going to make the sales quota this month?", Passive, ""},
		{"chatter", "the budget for the team offsite is 5k, ideas?", Passive, ""},
		{"chatter", "how much did we spend on the AWS bill?", Passive, ""},
		{"chatter", "is the staging environment down?", Passive, ""},
		// passive: a keyed topic (rotation, expiry, leaks) needs a key,
		// token or AI API in the line; next to a distractor, an AI API
		{"chatter sense", "how often do we rotate the cleaning duty?", Passive, ""},
		{"chatter sense", "the ssl cert on the wiki expired, who renews it?", Passive, ""},
		{"chatter sense zh", "谁把年终奖的消息泄露了？", Passive, ""},
		{"chatter sense", "any idea what the rate limit is on the office printer queue?", Passive, ""},
		// passive: context, credits, batch and cache in their everyday sense
		{"chatter sense", "what's the context for this pr?", Passive, ""},
		{"chatter sense zh", "公司卡的额度够不够订酒店？", Passive, ""},
		{"api sense", "will a 300 page pdf fit in the context?", Passive, "context-window"},
		// passive: our own servers' limits and search engines' tokenizers
		// are someone else's "api" and "429"; a typo-like word (kong) is
		// still a distractor
		{"chatter infra", "how do we make our envoy proxy answer 429 instead of 503 when rate limiting?", Passive, ""},
		{"chatter infra", "kong keeps throttling the internal api, where is that configured?", Passive, ""},
		{"chatter infra", "which lucene analyzer tokenizes japanese text best?", Passive, ""},
		{"chatter infra zh", "服务器上的密钥对登录怎么开启？", Passive, ""},
		{"chatter quota", "who can raise my disk quota on the build box?", Passive, ""},
		{"api sense", "nginx in front of our openai calls keeps returning 429, is that openai's rate limit?", Passive, "rate-limits"},
		// passive: questions about people and events, even in our words,
		// ask the channel what happened; who can explain is a help request
		{"chatter people", "who rotated the anthropic key last night?", Passive, ""},
		{"chatter people", "has anyone topped up the openai credits?", Passive, ""},
		{"chatter people zh", "谁把 Claude 的 key 删了？", Passive, ""},
		{"help request", "who can explain what a token is?", Passive, "what-is-ai-token"},
		{"help request", "does anyone know why we keep getting 429s?", Passive, "rate-limits"},
		// passive: meetings and meals are the team's schedule, even with a model named
		{"chatter social", "is the claude pricing sync meeting moved to friday?", Passive, ""},
		{"chatter social zh", "大模型组周会几点开？", Passive, ""},
		// passive: 吃 token and 入门 are not meals and doors
		{"not a distractor zh", "中文是不是比英文更吃 token？", Passive, "chinese-vs-english"},
		// passive: "ai" names the domain as a core term does
		{"api sense", "how do we put a monthly spending limit on the ai account?", Passive, "quota-and-credits"},
		// passive: the anchors' words in other senses (a UI window, a
		// shell or UAC prompt, a data model, a tokenized card, gas fees)
		// anchor nothing; in their AI sense they still do
		{"chatter other sense", "how do I close that modal window that keeps blocking the page?", Passive, ""},
		{"chatter other sense", "windows uac prompt keeps appearing for every install, normal?", Passive, ""},
		{"chatter other sense", "is the data model for orders documented somewhere?", Passive, ""},
		{"chatter other sense", "does our checkout tokenize the card number before it hits our db?", Passive, ""},
		{"chatter other sense", "how much gas did that eth transfer cost you yesterday?", Passive, ""},
		{"chatter other sense zh", "点保存的时候确认弹窗出现两次，怎么回事？", Passive, ""},
		{"chatter other sense zh", "编译原理里 token 是什么意思？", Passive, ""},
		{"api sense", "how big is the context window of gpt-4o?", Passive, "context-window"},
		{"api sense zh", "Claude 的上下文視窗有多大？", Passive, "context-window"},
		{"chatter zh", "今年年假额度还有几天？", Passive, ""},
		{"chatter zh", "团建预算够不够？", Passive, ""},
		{"chatter zh", "地铁早高峰限流吗？", Passive, ""},
		{"chatter zh", "CDN 缓存多久过期？", Passive, ""},
		{"chatter zh", "测试环境又部署失败了，有人在看吗", Passive, ""},
		{"chatter zh", "那个 token 币这周涨了三倍", Passive, ""},
		{"chatter zh", "群里那段上下文我没看懂，他在说什么？", Passive, ""},
		{"passive report zh", "这周 token 用量涨了三倍", Passive, "usage-spike"},
		// passive: other services' bills are theirs unless a model is
		// named too; where a document is, the channel knows
		{"chatter bill", "how do we cut snowflake credits usage before renewal?", Passive, ""},
		{"chatter bill zh", "腾讯云账单这个月为什么涨了？", Passive, ""},
		{"chatter bill zh", "华为云账单为什么突然暴涨？", Passive, ""},
		{"chatter bill zh", "宽带费用怎么突然变高了？", Passive, ""},
		{"chatter bill zh", "这个月公司的开销怎么涨了这么多？", Passive, ""},
		{"api sense", "why did our bedrock bill for claude double this week?", Passive, "usage-spike"},
		{"chatter document", "is the openai invoice for march in the shared drive?", Passive, ""},
	}
	for _, tt := range tests {
		a, err := ix.Ask(context.Background(), tt.q, tt.mode)
		if err != nil {
			t.Fatalf("Ask(%q, %s): %v", tt.q, tt.mode, err)
		}
		got := ""
		if a.Answered {
			got = a.ID
		}
		if got != tt.want {
			t.Errorf("%s: Ask(%q, %s) = %q, want %q", tt.name, tt.q, tt.mode, got, tt.want)
		}
		if a.Answered && a.Lang == "zh" && a.Title != ix.entries[a.ID].Text["zh"].Question {
			t.Errorf("%s: Ask(%q) answered in %q, want the Simplified Chinese entry", tt.name, tt.q, a.Title)
		}
	}
}

// TestTrainingIsDeterministic builds the index twice: the intent model must
// come out the same, so every answer repeats and every score to within
// floating-point summation order (bleve adds sub-scores in varying order).
// Both builds load the precomputed model; TestIntentModelArtifact checks
// that training reproduces it.
func TestTrainingIsDeterministic(t *testing.T) {
	entries, err := Load(Embedded())
	if err != nil {
		t.Fatal(err)
	}
	other, err := NewIndex(entries, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	ix := testIndex(t)
	on, off := loadQuestionFile(t, "testdata/dev.yaml")
	for _, l := range append(on, off...) {
		for _, mode := range []Mode{Mention, Passive} {
			a, errA := ix.Ask(context.Background(), l.q, mode)
			b, errB := other.Ask(context.Background(), l.q, mode)
			if errA != nil || errB != nil {
				t.Fatalf("Ask(%q): %v, %v", l.q, errA, errB)
			}
			if a.ID != b.ID || math.Abs(a.Score-b.Score) > 1e-9 || a.Answered != b.Answered {
				t.Errorf("Ask(%q, %s) differs between two builds: %s %v vs %s %v", l.q, mode, a.ID, a.Score, b.ID, b.Score)
			}
		}
	}
}

// TestSkippedSearchKeepsTheAnswer checks the shortcut of Ask: when the
// intent model is decisive, searching could not have changed a mention's
// answer, so the answer is the one the full ranking gives.
func TestSkippedSearchKeepsTheAnswer(t *testing.T) {
	ix := testIndex(t)
	ctx := context.Background()
	skipped := 0
	for _, file := range []string{"testdata/questions.yaml", "testdata/dev.yaml", "testdata/dev2.yaml"} {
		on, _ := loadQuestionFile(t, file)
		for _, l := range on {
			nq := ix.normalize(sanitize(l.q))
			probs, _ := ix.model.predict(nq)
			if !ix.decisive(probs, bleveWeight) {
				continue
			}
			skipped++
			hits, err := ix.search(ctx, nq, DetectLang(l.q))
			if err != nil {
				t.Fatal(err)
			}
			full := ix.rank(hits, probs)[0].id
			a, err := ix.Ask(ctx, l.q, Mention)
			if err != nil {
				t.Fatal(err)
			}
			if !a.Answered || a.ID != full {
				t.Errorf("Ask(%q) = %q (answered %v), the full ranking gives %q", l.q, a.ID, a.Answered, full)
			}
		}
	}
	if skipped == 0 {
		t.Error("no question skipped the search")
	}
}

// TestKeyedTopics: topics asked about with a key, token or AI API named in
// nearly all their phrasings need one in a passive line; topics often asked
// without one (long chats, budgets, quotas) do not.
func TestKeyedTopics(t *testing.T) {
	ix := testIndex(t)
	keyed := map[string]bool{}
	for k, id := range ix.order {
		keyed[id] = ix.keyed[k]
	}
	for id, want := range map[string]bool{
		"key-rotation": true, "key-leaked": true, "key-expiry": true, "what-is-ai-token": true,
		"long-conversations": false, "team-budgets": false, "quota-and-credits": false, "chinese-vs-english": false,
	} {
		if keyed[id] != want {
			t.Errorf("keyed[%s] = %v, want %v", id, keyed[id], want)
		}
	}
}

// TestPassiveSkippedSearchKeepsTheAnswer: passive mode skips the search when
// the model's lead covers BM25's weight and the passive margin; with the
// search, the ranking would have picked the same topic with at least that
// margin, so the answer is the same.
func TestPassiveSkippedSearchKeepsTheAnswer(t *testing.T) {
	ix := testIndex(t)
	ctx := context.Background()
	skipped := 0
	for _, file := range []string{"testdata/questions.yaml", "testdata/dev.yaml", "testdata/dev2.yaml", "testdata/dev3.yaml", "testdata/dev4.yaml"} {
		on, _ := loadQuestionFile(t, file)
		for _, l := range on {
			nq := ix.normalize(sanitize(l.q))
			probs, _ := ix.model.predict(nq)
			if !ix.decisive(probs, bleveWeight+passiveMinMargin) {
				continue
			}
			skipped++
			hits, err := ix.search(ctx, nq, DetectLang(l.q))
			if err != nil {
				t.Fatal(err)
			}
			ranked := ix.rank(hits, probs)
			if len(hits) == 0 || ranked[0].score-ranked[1].score < passiveMinMargin {
				t.Errorf("%q: the full search gives %d hits and a margin of %.2f", l.q, len(hits), ranked[0].score-ranked[1].score)
			}
			a, err := ix.Ask(ctx, l.q, Passive)
			if err != nil {
				t.Fatal(err)
			}
			if a.Answered && a.ID != ranked[0].id {
				t.Errorf("Ask(%q, passive) = %q, the full ranking gives %q", l.q, a.ID, ranked[0].id)
			}
		}
	}
	if skipped == 0 {
		t.Error("no passive question skipped the search")
	}
	t.Logf("%d passive questions skipped the search", skipped)
}

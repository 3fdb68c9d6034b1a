package estimate

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tokenbot/tokenbot/bot/msg"
	"github.com/tokenbot/tokenbot/bot/tokens"
)

func newAnswerer(t *testing.T) *Answerer {
	t.Helper()
	cat, err := tokens.DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	day, _ := time.Parse(time.DateOnly, "2026-12-01")
	return &Answerer{Catalog: cat, Counter: tokens.NewCounter(tokens.Options{}), Now: func() time.Time { return day }}
}

func TestAnswer(t *testing.T) {
	a := newAnswerer(t)
	ctx := context.Background()
	rate := func(u, enc string) float64 {
		r, err := a.Rate(ctx, u, enc)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	zh2000 := round(2000 * rate("zh_char", "o200k_base"))
	pages300 := round(300 * 500 * rate("word", "o200k_base"))
	word := rate("word", "o200k_base")
	zhChar := rate("zh_char", "o200k_base")
	line := rate("line", "o200k_base")
	tests := []struct {
		name, q string
		passive bool
		lang    string
		want    []string // substrings of the answer, in order
		not     []string
	}{
		{"price of 1M input tokens", "how much is 1M input tokens on gpt-5.4?", false, "en",
			[]string{"*gpt-5.4* (openai): $2.50 per 1M input tokens, $0.25 per 1M cached input tokens, $15 per 1M output tokens.",
				"Prompts longer than 271,999 tokens cost $5 input and $22.50 output",
				"1,000,000 input tokens on *gpt-5.4*: $2.50.",
				"This assumes no single request has more than 271,999 input tokens; sent as one request, it would cost $5 at the long-context rate.",
				"as of 2026-09-23 (@pydantic/genai-prices 0.1.8)"}, nil},
		{"vs in Chinese", "claude-sonnet-4-6 vs gpt-5.4 价格", false, "zh",
			[]string{"*claude-sonnet-4-6*（anthropic）：输入每 100 万 token $3，缓存输入 $0.30，写入缓存 $3.75，输出 $15。",
				"*gpt-5.4*（openai）：输入每 100 万 token $2.50",
				"*claude-sonnet-4-6* 的输入价格是 *gpt-5.4* 的 1.2 倍。",
				"数据来自 2026-09-23 的模型目录"}, []string{"per 1M"}},
		{"does it fit", "does 300 pages fit in gemini-3.1-pro's context?", false, "en",
			[]string{"300 pages ≈ " + pages300 + " tokens: that fits in *gemini-3.1-pro-preview*'s 1,048,576-token context window",
				"This is an estimate:", "tokens per word with o200k_base", "a page is taken as 500 words",
				"Counts for *gemini-3.1-pro-preview* are estimates"}, nil},
		{"does not fit", "would 5000 pages fit in claude-sonnet-4-6's context window?", false, "en",
			[]string{"does not fit in *claude-sonnet-4-6*'s 1,000,000-token context window"}, nil},
		{"context in Chinese", "gpt-5.5 的上下文多大？", false, "zh",
			[]string{"*gpt-5.5* 的上下文窗口为 1,000,000 个 token。"}, []string{"$"}},
		{"size estimate", "roughly how many tokens is 2,000 Chinese characters?", false, "en",
			[]string{"2,000 Chinese characters ≈ " + zh2000 + " tokens with o200k_base", "This is an estimate:",
				"tokens per Chinese character with o200k_base, measured with the real counter on a sample text of 594 Chinese characters"}, nil},
		{"size in Chinese", "2000个汉字大概是多少个token？", false, "zh",
			[]string{"2,000 个汉字 ≈ " + zh2000 + " 个 token（o200k_base", "这是估算"}, nil},
		{"unknown model", "how much does gpt-9000-ultra cost?", false, "en",
			[]string{"I don't know the model `gpt-9000-ultra`; the closest in the catalog: gpt-"}, nil},
		{"unknown model then ordinary words", "is gpt-9000 still cheap?", false, "en",
			[]string{"I don't know the model `gpt-9000`; the closest in the catalog: gpt-"}, []string{"still"}},
		{"unknown model in Chinese", "gemini-9-ultra 多少钱？", false, "zh",
			[]string{"目录里没有 `gemini-9-ultra` 这个模型；最接近的：gemini-"}, nil},
		{"shut-down model", "what does gpt-4 cost per 1M tokens?", false, "en",
			[]string{"*gpt-4* is retired: its provider shut it down on 2026-10-23, and requests to it fail. Current models to use instead: gpt-5.6-sol. Its last known figures in the catalog:",
				"*gpt-4* (openai): $30 per 1M input tokens"}, nil},
		{"deprecated model in Chinese", "gpt-5 的价格是多少", false, "zh",
			[]string{"注意：*gpt-5* 已弃用，将于 2026-12-11 停止服务；可改用：gpt-6.1-sol"}, nil},
		// Model names as users type them.
		{"name in words", "how much is claude sonnet 4.6 vs gpt 5.4?", false, "en",
			[]string{"Taking `claude sonnet 4.6` as *claude-sonnet-4-6*.", "*claude-sonnet-4-6* (anthropic): $3 per 1M input tokens",
				"Taking `gpt 5.4` as *gpt-5.4*.", "*gpt-5.4* (openai): $2.50"}, nil},
		{"name run together", "gpt4o-mini price?", false, "en",
			[]string{"Taking `gpt4o-mini` as *gpt-4o-mini*.", "*gpt-4o-mini* (openai): $0.15 per 1M input tokens"}, nil},
		{"typo in the family word, in Chinese", "gemni 3.1 pro 的上下文多大？", false, "zh",
			[]string{"把 `gemni 3.1 pro` 理解为 *gemini-3.1-pro-preview*。", "*gemini-3.1-pro-preview* 的上下文窗口为 1,048,576 个 token"}, nil},
		{"a line without a version names its current models", "what does opus cost?", false, "en",
			[]string{"`opus` could mean several models: claude-opus-5-5, claude-opus-5, claude-opus-4-8. Name one for its figures."}, []string{"$"}},
		{"a line without a version, in Chinese", "sonnet 多少钱？", false, "zh",
			[]string{"`sonnet` 可能指多个模型：claude-sonnet-5"}, []string{"$"}},
		// Retired models: retired since when, what to use, then the last
		// known figures, labelled.
		{"retired model named as users type it", "claude 3.5 sonnet context?", false, "en",
			[]string{"Taking `claude 3.5 sonnet` as *claude-3-5-sonnet*.",
				"*claude-3-5-sonnet* is retired: its provider shut it down on 2025-10-28, and requests to it fail. Current models to use instead: claude-",
				"Its last known figures in the catalog:", "*claude-3-5-sonnet* has a context window of 200,000 tokens."}, nil},
		{"retired model in Chinese", "claude sonnet 4.5 的上下文多大？", false, "zh",
			[]string{"*claude-sonnet-4-5* 已停用：厂商已于 2026-11-30 停止服务，调用会失败。可改用的当前模型：claude-sonnet-5-5。目录里它最后的数据：",
				"*claude-sonnet-4-5* 的上下文窗口为 200,000 个 token，最多输出 64,000 个 token。"}, nil},
		// A share of the window is written as the /tokens report writes it.
		{"a tiny share", "does 10 words fit in gpt-4o's context?", false, "en",
			[]string{"128,000-token context window (<0.01% of it)."}, nil},
		{"a share above 10%", "does a book fit in gpt-4o's context?", false, "en",
			[]string{"128,000-token context window (78.4% of it)."}, nil},
		// Quantities people use, each with its stated assumption.
		{"a book", "does a book fit in claude-sonnet-4-6's context?", false, "en",
			[]string{"1 book ≈ " + round(90_000*word) + " tokens: that fits in *claude-sonnet-4-6*'s 1,000,000-token context window",
				"a book is taken as 90,000 words"}, nil},
		{"books in Chinese", "3本书能放进 gpt-5.5 的上下文吗？", false, "zh",
			[]string{"3 本书 ≈ " + round(3*200_000*zhChar) + " 个 token：能放进 *gpt-5.5* 的 1,000,000 token 上下文窗口", "一本书按 200,000 个汉字计（一部长篇的篇幅，假定值：没有找到可引用的来源）"}, nil},
		{"a book of N pages", "how many tokens is a 400-page book?", false, "en",
			[]string{"400 pages ≈ " + round(400*500*word) + " tokens with o200k_base", "a page is taken as 500 words"}, []string{"book is taken"}},
		{"a book of N pages in Chinese", "一本 300 页的书大概多少 token？", false, "zh",
			[]string{"300 页 ≈ " + round(300*800*zhChar) + " 个 token（o200k_base", "按每页 800 个汉字计"}, nil},
		{"one book in Chinese", "一本书大概多少token？", false, "zh",
			[]string{"1 本书 ≈ " + round(200_000*zhChar) + " 个 token（o200k_base", "这是估算"}, nil},
		{"a PDF with its pages", "does a 40-page PDF fit in gpt-5.4's context window?", false, "en",
			[]string{"40 pages ≈ " + round(40*500*word) + " tokens: that fits in *gpt-5.4*'s 1,050,000-token context window",
				"a page is taken as 500 words; only the document's text is counted"}, nil},
		{"a PDF with its pages, in Chinese", "20页的PDF能放进 claude sonnet 4.6 吗？", false, "zh",
			[]string{"20 页 ≈ " + round(20*800*zhChar) + " 个 token：能放进 *claude-sonnet-4-6*", "按每页 800 个汉字计（假定值：没有找到可引用的来源）；只计算文档的文字"}, nil},
		{"a Word doc without pages", "how many tokens is a Word doc?", false, "en",
			[]string{"1 page ≈ " + round(500*word) + " tokens with o200k_base", "Without the number of pages these figures are for one page"}, nil},
		{"words", "how many tokens is 2,000 words?", false, "en",
			[]string{"2,000 words ≈ " + round(2000*word) + " tokens with o200k_base", "tokens per word with o200k_base"}, nil},
		{"English words", "roughly how many tokens is 2,000 English words?", false, "en",
			[]string{"2,000 words ≈ " + round(2000*word) + " tokens with o200k_base"}, nil},
		{"a token count asked for", "token count for a 1500 word blog post, ballpark?", false, "en",
			[]string{"1,500 words ≈ " + round(1500*word) + " tokens with o200k_base"}, nil},
		{"characters of English", "roughly how many tokens are 10k characters?", false, "en",
			[]string{"10,000 characters ≈ " + round(10_000*rate("char", "o200k_base")) + " tokens"}, nil},
		{"万字", "10万字大概多少个token？", false, "zh",
			[]string{"100,000 个汉字 ≈ " + round(100_000*zhChar) + " 个 token"}, nil},
		{"pages in Chinese", "300 页能放进 gemini-3.1-pro 的上下文吗？", false, "zh",
			[]string{"300 页 ≈ " + round(300*800*zhChar) + " 个 token：能放进 *gemini-3.1-pro-preview*"}, nil},
		{"lines of code", "how many tokens is 5000 lines of code?", false, "en",
			[]string{"5,000 lines of code ≈ " + round(5000*line) + " tokens", "the sample is Go source"}, nil},
		{"lines of code in Chinese", "2000 行代码能放进 gpt-5.4 的上下文吗？", false, "zh",
			[]string{"2,000 行代码 ≈ " + round(2000*line) + " 个 token：能放进 *gpt-5.4*", "样本是 Go 源代码"}, nil},
		{"size with an ambiguous model", "does 2000 words fit in claude sonnet's context?", false, "en",
			[]string{"`claude sonnet` could mean several models", "2,000 words ≈ " + round(2000*word) + " tokens"}, nil},
		// Totals for the amounts asked, per role and summed.
		{"input and output amounts", "how much for 10M input + 2M output tokens on claude haiku 4.5", false, "en",
			[]string{"Taking `claude haiku 4.5` as *claude-haiku-4-5*.", "10,000,000 input tokens on *claude-haiku-4-5*: $10.",
				"2,000,000 output tokens on *claude-haiku-4-5*: $10.", "Total on *claude-haiku-4-5*: $20.", "as of 2026-09-23"}, nil},
		{"tokens in and out", "cost of 2M tokens in and 500k out on claude haiku 4.5?", false, "en",
			[]string{"2,000,000 input tokens on *claude-haiku-4-5*: $2.", "500,000 output tokens on *claude-haiku-4-5*: $2.50.",
				"Total on *claude-haiku-4-5*: $4.50."}, []string{"as output"}},
		{"in and out in a list", "gpt-5.4-nano: 200k in, 50k out, how much", false, "en",
			[]string{"200,000 input tokens on *gpt-5.4-nano*", "50,000 output tokens on *gpt-5.4-nano*", "Total on *gpt-5.4-nano*"}, nil},
		{"a whole id alone, in Chinese", "o3 输出一百万 token 要多少美元", false, "zh",
			[]string{"在 *o3* 上，1,000,000 个输出 token 花费 $8。"}, []string{"请指明模型"}},
		{"tokens in a book is not a role", "how many tokens in 300 pages?", false, "en",
			[]string{"300 pages ≈"}, []string{"input tokens"}},
		{"amounts in 万, in Chinese", "用 gpt-5.4-nano 处理 200 万输入、50 万输出大概多少钱", false, "zh",
			[]string{"在 *gpt-5.4-nano* 上，2,000,000 个输入 token 花费 $0.40。", "在 *gpt-5.4-nano* 上，500,000 个输出 token 花费 $0.625。",
				"在 *gpt-5.4-nano* 上合计 $1.025。"}, []string{"0.625000"}},
		{"1000 万 input tokens", "deepseek-flash 跑 1000 万输入 token 要多少钱", false, "zh",
			[]string{"在 *deepseek-flash* 上，10,000,000 个输入 token 花费 $3。"}, []string{"合计"}},
		// DeepSeek's catalog price is the peak rate; the answer says off-peak costs half.
		{"peak price with its note", "what does deepseek-v4-pro cost?", false, "en",
			[]string{"*deepseek-v4-pro* (deepseek): $1.32 per 1M input tokens, $0.044 per 1M cached input tokens, $3.96 per 1M output tokens.",
				"DeepSeek's peak-hour price (01:00-04:00 and 06:00-10:00 UTC on weekdays, Chinese public holidays excepted); off-peak hours cost half."}, nil},
		{"peak price with its note, in Chinese", "deepseek-flash 多少钱", false, "zh",
			[]string{"*deepseek-flash*（deepseek）：输入每 100 万 token $0.30，缓存输入 $0.006，输出 $1.20。",
				"以上为 DeepSeek 高峰时段价格", "空闲时段价格减半。"}, []string{"off-peak"}},
		{"no note where prices need none", "what does gpt-5.4 cost?", false, "en",
			[]string{"*gpt-5.4* (openai): $2.50"}, []string{"peak"}},
		// A retired id the provider routes to another model: it still
		// answers, at that model's prices.
		{"routed id, undated", "how much is 10M input tokens on deepseek-v4-flash?", false, "en",
			[]string{"*deepseek-v4-flash* is retired, but its id still answers: its provider serves requests to it with *deepseek-flash* and bills them at *deepseek-flash*'s prices. The figures below are *deepseek-flash*'s:",
				"*deepseek-flash* (deepseek): $0.30 per 1M input tokens", "off-peak hours cost half",
				"10,000,000 input tokens on *deepseek-flash*: $3."}, []string{"requests to it fail", "$0.22", "$2.20"}},
		{"routed id, undated, in Chinese", "deepseek-v4-flash 跑 1000 万输入 token 要多少钱", false, "zh",
			[]string{"*deepseek-v4-flash* 已停用，但这个模型名仍可调用：厂商用 *deepseek-flash* 处理发给它的请求，并按 *deepseek-flash* 的价格计费。以下是 *deepseek-flash* 的数据：",
				"在 *deepseek-flash* 上，10,000,000 个输入 token 花费 $3。"}, []string{"调用会失败", "$2.20"}},
		// Google turns a shut-down id off: the answer says so, names the
		// replacement and shows the retired model's own last figures.
		{"shut down, its id turned off", "gemini-2.5-pro price", false, "en",
			[]string{"*gemini-2.5-pro* is retired: its provider shut it down on 2026-12-01, and requests to it fail. Current models to use instead: gemini-3.8-flash. Its last known figures in the catalog:",
				"*gemini-2.5-pro* (google): $1.25 per 1M input tokens"}, []string{"still answers", "$0.75"}},
		{"a price valid until a date", "gemini 3.8 flash price", false, "en",
			[]string{"*gemini-3.8-flash* (google): $0.75 per 1M input tokens, $0.075 per 1M cached input tokens, $3.75 per 1M output tokens.",
				"Google's price through 2026-12-31; from 2027-01-01 Gemini 3.8 Flash costs $1.50 per 1M input tokens and $7.50 per 1M output tokens."}, nil},
		// "DeepSeek V3" is the V3.2 row; DeepSeek's API serves no V3 model now.
		{"a family name read as a retired model", "deepseek v3 price", false, "en",
			[]string{"Taking `deepseek v3` as *deepseek-v3.2*.",
				"*deepseek-v3.2* is retired: its provider shut it down on 2026-07-24, and requests to it fail. Current models to use instead: deepseek-flash."}, []string{"still answers"}},
		{"a family name read as a retired model, in Chinese", "DeepSeek V3 最多支持多长上下文", false, "zh",
			[]string{"把 `DeepSeek V3` 理解为 *deepseek-v3.2*。",
				"*deepseek-v3.2* 已停用：厂商已于 2026-07-24 停止服务，调用会失败。可改用的当前模型：deepseek-flash。",
				"*deepseek-v3.2* 的上下文窗口为 128,000 个 token。"}, []string{"仍可调用"}},
		{"a -latest alias", "mistral-large-latest context", false, "en",
			[]string{"*mistral-large* has a context window of 262,144 tokens."}, []string{"does not list"}},
		{"retired alias whose requests fail", "deepseek-chat price", false, "en",
			[]string{"*deepseek-chat* is retired: its provider shut it down on 2026-07-24, and requests to it fail. Current models to use instead: deepseek-flash.",
				"*deepseek-chat* (deepseek): $0.135 per 1M input tokens"}, []string{"still answers"}},
		{"retired alias whose requests fail, in Chinese", "deepseek-reasoner 多少钱", false, "zh",
			[]string{"*deepseek-reasoner* 已停用：厂商已于 2026-07-24 停止服务，调用会失败。可改用的当前模型：deepseek-flash。"}, []string{"仍可调用"}},
		{"an amount without a model", "cost of 2 million input tokens", false, "en",
			[]string{"Name a model to price 2,000,000 input tokens", "as of 2026-09-23"}, nil},
		{"一百万 output tokens without a model", "生成一百万输出 token 要花多少", false, "zh",
			[]string{"请指明模型来计算 1,000,000 个输出 token 的费用"}, nil},
		{"half a million, both roles unsaid", "how much are half a million tokens on gpt-5.4?", false, "en",
			[]string{"500,000 tokens on *gpt-5.4*: $1.25 as input, $7.50 as output.", "This assumes no single request has more than 271,999 input tokens; sent as one request, it would cost $2.50"}, nil},
		{"one request above the long tier", "what does one request with 500k input and 10k output tokens cost on gpt-5.4?", false, "en",
			[]string{"500,000 input tokens on *gpt-5.4*: $2.50.", "10,000 output tokens on *gpt-5.4*: $0.225.", "Total on *gpt-5.4*: $2.725.",
				"As one request with more than 271,999 input tokens, this is priced at the long-context rate."}, []string{"assumes"}},
		{"one request larger than the window, full-width digits", "gpt-5.4 一次处理 ２００ 万输入 token 多少钱", false, "zh",
			[]string{"在 *gpt-5.4* 上，2,000,000 个输入 token 花费 $10。", "注意：2,000,000 个输入 token 放不进对 *gpt-5.4* 的单次请求"}, nil},
		{"cached input tokens", "how much do 300 mil cached input tokens cost on claude-sonnet-4-6", false, "en",
			[]string{"300,000,000 cached input tokens on *claude-sonnet-4-6*: $90."}, nil},
		// gpt-5.4's cached input costs $0.25 per 1M, $0.50 above its long tier.
		{"cached input in one request above the long tier", "how much do 300,000 cached input tokens cost on gpt-5.4 in one request", false, "en",
			[]string{"300,000 cached input tokens on *gpt-5.4*: $0.15."}, nil},
		{"cached input, long tier assumed", "how much do 300,000 cached input tokens cost on gpt-5.4", false, "en",
			[]string{"300,000 cached input tokens on *gpt-5.4*: $0.075.", "sent as one request, it would cost $0.15 at the long-context rate"}, nil},
		// A version is not an amount.
		{"version before input tokens", "price of grok-4.6 input tokens?", false, "en",
			[]string{"*grok-4.6* (xai): $2 per 1M input tokens"}, []string{"4 tokens", "on *grok-4.6*:"}},
		{"version after a family word", "price of grok 4.6 input tokens?", false, "en",
			[]string{"*grok-4.6* (xai): $2 per 1M input tokens"}, []string{"on *grok-4.6*:"}},
		// Names followed by ordinary words, and phrasings of each kind.
		{"name then ordinary words", "is claude-3-opus still $15/$75 per million?", false, "en",
			[]string{"*claude-3-opus-latest* is retired", "$15 per 1M input tokens", "$75 per 1M output tokens"}, []string{"don't know"}},
		{"什么价", "claude opus 4.6 每百万 token 什么价", false, "zh",
			[]string{"*claude-opus-4-6*（anthropic）：输入每 100 万 token $5"}, []string{"花费"}},
		{"单价", "grok-4.6 输出单价多少", false, "zh",
			[]string{"*grok-4.6*（xai）：输入每 100 万 token $2，缓存输入 $0.50，输出 $6。"}, nil},
		{"an id with spaces, in Traditional Chinese", "mistral large 價格多少", false, "zh",
			[]string{"把 `mistral large` 理解为 *mistral-large*。", "*mistral-large*（mistral）：输入每 100 万 token $0.50，缓存输入 $0.50，输出 $1.50。"}, []string{"可能指多个模型"}},
		{"Traditional Chinese price", "gpt-5.4 價格多少", false, "zh",
			[]string{"*gpt-5.4*（openai）：输入每 100 万 token $2.50"}, nil},
		{"最多能输入", "gemini-2.5-flash 最多能输入多少 token", false, "zh",
			[]string{"*gemini-2.5-flash* 已停用：厂商已于 2026-12-01 停止服务，调用会失败。可改用的当前模型：gemini-3.5-flash-lite。",
				"*gemini-2.5-flash* 的上下文窗口为 1,048,576 个 token"}, []string{"仍可调用"}},
		{"放得进", "200 页的 PDF 放得进 deepseek-v4-pro 吗", false, "zh",
			[]string{"200 页 ≈ " + round(200*800*zhChar) + " 个 token：能放进 *deepseek-v4-pro*", "只计算文档的文字"}, nil},
		{"一万字 算多少 token", "一万字的中文文章在 gpt-5.5 里算多少 token", false, "zh",
			[]string{"10,000 个汉字 ≈ " + round(10_000*zhChar) + " 个 token"}, nil},
		{"Traditional 萬字", "100 萬字的中文小說大概多少 token", false, "zh",
			[]string{"1,000,000 个汉字 ≈ " + round(1e6*zhChar) + " 个 token", "这是估算"}, nil},
		{"1.5万字", "1.5万字大概多少 token？", false, "zh",
			[]string{"15,000 个汉字 ≈ " + round(15_000*zhChar) + " 个 token"}, nil},
		{"take ... in one go", "can gemini-3-flash-preview take a 1,500 page PDF in one go?", false, "en",
			[]string{"1,500 pages ≈ " + round(1500*500*word) + " tokens: that fits in *gemini-3-flash-preview*'s 1,000,000-token context window"}, nil},
		{"passive: names a model and asks the price", "what's the price of claude-opus-4-7?", true, "en",
			[]string{"*claude-opus-4-7* (anthropic): $5 per 1M input tokens"}, nil},
		// A comparison compares the role the question names. gpt-4o and
		// gpt-5.4 cost the same per input token, differ 1.5× on output
		// and 5× on cached input.
		{"compare output", "how much cheaper is gpt-4o than gpt-5.4 per million output tokens?", false, "en",
			[]string{"Output on *gpt-5.4* costs 1.5× what it costs on *gpt-4o*."}, []string{"Input on", "Cached input on"}},
		{"compare output in Chinese", "gpt-4o 比 gpt-5.4 的输出便宜多少", false, "zh",
			[]string{"*gpt-5.4* 的输出价格是 *gpt-4o* 的 1.5 倍。"}, []string{"的输入价格是", "的缓存输入价格是"}},
		{"compare output in Traditional Chinese", "gpt-4o 和 gpt-5.4 的輸出價格比較", false, "zh",
			[]string{"*gpt-5.4* 的输出价格是 *gpt-4o* 的 1.5 倍。"}, []string{"的输入价格是"}},
		{"compare cached input", "compare the cached input price of gpt-4o and gpt-5.4", false, "en",
			[]string{"Cached input on *gpt-4o* costs 5.0× what it costs on *gpt-5.4*."}, []string{"Output on", "\nInput on"}},
		{"compare cached input in Chinese", "gpt-4o 和 gpt-5.4 的缓存价格对比", false, "zh",
			[]string{"*gpt-4o* 的缓存输入价格是 *gpt-5.4* 的 5.0 倍。"}, []string{"的输出价格是"}},
		{"compare input and output", "gpt-4o vs claude-sonnet-4-6: input and output prices", false, "en",
			[]string{"Input on *claude-sonnet-4-6* costs 1.2× what it costs on *gpt-4o*.", "Output on *claude-sonnet-4-6* costs 1.5× what it costs on *gpt-4o*."}, []string{"Cached input on"}},
		{"compare input in Chinese", "gpt-4o 和 claude-sonnet-4-6 的输入价格对比", false, "zh",
			[]string{"*claude-sonnet-4-6* 的输入价格是 *gpt-4o* 的 1.2 倍。"}, []string{"的输出价格是"}},
		{"compare with no role named", "gpt-4o vs claude-sonnet-4-6 pricing", false, "en",
			[]string{"Input on *claude-sonnet-4-6* costs 1.2× what it costs on *gpt-4o*."}, []string{"Output on", "Cached input on"}},
		// An amount in tokens is not converted to tokens.
		{"tokens do not fit", "does 250,000 tokens fit in gpt-4o's context window?", false, "en",
			[]string{"250,000 tokens: that does not fit in *gpt-4o*'s 128,000-token context window (195.3% of it)."}, []string{"≈", "This is an estimate"}},
		{"tokens fit in Chinese", "25 万 token 放得进 gpt-5.4 的上下文吗", false, "zh",
			[]string{"250,000 个 token：能放进 *gpt-5.4* 的 1,050,000 token 上下文窗口（占 23.8%）。"}, []string{"≈", "这是估算"}},
		{"tokens in Traditional Chinese", "25 萬 token 放得進 gpt-4o 的上下文視窗嗎", false, "zh",
			[]string{"250,000 个 token：放不进 *gpt-4o* 的 128,000 token 上下文窗口"}, []string{"≈"}},
		// Chinese quantities and names in both scripts.
		{"三十万字 换算成 token", "三十万字的小说换算成 token 大概多少", false, "zh",
			[]string{"300,000 个汉字 ≈ " + round(3e5*zhChar) + " 个 token（o200k_base", "这是估算"}, nil},
		{"三十萬字 in Traditional Chinese", "三十萬字的小說換算成 token 大概多少", false, "zh",
			[]string{"300,000 个汉字 ≈ " + round(3e5*zhChar) + " 个 token（o200k_base"}, nil},
		{"两千字 token 有多少", "两千字的 token 数有多少", false, "zh",
			[]string{"2,000 个汉字 ≈ " + zh2000 + " 个 token"}, nil},
		{"一千万 token 输入 on mistral medium", "mistral medium 处理一千万 token 输入要多少美元", false, "zh",
			[]string{"把 `mistral medium` 理解为 *mistral-medium-3-1*。", "*mistral-medium-3-1*（mistral）：输入每 100 万 token $0.40",
				"在 *mistral-medium-3-1* 上，10,000,000 个输入 token 花费 $4。"}, []string{"作为输出"}},
		{"一千萬 token 輸入 in Traditional Chinese", "mistral medium 處理一千萬 token 輸入要多少美元", false, "zh",
			[]string{"在 *mistral-medium-3-1* 上，10,000,000 个输入 token 花费 $4。"}, nil},
		{"3千万 token", "gpt-5.4 处理 3千万 token 输入多少钱", false, "zh",
			[]string{"在 *gpt-5.4* 上，30,000,000 个输入 token 花费 $75。"}, nil},
		{"百萬 輸出 in Traditional Chinese", "claude-sonnet-4-6 處理一百萬輸出 token 多少錢", false, "zh",
			[]string{"在 *claude-sonnet-4-6* 上，1,000,000 个输出 token 花费 $15。"}, nil},
		{"百万 token 输出", "claude-sonnet-4-6 百万 token 输出多少钱", false, "zh",
			[]string{"在 *claude-sonnet-4-6* 上，1,000,000 个输出 token 花费 $15。"}, nil},
		{"上下文視窗 in Traditional Chinese", "gemini-3.1-pro 的上下文視窗多大", false, "zh",
			[]string{"*gemini-3.1-pro-preview* 的上下文窗口为 1,048,576 个 token"}, nil},
		// Claude Opus 5.5, Anthropic's current Opus model, by its usual names.
		{"price of the current Opus", "how much does claude opus 5.5 cost?", false, "en",
			[]string{"Taking `claude opus 5.5` as *claude-opus-5-5*.",
				"*claude-opus-5-5* (anthropic): $4 per 1M input tokens, $0.20 per 1M cached input tokens, $5 per 1M tokens written to the cache, $20 per 1M output tokens."}, []string{"could mean", "$25"}},
		{"price of the current Opus, in Chinese", "Claude Opus 5.5 的价格是多少", false, "zh",
			[]string{"把 `Claude Opus 5.5` 理解为 *claude-opus-5-5*。",
				"*claude-opus-5-5*（anthropic）：输入每 100 万 token $4，缓存输入 $0.20，写入缓存 $5，输出 $20。"}, []string{"可能指多个模型", "$25"}},
		{"context of the current Opus", "what is the context window of claude-opus-5-5?", false, "en",
			[]string{"*claude-opus-5-5* has a context window of 1,000,000 tokens, with at most 128,000 output tokens."}, nil},
		{"context of the current Opus, in Chinese", "claude-opus-5.5 最多支持多长上下文", false, "zh",
			[]string{"*claude-opus-5-5* 的上下文窗口为 1,000,000 个 token，最多输出 128,000 个 token。"}, nil},
		{"an added model", "claude fable 5.2 price", false, "en",
			[]string{"Taking `claude fable 5.2` as *claude-fable-5-2*.",
				"*claude-fable-5-2* (anthropic): $8 per 1M input tokens, $0.20 per 1M cached input tokens, $10 per 1M tokens written to the cache, $40 per 1M output tokens."}, []string{"$50"}},
		{"an added OpenAI model", "gpt-6.2-astra context window", false, "en",
			[]string{"*gpt-6.2-astra* has a context window of 1,050,000 tokens, with at most 128,000 output tokens."}, []string{"does not list"}},
		// A legacy model: still served, its provider names the current one.
		{"legacy model", "claude opus 5 price", false, "en",
			[]string{"*claude-opus-5* (anthropic): $5 per 1M input tokens", "Note: *claude-opus-5* is a legacy model: still served, but its provider recommends claude-opus-5-5."}, []string{"retired", "deprecated"}},
		{"legacy model, in Chinese", "claude-sonnet-5 的上下文窗口多大", false, "zh",
			[]string{"*claude-sonnet-5* 的上下文窗口为 1,000,000 个 token", "注意：*claude-sonnet-5* 是旧版模型：仍可调用，但厂商建议改用 claude-sonnet-5-5。"}, []string{"已停用", "已弃用"}},
		// Google routes the deprecated gemini-3.5-flash to gemini-3.6-flash.
		{"deprecated id Google routes", "gemini-3.5-flash price", false, "en",
			[]string{"*gemini-3.5-flash* is retired, but its id still answers: its provider serves requests to it with *gemini-3.6-flash* and bills them at *gemini-3.6-flash*'s prices.",
				"*gemini-3.6-flash* (google): $0.75 per 1M input tokens"}, []string{"requests to it fail", "$1.50"}},
		// A retired id the dataset folded into a newer model's row.
		{"retired id with a row of its own", "mistral-large-2411 price", false, "en",
			[]string{"*mistral-large-2411* is retired: its provider shut it down on 2026-05-31, and requests to it fail. Current models to use instead: mistral-medium-3-5.",
				"*mistral-large-2411* (mistral): $2 per 1M input tokens, $2 per 1M cached input tokens, $6 per 1M output tokens."}, []string{"*mistral-large* (mistral)", "$0.50", "$1.50"}},
		{"retired id with no price", "mistral-large-2407 price", false, "en",
			[]string{"I don't know the model `mistral-large-2407`"}, []string{"$0.50", "$1.50"}},
		{"deepseek r1 is DeepSeek's own", "deepseek r1 price?", false, "en",
			[]string{"Taking `deepseek r1` as *deepseek-reasoner*.", "*deepseek-reasoner* is retired"}, []string{"distill"}},
		{"deepseek r1 in Traditional Chinese", "deepseek r1 的價格", false, "zh",
			[]string{"把 `deepseek r1` 理解为 *deepseek-reasoner*。"}, []string{"distill"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ans, ok, err := a.Answer(ctx, tt.q, tt.passive)
			if err != nil || !ok {
				t.Fatalf("Answer(%q) = %v, %v", tt.q, ok, err)
			}
			knownTexts(t, ans.Doc)
			if ans.Lang != tt.lang || ans.Doc.Lang != tt.lang {
				t.Errorf("lang %s; want %s", ans.Lang, tt.lang)
			}
			rest := ans.Text
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("answer lacks (in order) %q:\n%s", w, ans.Text)
				}
				rest = rest[i+len(w):]
			}
			for _, n := range tt.not {
				if strings.Contains(ans.Text, n) {
					t.Errorf("answer has %q:\n%s", n, ans.Text)
				}
			}
		})
	}
}

func TestNotAnswered(t *testing.T) {
	a := newAnswerer(t)
	for _, tt := range []struct {
		q       string
		passive bool
	}{
		{"the offsite budget is 5k", false},
		{"the offsite budget is 5k", true},
		{"how much did the offsite cost? about $5,000 for 300 people", false},
		{"预算是 5000 块，大家看看", false},
		{"what is an API key?", false},
		{"how many tokens is 2000 Chinese characters?", true}, // passive needs a model
		{"I switched to claude-sonnet-4-6 yesterday, it's great", true},
		{"claude-sonnet-4-6 is so expensive lol", true}, // a remark, not a question
		{"gpt-5.4 的价格涨了", true},
		{"gpt-5.4 is great", false},
		{"这周加班 10 个小时", false},
		{"预算 5 万够不够团建", false},
		{"买了 2 本书，花了 100 块", true},
		{"", false},
		{strings.Repeat("gpt-5.4 price ", 1000), false}, // longer than a question
	} {
		if ans, ok, err := a.Answer(context.Background(), tt.q, tt.passive); ok || err != nil {
			t.Errorf("Answer(%.40q, passive %v) = %q, %v; want no answer", tt.q, tt.passive, ans.Text, err)
		}
	}
}

// knownTexts fails t when d names a text the catalogue lacks in its
// language (it would be said as its id).
func knownTexts(t *testing.T, d msg.Doc) {
	t.Helper()
	var check func(v any)
	check = func(v any) {
		switch v := v.(type) {
		case msg.Message:
			if _, _, ok := msg.Default.Forms(d.Lang, v.ID); !ok {
				t.Errorf("text %s is not in the %s catalogue", v.ID, d.Lang)
			}
			for _, f := range v.Fields {
				check(f)
			}
		case msg.List:
			for _, x := range v {
				check(x)
			}
		}
	}
	for _, p := range d.Parts {
		if p.Msg != nil {
			check(*p.Msg)
		}
	}
}

func FuzzAnswer(f *testing.F) {
	for _, s := range []string{"how much is 1M input tokens on gpt-5.4?", "gpt-5.5 的上下文多大？", "does 300 pages fit in gemini-3.1-pro's context?", "9999999999999 tokens gpt-5 price", "\xff gpt-"} {
		f.Add(s)
	}
	cat, err := tokens.DefaultCatalog()
	if err != nil {
		f.Fatal(err)
	}
	a := &Answerer{Catalog: cat, Counter: tokens.NewCounter(tokens.Options{})}
	f.Fuzz(func(t *testing.T, q string) {
		if _, _, err := a.Answer(context.Background(), q, false); err != nil {
			t.Fatal(err)
		}
	})
}

func TestMeasureOutlivesCancelledQuestion(t *testing.T) {
	a := newAnswerer(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	q := "How many tokens is 2,000 Chinese characters?"
	a.Answer(ctx, q, false)
	got, ok, err := a.Answer(context.Background(), q, false)
	if err != nil || !ok || !strings.Contains(got.Text, "tokens") {
		t.Fatalf("after a cancelled question: %q, %v, %v", got.Text, ok, err)
	}
}

// Every estimate.* text of the catalogue is one this package says: a
// text no code names is a leftover.
func TestEveryEstimateTextIsUsed(t *testing.T) {
	var src strings.Builder
	for _, name := range []string{"estimate.go", "amount.go"} {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		src.Write(b)
	}
	for _, id := range msg.Default.IDs(msg.FallbackLang) {
		key, ok := strings.CutPrefix(string(id), "estimate.")
		if !ok {
			continue
		}
		// role.input, ratio.input and unit.page are built from a prefix
		// and a key the code lists.
		prefix, last, nested := strings.Cut(key, ".")
		if nested {
			if !strings.Contains(src.String(), prefix+`."`) || !strings.Contains(src.String(), `"`+last+`"`) {
				t.Errorf("text %s is not said by the code", id)
			}
			continue
		}
		if !strings.Contains(src.String(), `"`+key+`"`) && !strings.Contains(src.String(), `"`+string(id)+`"`) {
			t.Errorf("text %s is not said by the code", id)
		}
	}
}

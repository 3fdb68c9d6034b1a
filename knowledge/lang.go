package knowledge

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxQuestionBytes is how much of a question is searched: longer input is cut
// to its first 4 KiB (at a character boundary) before matching.
const MaxQuestionBytes = 4 << 10

// sanitize replaces invalid UTF-8, cuts the text to MaxQuestionBytes and trims it.
func sanitize(s string) string {
	if len(s) > MaxQuestionBytes {
		cut := MaxQuestionBytes
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut]
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if r == 0 || (unicode.IsControl(r) && r != '\n' && r != '\t') {
			return ' '
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// passiveFocusBytes bounds what passive mode reads of a line: a longer line
// (a pasted log, a long account) is reduced to the sentences that ask, or to
// its start when none does, so a 4 KiB line costs about what a chat question
// does and its other sentences cannot route it.
const passiveFocusBytes = 512

// passiveFocus returns s if it is at most passiveFocusBytes long. Otherwise
// it returns the last sentences with a question mark, in order, up to
// passiveFocusBytes; without one, the last sentence if it reads as a
// question (see IsQuestion); else the first passiveFocusBytes of s (at a
// character boundary). Only the last sentence is matched against the
// question patterns, so the work stays linear and small.
func passiveFocus(s string) string {
	if len(s) <= passiveFocusBytes {
		return s
	}
	var sentences []string
	start := 0
	for i, r := range s {
		if strings.ContainsRune(".?!。？！\n", r) {
			end := i + utf8.RuneLen(r)
			if t := strings.TrimSpace(s[start:end]); t != "" {
				sentences = append(sentences, t)
			}
			start = end
		}
	}
	if t := strings.TrimSpace(s[start:]); t != "" {
		sentences = append(sentences, t)
	}
	var picked []string
	n := 0
	for i := len(sentences) - 1; i >= 0; i-- {
		if t := sentences[i]; strings.ContainsAny(t, "?？") && n+len(t) <= passiveFocusBytes {
			picked = append(picked, t)
			n += len(t) + 1
		}
	}
	if len(picked) > 0 {
		slices.Reverse(picked)
		return strings.Join(picked, " ")
	}
	if k := len(sentences); k > 0 && len(sentences[k-1]) <= passiveFocusBytes && IsQuestion(sentences[k-1]) {
		return sentences[k-1]
	}
	cut := passiveFocusBytes
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

// DetectLang reports "zh" when Han characters make up a meaningful share of
// the letters in s (at least one in five, or at least two Han characters when
// the rest is mostly short technical words such as "API key"), else "en".
func DetectLang(s string) string {
	var han, latinWords int
	inWord := false
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Han, r):
			han++
			inWord = false
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if !inWord {
				latinWords++
				inWord = true
			}
		default:
			inWord = false
		}
	}
	if han == 0 {
		return "en"
	}
	// Compare Han characters to words, not letters: "API key 和 token 一样吗"
	// has 3 Latin words and 4 Han characters and is a Chinese question.
	if han >= 2 && han*2 >= latinWords {
		return "zh"
	}
	if han*5 >= han+latinWords {
		return "zh"
	}
	return "en"
}

var (
	enQuestionStart = regexp.MustCompile(`(?i)^\s*(?:@\S+\s+)?(?:hey|hi|so|ok|okay|btw|quick question|question)?[,:\s]*(what|what's|whats|how|how's|why|when|where|which|who|whose|is|isn't|are|aren't|does|doesn't|do|don't|did|can|can't|could|should|would|will|won't|shall|may|am|was|were|has|have|anyone|any|explain|tell me|difference|wat|wats|wut)\b`)
	enQuestionWord  = regexp.MustCompile(`(?i)\b(what|how|why|which|whats|difference between|is it|is there|does it|do i|do we|can i|can we|should i|should we|vs)\b`)
	zhQuestionWord  = regexp.MustCompile(`什么|啥|怎么|怎样|咋|为什么|为啥|吗|嘛|呢|如何|多少|多大|多长|多久|是否|哪|几个|几种|几折|几成|几倍|能不能|能否|可不可以|可以不|有没有|是不是|区别|差别|不同|行不行|对不对|好不好|要不要|会不会|算不算|用不用|够不够|一样不|不[。.!！\s]*$`)
)

// IsQuestion reports whether a chat line reads as a question.
func IsQuestion(s string) bool {
	if strings.ContainsAny(s, "?？") {
		return true
	}
	if zhQuestionWord.MatchString(s) {
		return true
	}
	return enQuestionStart.MatchString(s) || enQuestionWord.MatchString(s)
}

// Chat lines that are not phrased as questions can still ask for help: a
// problem report ("leaked my key", "usage suddenly 10x", "429 too many
// requests") or a search-style query of a few words ("tokens to words
// ratio", "cap output tokens"). Narration ("rotated the key this morning",
// "we moved to the batch api") is neither: it has a subject or a finished
// verb and no trouble word.
var (
	troubleEN = regexp.MustCompile(`(?i)\b(help|error|errors|fail\w*|broken|stopped working|not working|doesn'?t work|leak\w*|stolen|exposed|compromised|committed|pushed|pasted|posted|shared|spik\w*|doubled|tripled|jump\w*|surg\w*|explod\w*|skyrocket\w*|suddenly|unexpected|truncat\w*|cut off|ran out|run out|out of|exceeded|expired|too many|4\d\d|insufficient quota|what now|asap|urgent|emergency|oops|accidentally)\b`)
	troubleZH = regexp.MustCompile(`报错|错误|失败|不能用|用不了|失效|泄露|泄漏|外泄|被盗|盗用|暴露|不小心|误把|推到|提交到|发到|贴到|暴涨|激增|猛增|飙升|翻倍|翻了|涨了|[两三四五六七八九十\d]倍|突然|异常|截断|用完|用光|超限|超出|超过|过期了|到期了|报\s*[a-z0-9]|4\d\d|求助|紧急|救命`)
	// requestEN and requestZH: imperatives and choices ("walk me through
	// a request", "one key per app or per env", 帮我讲讲, 还是).
	requestEN = regexp.MustCompile(`(?i)\b(walk me|tell me|show me|help me|explain|or)\b`)
	requestZH = regexp.MustCompile(`帮我|带我|告诉我|讲讲|说说|解释一下|介绍一下|还是`)
	// narrationEN: a subject or a finite verb of a statement.
	narrationEN = regexp.MustCompile(`(?i)\b(i|i'm|i'll|i've|we|we're|we'll|we've|you|he|she|they|it|it's|is|are|was|were|has|have|had|will|just|lol|done|merged|moved|rotated|added|deployed|finished|nice|great)\b`)
	narrationZH = regexp.MustCompile(`我|你|他|她|咱|已经|了|过|真|挺|哈哈|提醒`)
	// resolvedEN and resolvedZH: thanks or a problem that is over.
	resolvedEN = regexp.MustCompile(`(?i)\b(thanks|thank you|thx|ty|fixed now|works now|working now|all good|gone now|resolved|sorted)\b`)
	resolvedZH = regexp.MustCompile(`谢谢|多谢|感谢|好了|解决了|没有了|没问题了|恢复了`)
)

// Questions about people and events ("who rotated the key?", "did anyone
// top up the credits?", 谁把 key 换了？) ask the channel what happened, which
// no FAQ entry knows, even in the bot's own vocabulary. Not one of the
// development sets' 1,700 on-topic questions is one; asking who can explain
// or who knows something is a help request and does not count.
var (
	aboutPeopleEN = regexp.MustCompile(`(?i)^\W*(?:@\S+\s+)?(?:(?:hey|hi|so|ok|okay|btw|quick question)\W+)?(?:who|whose|whom)\b|\b(?:did|has|have)\s+(?:anyone|someone|somebody|anybody|you|u)\b`)
	aboutPeopleZH = regexp.MustCompile(`谁`)
	askingHelp    = regexp.MustCompile(`(?i)\bwho\s+(?:can|could|knows|would know)\b|谁能|谁会|谁知道|谁懂|谁了解|谁清楚|谁有经验`)
)

// aboutPeople reports whether a chat line asks who did something or
// whether someone did.
func aboutPeople(s string) bool {
	return (aboutPeopleEN.MatchString(s) || aboutPeopleZH.MatchString(s)) && !askingHelp.MatchString(s)
}

// Meetings, meals and parties: a line about one is the team's schedule even
// when it names a model ("is the llm team meeting still at 3?"). Unlike the
// other distractors (a game, a home, a train can be an AI app's), none of
// these occurs in the development sets' on-topic questions.
var (
	socialEN = newPhraseSet(`meeting meetings standup standups stand-up sync-up offsite off-site retro
		lunch dinner breakfast party birthday coffee happy_hour all-hands all_hands`)
	socialZH = newSubstrings(`开会 会议 例会 站会 周会 聚餐 午饭 晚饭 团建 年会 生日 几点开`)
)

// aboutSocial reports whether a chat line is about a meeting, a meal or a
// party.
func aboutSocial(s string) bool { return socialEN.match(s) || socialZH.match(s) }

// Questions asking where a document is ("is the openai invoice in the
// finance folder?", 合同扫描件在哪个目录？) ask the channel about its own
// files, which no FAQ entry knows, even when they name a provider.
var (
	documentEN = regexp.MustCompile(`(?i)\b(?:invoices?|receipts?|spreadsheets?|pdfs?|contracts?|folders?|drive|statements?|decks?|slides|documents?|docs)\b`)
	documentZH = regexp.MustCompile(`发票|收据|表格|合同|扫描件|文件夹|报表|对账单|文档`)
	whereEN    = regexp.MustCompile(`(?i)\bwhere(?:'s|s)?\b|\bin the (?:\w+ )?(?:folder|drive)\b|\bcan (?:you|someone|anyone) find\b`)
	whereZH    = regexp.MustCompile(`在哪|放哪|哪里|哪儿|哪个目录|哪个文件夹|文件夹里|在不在`)
)

// aboutDocuments reports whether a chat line asks where a document is.
func aboutDocuments(s string) bool {
	return (whereEN.MatchString(s) && documentEN.MatchString(s)) || (whereZH.MatchString(s) && documentZH.MatchString(s))
}

// maxQueryWords is the most words (or Han characters / 3) of a search-style
// query without a question form.
const maxQueryWords = 8

// helpRequest reports whether a chat line that does not read as a question
// (see IsQuestion) still asks for help: a problem report, or, without
// narration, an imperative, a choice or a short search-style query. Thanks
// and problems that are over never are.
func helpRequest(s string) bool {
	if resolvedEN.MatchString(s) || resolvedZH.MatchString(s) {
		return false
	}
	if troubleEN.MatchString(s) || troubleZH.MatchString(s) {
		return true
	}
	if narrationEN.MatchString(s) || narrationZH.MatchString(s) {
		return false
	}
	if requestEN.MatchString(s) || requestZH.MatchString(s) {
		return true
	}
	words, han := 0, 0
	for _, w := range splitRuns(s) {
		if r, _ := utf8.DecodeRuneInString(w); unicode.Is(unicode.Han, r) {
			han += utf8.RuneCountInString(w)
		} else {
			words++
		}
	}
	return words+han/3 <= maxQueryWords
}

// Domain vocabulary. Strong terms only occur when people talk about AI APIs;
// weak terms ("key", "token", "limit") also name office keys, board-game
// tokens and the like, so they count only without a distractor nearby.
var (
	strongEN = regexp.MustCompile(`(?i)\b(api|apis|apikeys?|openai|anthropic|claude|gemini|gpt[-\w.]*|o[134](?:-mini)?|llms?|chatgpt|tiktoken|tokeni[sz]\w*|api credits?|rate[- ]?limit\w*|429s?|rpm|tpm|context[- ]window|context length|reasoning tokens?|thinking tokens?|cached tokens?|prompt caching|bearer|oauth|x-api-key|x-goog-api-key|authorization header|secret keys?|sk-\w*|access tokens?|input tokens?|output tokens?|tokens? per|per token|/tokens|tokenscommand|tokenbot|model=\S+|finish_reason|stop_reason|max_\w*tokens|o200k\w*|cl100k\w*|batch api)\b`)
	weakEN   = regexp.MustCompile(`(?i)\b(billing|billed|invoice|quota|keys?|tokens?|cost|costs|costing|price|pricing|charged?|charges|limits?|limited|budgets?|cache|secret|secrets|credits?|reasoning|leak\w*|rotat\w*|revok\w*|expire\w*|bill|usage|spend\w*|models?|prompts?|completions?|cached|caching|the bot|bot|words?|characters?|chinese|conversation|chat history|context|chat|chats|batch|batches|discount|truncated|env|environment|staging|prod|production|header|credential\w*|paid|pay|dollars?|cheap\w*|prepaid|top[- ]?ups?|\$\d+)\b`)
	strongZH = regexp.MustCompile(`(?i)密钥|秘钥|令牌|计费|扣费|收费|账单|帐单|费用|配额|限流|速率|限速|上下文|大模型|模型|提示词|缓存|推理|泄露|泄漏|轮换|吊销|撤销|分词|预算|花费|开销|请求头|凭证|凭据|机器人`)
	weakZH   = regexp.MustCompile(`截断|回复|批量|批处理|折扣|额度|余额|充值|中文|英文|汉字|单词|字数|对话|聊天记录|历史消息|多轮|贵|钱|便宜|收费|扣|功能|命令|环境|线上|生产|测试环境|用量|用完|换新|更换|请求|接口|调用|响应|报错|错误`)
	// distractors: physical keys, games, food, meetings, transport, crypto,
	// our own servers and other services (nginx, a rate limiter, Jira,
	// payments, SMS), other bots (the deploy bot, 钉钉机器人: 机器人 reads
	// "bot" after synonyms). English distractors are whole words or word
	// sequences (see phraseSet; "_" joins a sequence's words), Chinese ones
	// substrings, plus a few Chinese patterns.
	distractorEN = newPhraseSet(`
	token_bucket token_buckets leaky_bucket leaky_buckets rate_limiter rate_limiters payment
	payments stripe paypal twilio sms salesforce jira datadog hubspot zendesk nginx kong envoy
	haproxy traefik ingress istio cloudflare waf elasticsearch opensearch lucene solr analyzer
	analyzers analyser analysers lexer lexers parser parsers grammar compiler compilers react vue
	angular scroll debounce nfs disk mailbox inbox headcount
	hiring salary salaries payroll bonus sales offsite off-site hotel flight travel vacation
	electricity rent ssh gpg pgp csrf xsrf jwt session_token session_tokens session_cookie
	session_cookies login_session log_in_again login_again relogin re-login login_token login_tokens
	session_expire session_expires session_expired session_expiring session_expiry
	session_expiration sessions_expire sessions_expires sessions_expired sessions_expiring
	sessions_expiry sessions_expiration primary_key foreign_key unexpected_token syntaxerror cdn
	browser_cache redis memcached docker office door doors room building car cars house home locker
	cabinet drawer front_desk reception keycard key_card badge board_game board_games boardgame
	boardgames game games arcade casino poker chips ring subway bus metro train transit laundry coin
	coins crypto nft nfts blockchain gas gas_fee gas_fees gwei eth ethereum mainnet testnet
	dao daos airdrop airdrops wallet wallets erc20 erc-20 erc721 erc-721 defi solana bitcoin btc web3 staking
	mint minting mana raid pci card_number card_numbers modal modals dialog dialogs popup popups
	pop-up pop-ups z-index lunch dinner coffee pizza stand-up sprint retro meeting birthday
	party piano keyboard music song map lock locks locksmith spare bike gym parking pokemon quest
	level standup deploy_bot deploy_bots deploybot deploybots jenkins_bot jenkins_bots jenkinsbot
	jenkinsbots slack_bot slack_bots slackbot slackbots standup_bot standup_bots standupbot
	standupbots ci_bot ci_bots cibot cibots release_bot release_bots releasebot releasebots
	build_bot build_bots buildbot buildbots merge_bot merge_bots mergebot mergebots github_bot
	github_bots githubbot githubbots discord_bot discord_bots discordbot discordbots teams_bot
	teams_bots teamsbot teamsbots telegram_bot telegram_bots telegrambot telegrambots wechat_bot
	wechat_bots wechatbot wechatbots dingtalk_bot dingtalk_bots dingtalkbot dingtalkbots feishu_bot
	feishu_bots feishubot feishubots lark_bot lark_bots larkbot larkbots
	aws s3 ec2 rds oss ecs lambda cloudfront azure gcp bigquery heroku vercel netlify snowflake mongodb
	elastic_cloud github_actions figma saas egress bandwidth dyno dynos vps nat_gateway hosting
	ads adwords google_ads ad_spend data_plan phone_plan mobile_data utilities gas_bill water_bill
	opex burn_rate operating_costs office_supplies cpu_usage cpu_load memory_usage disk_usage gpu_usage ram_usage
	cpu_limit cpu_limits memory_limit memory_limits cpu_request cpu_requests
	translation_agency translation_agencies water_usage sendgrid mailgun mailchimp swag merch snacks
	design_doc design_docs harder_to_learn easier_to_learn learn_chinese learn_english learning_chinese learning_english taxi taxis cab cabs uber lyft rideshare mileage chair chairs desks furniture shipment shipments parcel parcels
	landlord landlords google_maps signs signage flyer flyers poster posters brochure brochures`)
	distractorZH = newSubstrings(`
	漏桶 支付 短信 cdn nginx 网关配置 密钥对 磁盘
	硬盘 网盘 邮箱 招聘 工资 薪资 奖金 年终奖 编制 重新登录 登录令牌 钥匙 早高峰 晚高峰 年假 假期 团建 年会
	报销 销售 电费 房租 景区 主键 外键 门禁 门卡 大门 房门 开门 关门 门口 办公室 门锁 锁门 开锁 车锁
	密码锁 桌游 游戏 代币 筹码 地铁 公交 高速 公路 车速 超速 开车 驾驶 限行 午饭 午餐 晚饭 晚餐 吃饭
	吃什么 好吃 外卖 咖啡 奶茶 站会 例会 开会 会议 生日 聚餐 停车 健身 几点
	redis 区块链 币圈 gas费 空投 钱包 主网 链上 以太坊 比特币 web3 挖矿 铸造 弹窗 彈窗 弹出框 对话框 對話框 模态框 模态窗口 提示符
	提示字元 命令提示 词法分析 语法分析 编译原理 编译器 卡号 代码化 代碼化 银行卡号 信用卡号 币价 没看懂 看不懂 他在说 她在说 加密货币 键盘 钢琴
	医保 住院 科研 课题经费 间接费用 水电 古汉语 语料库 分词规范 招牌 宣传单 传单 海报 标牌
	阿里云 腾讯云 华为云 云服务器 服务器续费 流量费 带宽 宽带 燃气 水费
	话费 打电话 客服电话 电话费 通话时长 域名 广告 物业 会员费 年费 代金券 公司的费用 公司费用 办公用品 字幕公司 翻译公司 翻译社 用水 用电 邮件服务 差旅 出差 酒店 宾馆 按人头 输入法 这批货 进货 订货 供货 难学 好学 学中文 学英文 学英语 房东 快递 物流 运费 打车 出租车 滴滴 网约车 椅子 桌子 家具 样品 寄出 寄件 发货 高德 百度地图 腾讯地图 影印 复印 打印机 印表机 极光推送 个推 友盟`)
	distractorZHPattern = regexp.MustCompile(`(?i)(?:钉钉|飞书|企业微信|微信|日报|周报|部署|发布|告警|报警|打卡)[^，。？！,.?!]{0,4}bot|token\s*桶|登录\s*token|token\s*币|按千字|翻译[^，。？！,.?!]{0,8}(?:每个?字|每千字)|cpu\s*(?:占用|使用率|负载|limit|限制|配额|request)|内存\s*(?:占用|使用率|泄漏|泄露)`)
)

// core vocabulary: what the bot is about (keys, tokens, models, credits).
// A passive answer needs one of these words; words such as "budget", "bill"
// or "environment" alone are everyday chatter.
var (
	coreEN = regexp.MustCompile(`(?i)\b(keys?|tokens?|prompts?|models?|credits?|quota|usage|the bot|tokenbot|context)\b`)
	coreZH = regexp.MustCompile(`(?i)密钥|令牌|token|key|额度|配额|模型|提示词|用量|上下文|机器人|bot`)
)

// The sense of the domain's words. A chat line is about the bot's domain
// when its focus is an AI API: it names one outright (providerAnchor,
// apiAnchor), or it talks
// about keys, tokens or credentials in their API sense (coreNoun), once the
// other senses of those nouns (otherSenses: SSH keys, primary
// keys, "the key to the room", CSRF or session tokens, "unexpected token")
// are set aside. The other domain words (budget, bill, quota, credits, limit,
// cache, environment, context, rotate, leak, batch, 额度, 预算, 限流, 缓存,
// 环境, 上下文, 轮换, 泄露…) have everyday senses and anchor nothing alone.
var (
	// providerAnchor names an AI provider, model or LLM; apiAnchor the
	// API's own terms. Next to a distractor (nginx, Elasticsearch, an
	// office) "api", "429" or "tokenizer" may be anyone's, a model is ours.
	providerAnchor = regexp.MustCompile(`(?i)\b(openai|anthropic|claude|gemini|gpt[-\w.]*|o[134](?:-mini)?|llms?|chatgpt|ai|genai|tiktoken|tokenbot|chatbot|models?|prompts?|completions?|embeddings?|deepseek|mistral|llama|qwen|copilot|bedrock|vertex)\b|大模型|模型|提示词`)
	apiAnchor      = regexp.MustCompile(`(?i)\b(apis?|tokeni[sz]\w*|tokenscommand|rpm|tpm|429s?|401|authentication_error|insufficient_quota|context[- ]window|max_\w*tokens|finish_reason|stop_reason|x-api-key|x-goog-api-key|authorization|o200k\w*|cl100k\w*)\b|\bsk-|分词|词表`)
	coreNoun       = regexp.MustCompile(`(?i)\b(keys?|tokens?|credentials?|secrets?)\b|\.env\b|密钥|凭证|凭据`)

	// otherSenseAnchor: the anchors' words in senses outside AI APIs, set
	// aside before the anchors are looked for: a shell's, sudo's or an
	// installer's prompt, a data model or a car's model year, tab
	// completion, a payment card tokenized for a vault.
	otherSenseAnchor = regexp.MustCompile(`(?i)\b(?:(?:bash|shell|zsh|fish|terminal|command|cli|sudo|password|passphrase|login|uac|installer|install|confirmation|confirm|cmd|powershell|ps1|cookie|consent|permission|browser|ui|dialog) prompts?|prompts? (?:for|asking for) (?:a |my |the )?(?:password|passphrase|confirmation|input)|prompts? (?:to|asking (?:me )?to) (?:update|upgrade|install|restart|reboot|sign in|log in|enter|confirm|allow|trust|enable|accept|approve)|(?:update|upgrade|ios|android|mdm|popup|pop-up|biometric|push) prompts?|(?:essay|writing|homework|assignment|exam|interview|journal|story|art|drawing|discussion) prompts?|(?:data|domain|object|3d|cad|business|threat|car's|car|phone|product|mental|role|orm|django|sequelize|financial|finance|forecast|forecasting|revenue|excel|spreadsheet|statistical|regression) models?|model (?:year|number|train|trains|kit|kits|car|cars|plane)s?|(?:tab|auto|shell|bash|zsh|code) ?completions?|tokeni[sz]\w* (?:the |a |our |their )?(?:credit |debit |bank |payment )?(?:cards?|card numbers?|pans?)|(?:card|payment|network|pci) tokeni[sz]\w*|ai (?:opponents?|enem(?:y|ies)|difficulty))\b|(?:数据|领域|业务|3d|三维|商业|手机|车|汽车|权限|对象)\s*模型|(?:3d|三维)\s*打印[^，。？！,.?!]{0,3}模型|(?:银行卡|信用卡|卡号)[^，。？！,.?!]{0,6}(?:token|令牌)`)
)

// otherSenses are the key, token and credential nouns (see coreNoun) in
// senses outside AI APIs, each named by a qualifier before the noun (an SSH,
// deploy or licence key, a CSRF, session, game or meal token, 主键, 登录
// token) or by the words after it (otherSenseAfter: the key to the room, a
// key fob). namesKey sets them aside before it looks for a key.
var otherSenses = []struct {
	lang          string // "en": whole words joined by a space or hyphen; "zh": any spacing
	before, nouns string // alternations of a regular expression
	after         string // en: words after the noun, alone or after a qualifier
}{
	{"en", `ssh|gpg|pgp|rsa|ed25519|public|private|primary|foreign|composite|sort|partition|shard|unique|redis|door|room|car|house|office|spare|front|license|licence|product|registry|deploy|cert|certificate|tls|ssl|signing|csrf|xsrf|jwt|session|refresh|login|sso|2fa|mfa|otp|hardware|vpn|okta|personal access|arcade|bus|subway|parking|game|meal|canteen|cafeteria|lunch|laundry|casino|poker|loyalty|governance|utility|meme|erc-?20|erc-?721|nft|unexpected|syntax|lexer|parser|type`, `keys?|tokens?`, ``},
	{"en", `the|a|spare|car`, `keys?`, `to the`},
	{"en", ``, `keys?`, `fob|card|chain|ring|cabinet|box|holder|holders`},
	{"en", ``, `tokens?`, `economy|economies|gesture|gestures|ring|rings`},
	// "key" as "main" (OKRs' key results, KPIs, key customers and dates)
	// and a film's or game's key art, visuals, frames and lighting
	{"en", ``, `key`, `results?|performance|performance indicators?|takeaways?|points?|decisions?|art|visuals?|frames?|lighting|stakeholders?|accounts?|customers?|clients?|partners?|players?|people|persons?|dates?|milestones?|metrics?|findings?|insights?|learnings?|messages?|skills?|areas?|themes?|factors?|drivers?|risks?|moments?|roles?|hires?|deliverables?|figures?|facts?|differences`},
	// other services' own credentials: an npm token, a Slack signing
	// secret, Discord bot tokens (a key pushed to GitHub stays ours)
	{"en", `(?:` + otherServicesEN + `)(?:'s)?(?: (?:api|apps?|app's|application|bot|bot's|store|connect|console|server|client|service|account|workspace|project|personal|test|live|sandbox|signing|push|notification|access|deploy|ci|runner|registration|publish|publishing|upload|webhook|oauth|integration|admin))*`, `keys?|tokens?|secrets?|credentials?`, ``},
	{"zh", `(?:阿里云|腾讯云|华为云|七牛云?|又拍云|高德|百度地图|微信|企业微信|公众号|小程序|钉钉|飞书|npm|jira|jenkins|slack|stripe|苹果|apple|app store(?: connect)?|discord|telegram|安卓|android|figma|sentry|gitlab|github|docker)(?:\s*的)?\s*(?:(?:api|app|应用|开放平台|后台|服务端|客户端|机器人|推送|上传|发包|打包|发版|签名|runner\s*注册|注册|个人|访问)\s*的?\s*)*`, `密钥|key|token|凭证|凭据|secret`, ``},
	{"zh", `ssh|gpg|pgp|rsa|deploy|许可证|激活|序列号|签名|证书|keystore|jks`, `密钥|key`, ``},
	// a chat service's bot and its token: a Discord moderation bot's token
	{"en", `bot|bot's|bots'`, `tokens?`, ``},
	{"zh", `redis\s*的?`, `key`, ``},
	{"zh", `csrf|jwt|session|refresh|登录|动态|刷新|游戏|饭堂|食堂`, `token`, ``},
	{"zh", ``, `密钥对|公钥|私钥|主键|外键|产品密钥`, ``},
}

// otherServicesEN are services other than AI APIs whose own keys and
// tokens chat asks about.
const otherServicesEN = `npm|pypi|docker|docker hub|jira|confluence|atlassian|slack|stripe|apple|apns|app store|play store|play console|firebase|fcm|onesignal|discord|telegram|android|keystore|figma|sentry|google maps|maps|mapbox|postman|gitlab|bitbucket|github|jenkins|circleci|artifactory|twilio|sendgrid|shopify|heroku|vercel|netlify|cloudflare|datadog|pagerduty|notion|zoom|dropbox|salesforce|hubspot|mailchimp|paypal|algolia|segment|mixpanel|intercom|auth0|runner`

// otherSense matches every row of otherSenses.
var otherSense = func() *regexp.Regexp {
	var alts []string
	for _, o := range otherSenses {
		if o.lang == "zh" {
			if o.before != "" {
				alts = append(alts, `(?:`+o.before+`)\s*(?:`+o.nouns+`)`)
			} else {
				alts = append(alts, `(?:`+o.nouns+`)`)
			}
			continue
		}
		after := otherSenseAfter(o.after)
		if o.before != "" {
			alts = append(alts, `\b(?:`+o.before+`)[- ](?:`+o.nouns+`)`+after+`\b`)
		} else {
			alts = append(alts, `\b(?:`+o.nouns+`)`+after+`\b`)
		}
	}
	return regexp.MustCompile(`(?i)` + strings.Join(alts, "|"))
}()

// otherSenseAfter is the part of an English row's pattern that follows its
// noun: the words after it, when the row names any.
func otherSenseAfter(words string) string {
	if words == "" {
		return ""
	}
	return ` (?:` + words + `)`
}

// anchorText is s with otherSenseAnchor's matches set aside.
func anchorText(s string) string {
	if !mayHaveOtherSense(s) {
		return s
	}
	return otherSenseAnchor.ReplaceAllString(s, " ")
}

// mayHaveOtherSense reports whether s holds a word otherSenseAnchor needs:
// most lines hold none, and the regular expression costs about 50 µs.
func mayHaveOtherSense(s string) bool {
	for _, w := range [...]string{"rompt", "odel", "omplet", "oken", "ai ", "AI ", "Ai ", "模型", "令牌"} {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// namesAI reports whether s names AI APIs outright, the anchors' other
// senses aside.
func namesAI(s string) bool { return anchorsAI(anchorText(s)) }

// anchorsAI reports whether a line, its anchors' other senses set aside,
// names an AI provider, model or API term.
func anchorsAI(a string) bool { return providerAnchor.MatchString(a) || apiAnchor.MatchString(a) }

// ai reports whether the line names AI APIs outright.
func (d *domainTerms) ai() bool {
	if !d.aiDone {
		d.isAI, d.aiDone = anchorsAI(d.anchorText()), true
	}
	return d.isAI
}

// anchorText is the line with the anchors' other senses set aside, computed once.
func (d *domainTerms) anchorText() string {
	if !d.anchorDone {
		d.anchor, d.anchorDone = anchorText(d.s), true
	}
	return d.anchor
}

// otherSense reports whether the line uses an anchor's word in another
// sense (anchorText set some of it aside) or names keys or tokens only in
// the senses of otherSenses (a meal token, a deploy key).
func (d *domainTerms) otherSense() bool {
	return d.anchorText() != d.s || (coreNoun.MatchString(d.s) && !d.key())
}

// provider reports whether the line names an AI provider or model.
func (d *domainTerms) provider() bool {
	if !d.providerDone {
		d.isProvider, d.providerDone = providerAnchor.MatchString(d.anchorText()), true
	}
	return d.isProvider
}

// anchored reports whether the line's focus is an AI API: it names one, or,
// with no distractor nearby, it names a key, token or credential in a sense
// other than those of otherSenses.
func (d *domainTerms) anchored() bool {
	if d.ai() {
		return true
	}
	return !d.distracted() && d.key()
}

// key reports whether the line names a key, token or credential in a sense
// other than those of otherSenses, as spelling-corrected and, when the line
// as typed names one, as typed (the speller knows no qualifier: "meal
// tokens" becomes "mean tokens"; a typo such as "tokns" names nothing).
func (d *domainTerms) key() bool {
	if !d.keyDone {
		d.isKey = namesKey(d.s) && (d.typed == "" || d.typed == d.s || !onlyOtherSenses(prepare(d.typed)))
		d.keyDone = true
	}
	return d.isKey
}

// namesKey reports whether s names a key, token or credential in a sense
// other than those of otherSenses.
func namesKey(s string) bool {
	// Each noun is looked up in a window around it (otherSense, run over a
	// 4 KiB line, cost more than the rest of the passive checks), and
	// windows that overlap are searched as one segment, so that no byte is
	// searched twice however dense the nouns.
	nouns := coreNoun.FindAllStringIndex(s, -1)
	for len(nouns) > 0 {
		lo, hi := wordStart(s, nouns[0][0]-otherSenseReach), min(len(s), nouns[0][1]+otherSenseReach)
		k := 1
		for k < len(nouns) && wordStart(s, nouns[k][0]-otherSenseReach) <= hi {
			hi = min(len(s), nouns[k][1]+otherSenseReach)
			k++
		}
		// Both lists are sorted and the matches do not overlap: a noun is
		// in another sense when the first match not ending before it
		// holds it.
		others, j := otherSense.FindAllStringIndex(s[lo:hi], -1), 0
		for _, n := range nouns[:k] {
			for j < len(others) && lo+others[j][1] < n[1] {
				j++
			}
			if j == len(others) || lo+others[j][0] > n[0] {
				return true
			}
		}
		nouns = nouns[k:]
	}
	return false
}

// otherSenseReach is the most bytes a row of otherSenses spans before or
// after its noun.
const otherSenseReach = 80

// wordStart is the start of the word or character at or before byte i of
// s, so that a window cut there starts at a boundary.
func wordStart(s string, i int) int {
	if i <= 0 {
		return 0
	}
	for i > 0 && (isWordByte(s[i-1]) || !utf8.RuneStart(s[i])) {
		i--
	}
	return i
}

// onlyOtherSenses reports whether s names a key, token or credential, each
// in a sense of otherSenses.
func onlyOtherSenses(s string) bool { return coreNoun.MatchString(s) && !namesKey(s) }

// namesKeyOrAI reports whether s names an AI API or a key, token or
// credential in its API sense, distractors aside.
func namesKeyOrAI(s string) bool { return namesAI(s) || namesKey(s) }

// domainTerms holds the domain-vocabulary checks of one chat line, each run
// at most once: Ask consults several of them more than once in passive mode.
type domainTerms struct {
	s string
	// typed, when set, is the line before spelling correction: English
	// distractors are looked for in both (Chinese ones only in s, where
	// synonyms have replaced 部门 and the like).
	typed                                                   string
	anchor                                                  string
	anchorDone                                              bool
	strongDone, distractDone, aiDone, providerDone, keyDone bool
	strong, distract, isAI, isProvider, isKey               bool
}

func (d *domainTerms) isStrong() bool {
	if !d.strongDone {
		d.strong, d.strongDone = strongDomain(d.s), true
	}
	return d.strong
}

func (d *domainTerms) distracted() bool {
	if !d.distractDone {
		d.distract, d.distractDone = distracts(d.s) || (d.typed != "" && distractorEN.match(d.typed)), true
	}
	return d.distract
}

// passive reports whether a chat line the bot was not addressed in is about
// its domain: a core term, a strong term or a named AI API with no
// distractor nearby, or, next to one, a named AI provider or model.
func (d *domainTerms) passive() bool {
	if d.distracted() {
		return d.provider()
	}
	return d.isStrong() || d.ai() || coreEN.MatchString(d.s) || coreZH.MatchString(d.s)
}

// in reports whether the line talks about keys, tokens, billing or limits of AI APIs.
func (d *domainTerms) in() bool {
	if d.isStrong() {
		return true
	}
	if d.distracted() {
		return false
	}
	return weakEN.MatchString(d.s) || weakZH.MatchString(d.s)
}

func distracts(s string) bool {
	return distractorEN.match(s) || distractorZH.match(s) || distractorZHPattern.MatchString(s)
}

// phraseSet matches whole ASCII words and sequences of them, case-
// insensitively: a lookup per word instead of a scan per alternative of a
// regular expression (a 150-character line cost about 0.15 ms that way). A
// sequence's words may be separated by spaces or hyphens.
type phraseSet struct {
	set      map[string]bool // "primary key", "off site", "cdn"
	maxWords int
}

// newPhraseSet reads space-separated entries; "_" and "-" join the words of
// a sequence ("primary_key", "stand-up").
func newPhraseSet(list string) *phraseSet {
	p := &phraseSet{set: map[string]bool{}}
	for _, e := range strings.Fields(list) {
		words := strings.FieldsFunc(strings.ToLower(e), func(r rune) bool { return r == '_' || r == '-' })
		p.set[strings.Join(words, " ")] = true
		p.maxWords = max(p.maxWords, len(words))
	}
	return p
}

// match reports whether s holds an entry as whole words.
func (p *phraseSet) match(s string) bool {
	type span struct{ start, end int }
	var words []span
	var key []byte
	lower := func(c byte) byte {
		if c >= 'A' && c <= 'Z' {
			return c + 'a' - 'A'
		}
		return c
	}
	for i := 0; i < len(s); {
		if !isWordByte(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isWordByte(s[j]) {
			j++
		}
		// A sequence continues only across spaces and hyphens.
		if n := len(words); n > 0 && strings.Trim(s[words[n-1].end:i], " -") != "" {
			words = words[:0]
		}
		words = append(words, span{i, j})
		if len(words) > p.maxWords {
			words = words[1:]
		}
		// every sequence of up to maxWords words that ends with this one
		for k := len(words) - 1; k >= 0; k-- {
			key = key[:0]
			for m, w := range words[k:] {
				if m > 0 {
					key = append(key, ' ')
				}
				for x := w.start; x < w.end; x++ {
					key = append(key, lower(s[x]))
				}
			}
			if p.set[string(key)] {
				return true
			}
		}
		i = j
	}
	return false
}

// substrings matches any of its entries as a substring, ASCII case-
// insensitively.
type substrings []string

func newSubstrings(list string) substrings { return substrings(strings.Fields(strings.ToLower(list))) }

func (ss substrings) match(s string) bool {
	s = strings.ToLower(s)
	for _, e := range ss {
		if strings.Contains(s, e) {
			return true
		}
	}
	return false
}

// strongDomain reports whether s names the AI-API domain outright.
func strongDomain(s string) bool { return strongEN.MatchString(s) || strongZH.MatchString(s) }

// inDomain reports whether s talks about keys, tokens, billing or limits of AI APIs.
func inDomain(s string) bool {
	d := domainTerms{s: s}
	return d.in()
}

// senseCues are words whose everyday sense is as common in team chat as
// their API sense ("give me some context", "my credit card limit", 信用卡额度,
// "the next batch of laptops", 构建缓存), each with the neighbours that mark
// the API sense (a context window's size, a quota's balance or top-up, a
// batch job's discount, a cache hit's price).
var senseCues = []struct{ word, cue *regexp.Regexp }{
	{
		regexp.MustCompile(`(?i)\bcontext\b|上下文`),
		regexp.MustCompile(`(?i)\b(windows?|length|limits?|size|\d+k|fits?|too long|long (?:context|prompts?|inputs?|documents?|conversations?|chats?)|longer|overflow\w*|max|maximum|truncat\w*|tokens?)\b|窗口|视窗|长度|多大|多长|放得|装得|放不|装不|塞|超|截断|token`),
	},
	{
		// a window: a UI's, a maintenance or deployment window, an OS
		regexp.MustCompile(`(?i)\bwindows?\b|窗口|视窗|視窗`),
		regexp.MustCompile(`(?i)\b(context|tokens?|\d+k|length|fits?|overflow\w*|truncat\w*|conversation|chat history)\b|上下文|token|长度|多大|多长|放得|装得|放不|装不|塞|截断|对话`),
	},
	{
		regexp.MustCompile(`(?i)\b(quotas?|credits?)\b|额度`),
		regexp.MustCompile(`(?i)\b(prepaid|pre-paid|top[- ]?ups?|balance|run out|ran out|runs out|usage|tiers?|spend limit|spending limit|insufficient\w*|exceed\w*|billing|billed|expir\w*)\b|配额|余额|预付|充值|用完|用光|储值|上限|欠费|过期|超`),
	},
	{
		regexp.MustCompile(`(?i)\bbatch(?:es|ed|ing)?\b|批量|批次|批处理`),
		regexp.MustCompile(`(?i)\b(api|jobs?|requests?|async\w*|discounts?|half|cheaper|cheap|cost\w*|price\w*|\d+ ?h|hours?|overnight|results?|wait)\b|50%|折|半价|便宜|省|异步|接口|请求|任务|不急|不着急|实时`),
	},
	{
		regexp.MustCompile(`(?i)\bcach(?:e|es|ed|ing)\b|缓存`),
		regexp.MustCompile(`(?i)\b(tokens?|prompts?|hits?|input|discounts?|cheaper|cheap|cost\w*|price\w*|billed|prefix)\b|提示|命中|输入|便宜|省|折|计费|前缀|token`),
	},
}

// everydaySense reports whether s names a word of senseCues without any cue
// of its API sense. The words of a group cue each other ("quota vs
// credits").
func everydaySense(s string) bool {
	for _, sc := range senseCues {
		loc := sc.word.FindAllStringIndex(s, 2)
		if loc == nil {
			continue
		}
		if len(loc) > 1 {
			// "quota vs credits", 额度和配额: two words of one group.
			if s[loc[0][0]:loc[0][1]] != s[loc[1][0]:loc[1][1]] {
				continue
			}
		}
		if !sc.cue.MatchString(s) {
			return true
		}
	}
	return false
}

// The team's own credentials and traffic. A chat line about a login, OAuth
// or session token's lifetime or storage (a WeChat access_token that
// expires every two hours, where the backend caches a refresh token, a
// CSRF check) is about the team's own sign-in, and a line about throttling
// its own gateway, endpoints or servers (nginx limit_req, a Redis token
// bucket, the QPS of the checkout endpoint during a sale, 地铁限流) is about
// its own traffic, as is another service's throttling (GitHub's API limits
// failing CI): neither is an AI API's, unless the line names an AI
// provider or model. "Access token" alone stays ambiguous (the FAQ explains
// how it differs from an AI token); it needs a lifecycle word or a named
// sign-in platform to be the team's own.
var (
	authTokenEN = regexp.MustCompile(`(?i)\b(?:oauth2?|oidc|sso|auth service|auth server|identity provider|(?:access|refresh|id|reset|csrf|xsrf|session|login|auth)[_ ]tokens?|tenant_access_token|jsapi_ticket|sessions?|csrf|xsrf|jwts?|log ?out|logs out|logged out|logins?|log ?in|logged in|sign[- ]?in|password reset)\b`)
	authTokenZH = regexp.MustCompile(`(?i)access_token|oauth|session|csrf|jwt|refresh\s*token|登录|登陆|第三方登录|退出登录|重置密码|会话`)
	authLifeEN  = regexp.MustCompile(`(?i)\b(?:expir\w*|valid|validity|lifetime|lasts?|ttl|cach\w*|stor\w*|keep|kept|persist\w*|redis|cookies?|localstorage|local storage|refresh\w*|renew\w*|revok\w*|invalid\w*|rotat\w*|callback|backend|server|servers|workspace|check|mobile app)\b`)
	authLifeZH  = regexp.MustCompile(`过期|有效期|失效|作废|缓存|存在|存储|放在|续期|刷新|共用|共享|回调|后端|前端|服务器|多久|校验|每次`)
	authSiteEN  = newPhraseSet(`wechat weixin alipay github gitlab google slack feishu lark dingtalk facebook apple okta auth0 keycloak cognito mini_program`)
	authSiteZH  = newSubstrings(`微信 支付宝 小程序 公众号 飞书 钉钉 企业微信 抖音 淘宝 github google`)

	throttleEN = regexp.MustCompile(`(?i)\b(?:rate[- ]?limit\w*|throttl\w*|qps|rps|rpm|requests per (?:second|minute)|limit_req|429s?|retry-after|per[- ]ip|per[- ]user|per consumer|shed load|ddos\w*)\b`)
	throttleZH = regexp.MustCompile(`(?i)限流|限速|限制频率|频率|qps|429|被刷|打挂|降级`)
	ownSideEN  = regexp.MustCompile(`(?i)\b(?:gateway|nginx|kong|envoy|haproxy|load balancer|endpoints?|our own|own service|our service|the service|order service|signup|sign-up|login api|checkout|(?:weather|maps?|geocoding|payments?|sms|e-?mail|shipping|stock|news|crm|erp) apis?|webhooks?|limiter|token bucket|sliding window|fixed window|redis|black friday|promotion|sale|mobile clients|partners?|customers?|one customer|github|gitlab|stripe|shopify|twitter|login attempts?|failed logins?|password attempts?|brute[- ]force)\b`)
	ownSideZH  = regexp.MustCompile(`(?i)github|gitlab|网关|nginx|sentinel|令牌桶|漏桶|滑动窗口|压测|秒杀|大促|双十一|双11|流量|地铁|火车站|春运|景区|单个\s*ip|按用户|按租户|回调|合作方|短信|验证码|(?:我们|自己|自家|下单|登录|注册|支付|搜索)[^，。？！,.?!]{0,3}(?:接口|服务)|我们服务|登录失败|密码错误|暴力破解|店铺|商城|有赞|淘宝|京东|拼多多`)
)

// aboutOwnAuth reports whether a chat line is about the team's own sign-in
// tokens (see above); aboutOwnTraffic whether it is about throttling the
// team's own service or another non-AI one. Neither looks for an AI provider: the caller does.
func aboutOwnAuth(s string) bool {
	if !authTokenEN.MatchString(s) && !authTokenZH.MatchString(s) {
		return false
	}
	return authLifeEN.MatchString(s) || authLifeZH.MatchString(s) || authSiteEN.match(s) || authSiteZH.match(s)
}

func aboutOwnTraffic(s string) bool {
	return (throttleEN.MatchString(s) || throttleZH.MatchString(s)) && (ownSideEN.MatchString(s) || ownSideZH.MatchString(s))
}

// botHelpID is the entry that says what the bot does.
const botHelpID = "bot-help"

// abilitiesEN and abilitiesZH match a bare question about what the one
// addressed can do ("what can u do?", "你能干啥"), with no other subject.
var (
	abilitiesEN = regexp.MustCompile(`(?i)^\W*(?:(?:hey|hi|hello|so|ok|okay)\W+)?(?:bot\W+)?(?:what|wat|wht)\W*(?:can|could|do|else can)\W+(?:you|u|ya|this bot|the bot)\W+(?:do|help with|help me with|actually do|do for me|do for us|answer|be used for)?\W*$`)
	abilitiesZH = regexp.MustCompile(`^\W*(?:你|您|机器人|bot)(?:都|到底|还)?(?:能|会|可以)(?:干|做|帮我做|帮忙做)?(?:些|点)?(?:什么|啥|哪些事)\W*$`)
)

// asksAbilities reports whether a normalised line only asks what the bot can do.
func asksAbilities(s string) bool { return abilitiesEN.MatchString(s) || abilitiesZH.MatchString(s) }

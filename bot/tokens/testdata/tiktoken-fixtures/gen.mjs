// Generates reference token ids with OpenAI's tiktoken (the official Rust
// implementation compiled to WASM, npm package "tiktoken") for the tests of
// bot/tokens. Every case is encoded with encode_ordinary, so special-token
// strings such as <|endoftext|> are treated as ordinary text.
//
// Usage: npm ci && node gen.mjs ../tiktoken_fixtures.json
import { get_encoding } from "tiktoken";
import { readFileSync, writeFileSync } from "node:fs";

const encodings = ["o200k_base", "cl100k_base", "p50k_base", "r50k_base"];
const pkg = JSON.parse(readFileSync(new URL("./node_modules/tiktoken/package.json", import.meta.url)));

const code = `package main

import (
	"fmt"
	"strings"
)

// Greet returns a greeting for name.
func Greet(name string) string {
	if strings.TrimSpace(name) == "" {
		return "hello, world"
	}
	return fmt.Sprintf("hello, %s!", name) // TODO: i18n
}
`;

const python = `def fib(n: int) -> int:\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a\n\nif __name__ == "__main__":\n    print([fib(i) for i in range(10)])\n`;

const json = JSON.stringify({
  model: "gpt-4o",
  messages: [{ role: "user", content: "What's an API key?" }],
  temperature: 0.2,
  max_tokens: 1024,
  tools: [],
  nested: { a: [1, 2, 3], b: null, c: true },
}, null, 2);

// A deterministic pseudo-random mix of scripts, spaces and symbols.
function mixed(seed, n) {
  const alphabet = [
    "a", "B", " ", "  ", "\n", "\r\n", "\t", "'s", "'LL", "7", "1234", "中", "文", "。", "日本", "ア",
    "é", "e\u0301", "ß", "Ω", "Ǆ", "ǅ", "😀", "👩‍💻", "/", "//", "{", "}", "<|endoftext|>", "\u00a0", "\u3000",
    "ſ", "ℌ", "٣", "Ⅻ", "\u200b", "\u0301", "ʰ", "ﬁ", "$", "...", "—", "\u2028", "\u0085",
  ];
  let x = seed >>> 0;
  let out = "";
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out += alphabet[x % alphabet.length];
  }
  return out;
}

const cases = [
  ["empty", ""],
  ["english_sentence", "The quick brown fox jumps over the lazy dog."],
  ["english_paragraph", "An API key identifies and authorizes a caller; an AI token is a unit of text that a model reads or writes. Keys are secrets you rotate; tokens are what you pay for. Input tokens, cached input tokens and output tokens are priced differently."],
  ["chinese", "API 密钥用于识别和授权调用方；而 AI 令牌（token）是模型读取或生成文本的单位。密钥需要保密并定期轮换，令牌则是计费的依据。"],
  ["japanese", "こんにちは、世界！トークンとは、モデルが読み書きするテキストの単位です。カタカナとひらがなと漢字。"],
  ["korean", "안녕하세요, 세계! 토큰은 모델이 읽고 쓰는 텍스트 단위입니다."],
  ["russian_greek", "Привет, мир! Ключ API — это секрет. Καλημέρα κόσμε."],
  ["hindi_marks", "नमस्ते दुनिया, यह एक परीक्षण है।"],
  ["arabic_digits", "مرحبا بالعالم ١٢٣٤٥ ٦٧٨"],
  ["thai", "สวัสดีชาวโลก ภาษาไทยไม่มีช่องว่างระหว่างคำ"],
  ["go_code", code],
  ["python_code", python],
  ["json", json],
  ["emoji_zwj", "Family: 👨‍👩‍👧‍👦 and 👩‍💻 coder, flags 🇺🇸🇨🇳🇯🇵, skin 👍🏽👋🏿, heart ❤️‍🔥, keycap 1️⃣."],
  ["special_endoftext", "before <|endoftext|> after"],
  ["special_im", "<|im_start|>system\nYou are helpful.<|im_end|>\n<|im_start|>user\nhi<|im_end|>"],
  ["special_others", "<|fim_prefix|>a<|fim_middle|>b<|fim_suffix|>c<|endofprompt|><|endoftext|><|endoftext|>"],
  ["spaces_long", " ".repeat(1000)],
  ["spaces_then_word", " ".repeat(37) + "word" + " ".repeat(5)],
  ["newlines_long", "\n".repeat(1000)],
  ["crlf_runs", "line1\r\n\r\nline2\r\n   \r\n\tline3\n \n  \n"],
  ["letter_a_5000", "a".repeat(5000)],
  ["letter_x_upper_3000", "X".repeat(3000)],
  ["chinese_run_long", "的一是不了人我在有他这为之大来以个中上们".repeat(40)],
  ["mixed_whitespace_tabs", "a\tb\t\tc \t d\u00a0e\u3000f\u2003g \u000b\u000ch\u0085i\u2028j\u2029k  \t\n\t  z   "],
  ["trailing_spaces", "end with spaces   "],
  ["numbers", "1 12 123 1234 12345 1234567890 3.14159 -42 1,000,000 0x1F 1e-9 ٣٤٥٦ Ⅻ ½ ²³"],
  ["contractions", "don't I'LL we'VE they're she's it'd I'm you'll DON'T He'S 'tis 'sup o'clock rock'n'roll"],
  ["contractions_edge", "x's X'S x'Ll 's 'S 'll 'LL 're 've 'm 'd ''s '\u017f x'\u017f 'ſx Iſ'ſ a'ſx\n'ſx A'ſB a'Sx\n'Sx a'LLx"],
  ["case_mix_o200k", "HELLOworld helloWorld HTTPServer iPhone McDonald's ABC'S ǅungla ǄǅǆX"],
  ["combining_marks", "e\u0301t\u0301e\u0301 A\u0301BC \u0301abc \u0301ABC x\u0301\u0302\u0303 ñ n\u0303"],
  ["slashes_newlines", "a/b//c\n/d }\n/ ) \n\n/ path/to/file.go:12\n//comment\r\n/"],
  ["punctuation", "Hello!!! What??? ...and so on --- (a) [b] {c} <d> \"e\" 'f' `g` ~!@#$%^&*()_+-=|\\;:,./<>?"],
  ["url_email", "See https://platform.openai.com/docs/api-reference?x=1&y=2#frag or mail ops@example.com."],
  ["api_key_like", "OPENAI_API_KEY=sk-proj-AbCdEf0123456789xyzXYZ ghp_1234567890abcdefABCDEF"],
  ["markdown", "# Title\n\n- item **bold** _it_\n- `code`\n\n```go\nx := 1\n```\n> quote\n| a | b |\n|---|---|\n"],
  ["zero_width", "a\u200bb\u200cc\u200dd\ufeffe"],
  ["replacement_char", "bad \ufffd byte \ufffd\ufffd"],
  ["astral", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝟙𝟚𝟛 𠀀𠀁 🀄 𓀀"],
  ["single_space", " "],
  ["single_newline", "\n"],
  ["single_letter", "a"],
  ["mixed_1", mixed(1, 400)],
  ["mixed_2", mixed(2, 400)],
  ["mixed_3", mixed(3, 400)],
  ["mixed_4", mixed(4, 400)],
];

const encs = Object.fromEntries(encodings.map((e) => [e, get_encoding(e)]));
const out = {
  generator: `tiktoken (npm) ${pkg.version}, encode_ordinary`,
  encodings,
  cases: cases.map(([name, text]) => ({
    name,
    text,
    tokens: Object.fromEntries(encodings.map((e) => [e, Array.from(encs[e].encode_ordinary(text))])),
  })),
};
for (const e of Object.values(encs)) e.free();

const dest = process.argv[2] ?? "../tiktoken_fixtures.json";
writeFileSync(dest, JSON.stringify(out) + "\n");
console.log(`wrote ${out.cases.length} cases to ${dest}`);

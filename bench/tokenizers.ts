// Which tokenizer counts OpenAI prompts, and what counting costs: gpt-tokenizer against
// js-tiktoken (o200k_base, the GPT-4o and later encoding) on a few KB of mixed text and code,
// each library in three fresh processes, taking turns (the medians of load time, heap and
// tokens/s; installed and bundled size); then the OpenAI adapter's estimator against the core's
// four-characters-a-token heuristic: microseconds per call on a typical prompt, and the
// heuristic's error on sample prompts.
//
// `node bench/link.ts` once (links the built packages into bench/node_modules), then
// `node bench/tokenizers.ts`. Writes bench/results/tokenizers.json.
import { fork } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

const root = join(import.meta.dirname, '..')
const requireFromRoot = createRequire(join(root, 'package.json'))

const prose = `Large language models read text as tokens: pieces of words, whole short words, punctuation
and whitespace. A provider bills every request by the tokens of its prompt and of its answer, and
refuses a prompt that does not fit its model's context window. Counting before sending lets an
application trim an old conversation, choose a cheaper model, or stop a request that a budget
cannot hold. Estimates of four characters a token are close for English prose, further off for
source code, numbers and JSON, and far off for languages whose words are not separated by spaces.
`
const code = `export function trimOldestFirst(messages: readonly Message[], maxInputTokens: number) {
  const system = messages.filter((m) => m.role === 'system')
  const rest = messages.filter((m) => m.role !== 'system')
  let total = [...system, ...rest].reduce((sum, m) => sum + estimateTokens(m), 0)
  let start = 0
  while (start < rest.length - 1 && (total > maxInputTokens || rest[start]!.role !== 'user')) {
    total -= estimateTokens(rest[start]!)
    start++
  }
  return [...system, ...rest.slice(start)]
}
`
const json = JSON.stringify({
  id: 'chatcmpl-9x8y7z',
  model: 'gpt-4o-mini-2024-07-18',
  usage: { prompt_tokens: 1234, completion_tokens: 56, total_tokens: 1290 },
  items: [
    { sku: 'A-1001', qty: 2, price: 19.99, tags: ['blue', 'large'] },
    { sku: 'B-2002', qty: 1, price: 5.5, tags: [] },
  ],
})
const german = `Die Anfrage wurde abgelehnt, weil das Budget des Nutzers für diesen Monat überschritten ist.
Bitte versuchen Sie es später erneut oder wenden Sie sich an die Verwaltung Ihres Kontos.
`
const chinese = '请求被拒绝，因为该用户本月的预算已经用完。请稍后再试，或者联系您的账户管理员。'
const mixed = [prose, code, json, german, chinese].join('\n').repeat(2)

type Library = 'gpt-tokenizer' | 'js-tiktoken'

interface LibraryNumbers {
  library: Library
  version: string
  loadMs: number
  heapMb: number
  tokens: number
  tokensPerSecond: number
  installedKb: number
  bundledKb: number
  bundledGzipKb: number
}

/** Runs in a fresh process: loads one library, then counts `mixed` over and over. */
async function measureLibrary(library: Library): Promise<LibraryNumbers> {
  globalThis.gc?.()
  const heapBefore = process.memoryUsage().heapUsed
  const started = performance.now()
  let count: (text: string) => number
  if (library === 'gpt-tokenizer') {
    const { countTokens } = await import('gpt-tokenizer/encoding/o200k_base')
    const asText = { disallowedSpecial: new Set<string>() }
    count = (text) => countTokens(text, asText)
  } else {
    const { Tiktoken } = await import('js-tiktoken/lite')
    const { default: ranks } = await import('js-tiktoken/ranks/o200k_base')
    const encoder = new Tiktoken(ranks)
    count = (text) => encoder.encode(text, [], []).length
  }
  const tokens = count(mixed)
  const loadMs = performance.now() - started
  globalThis.gc?.()
  const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6
  for (let i = 0; i < 50; i++) count(`${mixed}${i}`)
  let counted = 0
  const rounds = 400
  const t0 = performance.now()
  for (let i = 0; i < rounds; i++) counted += count(`${i} ${mixed}`)
  const seconds = (performance.now() - t0) / 1000
  const entry =
    library === 'gpt-tokenizer'
      ? "export { countTokens } from 'gpt-tokenizer/encoding/o200k_base'"
      : "import { Tiktoken } from 'js-tiktoken/lite'\nimport ranks from 'js-tiktoken/ranks/o200k_base'\nexport const encoder = new Tiktoken(ranks)"
  const bundle = await bundled(entry)
  const manifest = readFileSync(join(root, 'node_modules', library, 'package.json'), 'utf8')
  const { version } = JSON.parse(manifest) as { version: string }
  return {
    library,
    version,
    loadMs: round(loadMs, 0),
    heapMb: round(heapMb, 1),
    tokens,
    tokensPerSecond: Math.round(counted / seconds),
    installedKb: Math.round(installedBytes(library) / 1024),
    bundledKb: Math.round(bundle.length / 1024),
    bundledGzipKb: Math.round(gzipSync(bundle).length / 1024),
  }
}

/** What a bundler ships for one encoding: esbuild (tsup's), minified, for Node. */
async function bundled(entry: string): Promise<Buffer> {
  const esbuild = createRequire(requireFromRoot.resolve('tsup'))('esbuild') as typeof import('esbuild')
  const result = await esbuild.build({
    stdin: { contents: entry, resolveDir: root, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    write: false,
  })
  return Buffer.from(result.outputFiles[0]!.contents)
}

/** The package's files on disk, with its dependencies (js-tiktoken's base64-js). */
function installedBytes(library: Library): number {
  const dir = realpathSync(join(root, 'node_modules', library))
  const deps = library === 'js-tiktoken' ? [join(dir, '..', 'base64-js')] : []
  return [dir, ...deps].reduce((sum, path) => sum + sizeOf(path), 0)
}

function sizeOf(path: string): number {
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.size
  return readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0)
}

const round = (value: number, digits: number) => Number(value.toFixed(digits))

if (process.argv[2] === '--library') {
  const numbers = await measureLibrary(process.argv[3] as Library)
  process.send!(numbers)
  process.exit(0)
}

function inFreshProcess(library: Library): Promise<LibraryNumbers> {
  return new Promise((resolve, reject) => {
    const child = fork(import.meta.filename, ['--library', library], { execArgv: ['--expose-gc'] })
    child.once('message', (message) => resolve(message as LibraryNumbers))
    child.once('error', reject)
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`${library}: the measuring process exited with ${code}`))
    })
  })
}

/** The median of each timing over `runs` fresh processes a library, the libraries taking turns. */
async function measureLibraries(runs: number): Promise<LibraryNumbers[]> {
  const seen: Record<Library, LibraryNumbers[]> = { 'gpt-tokenizer': [], 'js-tiktoken': [] }
  for (let run = 0; run < runs; run++) {
    for (const library of ['gpt-tokenizer', 'js-tiktoken'] as const)
      seen[library].push(await inFreshProcess(library))
  }
  return (['gpt-tokenizer', 'js-tiktoken'] as const).map((library) => {
    const all = seen[library]
    return {
      ...all[0]!,
      loadMs: median(all.map((n) => n.loadMs)),
      heapMb: median(all.map((n) => n.heapMb)),
      tokensPerSecond: median(all.map((n) => n.tokensPerSecond)),
    }
  })
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

const libraries = await measureLibraries(3)

// The adapter's estimator (gpt-tokenizer, chat framing) against the core's heuristic.
const { estimateTokens } = await import('@aimux/ai-core')
const { openaiAdapter } = await import('@aimux/ai-openai')
type Message = import('@aimux/ai-core').Message
const heuristic = (messages: readonly Message[]) => messages.reduce((sum, m) => sum + estimateTokens(m), 0)
const loadStarted = performance.now()
const estimator = openaiAdapter({ apiKey: 'sk-bench' }).tokenEstimator!('gpt-4o')!
const firstCount = estimator.prompt([{ role: 'user', content: 'hello world' }])
const estimatorLoadMs = round(performance.now() - loadStarted, 0)

const conversation: Message[] = [
  { role: 'system', content: 'You are a careful assistant for a shop. Answer briefly.' },
  { role: 'user', content: prose },
  { role: 'assistant', content: german },
  { role: 'user', content: `Why does this fail?\n\n${code}` },
  { role: 'assistant', content: prose },
  { role: 'user', content: `And this order?\n${json}` },
  { role: 'assistant', content: 'The second item has no tags, so the filter drops it.' },
  { role: 'user', content: chinese },
  { role: 'assistant', content: german },
  { role: 'user', content: 'Thanks. One more question about the budget.' },
]
const promptChars = conversation.reduce(
  (n, m) => n + (typeof m.content === 'string' ? m.content.length : 0),
  0,
)

function microsPerCall(estimate: (messages: readonly Message[]) => number, fresh: boolean): number {
  const calls = 2_000
  const prompts = Array.from({ length: calls }, (_, i) =>
    fresh
      ? [...conversation.slice(0, -1), { role: 'user' as const, content: `Question ${i}: ${prose}` }]
      : conversation,
  )
  for (let i = 0; i < 200; i++) estimate(prompts[i]!)
  const t0 = performance.now()
  let sink = 0
  for (const prompt of prompts) sink += estimate(prompt)
  const us = ((performance.now() - t0) * 1000) / calls
  if (sink < 0) console.log(sink)
  return round(us, us < 10 ? 2 : 0)
}
/** The median of three runs of microsPerCall. */
const medianMicros = (estimate: (messages: readonly Message[]) => number, fresh: boolean) =>
  median([0, 1, 2].map(() => microsPerCall(estimate, fresh)))
const cost = [
  {
    subject: 'heuristic (4 characters a token)',
    sameUs: medianMicros(heuristic, false),
    freshUs: medianMicros(heuristic, true),
  },
  {
    subject: 'tokenizer (gpt-tokenizer, chat framing)',
    sameUs: medianMicros((m) => estimator.prompt(m), false),
    freshUs: medianMicros((m) => estimator.prompt(m), true),
  },
]

const samples: [string, Message[]][] = [
  ['English prose', [{ role: 'user', content: prose }]],
  ['TypeScript code', [{ role: 'user', content: code }]],
  ['JSON', [{ role: 'user', content: json }]],
  ['German prose', [{ role: 'user', content: german }]],
  ['Chinese prose', [{ role: 'user', content: chinese }]],
  ['10-message conversation', conversation],
]
const accuracy = samples.map(([sample, messages]) => {
  const tokens = estimator.prompt(messages)
  const estimate = heuristic(messages)
  return {
    sample,
    tokenizer: tokens,
    heuristic: estimate,
    errorPercent: round(((estimate - tokens) / tokens) * 100, 0),
  }
})

const table = (rows: Record<string, unknown>[]) => {
  const header = Object.keys(rows[0]!)
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${header.map((h) => String(row[h])).join(' | ')} |`),
  ].join('\n')
}
console.log(
  `Mixed text: ${mixed.length} characters, ${libraries[0]!.tokens} tokens (o200k_base); both libraries count ${libraries[0]!.tokens === libraries[1]!.tokens ? 'the same' : 'differently'}.\n`,
)
console.log(table(libraries.map(({ tokens: _tokens, ...rest }) => rest)))
console.log(
  `\nThe adapter's estimator: first count (loads o200k_base) ${estimatorLoadMs} ms (${firstCount} tokens for "hello world"). A ${conversation.length}-message prompt of ${promptChars} characters, microseconds per estimate, the same prompt again and a new last message each call:\n`,
)
console.log(table(cost))
console.log('\nThe heuristic against the tokenizer (GPT-4o, chat framing included):\n')
console.log(table(accuracy))

mkdirSync(join(root, 'bench/results'), { recursive: true })
const results = {
  date: new Date().toISOString(),
  node: process.version,
  mixedCharacters: mixed.length,
  libraries,
  estimator: { firstCountMs: estimatorLoadMs, promptMessages: conversation.length, promptChars, cost },
  accuracy,
}
writeFileSync(join(root, 'bench/results/tokenizers.json'), `${JSON.stringify(results, null, 2)}\n`)

// aimux quickstart: a short conversation, one streamed answer, the cost of every call and a
// usage summary read back from SQLite. With OPENAI_API_KEY set it talks to OpenAI; without, to
// a local fake server that speaks OpenAI's wire protocol, so it runs anywhere in a few seconds.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createAI, formatUsd } from '@aimux/ai-core'
import { openai } from '@aimux/ai-openai'
import { createFakeServer, openaiChatProtocol } from '@aimux/ai-testing'
import { sqliteStore } from '@aimux/store-sqlite'
import { scriptedReplies } from './scripted-replies.ts'

const apiKey = process.env.OPENAI_API_KEY
const server = apiKey ? undefined : await createFakeServer(openaiChatProtocol())
server?.enqueue(...scriptedReplies)
// Conversations, usage records and budget counters go to a SQLite file (a new one each run).
const database = process.env.AIMUX_DEMO_DB ?? join(mkdtempSync(join(tmpdir(), 'aimux-demo-')), 'aimux.db')

const ai = await createAI({
  plugins: [
    openai({
      apiKey: apiKey ?? 'sk-demo-not-a-real-key',
      ...(server ? { baseURL: `${server.url}/v1` } : {}),
    }),
    sqliteStore({ path: database }),
  ],
  // Calls are priced from the OpenAI adapter's own price table.
  defaultModel: 'openai:gpt-4o-mini',
  // When gpt-4o-mini keeps failing (after its retries), gpt-4.1-mini answers instead.
  retry: { maxAttempts: 2, baseDelayMs: 100 },
  fallbacks: { 'openai:gpt-4o-mini': ['openai:gpt-4.1-mini'] },
  // A tiny daily budget per user, so that its thresholds fire during the demo.
  budgets: [{ scope: 'user', limitUsd: 0.00015, period: 'day', thresholds: [0.5, 0.9], hard: false }],
})

// Events arrive in the background; the demo prints them after each call.
const notices: string[] = []
const notice = (text: string) => {
  notices.push(text)
}
ai.on('retry', (e) => notice(`retrying ${e.provider}:${e.model} after ${e.error.code} (${e.delayMs} ms)`))
ai.on('provider:switched', (e) => notice(`switched from ${e.from} to ${e.to} (${e.reason})`))
ai.on('budget:threshold', (e) =>
  notice(
    `budget: ${e.threshold * 100}% of ${e.scopeId}'s ${e.period} budget spent (${formatUsd(e.spentNanoUsd)})`,
  ),
)
const printNotices = async () => {
  await ai.flush()
  for (const notice of notices.splice(0)) console.log(dim(`  ! ${notice}`))
}

const started = new Date()
const dim = (text: string) => (process.stdout.isTTY ? `\x1b[2m${text}\x1b[0m` : text)
const costLine = (res: {
  cost: { nanoUsd: number }
  usage: { inputTokens: number; outputTokens: number }
  latencyMs: number
}) =>
  dim(
    `  ${formatUsd(res.cost.nanoUsd)} · ${res.usage.inputTokens} in / ${res.usage.outputTokens} out tokens · ${Math.round(res.latencyMs)} ms`,
  )

console.log(
  `aimux quickstart: talking to ${server ? `a local fake OpenAI server at ${server.url}` : 'OpenAI'}\n`,
)

const chat = await ai.conversation({
  userId: 'demo-user',
  title: 'Lisbon trip',
  system: 'You are a concise travel assistant. Answer in two sentences at most.',
})
for (const question of ['I have one day in Lisbon. Where should I start?', 'And what should I eat there?']) {
  console.log(`you: ${question}`)
  const res = await chat.send(question)
  console.log(`assistant: ${res.text}`)
  console.log(costLine(res))
  await printNotices()
}

const question = 'Write a four-line poem about the trams of Lisbon.'
console.log(`you: ${question}`)
process.stdout.write('assistant (streaming): ')
const stream = chat.stream(question)
for await (const text of stream.textStream) process.stdout.write(text)
const streamed = await stream.result
console.log(`\n${costLine(streamed)}`)
await printNotices()

const [total] = await ai.usage.query({ from: started, to: new Date(Date.now() + 1) })
const record = await chat.record()
console.log(`\nusage summary, read back from ${database}`)
console.log(`  calls          ${total?.requests} (${total?.errors} failed)`)
console.log(`  tokens         ${total?.inputTokens} in, ${total?.outputTokens} out`)
console.log(
  `  latency        p50 ${Math.round(total?.latencyP50Ms ?? 0)} ms, p95 ${Math.round(total?.latencyP95Ms ?? 0)} ms`,
)
console.log(`  total cost     ${formatUsd(total?.costNanoUsd ?? 0)}`)
console.log(`  conversation   ${record.messageCount} messages stored, ${formatUsd(record.totalCostNanoUsd)}`)

await ai.close()
await server?.close()

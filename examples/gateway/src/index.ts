// aimux gateway example: the gateway started from aimux.config.json (as `npx aimux-gateway` does),
// a virtual key issued through the admin API with its own budget and rate limit, the official
// openai SDK calling through the gateway with that key (a reply and a stream), the Prometheus
// metrics at /metrics, and the key revoked. With OPENAI_API_KEY set it talks to OpenAI; without,
// to a local fake server that speaks OpenAI's wire protocol, so it runs anywhere.
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { createFakeServer, openaiChatProtocol } from '@aimux/ai-testing'
import { startGateway } from '@aimux/gateway'
import OpenAI from 'openai'

const apiKey = process.env.OPENAI_API_KEY
const upstream = apiKey ? undefined : await createFakeServer(openaiChatProtocol())
upstream?.enqueue(
  { text: 'A gateway speaks OpenAI to every client.', usage: { inputTokens: 24, outputTokens: 9 } },
  { chunks: ['Streams ', 'pass ', 'through ', 'too.'], usage: { inputTokens: 22, outputTokens: 4 } },
)
// The OpenAI adapter reads OPENAI_BASE_URL when the config names no baseURL.
if (upstream) process.env.OPENAI_BASE_URL = `${upstream.url}/v1`

const adminToken = randomBytes(24).toString('base64url')
const gateway = await startGateway({
  configPath: fileURLToPath(new URL('../aimux.config.json', import.meta.url)),
  port: 0,
  env: { ...process.env, OPENAI_API_KEY: apiKey ?? 'sk-demo-not-a-real-key', AIMUX_ADMIN_TOKEN: adminToken },
  handleSignals: false,
})
console.log(
  `aimux gateway example: gateway on ${gateway.url}, talking to ${upstream ? `a local fake OpenAI server at ${upstream.url}` : 'OpenAI'}`,
)

const admin = (path: string, init: RequestInit = {}) =>
  fetch(`${gateway.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
  })

// A key for one team: its own scope, the models it may use, a budget and a rate limit.
const issued = await admin('/admin/keys', {
  method: 'POST',
  body: JSON.stringify({
    name: 'team-docs',
    scope: { tenantId: 'docs' },
    models: ['fast', 'openai:gpt-4o-mini'],
    limits: { budgets: [{ limitUsd: 5, period: 'month' }], requestsPerMinute: 60 },
  }),
})
const key = (await issued.json()) as { id: string; secret: string; prefix: string }
console.log(`issued ${key.id} (${key.prefix}...)`)

// Any OpenAI client: only the key and the base URL change.
const client = new OpenAI({ apiKey: key.secret, baseURL: `${gateway.url}/v1`, maxRetries: 0 })
const { data: completion, response } = await client.chat.completions
  .create({ model: 'fast', messages: [{ role: 'user', content: 'What does a gateway do?' }] })
  .withResponse()
console.log(`reply: ${completion.choices[0]?.message.content}`)
console.log(
  `usage: ${completion.usage?.prompt_tokens} in / ${completion.usage?.completion_tokens} out · cost $${response.headers.get('x-aimux-cost-usd')} · served by ${response.headers.get('x-aimux-provider')}:${response.headers.get('x-aimux-model')}`,
)

const stream = await client.chat.completions.create({
  model: 'fast',
  messages: [{ role: 'user', content: 'And streams?' }],
  stream: true,
})
let streamed = ''
for await (const chunk of stream) streamed += chunk.choices[0]?.delta.content ?? ''
console.log(`streamed: ${streamed}`)

// What Prometheus scrapes: calls, tokens, exact cost, durations, budgets left.
await gateway.ai.flush()
const metrics = await (await fetch(`${gateway.url}/metrics`)).text()
for (const line of metrics.split('\n')) {
  if (/^aimux_(requests_total|tokens_total|cost_usd_total|budget_remaining_usd)\{/.test(line))
    console.log(line)
}

// Revoked: refused at once by this gateway, and within keyCacheMs by every other one.
await admin(`/admin/keys/${key.id}`, { method: 'DELETE' })
const refused = await client.models.list().catch((error: { status?: number }) => error)
console.log(`after revoking: ${'status' in refused ? refused.status : 'accepted'}`)

await gateway.close()
await upstream?.close()
console.log('closed')

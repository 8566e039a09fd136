import { randomBytes } from 'node:crypto'
import { type AI, createAI } from '@aimux/ai-core'
import { createFakeServer, type FakeServer, ollamaProtocol } from '@aimux/ai-testing'
import { secretScanSuite } from '@aimux/ai-testing/conformance'
import { afterEach, describe, expect, it } from 'vitest'
import { ollama } from './ollama.js'

secretScanSuite({
  name: 'ollama',
  model: 'ollama:llama3.2:latest',
  protocol: () => ollamaProtocol(),
  plugin: (url, apiKey) => ollama({ host: url, apiKey }),
  unreadable: (key) => [
    [{ body: '{"model": "cut' }, 'not JSON'],
    [{ body: '{}' }, 'no message'],
    [{ contentType: 'text/html', body: `<html><body>Welcome ${key}</body></html>` }, 'not JSON'],
    [{ body: '' }, 'not JSON'],
  ],
  // The client keeps no body; the parser's message shows the start of it.
  htmlExcerpt: '"<html><bod"',
})

const messages = [{ role: 'user' as const, content: 'Hi' }]
const plainKey = () => `plain${randomBytes(16).toString('hex')}`
const servers: FakeServer[] = []
const instances: AI[] = []
afterEach(async () => {
  await Promise.all(instances.splice(0).map((ai) => ai.close()))
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

async function setup(key: string) {
  const server = await createFakeServer(ollamaProtocol(), { echoKey: true })
  servers.push(server)
  const ai = await createAI({
    plugins: [ollama({ host: server.url, apiKey: key })],
    defaultModel: 'ollama:llama3.2:latest',
    retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
  })
  instances.push(ai)
  return { server, ai }
}

describe('ollama error bodies', () => {
  it('keeps the status and Retry-After of an error body shaped as an object', async () => {
    const key = plainKey()
    const { server, ai } = await setup(key)
    const body = (message: string) => JSON.stringify({ error: { message } })
    server.enqueue(
      { raw: { status: 429, headers: { 'retry-after': '7' }, body: body(`slow down ${key}`) } },
      { raw: { status: 401, body: body('unauthorized') } },
    )
    const limited = await ai.chat({ messages, retry: { maxAttempts: 1 } }).catch((e: unknown) => e)
    expect(limited).toMatchObject({ code: 'rate-limit', status: 429, retryAfterMs: 7000, retryable: true })
    expect((limited as Error).message).toBe('ollama: 429 slow down [redacted]')
    const refused = await ai.chat({ messages }).catch((e: unknown) => e)
    expect(refused).toMatchObject({ code: 'authentication', status: 401 })
    expect((refused as Error).message).toBe('ollama: 401 unauthorized')
  })
})

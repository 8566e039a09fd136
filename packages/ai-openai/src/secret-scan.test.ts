import { randomBytes } from 'node:crypto'
import { type AI, createAI, InvalidResponseError, type Plugin, StreamInterruptedError } from '@aimux/ai-core'
import {
  createFakeServer,
  type FakeServer,
  openaiChatProtocol,
  openaiResponsesProtocol,
  startSecretScan,
  type WireProtocol,
} from '@aimux/ai-testing'
import { afterEach, describe, expect, it } from 'vitest'
import { openai } from './openai.js'

// No key the adapter was given reaches an error, its causes, an event or a log line, even when
// the provider echoes it back in its error messages and headers.

const messages = [{ role: 'user' as const, content: 'Hi' }]
/** A key shaped like no provider's, so the core's masking of key shapes cannot hide a failure. */
const plainKey = () => `plain${randomBytes(16).toString('hex')}`

const servers: FakeServer[] = []
const instances: AI[] = []
afterEach(async () => {
  await Promise.all(instances.splice(0).map((ai) => ai.close()))
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

async function setup(protocol: WireProtocol, plugin: (baseURL: string) => Plugin) {
  const server = await createFakeServer(protocol, { echoKey: true })
  servers.push(server)
  const ai = await createAI({
    plugins: [plugin(`${server.url}/v1`)],
    defaultModel: 'openai:gpt-4o-mini',
    retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
  })
  instances.push(ai)
  return { server, ai }
}

const apis = [
  ['chat completions', 'chat', () => openaiChatProtocol()],
  ['responses', 'responses', () => openaiResponsesProtocol()],
] as const

describe.each(apis)('openai %s', (_name, api, protocol) => {
  it('shows the key nowhere: errors, causes, stacks, inspection, JSON, events, console', async () => {
    const key = plainKey()
    const { server, ai } = await setup(protocol(), (baseURL) => openai({ apiKey: key, baseURL, api }))
    const scan = startSecretScan()
    try {
      scan.listen(ai)
      const fail = (promise: Promise<unknown>) =>
        promise.then(
          () => expect.unreachable(),
          (error: unknown) => {
            scan.record(error)
            return error
          },
        )
      server.enqueue(
        { error: { status: 401 } },
        { error: { status: 500 } },
        { error: { status: 429, retryAfterMs: 1 } },
        { error: { status: 400, message: 'Bad request' } },
        { chunks: ['Hel', 'lo'], breakAfterChunks: 1 },
        { raw: { body: `{"broken": "${key}` } },
        { dropConnection: true },
        { dropConnection: true },
      )
      await fail(ai.chat({ messages }))
      await fail(ai.chat({ messages }))
      const stream = ai.stream({ messages })
      await fail(
        (async () => {
          for await (const _ of stream);
        })(),
      )
      await fail(stream.result)
      const broken = ai.stream({ messages })
      const interrupted = await fail(
        (async () => {
          for await (const _ of broken);
        })(),
      )
      expect(StreamInterruptedError.is(interrupted)).toBe(true)
      await fail(ai.chat({ messages }))
      await fail(ai.chat({ messages }))
      await ai.flush()
      expect(server.requests.every((request) => request.headers.authorization === `Bearer ${key}`)).toBe(true)
      expect(scan.text).toContain('Incorrect API key provided: [redacted]')
      expect(scan.found([key])).toEqual([])
    } finally {
      scan.stop()
    }
  })

  it('makes an answer it cannot read one InvalidResponseError, not retried, with a masked excerpt', async () => {
    const key = plainKey()
    const { server, ai } = await setup(protocol(), (baseURL) => openai({ apiKey: key, baseURL, api }))
    const unreadable = [
      [{ body: '{"id": "cut' }, 'not JSON'],
      [{ body: '{}' }, api === 'chat' ? 'no choices' : 'no output'],
      [{ contentType: 'text/html', body: `<html><body>Welcome ${key}</body></html>` }, 'not a JSON object'],
      [{ body: '' }, 'an empty body'],
      ...(api === 'chat' ? [[{ body: '{"choices": []}' }, 'no choices'] as const] : []),
    ] as const
    for (const [raw, problem] of unreadable) {
      server.enqueue({ raw })
      const error = await ai.chat({ messages }).catch((e: unknown) => e)
      expect(InvalidResponseError.is(error), `${raw.body}: ${String(error)}`).toBe(true)
      const typed = error as InvalidResponseError
      expect(typed).toMatchObject({ code: 'invalid-response', provider: 'openai', retryable: false })
      expect(typed.message).toContain(problem)
      expect(typed.message).not.toContain(key)
      expect(typed.excerpt.length).toBeLessThanOrEqual(201)
      if (raw.body.startsWith('<html>'))
        expect(typed.excerpt).toContain('<html><body>Welcome [redacted]</body></html>')
    }
    expect(server.requests).toHaveLength(unreadable.length)
  })
})

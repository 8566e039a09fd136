import { randomBytes } from 'node:crypto'
import { type AI, createAI, InvalidResponseError, StreamInterruptedError } from '@aimux/ai-core'
import {
  anthropicProtocol,
  createFakeServer,
  type FakeServer,
  type ScriptedRawAnswer,
  startSecretScan,
} from '@aimux/ai-testing'
import { afterEach, describe, expect, it } from 'vitest'
import { anthropic } from './anthropic.js'

// No key the adapter was given reaches an error, its causes, an event or a log line, even when
// the provider echoes it back in its error messages and headers; an answer the adapter cannot
// read is one InvalidResponseError.

const messages = [{ role: 'user' as const, content: 'Hi' }]
/** A key shaped like no provider's, so the core's masking of key shapes cannot hide a failure. */
const plainKey = () => `plain${randomBytes(16).toString('hex')}`

const servers: FakeServer[] = []
const instances: AI[] = []
afterEach(async () => {
  await Promise.all(instances.splice(0).map((ai) => ai.close()))
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

async function setup(key: string) {
  const server = await createFakeServer(anthropicProtocol(), { echoKey: true })
  servers.push(server)
  const url = server.url
  const ai = await createAI({
    plugins: [anthropic({ apiKey: key, baseURL: url })],
    defaultModel: 'anthropic:claude-3-5-haiku-latest',
    retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
  })
  instances.push(ai)
  return { server, ai }
}

describe('anthropic secrets and unreadable answers', () => {
  it('shows the key nowhere: errors, causes, stacks, inspection, JSON, events, console', async () => {
    const key = plainKey()
    const { server, ai } = await setup(key)
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
      expect(server.requests.length).toBeGreaterThanOrEqual(8)
      expect(server.requests.every((request) => JSON.stringify(request.headers).includes(key))).toBe(true)
      expect(scan.text).toContain('[redacted]')
      expect(scan.found([key])).toEqual([])
    } finally {
      scan.stop()
    }
  })

  it('makes an answer it cannot read one InvalidResponseError, not retried, with a masked excerpt', async () => {
    const key = plainKey()
    const { server, ai } = await setup(key)
    const unreadable: [ScriptedRawAnswer['raw'], string][] = [
      [{ body: '{"id": "cut' }, 'not JSON'],
      [{ body: '{}' }, 'no content'],
      [{ contentType: 'text/html', body: `<html><body>Welcome ${key}</body></html>` }, 'not a JSON object'],
      [{ body: '' }, 'an empty body'],
    ]
    for (const [raw, problem] of unreadable) {
      server.enqueue({ raw })
      const error = await ai.chat({ messages }).catch((e: unknown) => e)
      expect(InvalidResponseError.is(error), `${raw.body}: ${String(error)}`).toBe(true)
      const typed = error as InvalidResponseError
      expect(typed).toMatchObject({ code: 'invalid-response', provider: 'anthropic', retryable: false })
      expect(typed.message).toContain(problem)
      expect(typed.message).not.toContain(key)
      expect(typed.excerpt.length).toBeLessThanOrEqual(201)
      if (raw.body.startsWith('<html>')) expect(typed.excerpt).toContain('Welcome [redacted]')
    }
    expect(server.requests).toHaveLength(unreadable.length)
  })
})

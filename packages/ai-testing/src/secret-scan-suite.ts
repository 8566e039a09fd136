import { randomBytes } from 'node:crypto'
import { type AI, createAI, InvalidResponseError, type Plugin, StreamInterruptedError } from '@aimux/ai-core'
import { afterEach, describe, expect, it } from 'vitest'
import {
  createFakeServer,
  type FakeRequest,
  type FakeServer,
  type ScriptedRawAnswer,
  type WireProtocol,
} from './fake-server.js'
import { startSecretScan } from './secret-scan.js'

export interface SecretScanSuiteOptions {
  /** Names the suite: "<name> secrets and unreadable answers". */
  name: string
  /** "provider:model", the model every call asks for. */
  model: string
  /** The fake server's wire; it echoes the key back in error messages and a header. */
  protocol: () => WireProtocol
  /** The plugin under test, given the fake server's URL and the key. */
  plugin: (url: string, apiKey: string) => Plugin
  /** Answers on a 200 the adapter cannot read, each with a word its error message must hold. */
  unreadable: (apiKey: string) => [ScriptedRawAnswer['raw'], string][]
  /** What the excerpt of an HTML answer (`<html><body>Welcome <key></body></html>`) holds. */
  htmlExcerpt: string
  /** Whether a request sent the key. Default: the key stands somewhere in its headers. */
  sendsKey?: (request: FakeRequest, apiKey: string) => boolean
}

/**
 * No key the adapter was given reaches an error, its causes, an event or a log line, even when
 * the provider echoes it back in its error messages and headers; an answer the adapter cannot
 * read is one InvalidResponseError, not retried, with a masked excerpt.
 */
export function secretScanSuite(options: SecretScanSuiteOptions): void {
  const provider = options.model.slice(0, options.model.indexOf(':'))
  const sendsKey =
    options.sendsKey ?? ((request: FakeRequest, key: string) => JSON.stringify(request.headers).includes(key))
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
    const server = await createFakeServer(options.protocol(), { echoKey: true })
    servers.push(server)
    const ai = await createAI({
      plugins: [options.plugin(server.url, key)],
      defaultModel: options.model,
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
    })
    instances.push(ai)
    return { server, ai }
  }

  describe(`${options.name} secrets and unreadable answers`, () => {
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
        expect(server.requests.every((request) => sendsKey(request, key))).toBe(true)
        expect(scan.text).toContain('[redacted]')
        expect(scan.found([key])).toEqual([])
      } finally {
        scan.stop()
      }
    })

    it('makes an answer it cannot read one InvalidResponseError, not retried, with a masked excerpt', async () => {
      const key = plainKey()
      const { server, ai } = await setup(key)
      const unreadable = options.unreadable(key)
      for (const [raw, problem] of unreadable) {
        server.enqueue({ raw })
        const error = await ai.chat({ messages }).catch((e: unknown) => e)
        expect(InvalidResponseError.is(error), `${raw.body}: ${String(error)}`).toBe(true)
        const typed = error as InvalidResponseError
        expect(typed).toMatchObject({ code: 'invalid-response', provider, retryable: false })
        expect(typed.message).toContain(problem)
        expect(typed.message).not.toContain(key)
        expect(typed.excerpt.length).toBeLessThanOrEqual(201)
        if (raw.body.startsWith('<html>')) expect(typed.excerpt).toContain(options.htmlExcerpt)
      }
      expect(server.requests).toHaveLength(unreadable.length)
    })
  })
}

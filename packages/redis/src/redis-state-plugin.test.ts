import { type AI, CircuitOpenError, createAI, RateLimitError, StoreError } from '@aimux/ai-core'
import { mockProvider } from '@aimux/ai-testing'
import { afterEach, describe, expect, it } from 'vitest'
import { startOwnRedisServer } from '../test/own-redis-server.js'
import { dropPrefixes, freshPrefix, testRedisUrl } from '../test/test-redis.js'
import { redisState } from './redis-state-plugin.js'

const instances: AI[] = []
const prefixes: string[] = []
afterEach(async () => {
  await Promise.all(instances.splice(0).map((ai) => ai.close()))
  await dropPrefixes(prefixes.splice(0))
})

const hello = [{ role: 'user' as const, content: 'Hello' }]

/** Two instances, as two gateway processes would be, each with its own provider, sharing one prefix. */
async function twoInstances(options: Parameters<typeof createAI>[0] & object, url = testRedisUrl) {
  const prefix = freshPrefix()
  prefixes.push(prefix)
  const made = []
  for (let i = 0; i < 2; i++) {
    const mock = mockProvider({ defaultTurn: { text: `answer from ${i}` } })
    const ai = await createAI({
      ...options,
      plugins: [mock, redisState({ url, prefix })],
      defaultModel: 'mock:mock-model',
      retry: false,
    })
    instances.push(ai)
    made.push({ ai, mock })
  }
  return made
}

describe('instances sharing one Redis', () => {
  it('count their calls against one rate limit', async () => {
    const [one, two] = await twoInstances({
      rateLimits: { rules: [{ scope: 'user', requestsPerMinute: 3 }] },
    })
    const scope = { userId: 'u1' }
    await one!.ai.chat({ messages: hello, scope })
    await two!.ai.chat({ messages: hello, scope })
    await one!.ai.chat({ messages: hello, scope })
    const refused = await two!.ai.chat({ messages: hello, scope }).catch((e: unknown) => e)
    expect(RateLimitError.is(refused)).toBe(true)
    expect((refused as RateLimitError).retryAfterMs).toBeGreaterThan(0)
    // Another user has a counter of its own.
    await two!.ai.chat({ messages: hello, scope: { userId: 'u2' } })
  })

  it('serve one instance the answer another cached', async () => {
    const [one, two] = await twoInstances({ cache: {} })
    const first = await one!.ai.chat({ messages: hello })
    const second = await two!.ai.chat({ messages: hello })
    expect(second.text).toBe(first.text)
    expect(second.text).toBe('answer from 0')
    expect(two!.mock.calls).toHaveLength(0)
  })

  it('open the circuit for all when one sees the provider fail', async () => {
    const [one, two] = await twoInstances({ circuitBreaker: { minRequests: 2, failureRate: 0.5 } })
    one!.mock.enqueue({ error: { status: 500 } }, { error: { status: 503 } })
    for (let i = 0; i < 2; i++) await one!.ai.chat({ messages: hello }).catch(() => {})
    const refused = await two!.ai.chat({ messages: hello }).catch((e: unknown) => e)
    expect(CircuitOpenError.is(refused)).toBe(true)
    expect(two!.mock.calls).toHaveLength(0)
  })
})

describe('an instance whose Redis went away', () => {
  it('fails calls under a rate limit with a StoreError naming the server, and answers again once it is back', async () => {
    const server = await startOwnRedisServer()
    try {
      const [one] = await twoInstances(
        { rateLimits: { rules: [{ scope: 'user', requestsPerMinute: 100 }] } },
        server.url(),
      )
      const scope = { userId: 'u1' }
      await one!.ai.chat({ messages: hello, scope })
      await server.stop()
      const error = await one!.ai.chat({ messages: hello, scope }).catch((e: unknown) => e)
      expect(StoreError.is(error)).toBe(true)
      expect((error as Error).message).toMatch(
        new RegExp(
          `^Redis at redis://127\\.0\\.0\\.1:${server.port} failed to count a request against rate limits: `,
        ),
      )
      await server.start()
      let answer: unknown
      for (let attempt = 0; attempt < 300; attempt++) {
        answer = await one!.ai.chat({ messages: hello, scope }).catch((e: unknown) => e)
        if (!(answer instanceof Error)) break
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      expect((answer as { text: string }).text).toBe('answer from 0')
    } finally {
      await server.stop()
    }
  })
})

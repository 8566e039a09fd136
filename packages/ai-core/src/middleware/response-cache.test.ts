import { mockProvider } from '@aimux/ai-testing'
import { describe, expect, it } from 'vitest'
import type { EventBus } from '../events/event-bus.js'
import { createAI } from '../instance/create-ai.js'
import type { ProviderAdapter, ProviderResult, ProviderStreamPart } from '../spec/provider.js'
import type { ResponseCacheState } from '../store/shared-state.js'
import type { ModelCall, ModelResponse } from './middleware.js'
import { responseCacheMiddleware, responseCacheSchema } from './response-cache.js'

const messages = [{ role: 'user' as const, content: 'What is 2 + 2?' }]
const prices = [{ provider: 'mock', model: 'm', price: { input: 1, output: 1 } }]

async function setup(ttlMs = 60_000) {
  const mock = mockProvider()
  const ai = await createAI({
    plugins: [mock],
    defaultModel: 'mock:m',
    prices,
    cache: { ttlMs, maxEntries: 10 },
  })
  const lookups: boolean[] = []
  ai.on('cache', (e) => void lookups.push(e.hit))
  return { mock, ai, lookups }
}

describe('response cache', () => {
  it('serves the same request again without calling the provider, at no cost, and says so', async () => {
    const { mock, ai, lookups } = await setup()
    mock.enqueue({ text: '4', usage: { inputTokens: 10, outputTokens: 1 } })
    const first = await ai.chat({ messages, requestId: 'a' })
    const second = await ai.chat({ messages, requestId: 'b' })
    expect([first.text, second.text]).toEqual(['4', '4'])
    expect(mock.calls).toHaveLength(1)
    expect(first.cost).toMatchObject({ nanoUsd: 11_000, source: 'catalog' })
    expect(second.cost).toEqual({ nanoUsd: 0, usd: 0, source: 'cache' })
    expect(second.usage.totalTokens).toBe(0)
    expect(await ai.usage.get('b')).toMatchObject({ costNanoUsd: 0, costSource: 'cache', success: true })
    await ai.flush()
    expect(lookups).toEqual([false, true])
    await ai.close()
  })

  it('keeps a streamed answer once it finished, and replays it as a stream', async () => {
    const { mock, ai } = await setup()
    mock.enqueue({ chunks: ['fo', 'ur'] })
    expect((await ai.stream({ messages }).result).text).toBe('four')
    let text = ''
    for await (const delta of ai.stream({ messages }).textStream) text += delta
    expect(text).toBe('four')
    expect(mock.calls).toHaveLength(1)
    await ai.close()
  })

  it('keys on the whole request and the tenant, and can be skipped per request', async () => {
    const { mock, ai } = await setup()
    mock.enqueue({ text: 'a' }, { text: 'b' }, { text: 'c' }, { text: 'd' })
    await ai.chat({ messages })
    await ai.chat({ messages, temperature: 0.5 }) // another request
    await ai.chat({ messages, scope: { tenantId: 'other' } }) // another tenant
    expect((await ai.chat({ messages, cache: false })).text).toBe('d')
    expect(mock.calls).toHaveLength(4)
    await ai.close()
  })

  it('never keeps an answer cut short, and forgets after its TTL', async () => {
    const { mock, ai } = await setup(50)
    mock.enqueue({ text: 'partial', finishReason: 'length' }, { text: 'full' }, { text: 'again' })
    await ai.chat({ messages })
    expect((await ai.chat({ messages })).text).toBe('full')
    await new Promise((r) => setTimeout(r, 80))
    expect((await ai.chat({ messages })).text).toBe('again')
    await ai.close()
  })
  it('keeps an answer that stopped to call tools: it is complete', async () => {
    const { mock, ai, lookups } = await setup()
    const tools = [{ name: 'add', parameters: { type: 'object' } }]
    mock.enqueue({ toolCalls: [{ name: 'add', args: { a: 2, b: 2 } }] }, { text: 'asked again' })
    const first = await ai.chat({ messages, tools })
    const second = await ai.chat({ messages, tools })
    expect(first.finishReason).toBe('tool-calls')
    expect([second.finishReason, second.toolCalls.map((c) => c.args)]).toEqual([
      'tool-calls',
      [{ a: 2, b: 2 }],
    ])
    expect(mock.calls).toHaveLength(1)
    await ai.flush()
    expect(lookups).toEqual([false, true])
    await ai.close()
  })

  it('never keeps a streamed answer cut short by its length limit', async () => {
    const { mock, ai } = await setup()
    mock.enqueue({ chunks: ['par', 'tial'], finishReason: 'length' }, { text: 'full' })
    expect((await ai.stream({ messages }).result).finishReason).toBe('length')
    expect((await ai.chat({ messages })).text).toBe('full')
    expect(mock.calls).toHaveLength(2)
    await ai.close()
  })
})

const options = responseCacheSchema.parse({})
const usage = { inputTokens: 1, outputTokens: 1 } as ProviderResult['usage']
const answer: ProviderResult = { content: [{ type: 'text', text: '4' }], finishReason: 'stop', usage }
const ctx = {
  requestId: 'r',
  scope: {},
  signal: new AbortController().signal,
  attempt: 1,
  step: 1,
  metadata: {},
}
const chat = (mode: 'generate' | 'stream' = 'generate'): ModelCall => ({
  mode,
  provider: { id: 'p' } as ProviderAdapter,
  request: { model: 'm', messages: [{ role: 'user', content: 'What is 2 + 2?' }] },
  ctx,
})

/** The events as they are emitted, in one list with what the state and the test add. */
function recorder() {
  const log: unknown[] = []
  const events = {
    emit: (event: string, payload: Record<string, unknown>) =>
      void log.push(
        event === 'cache'
          ? `cache hit: ${payload.hit}`
          : [event, payload.source, (payload.error as Error).message],
      ),
  } as unknown as EventBus
  return { log, events }
}

/** The provider's side: answers `answer`, and logs each call. */
const provider = (log: unknown[]) => async () => {
  log.push('provider called')
  return { mode: 'generate', result: answer } as ModelResponse
}

/** A state that answers reads at once and stores a write only a step later. */
function writesLater(): ResponseCacheState {
  const kept = new Map<string, ProviderResult>()
  return {
    get: (key) => kept.get(key),
    set: (key, result) =>
      new Promise<void>((resolve) =>
        setImmediate(() => {
          kept.set(key, result)
          resolve()
        }),
      ),
  }
}

describe('response cache over a shared state', () => {
  it('leaves an embedding alone: no lookup, no cache event', async () => {
    const { log, events } = recorder()
    const state: ResponseCacheState = {
      get: () => void log.push('get'),
      set: () => void log.push('set'),
    }
    const embedded: ModelResponse = { mode: 'embed', result: { embeddings: [[1, 0]] } }
    const call: ModelCall = {
      mode: 'embed',
      provider: { id: 'p' } as ProviderAdapter,
      request: { model: 'e', input: ['x'] },
      ctx,
    }
    const response = await responseCacheMiddleware(options, events, state)(call, async () => embedded)
    expect(response).toBe(embedded)
    expect(log).toEqual([])
  })

  it('counts a state that cannot be read as a miss, reports it, and still answers', async () => {
    const { log, events } = recorder()
    const state: ResponseCacheState = {
      get: () => {
        throw new Error('state unreachable')
      },
      set: () => {},
    }
    const response = await responseCacheMiddleware(options, events, state)(chat(), provider(log))
    expect(response).toEqual({ mode: 'generate', result: answer })
    expect(log).toEqual([
      ['background:error', 'response cache', 'state unreachable'],
      'cache hit: false',
      'provider called',
    ])
  })

  it('keeps nothing when the state cannot be written, reports it, and still answers', async () => {
    const { log, events } = recorder()
    const state: ResponseCacheState = {
      get: () => undefined,
      set: () => {
        throw new Error('state full')
      },
    }
    const response = await responseCacheMiddleware(options, events, state)(chat(), provider(log))
    expect(response).toEqual({ mode: 'generate', result: answer })
    expect(log).toEqual([
      'cache hit: false',
      'provider called',
      ['background:error', 'response cache', 'state full'],
    ])
  })

  it('has an answer stored by a state that writes later before the call returns, so the next call finds it', async () => {
    const { log, events } = recorder()
    const cache = responseCacheMiddleware(options, events, writesLater())
    await cache(chat(), provider(log))
    const second = await cache(chat(), provider(log))
    expect(second).toEqual({ mode: 'generate', result: answer, cached: true })
    expect(log).toEqual(['cache hit: false', 'provider called', 'cache hit: true'])
  })

  it('has a streamed answer stored by a state that writes later before the stream ends', async () => {
    const { log, events } = recorder()
    const cache = responseCacheMiddleware(options, events, writesLater())
    async function* parts(): AsyncGenerator<ProviderStreamPart> {
      yield { type: 'text-delta', text: '4' }
      yield { type: 'usage', usage }
      yield { type: 'finish', finishReason: 'stop' }
    }
    const streamed = await cache(chat('stream'), async () => ({ mode: 'stream', stream: parts() }))
    if (streamed.mode !== 'stream') throw new Error('expected a stream')
    for await (const _ of streamed.stream) log.push('part')
    const second = await cache(chat('stream'), provider(log))
    expect(second).toMatchObject({ mode: 'generate', cached: true })
    expect(log).toEqual(['cache hit: false', 'part', 'part', 'part', 'cache hit: true'])
  })
})

import { mockProvider } from '@aimux/ai-testing'
import { describe, expect, it } from 'vitest'
import { createAI } from '../instance/create-ai.js'

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

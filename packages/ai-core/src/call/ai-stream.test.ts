import { mockProvider } from '@aimux/ai-testing'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createAI } from '../instance/create-ai.js'
import type { StreamPart } from '../spec/result.js'

async function setup() {
  const mock = mockProvider()
  const ai = await createAI({
    plugins: [mock],
    defaultModel: 'mock:small',
    prices: [{ provider: 'mock', model: 'small', price: { input: 1, output: 2 } }],
  })
  return { mock, ai }
}

const messages = [{ role: 'user' as const, content: 'Tell me a story' }]

describe('ai.stream', () => {
  it('yields text as it arrives, then a finish part with usage and cost', async () => {
    const { mock, ai } = await setup()
    mock.enqueue({
      chunks: ['Once ', 'upon ', 'a time'],
      chunkDelayMs: 40,
      usage: { inputTokens: 10, outputTokens: 4 },
    })
    const started = performance.now()
    const arrivals: { part: StreamPart; at: number }[] = []
    const stream = ai.stream({ messages })
    for await (const part of stream) arrivals.push({ part, at: performance.now() - started })
    const texts = arrivals.filter((a) => a.part.type === 'text-delta')
    expect(texts.map((a) => (a.part as { text: string }).text)).toEqual(['Once ', 'upon ', 'a time'])
    // Nothing is buffered: the first text reached us well before the last chunk was produced.
    expect(texts[2]!.at - texts[0]!.at).toBeGreaterThanOrEqual(60)
    const finish = arrivals[arrivals.length - 1]!.part
    expect(finish).toEqual({
      type: 'finish',
      finishReason: 'stop',
      usage: {
        inputTokens: 10,
        cachedInputTokens: 0,
        cacheWriteTokens: 0,
        outputTokens: 4,
        reasoningTokens: 0,
        totalTokens: 14,
      },
      cost: expect.objectContaining({ nanoUsd: 10 * 1_000 + 4 * 2_000 }),
    })
    const result = await stream.result
    expect(result.text).toBe('Once upon a time')
    expect(result.cost.nanoUsd).toBe(18_000)
    expect(mock.calls[0]?.mode).toBe('stream')
    await ai.close()
  })

  it('surfaces reasoning deltas and the aggregated reasoning text', async () => {
    const { mock, ai } = await setup()
    mock.enqueue({ reasoning: 'think', text: 'answer' })
    const stream = ai.stream({ messages })
    const types = new Set<string>()
    for await (const part of stream) types.add(part.type)
    expect(types.has('reasoning-delta')).toBe(true)
    const result = await stream.result
    expect(result.reasoning).toBe('think')
    expect(result.text).toBe('answer')
    await ai.close()
  })

  it('consumes the stream when only the result is awaited', async () => {
    const { mock, ai } = await setup()
    mock.enqueue({ chunks: ['a', 'b'] })
    expect((await ai.stream({ messages }).result).text).toBe('ab')
    await ai.close()
  })

  it('offers a text-only stream', async () => {
    const { mock, ai } = await setup()
    mock.enqueue({ chunks: ['x', 'y', 'z'] })
    let text = ''
    for await (const delta of ai.stream({ messages }).textStream) text += delta
    expect(text).toBe('xyz')
    await ai.close()
  })

  it('offers an object-only stream with a schema', async () => {
    const { mock, ai } = await setup()
    mock.enqueue({ chunks: ['{"title":"Once', ' upon"', ',"words":', '3}'] })
    const schema = z.object({ title: z.string(), words: z.number() })
    const objects: unknown[] = []
    const stream = ai.stream({ messages, schema })
    for await (const object of stream.objectStream) objects.push(object)
    expect(objects).toEqual([{ title: 'Once' }, { title: 'Once upon' }, { title: 'Once upon', words: 3 }])
    expect((await stream.result).object).toEqual({ title: 'Once upon', words: 3 })
    await ai.close()
  })

  it('aborts the request in flight when the caller breaks out of the loop', async () => {
    const { mock, ai } = await setup()
    mock.enqueue({ chunks: ['one', 'two', 'three', 'four'], chunkDelayMs: 30 })
    const stream = ai.stream({ messages })
    for await (const part of stream) if (part.type === 'text-delta') break
    expect(mock.calls[0]?.ctx.signal.aborted).toBe(true)
    await expect(stream.result).rejects.toMatchObject({ code: 'aborted' })
    await ai.close()
  })

  it("aborts when the caller's signal fires mid-stream", async () => {
    const { mock, ai } = await setup()
    mock.enqueue({ chunks: ['one', 'two', 'three', 'four'], chunkDelayMs: 50 })
    const controller = new AbortController()
    const stream = ai.stream({ messages, signal: controller.signal })
    const texts: string[] = []
    const reading = (async () => {
      for await (const part of stream) {
        if (part.type === 'text-delta') {
          texts.push(part.text)
          controller.abort()
        }
      }
    })()
    await expect(reading).rejects.toMatchObject({ code: 'aborted' })
    expect(texts).toEqual(['one'])
    expect(mock.calls[0]?.ctx.signal.aborted).toBe(true)
    await ai.close()
  })

  it('keeps the text of a broken stream on the typed error', async () => {
    const { mock, ai } = await setup()
    mock.enqueue({ chunks: ['Hel', 'lo ', 'wor', 'ld'], breakAfterChunks: 2 })
    const texts: string[] = []
    const error = await (async () => {
      for await (const part of ai.stream({ messages })) if (part.type === 'text-delta') texts.push(part.text)
    })().catch((e) => e)
    expect(texts).toEqual(['Hel', 'lo '])
    expect(error.code).toBe('stream-interrupted')
    expect(error.partialText).toBe('Hello ')
    await ai.close()
  })

  it('throws an invalid request at once, before anything is sent', async () => {
    const { mock, ai } = await setup()
    expect(() => ai.stream({ messages: [], model: 'mock:small' })).toThrow(
      /messages: must hold at least one message/,
    )
    expect(mock.calls).toHaveLength(0)
    await ai.close()
  })
})

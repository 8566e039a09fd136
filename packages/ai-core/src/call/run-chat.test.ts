import { mockProvider } from '@aimux/ai-testing'
import { describe, expect, it } from 'vitest'
import { createAI } from '../instance/create-ai.js'
import type { Middleware } from '../middleware/middleware.js'
import { defineProvider } from '../spec/provider.js'

// Edge cases of one call's run: early exits, broken streams, what middleware sees, bad input.

const messages = [{ role: 'user' as const, content: 'Hi' }]
const prices = [{ provider: 'mock', model: 'small', price: { input: 1, output: 1 } }]

async function setup() {
  const mock = mockProvider()
  const ai = await createAI({ plugins: [mock], defaultModel: 'mock:small', prices })
  return { mock, ai }
}

describe('a call cut short', () => {
  it('settles the result when the caller stops at the finish part', async () => {
    const { mock, ai } = await setup()
    mock.enqueue({ chunks: ['a', 'b'] })
    const stream = ai.stream({ messages })
    for await (const part of stream) if (part.type === 'finish') break
    expect((await stream.result).text).toBe('ab')
    await ai.close()
  })

  it('records the steps already paid for when the caller stops mid-way through a tool loop', async () => {
    const { mock, ai } = await setup()
    mock.enqueue(
      { toolCalls: [{ id: 't', name: 'now', args: {} }], usage: { inputTokens: 1_000, outputTokens: 1_000 } },
      { chunks: ['It ', 'is ', 'noon'], chunkDelayMs: 20 },
    )
    const stream = ai.stream({
      messages,
      requestId: 'loop',
      tools: [{ name: 'now', parameters: { type: 'object' }, execute: () => '12:00' }],
    })
    for await (const part of stream) if (part.type === 'text-delta') break
    expect(await ai.usage.get('loop')).toMatchObject({
      success: false,
      errorCode: 'aborted',
      steps: 1,
      costNanoUsd: 2_000_000,
      inputTokens: 1_000,
    })
    await ai.close()
  })

  it('turns a stream that ends without finishing into a typed error with its text', async () => {
    const cut = defineProvider({
      id: 'cut',
      generate: async () => {
        throw new Error('unused')
      },
      async *stream() {
        yield { type: 'text-delta', text: 'The answer is' }
      },
    })
    const ai = await createAI({
      plugins: [{ name: 'cut', setup: (h) => h.registerProvider(cut) }],
      defaultModel: 'cut:x',
    })
    const error = await ai.stream({ messages }).result.catch((e) => e)
    expect(error).toMatchObject({ code: 'stream-interrupted', partialText: 'The answer is' })
    await ai.close()
  })

  it('ends a call at once when it is aborted while a tool runs', async () => {
    const { mock, ai } = await setup()
    mock.enqueue({ toolCalls: [{ id: 't', name: 'slow', args: {} }] })
    const controller = new AbortController()
    const slow = {
      name: 'slow',
      parameters: { type: 'object' },
      execute: () => new Promise((r) => setTimeout(r, 20_000).unref()),
    }
    setTimeout(() => controller.abort(), 30)
    const started = performance.now()
    await expect(ai.chat({ messages, tools: [slow], signal: controller.signal })).rejects.toMatchObject({
      code: 'aborted',
    })
    expect(performance.now() - started).toBeLessThan(10_000) // not the 20 s the tool takes
    await ai.close()
  })
})

describe('middleware', () => {
  it('sees a streamed call fail inside the chain, so it can retry it', async () => {
    const seen: string[] = []
    const retryOnce: Middleware = async (_call, next) => {
      try {
        return await next()
      } catch (error) {
        seen.push((error as { code: string }).code)
        return next()
      }
    }
    const mock = mockProvider()
    const ai = await createAI({
      plugins: [mock, { name: 'retry', setup: (h) => h.use(retryOnce) }],
      defaultModel: 'mock:small',
    })
    mock.enqueue({ error: { status: 503, message: 'busy' } }, { chunks: ['fine'] })
    expect((await ai.stream({ messages }).result).text).toBe('fine')
    expect(seen).toEqual(['provider'])
    await ai.close()
  })

  it('plays a whole result from a middleware to a stream as parts', async () => {
    const cached: Middleware = async () => ({
      mode: 'generate',
      result: {
        content: [{ type: 'text', text: 'from cache' }],
        finishReason: 'stop',
        usage: {
          inputTokens: 0,
          cachedInputTokens: 0,
          cacheWriteTokens: 0,
          outputTokens: 0,
          reasoningTokens: 0,
          totalTokens: 0,
        },
      },
    })
    const mock = mockProvider()
    const ai = await createAI({
      plugins: [mock, { name: 'cache', setup: (h) => h.use(cached) }],
      defaultModel: 'mock:small',
    })
    let text = ''
    for await (const delta of ai.stream({ messages }).textStream) text += delta
    expect(text).toBe('from cache')
    expect(mock.calls).toHaveLength(0)
    await ai.close()
  })

  it('never lets a later step change the request an earlier step sent', async () => {
    const { mock, ai } = await setup()
    mock.enqueue({ toolCalls: [{ id: 't', name: 'now', args: {} }] }, { text: 'noon' })
    await ai.chat({
      messages,
      tools: [{ name: 'now', parameters: { type: 'object' }, execute: () => '12:00' }],
    })
    expect(mock.calls[0]?.request.messages).toHaveLength(1)
    expect(mock.calls[1]?.request.messages).toHaveLength(3)
    await ai.close()
  })
})

describe('what reaches a provider', () => {
  it('refuses unknown request keys, naming them', async () => {
    const { mock, ai } = await setup()
    await expect(ai.chat({ messages, maxTokens: 5 } as never)).rejects.toThrow(
      /Unrecognized key: "maxTokens"/,
    )
    await expect(createAI({ maxRetries: 2 } as never)).rejects.toThrow(/Unrecognized key: "maxRetries"/)
    expect(mock.calls).toHaveLength(0)
    await ai.close()
  })

  it('refuses a toolChoice without the tool and duplicate tool names', async () => {
    const { mock, ai } = await setup()
    const tool = { name: 'a', parameters: { type: 'object' } }
    await expect(ai.chat({ messages, toolChoice: 'required' })).rejects.toThrow(
      /toolChoice: there are no tools/,
    )
    await expect(
      ai.chat({ messages, tools: [tool], toolChoice: { type: 'tool', name: 'b' } }),
    ).rejects.toThrow(/toolChoice: 'b' is not among the request's tools/)
    await expect(ai.chat({ messages, tools: [tool, tool] })).rejects.toThrow(/tools: 'a' is listed twice/)
    await expect(
      ai.chat({ messages, tools: [{ name: 'z3', parameters: { _def: { typeName: 'ZodObject' } } }] }),
    ).rejects.toThrow(/zod 3 schema/)
    expect(mock.calls).toHaveLength(0)
    await ai.close()
  })

  it('keeps a provider metadata signature on streamed tool calls for the next step', async () => {
    const { mock, ai } = await setup()
    const signed = { gemini: { thoughtSignature: 'sig' } }
    mock.enqueue(
      { toolCalls: [{ id: 't', name: 'now', args: {}, providerMetadata: signed }] },
      { text: 'noon' },
    )
    const stream = ai.stream({
      messages,
      tools: [{ name: 'now', parameters: { type: 'object' }, execute: () => '12:00' }],
    })
    await stream.result
    const assistant = mock.calls[1]?.request.messages[1]
    expect(assistant).toEqual({
      role: 'assistant',
      content: [{ type: 'tool-call', id: 't', name: 'now', args: {}, providerMetadata: signed }],
    })
    await ai.close()
  })

  it('counts an invalid token count as 0, never NaN', async () => {
    const { mock, ai } = await setup()
    mock.enqueue({
      text: 'ok',
      usage: { inputTokens: undefined, outputTokens: Number.NaN, cachedInputTokens: -3 },
    })
    const res = await ai.chat({ messages })
    expect(res.usage).toEqual({
      inputTokens: 0,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 0,
      reasoningTokens: 0,
      totalTokens: 0,
    })
    expect(res.cost.nanoUsd).toBe(0)
    await ai.close()
  })

  it('masks key-shaped text in an untyped error from an adapter', async () => {
    const leaky = defineProvider({
      id: 'leaky',
      generate: async () => {
        throw new Error('GET https://api.example.com/v1?key=sk-proj-abcdefghijklmnop failed')
      },
    })
    const ai = await createAI({ plugins: [{ name: 'leaky', setup: (h) => h.registerProvider(leaky) }] })
    const error = await ai.chat({ model: 'leaky:m', messages }).catch((e) => e)
    expect(error).toMatchObject({ code: 'provider', provider: 'leaky', model: 'm' })
    expect(error.message).not.toContain('sk-proj-abcdefghijklmnop')
    await ai.close()
  })
})

import { mockProvider } from '@aimux/ai-testing'
import { describe, expect, it } from 'vitest'
import { ConfigError, ValidationError } from '../errors/errors.js'
import { defineProvider } from '../spec/provider.js'
import { createAI } from './create-ai.js'
import { definePlugin } from './plugin.js'

describe('createAI and the plugin registry', () => {
  it('refuses two providers with the same id, naming both plugins and what is registered', async () => {
    const error = await createAI({
      plugins: [mockProvider({ id: 'dup' }), mockProvider({ id: 'dup' })],
    }).catch((e) => e)
    expect(ConfigError.is(error)).toBe(true)
    expect(error.message).toContain("Provider 'dup' is registered twice")
    expect(error.message).toContain('Registered providers: dup')
  })

  it('names the registered providers when a request asks for an unknown one', async () => {
    const ai = await createAI({ plugins: [mockProvider({ id: 'alpha' }), mockProvider({ id: 'beta' })] })
    const error = await ai
      .chat({ model: 'gamma:x', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e) => e)
    expect(error.code).toBe('unknown-provider')
    expect(error.message).toBe(
      "Unknown provider 'gamma' in model 'gamma:x'. Registered providers: alpha, beta.",
    )
    await ai.close()
  })

  it('explains the "provider:model" form when the model has no provider', async () => {
    const ai = await createAI({ plugins: [mockProvider()] })
    await expect(ai.chat({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] })).rejects.toThrow(
      /write it as "provider:model".*Registered providers: mock/,
    )
    await ai.close()
  })

  it('validates its options and names the wrong field', async () => {
    const error = await createAI({ defaultModel: 'nocolon', maxSteps: 0 }).catch((e) => e)
    expect(ValidationError.is(error)).toBe(true)
    expect(error.issues.map((i: { path: string }) => i.path).sort()).toEqual(['defaultModel', 'maxSteps'])
    await expect(createAI({ defaultModel: 'nope:model' })).rejects.toThrow(/Unknown provider 'nope'/)
  })

  it('reports which plugin failed to set up and disposes those already set up', async () => {
    const disposed: string[] = []
    const good = definePlugin({ name: 'good', setup() {}, dispose: () => void disposed.push('good') })
    const bad = definePlugin({
      name: 'bad',
      setup() {
        throw new Error('no database')
      },
    })
    const error = await createAI({ plugins: [good, bad] }).catch((e) => e)
    expect(error.message).toBe("Plugin 'bad' failed to set up: Error: no database")
    expect(disposed).toEqual(['good'])
  })

  it('validates a provider definition', () => {
    expect(() => defineProvider({ id: 'Bad:Id', generate: async () => ({}) as never })).toThrow(
      /id: must be lowercase/,
    )
  })

  it('runs a provider written with defineProvider, streaming included', async () => {
    const echo = defineProvider({
      id: 'echo',
      async generate(request) {
        const last = request.messages[request.messages.length - 1]!
        return {
          content: [{ type: 'text', text: `echo: ${last.content}` }],
          finishReason: 'stop',
          usage: {
            inputTokens: 3,
            outputTokens: 2,
            cachedInputTokens: 0,
            cacheWriteTokens: 0,
            reasoningTokens: 0,
            totalTokens: 5,
          },
        }
      },
    })
    const ai = await createAI({
      plugins: [{ name: 'echo', setup: (host) => host.registerProvider(echo) }],
      defaultModel: 'echo:v1',
      prices: [{ provider: 'echo', model: 'v1', price: { input: 1, output: 1 } }],
    })
    expect((await ai.chat({ messages: [{ role: 'user', content: 'hi' }] })).text).toBe('echo: hi')
    const stream = ai.stream({ messages: [{ role: 'user', content: 'yo' }] })
    const parts: string[] = []
    for await (const part of stream) parts.push(part.type)
    expect(parts).toEqual(['text-delta', 'step-finish', 'finish'])
    expect((await stream.result).cost.nanoUsd).toBe(5_000)
    await ai.close()
  })

  it('disposes plugins in reverse order on close and refuses calls afterwards', async () => {
    const order: string[] = []
    const plugin = (name: string) => definePlugin({ name, setup() {}, dispose: () => void order.push(name) })
    const ai = await createAI({ plugins: [mockProvider(), plugin('a'), plugin('b')], defaultModel: 'mock:m' })
    await ai.close()
    expect(order).toEqual(['b', 'a'])
    await expect(ai.chat({ messages: [{ role: 'user', content: 'hi' }] })).rejects.toThrow(
      'This aimux instance is closed.',
    )
  })

  it('waits for calls in flight before closing the store', async () => {
    const mock = mockProvider()
    const order: string[] = []
    const ai = await createAI({ plugins: [mock], defaultModel: 'mock:m' })
    const close = ai.store.close
    ai.store.close = async () => {
      order.push('store closed')
      await close?.()
    }
    mock.enqueue({ text: 'late', delayMs: 50 })
    const call = ai.chat({ messages: [{ role: 'user', content: 'hi' }] }).then(() => order.push('call done'))
    await new Promise((r) => setTimeout(r, 10))
    await Promise.all([ai.close(), ai.close()])
    await call
    expect(order).toEqual(['call done', 'store closed'])
  })

  it('disposes every plugin even when one fails to, and reports the failure', async () => {
    const disposed: string[] = []
    const ai = await createAI({
      plugins: [
        definePlugin({ name: 'a', setup() {}, dispose: () => void disposed.push('a') }),
        definePlugin({
          name: 'b',
          setup() {},
          dispose() {
            throw new Error('stuck')
          },
        }),
      ],
    })
    await expect(ai.close()).rejects.toThrow("Plugin 'b' failed to dispose: Error: stuck")
    expect(disposed).toEqual(['a'])
  })

  it('disposes the plugins set up when a later step of createAI fails', async () => {
    const disposed: string[] = []
    const error = await createAI({
      plugins: [definePlugin({ name: 'a', setup() {}, dispose: () => void disposed.push('a') })],
      defaultModel: 'missing:model',
    }).catch((e) => e)
    expect(error.code).toBe('unknown-provider')
    expect(disposed).toEqual(['a'])
  })
})

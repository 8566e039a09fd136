import { mockProvider } from '@aimux/ai-testing'
import { describe, expect, it } from 'vitest'
import { createAI } from '../instance/create-ai.js'
import type { AimuxEvents } from './events.js'

const messages = [{ role: 'user' as const, content: 'Hi' }]

describe('events', () => {
  it("emits 'request', 'response' and 'cost' for a call", async () => {
    const mock = mockProvider()
    const ai = await createAI({
      plugins: [mock],
      defaultModel: 'mock:small',
      prices: [{ provider: 'mock', model: 'small', price: { input: 1, output: 1 } }],
    })
    const seen: { name: string; payload: unknown }[] = []
    for (const name of ['request', 'response', 'cost'] as const) {
      ai.on(name, (payload) => void seen.push({ name, payload }))
    }
    mock.enqueue({ text: 'ok', usage: { inputTokens: 3, outputTokens: 1 } })
    await ai.chat({ messages, requestId: 'r1', scope: { userId: 'u' } })
    await ai.flush()
    expect(seen.map((e) => e.name)).toEqual(['request', 'response', 'cost'])
    const common = { requestId: 'r1', provider: 'mock', model: 'small', scope: { userId: 'u' }, step: 1 }
    expect(seen[0]?.payload).toEqual({ ...common, stream: false, attempt: 1 })
    expect(seen[1]?.payload).toMatchObject({ ...common, finishReason: 'stop', stream: false })
    expect((seen[2]!.payload as AimuxEvents['cost']).cost.nanoUsd).toBe(4_000)
    await ai.close()
  })

  it('never lets a throwing listener break a call, and reports it', async () => {
    const mock = mockProvider()
    const ai = await createAI({ plugins: [mock], defaultModel: 'mock:small' })
    const reported: string[] = []
    ai.on('response', () => {
      throw new Error('listener bug')
    })
    ai.on('background:error', (e) => void reported.push(`${e.source}: ${(e.error as Error).message}`))
    mock.enqueue({ text: 'ok' })
    expect((await ai.chat({ messages })).text).toBe('ok')
    await ai.flush()
    expect(reported).toEqual(["listener for 'response': listener bug"])
    await ai.close()
  })

  it('never lets a slow listener delay the caller; flush() waits for it', async () => {
    const mock = mockProvider()
    const ai = await createAI({ plugins: [mock], defaultModel: 'mock:small' })
    let finished = false
    ai.on('response', async () => {
      await new Promise((resolve) => setTimeout(resolve, 200))
      finished = true
    })
    mock.enqueue({ text: 'ok' })
    await ai.chat({ messages })
    expect(finished).toBe(false)
    await ai.flush()
    expect(finished).toBe(true)
    await ai.close()
  })

  it('supports once() and unsubscribing', async () => {
    const mock = mockProvider({ defaultTurn: { text: 'ok' } })
    const ai = await createAI({ plugins: [mock], defaultModel: 'mock:small' })
    let once = 0
    let on = 0
    ai.once('response', () => void once++)
    const off = ai.on('response', () => void on++)
    await ai.chat({ messages })
    await ai.flush()
    off()
    await ai.chat({ messages })
    await ai.flush()
    expect([once, on]).toEqual([1, 1])
    await ai.close()
  })

  it('removes exactly one subscription with off(), per event', async () => {
    const mock = mockProvider({ defaultTurn: { text: 'ok' } })
    const ai = await createAI({ plugins: [mock], defaultModel: 'mock:small' })
    const seen: string[] = []
    const log = (e: { step: number }) => void seen.push(String(e.step))
    ai.on('request', log)
    ai.on('response', log)
    ai.on('response', log)
    ai.off('request', log)
    ai.off('response', log)
    await ai.chat({ messages })
    await ai.flush()
    expect(seen).toEqual(['1'])
    await ai.close()
  })

  it('reports background failures on the console when nobody listens for them', async () => {
    const mock = mockProvider({ defaultTurn: { text: 'ok' } })
    const ai = await createAI({ plugins: [mock], defaultModel: 'mock:small' })
    ai.store.usage.recordUsage = async () => {
      throw new Error('disk full')
    }
    const logged: unknown[][] = []
    const original = console.error
    console.error = (...args: unknown[]) => void logged.push(args)
    try {
      await ai.chat({ messages })
      await ai.flush()
    } finally {
      console.error = original
    }
    expect(logged.map((args) => `${args[0]} ${(args[1] as Error).message}`)).toEqual([
      'aimux: usage records failed: disk full',
    ])
    await ai.close()
  })
})

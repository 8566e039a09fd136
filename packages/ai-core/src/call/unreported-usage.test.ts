import { describe, expect, it } from 'vitest'
import type { AimuxEvents } from '../events/events.js'
import { createAI } from '../instance/create-ai.js'
import type { Plugin } from '../instance/plugin.js'
import { defineProvider } from '../spec/provider.js'

const prices = [{ provider: 'quiet', model: 'm', price: { input: 1_000, output: 1_000 } }] // $0.001 a token
const ask = { model: 'quiet:m', messages: [{ role: 'user' as const, content: 'Hi' }], maxOutputTokens: 20 }
// "Hi" is 5 tokens with the message overhead; the reply "Hello there" is 7: $0.012.
const estimate = 12_000_000

/** A provider whose stream ends without its 'usage' part. */
const quiet: Plugin = {
  name: 'quiet',
  setup: (host) =>
    host.registerProvider(
      defineProvider({
        id: 'quiet',
        async generate() {
          throw new Error('not used')
        },
        async *stream() {
          yield { type: 'text-delta', text: 'Hello there' }
          yield { type: 'finish', finishReason: 'stop' }
        },
      }),
    ),
}

describe('a stream that never reports its usage', () => {
  it('has an unknown, estimated cost, says so, and the budget counts the estimate', async () => {
    const ai = await createAI({
      plugins: [quiet],
      prices,
      budgets: [{ scope: 'user', limitUsd: 1, period: 'total' }],
    })
    const unknown: AimuxEvents['cost:unknown'][] = []
    ai.on('cost:unknown', (e) => void unknown.push(e))
    const costs: AimuxEvents['cost'][] = []
    ai.on('cost', (e) => void costs.push(e))
    const stream = ai.stream({ ...ask, scope: { userId: 'u1' }, requestId: 'r1' })
    for await (const _part of stream);
    const result = await stream.result
    expect(result.usage.totalTokens).toBe(0)
    expect(result.cost).toEqual({ nanoUsd: estimate, usd: 0.012, source: 'unknown', estimated: true })
    await ai.flush()
    expect(unknown).toEqual([
      {
        requestId: 'r1',
        provider: 'quiet',
        model: 'm',
        scope: { userId: 'u1' },
        step: 1,
        usage: result.usage,
        cost: result.cost,
      },
    ])
    // The 'cost' event carries the same final estimate, not the 0 it had before the estimate.
    expect(costs.map((e) => e.cost)).toEqual([result.cost])
    expect(await ai.usage.get('r1')).toMatchObject({ costNanoUsd: estimate, costSource: 'unknown' })
    expect(await ai.budgets.status({ userId: 'u1' })).toMatchObject([
      { spentNanoUsd: estimate, reservedNanoUsd: 0 },
    ])
    await ai.close()
  })

  it('is estimated at 0 when the model has no price either, and still unknown', async () => {
    const ai = await createAI({ plugins: [quiet] })
    const stream = ai.stream(ask)
    for await (const _part of stream);
    const result = await stream.result
    expect(result.cost).toEqual({ nanoUsd: 0, usd: 0, source: 'unknown', estimated: true })
    await ai.close()
  })
})

import { mockProvider } from '@aimux/ai-testing'
import { describe, expect, it } from 'vitest'
import type { AimuxEvents } from '../events/events.js'
import { createAI } from '../instance/create-ai.js'

const messages = [{ role: 'user' as const, content: 'Hi' }]
const outage = { error: { status: 503, message: 'overloaded' } }

async function setup(fallbacks: Record<string, string[]> = {}) {
  const primary = mockProvider({ id: 'primary' })
  const backup = mockProvider({ id: 'backup' })
  const ai = await createAI({
    plugins: [primary, backup],
    defaultModel: 'primary:m',
    retry: false,
    fallbacks,
  })
  const switched: AimuxEvents['provider:switched'][] = []
  ai.on('provider:switched', (e) => void switched.push(e))
  return { primary, backup, ai, switched }
}

describe('a fallback chain of more than one model', () => {
  it('tries the models in the order given, and says so at each move', async () => {
    const { primary, backup, ai, switched } = await setup({ 'primary:m': ['backup:b1', 'backup:b2'] })
    primary.enqueue(outage)
    backup.enqueue(outage, { text: 'from b2' })
    const res = await ai.chat({ messages, requestId: 'chain' })
    expect([res.provider, res.model, res.text]).toEqual(['backup', 'b2', 'from b2'])
    expect(primary.calls).toHaveLength(1)
    expect(backup.calls.map((c) => c.request.model)).toEqual(['b1', 'b2'])
    await ai.flush()
    expect(switched).toEqual([
      { requestId: 'chain', from: 'primary:m', to: 'backup:b1', reason: 'provider', step: 1 },
      { requestId: 'chain', from: 'backup:b1', to: 'backup:b2', reason: 'provider', step: 1 },
    ])
    await ai.close()
  })

  it("walks a request's own chain in order too", async () => {
    const { primary, backup, ai, switched } = await setup()
    primary.enqueue(outage)
    backup.enqueue(outage, { text: 'from b2' })
    const res = await ai.chat({ messages, fallbacks: ['backup:b1', 'backup:b2'] })
    expect(res.model).toBe('b2')
    expect(backup.calls.map((c) => c.request.model)).toEqual(['b1', 'b2'])
    await ai.flush()
    expect(switched.map((e) => `${e.from}>${e.to}`)).toEqual(['primary:m>backup:b1', 'backup:b1>backup:b2'])
    await ai.close()
  })

  it('fails with the last model’s error once every model of the chain failed', async () => {
    const { primary, backup, ai } = await setup({ 'primary:m': ['backup:b1', 'backup:b2'] })
    primary.enqueue(outage)
    backup.enqueue(outage, { error: { status: 500, message: 'b2 broke' } })
    await expect(ai.chat({ messages })).rejects.toMatchObject({
      status: 500,
      provider: 'backup',
      model: 'b2',
    })
    expect(backup.calls.map((c) => c.request.model)).toEqual(['b1', 'b2'])
    await ai.close()
  })
})

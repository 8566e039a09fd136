import { mockProvider } from '@aimux/ai-testing'
import { describe, expect, it } from 'vitest'
import { ValidationError } from '../errors/errors.js'
import { createAI } from '../instance/create-ai.js'
import type { UsageQuery } from './usage-store.js'

async function setup() {
  const ai = await createAI({
    plugins: [mockProvider({ defaultTurn: { text: 'ok' } })],
    defaultModel: 'mock:m',
  })
  await ai.chat({ messages: [{ role: 'user', content: 'Hi' }], scope: { userId: 'u1' } })
  return ai
}

const from = new Date(0)
const to = new Date(Date.now() + 60_000)

describe('ai.usage.query', () => {
  it.each([
    ['a string from', { from: '2026-01-01', to }, /^Invalid usage query: from: /],
    ['an invalid Date', { from: new Date('nope'), to }, /^Invalid usage query: from: /],
    ['no to', { from }, /^Invalid usage query: to: /],
    ['a bogus groupBy', { from, to, groupBy: 'week' }, /^Invalid usage query: groupBy: /],
    ['three dimensions', { from, to, groupBy: ['day', 'model', 'user'] }, /^Invalid usage query: groupBy: /],
    ['a repeated dimension', { from, to, groupBy: ['day', 'day'] }, /^Invalid usage query: groupBy: /],
    ['no dimension', { from, to, groupBy: [] }, /^Invalid usage query: groupBy: /],
    ['a bogus orderBy', { from, to, orderBy: 'latency' }, /^Invalid usage query: orderBy: /],
    ['a limit of 0', { from, to, limit: 0 }, /^Invalid usage query: limit: /],
    ['a bogus percentiles', { from, to, percentiles: 'exact' }, /^Invalid usage query: percentiles: /],
    ['a fractional limit', { from, to, limit: 1.5 }, /^Invalid usage query: limit: /],
    ['an unknown field', { from, to, user: 'u1' }, /^Invalid usage query: .*user/],
    ['an empty filter', { from, to, userId: '' }, /^Invalid usage query: userId: /],
    ['to before from', { from: to, to: from }, /^Invalid usage query: to: must not be before 'from'$/],
  ])('refuses %s with a ValidationError naming the field', async (_name, query, message) => {
    const ai = await setup()
    const error = await ai.usage.query(query as unknown as UsageQuery).catch((e) => e)
    expect(ValidationError.is(error)).toBe(true)
    expect(error.message).toMatch(message)
    await ai.close()
  })

  it('still answers a valid query, grouped', async () => {
    const ai = await setup()
    expect(await ai.usage.query({ from, to, groupBy: 'user' })).toMatchObject([{ key: 'u1', requests: 1 }])
    expect(
      await ai.usage.query({ from, to, groupBy: ['user', 'model'], orderBy: 'cost', limit: 5 }),
    ).toMatchObject([{ key: 'u1 / m', keys: ['u1', 'm'], requests: 1 }])
    await ai.close()
  })
})

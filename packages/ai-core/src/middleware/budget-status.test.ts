import { mockProvider } from '@aimux/ai-testing'
import { describe, expect, it } from 'vitest'
import { createAI } from '../instance/create-ai.js'
import { periodStart } from './budget-guard.js'

const prices = [{ provider: 'mock', model: 'm', price: { input: 1_000, output: 1_000 } }] // $0.001 a token

describe('ai.budgets.status', () => {
  it('returns spent, reserved, limit and remaining for each budget that applies, in nano-USD and USD', async () => {
    const mock = mockProvider({ defaultTurn: { text: 'ok', usage: { inputTokens: 5, outputTokens: 5 } } })
    const ai = await createAI({
      plugins: [mock],
      defaultModel: 'mock:m',
      prices,
      budgets: [
        { scope: 'user', limitUsd: 0.05, period: 'month', thresholds: [0.9, 0.5] },
        { scope: 'tenant', id: 't2', limitUsd: 1, period: 'day' },
        { scope: 'global', limitUsd: 0.015, period: 'total', hard: false },
      ],
    })
    const scope = { userId: 'u1', tenantId: 't1' }
    await ai.chat({ messages: [{ role: 'user', content: 'Hi' }], maxOutputTokens: 10, scope })
    await ai.chat({ messages: [{ role: 'user', content: 'Hi' }], maxOutputTokens: 10, scope })
    expect(await ai.budgets.status(scope)).toEqual([
      {
        scope: 'user',
        scopeId: 'u1',
        period: 'month',
        periodStart: periodStart('month', new Date()),
        hard: true,
        thresholds: [0.5, 0.9],
        spentNanoUsd: 20_000_000,
        reservedNanoUsd: 0,
        limitNanoUsd: 50_000_000,
        remainingNanoUsd: 30_000_000,
        spentUsd: 0.02,
        reservedUsd: 0,
        limitUsd: 0.05,
        remainingUsd: 0.03,
      },
      {
        scope: 'global',
        scopeId: 'global',
        period: 'total',
        periodStart: '1970-01-01',
        hard: false,
        thresholds: [],
        spentNanoUsd: 20_000_000,
        reservedNanoUsd: 0,
        limitNanoUsd: 15_000_000,
        remainingNanoUsd: 0,
        spentUsd: 0.02,
        reservedUsd: 0,
        limitUsd: 0.015,
        remainingUsd: 0,
      },
    ])
    expect(await ai.budgets.status({ projectId: 'p' })).toMatchObject([{ scope: 'global' }])
    await expect(ai.budgets.status({ userId: '' })).rejects.toMatchObject({ code: 'validation' })
    await ai.close()
  })

  it('is empty without budgets', async () => {
    const ai = await createAI({ plugins: [mockProvider()] })
    expect(await ai.budgets.status({ userId: 'u1' })).toEqual([])
    await ai.close()
  })
})

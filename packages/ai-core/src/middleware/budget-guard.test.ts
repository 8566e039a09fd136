import { mockProvider } from '@aimux/ai-testing'
import { describe, expect, it } from 'vitest'
import { createPriceCatalog } from '../cost/price-catalog.js'
import { ConfigError } from '../errors/errors.js'
import { createBackgroundWork } from '../events/background-work.js'
import { createEventBus } from '../events/event-bus.js'
import type { AimuxEvents } from '../events/events.js'
import { type CreateAIOptions, createAI } from '../instance/create-ai.js'
import { createMemoryStore } from '../store/memory/memory-store.js'
import type { SpendStore } from '../store/spend-store.js'
import { type BudgetInput, budgetSchema, createBudgetGuard, periodStart } from './budget-guard.js'

const prices = [{ provider: 'mock', model: 'm', price: { input: 1_000, output: 1_000 } }] // $0.001 a token
const ask = (userId: string) => ({
  messages: [{ role: 'user' as const, content: 'Hi' }],
  maxOutputTokens: 10,
  scope: { userId },
})

async function setup(budgets: CreateAIOptions['budgets']) {
  const mock = mockProvider({ defaultTurn: { text: 'ok', usage: { inputTokens: 5, outputTokens: 5 } } })
  const ai = await createAI({ plugins: [mock], defaultModel: 'mock:m', prices, budgets, retry: false })
  const thresholds: AimuxEvents['budget:threshold'][] = []
  const exceeded: AimuxEvents['budget:exceeded'][] = []
  ai.on('budget:threshold', (e) => void thresholds.push(e))
  ai.on('budget:exceeded', (e) => void exceeded.push(e))
  return { mock, ai, thresholds, exceeded }
}

describe('budgets', () => {
  it('settles each call to its real cost and fires every threshold once per period', async () => {
    const { ai, thresholds } = await setup([
      { scope: 'user', limitUsd: 0.05, period: 'month', thresholds: [0.5, 0.8, 1], hard: false },
    ])
    for (let i = 0; i < 6; i++) {
      await ai.chat(ask('u1')) // each call costs 10 tokens = $0.01
      await ai.flush()
    }
    const key = {
      scope: 'user' as const,
      scopeId: 'u1',
      period: 'month' as const,
      periodStart: periodStart('month', new Date()),
    }
    expect(await ai.store.spend.getSpend(key)).toEqual({ spentNanoUsd: 60_000_000, reservedNanoUsd: 0 })
    expect(thresholds.map((t) => [t.threshold, t.spentNanoUsd])).toEqual([
      [0.5, 30_000_000],
      [0.8, 40_000_000],
      [1, 50_000_000],
    ])
    expect(thresholds[0]).toMatchObject({
      scope: 'user',
      scopeId: 'u1',
      period: 'month',
      limitNanoUsd: 50_000_000,
    })
    await ai.close()
  })

  it('refuses a call before it is sent when its estimate would pass a hard limit', async () => {
    const { mock, ai, exceeded } = await setup([{ scope: 'user', limitUsd: 0.025, period: 'day' }])
    await ai.chat(ask('u2'))
    await ai.chat(ask('u2'))
    await ai.flush()
    // $0.02 spent; the next estimate is $0.015 (5 prompt tokens + 10 of output): over $0.025.
    const error = await ai.chat(ask('u2')).catch((e) => e)
    expect(error.code).toBe('budget-exceeded')
    expect(error.message).toMatch(/^The day budget for user 'u2' would be passed/)
    expect(mock.calls).toHaveLength(2)
    await ai.flush()
    expect(exceeded).toHaveLength(1)
    expect(exceeded[0]).toMatchObject({
      requestId: error.requestId,
      spentNanoUsd: 20_000_000,
      limitNanoUsd: 25_000_000,
    })
    // Another user has a budget of their own.
    expect((await ai.chat(ask('u3'))).text).toBe('ok')
    await ai.close()
  })

  it('counts a call against every scope it belongs to, and all or none are reserved', async () => {
    const { mock, ai } = await setup([
      { scope: 'tenant', limitUsd: 1, period: 'total' },
      { scope: 'global', limitUsd: 0.015, period: 'total' },
    ])
    const call = { ...ask('u'), scope: { tenantId: 't', userId: 'u' } }
    await ai.chat(call)
    await ai.flush()
    await expect(ai.chat(call)).rejects.toMatchObject({ code: 'budget-exceeded' })
    const tenant = {
      scope: 'tenant' as const,
      scopeId: 't',
      period: 'total' as const,
      periodStart: '1970-01-01',
    }
    expect(await ai.store.spend.getSpend(tenant)).toEqual({ spentNanoUsd: 10_000_000, reservedNanoUsd: 0 })
    expect(mock.calls).toHaveLength(1)
    await ai.close()
  })

  it('never lets concurrent calls pass a hard limit together', async () => {
    const { mock, ai } = await setup([{ scope: 'global', limitUsd: 0.05, period: 'day' }])
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => ai.chat(ask('u'))))
    const sent = results.filter((r) => r.status === 'fulfilled').length
    // Each call reserves its estimate before it is sent: 5 prompt tokens ("Hi" and the message
    // overhead) and 10 of output, $0.015; three fit in $0.05, a fourth would pass it.
    expect(sent).toBe(3)
    expect(mock.calls).toHaveLength(3)
    await ai.close()
  })

  it('leaves calls outside a budget alone', async () => {
    const { ai } = await setup([{ scope: 'project', id: 'p1', limitUsd: 0.001, period: 'week' }])
    expect((await ai.chat({ ...ask('u'), scope: { projectId: 'p2' } })).text).toBe('ok')
    await expect(ai.chat({ ...ask('u'), scope: { projectId: 'p1' } })).rejects.toMatchObject({
      code: 'budget-exceeded',
    })
    await ai.close()
  })

  it('starts periods in UTC: days, weeks from Monday, months', () => {
    const at = new Date('2026-11-22T23:30:00Z') // a Sunday
    expect(periodStart('day', at)).toBe('2026-11-22')
    expect(periodStart('week', at)).toBe('2026-11-16')
    expect(periodStart('month', at)).toBe('2026-11-01')
    expect(periodStart('total', at)).toBe('1970-01-01')
    expect(periodStart('week', new Date('2026-11-16T00:00:00Z'))).toBe('2026-11-16')
  })
  it('fires thresholds in rising order however they were listed', async () => {
    const { ai, thresholds } = await setup([
      { scope: 'user', limitUsd: 0.05, period: 'month', thresholds: [0.8, 1, 0.5, 0.9], hard: false },
    ])
    const fired: number[][] = []
    for (let i = 0; i < 5; i++) {
      await ai.chat(ask('u1')) // $0.01 each
      await ai.flush()
      fired.push(thresholds.splice(0).map((t) => t.threshold))
    }
    expect(fired).toEqual([[], [], [0.5], [0.8], [0.9, 1]])
    await ai.close()
  })

  it('names the budget that would be passed, not the first one the call belongs to', async () => {
    const { ai, exceeded } = await setup([
      { scope: 'tenant', limitUsd: 1, period: 'total' },
      { scope: 'global', limitUsd: 0.01, period: 'total' },
    ])
    const error = await ai.chat({ ...ask('u'), scope: { tenantId: 't', userId: 'u' } }).catch((e) => e)
    expect(error.message).toMatch(/^The total budget for global 'global' would be passed/)
    await ai.flush()
    expect(exceeded).toEqual([
      {
        scope: 'global',
        scopeId: 'global',
        period: 'total',
        periodStart: '1970-01-01',
        spentNanoUsd: 0,
        limitNanoUsd: 10_000_000,
        requestId: error.requestId,
        estimatedNanoUsd: 15_000_000,
      },
    ])
    await ai.close()
  })
})

describe('the budget guard', () => {
  function guardOver(budgets: BudgetInput[], prices = createPriceCatalog()) {
    const store = createMemoryStore()
    const reads: string[] = []
    const spend: SpendStore = {
      ...store.spend,
      getSpend: (key) => {
        reads.push(key.scope)
        return store.spend.getSpend(key)
      },
    }
    const guard = createBudgetGuard({
      budgets: budgets.map((b) => budgetSchema.parse(b)),
      spend,
      catalog: store.catalog,
      prices,
      events: createEventBus(createBackgroundWork(() => {})),
      unpricedModels: 'allow',
    })
    return { guard, store, reads }
  }
  const request = { model: 'm', messages: [{ role: 'user' as const, content: 'Hi' }], maxOutputTokens: 10 }

  it('reserves nothing when no budget applies to the scope', async () => {
    const { guard } = guardOver([{ scope: 'project', id: 'p1', limitUsd: 1, period: 'total' }])
    expect(await guard.reserve('r', { projectId: 'p2' }, request, 'p')).toBeUndefined()
    expect(await guard.reserve('r', { projectId: 'p1' }, request, 'p')).toMatchObject({ id: 'r' })
  })

  it('refuses with an error that names the request', async () => {
    const prices = createPriceCatalog()
    prices.add([{ provider: 'p', model: 'm', price: { input: 1_000, output: 1_000 } }], 'user')
    const { guard } = guardOver([{ scope: 'global', limitUsd: 0.01, period: 'total' }], prices)
    // 5 prompt tokens and 10 of output at $0.001 a token: $0.015, over the $0.01 limit.
    await expect(guard.reserve('refused-1', {}, request, 'p')).rejects.toMatchObject({
      code: 'budget-exceeded',
      requestId: 'refused-1',
    })
  })

  it('reads no spend for a budget without thresholds when checking them', async () => {
    const { guard, reads } = guardOver([
      { scope: 'global', limitUsd: 1, period: 'total' },
      { scope: 'user', limitUsd: 1, period: 'total', thresholds: [0.5] },
    ])
    const held = (await guard.reserve('r', { userId: 'u' }, request, 'p'))!
    await guard.settle(held, 0)
    await guard.checkThresholds(held)
    expect(reads).toEqual(['user'])
  })
})

describe("the budget guard's embedding and batch reservations", () => {
  function guardOver(budgets: BudgetInput[]) {
    const store = createMemoryStore()
    const prices = createPriceCatalog()
    prices.add([{ provider: 'p', model: 'm', price: { input: 1_000, output: 1_000 } }], 'user')
    const guard = createBudgetGuard({
      budgets: budgets.map((b) => budgetSchema.parse(b)),
      spend: store.spend,
      catalog: store.catalog,
      prices,
      events: createEventBus(createBackgroundWork(() => {})),
    })
    return { guard, store }
  }
  const project = [{ scope: 'project' as const, id: 'p1', limitUsd: 1, period: 'total' as const }]
  const expiresAt = new Date(Date.now() + 3_600_000)

  it('reserve nothing for an embedding when no budget applies to the scope', async () => {
    const { guard } = guardOver(project)
    const input = { provider: 'p', model: 'm', inputTokens: 10 }
    expect(await guard.reserveInput('e', { projectId: 'p2' }, input)).toBeUndefined()
    expect(await guard.reserveInput('e', { projectId: 'p1' }, input)).toMatchObject({ id: 'e' })
  })

  it('reserve nothing for a batch when no budget applies to the scope, and never ask its estimate', async () => {
    const { guard } = guardOver(project)
    const asked: string[] = []
    const estimate = (id: string) => async () => {
      asked.push(id)
      return 5
    }
    const job = { provider: 'p', model: 'm', expiresAt }
    expect(await guard.reserveBatch('b1', { projectId: 'p2' }, job, estimate('b1'))).toBeUndefined()
    expect(await guard.reserveBatch('b2', { projectId: 'p1' }, job, estimate('b2'))).toMatchObject({
      id: 'b2',
    })
    expect(asked).toEqual(['b2'])
  })

  it('refuse an embedding of a model without a price under a hard budget, reserving nothing', async () => {
    const { guard, store } = guardOver(project)
    const input = { provider: 'p', model: 'unlisted', inputTokens: 10 }
    const error = await guard.reserveInput('e1', { projectId: 'p1' }, input).catch((e: unknown) => e)
    expect(ConfigError.is(error)).toBe(true)
    expect(error).toMatchObject({ requestId: 'e1', provider: 'p', model: 'unlisted' })
    expect((error as Error).message).toContain("The model 'p:unlisted' has no price")
    const key = {
      scope: 'project' as const,
      scopeId: 'p1',
      period: 'total' as const,
      periodStart: '1970-01-01',
    }
    expect(await store.spend.getSpend(key)).toEqual({ spentNanoUsd: 0, reservedNanoUsd: 0 })
  })

  it('refuse a batch of a model without a price under a hard budget, before asking its estimate', async () => {
    const { guard, store } = guardOver(project)
    let asked = false
    const job = { provider: 'p', model: 'unlisted', expiresAt }
    const error = await guard
      .reserveBatch('b1', { projectId: 'p1' }, job, async () => {
        asked = true
        return 0
      })
      .catch((e: unknown) => e)
    expect(ConfigError.is(error)).toBe(true)
    expect(error).toMatchObject({ requestId: 'b1', provider: 'p', model: 'unlisted' })
    expect(asked).toBe(false)
    const key = {
      scope: 'project' as const,
      scopeId: 'p1',
      period: 'total' as const,
      periodStart: '1970-01-01',
    }
    expect(await store.spend.getSpend(key)).toEqual({ spentNanoUsd: 0, reservedNanoUsd: 0 })
  })
})

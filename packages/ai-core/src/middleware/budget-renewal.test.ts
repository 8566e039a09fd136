import { describe, expect, it } from 'vitest'
import { createPriceCatalog } from '../cost/price-catalog.js'
import type { BudgetExceededError } from '../errors/errors.js'
import { createBackgroundWork } from '../events/background-work.js'
import { createEventBus } from '../events/event-bus.js'
import { createMemoryStore } from '../store/memory/memory-store.js'
import type { BudgetPeriod } from '../store/spend-store.js'
import { budgetSchema, createBudgetGuard } from './budget-guard.js'
import { periodEnd, periodStart } from './budget-keys.js'

describe('periodStart', () => {
  it('gives each period its start, asked in any order across days', () => {
    const asked: [BudgetPeriod, string, string][] = [
      ['day', '2030-05-31T23:59:59.999Z', '2030-05-31'],
      ['month', '2030-05-31T23:59:59.999Z', '2030-05-01'],
      ['week', '2030-06-01T00:00:00.000Z', '2030-05-27'],
      ['month', '2030-06-01T00:00:00.000Z', '2030-06-01'],
      ['day', '2030-05-31T00:00:00.000Z', '2030-05-31'],
      ['week', '2030-06-03T12:00:00.000Z', '2030-06-03'],
      ['total', '2030-06-03T12:00:00.000Z', '1970-01-01'],
      ['day', '2030-06-03T12:00:00.000Z', '2030-06-03'],
    ]
    for (const [period, at, start] of asked) expect(periodStart(period, new Date(at))).toBe(start)
  })
})

describe('periodEnd', () => {
  it('ends a day, a week and a month at the next UTC period start', () => {
    expect(periodEnd('day', '2030-02-28')).toEqual(new Date('2030-03-01T00:00:00Z'))
    expect(periodEnd('day', '2030-12-31')).toEqual(new Date('2031-01-01T00:00:00Z'))
    expect(periodEnd('week', '2030-12-30')).toEqual(new Date('2031-01-06T00:00:00Z'))
    expect(periodEnd('month', '2030-01-01')).toEqual(new Date('2030-02-01T00:00:00Z'))
    expect(periodEnd('month', '2030-12-01')).toEqual(new Date('2031-01-01T00:00:00Z'))
  })

  it('gives a total budget no end: it never renews', () => {
    expect(periodEnd('total', '1970-01-01')).toBeUndefined()
  })
})

describe('a budget refusal', () => {
  it('says in retryAfterMs when the refusing budget renews, and nothing for a total budget', async () => {
    const at = new Date('2030-05-31T22:00:00.000Z')
    const refuse = async (period: 'day' | 'month' | 'total') => {
      const store = createMemoryStore()
      const prices = createPriceCatalog()
      prices.add([{ provider: 'p', model: 'm', price: { input: 1_000, output: 1_000 } }], 'user')
      const guard = createBudgetGuard({
        budgets: [budgetSchema.parse({ scope: 'global', limitUsd: 0.000001, period })],
        spend: store.spend,
        catalog: store.catalog,
        prices,
        events: createEventBus(createBackgroundWork(() => {})),
        now: () => at,
      })
      const request = { model: 'm', messages: [{ role: 'user' as const, content: 'Hi' }] }
      return guard.reserve('r', {}, request, 'p').catch((e: BudgetExceededError) => e)
    }
    expect(await refuse('day')).toMatchObject({ code: 'budget-exceeded', retryAfterMs: 2 * 3_600_000 })
    expect(await refuse('month')).toMatchObject({ retryAfterMs: 2 * 3_600_000 })
    const total = await refuse('total')
    expect(total).toMatchObject({ code: 'budget-exceeded', retryAfterMs: undefined })
  })
})

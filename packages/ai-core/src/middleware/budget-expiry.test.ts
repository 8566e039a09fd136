import { describe, expect, it } from 'vitest'
import { createPriceCatalog } from '../cost/price-catalog.js'
import { normalizeUsage } from '../cost/usage.js'
import { StoreError } from '../errors/errors.js'
import { createBackgroundWork } from '../events/background-work.js'
import { createEventBus } from '../events/event-bus.js'
import type { AimuxEvents } from '../events/events.js'
import { createAI } from '../instance/create-ai.js'
import type { Plugin } from '../instance/plugin.js'
import { defineProvider } from '../spec/provider.js'
import { createMemoryStore } from '../store/memory/memory-store.js'
import type { SpendStore } from '../store/spend-store.js'
import { budgetSchema, createBudgetGuard } from './budget-guard.js'

const prices = [{ provider: 'slow', model: 'm', price: { input: 1_000, output: 1_000 } }] // $0.001 a token
const ask = { model: 'slow:m', messages: [{ role: 'user' as const, content: 'Hi' }], maxOutputTokens: 10 }
const total = { scope: 'global', scopeId: 'global', period: 'total', periodStart: '1970-01-01' } as const
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A provider whose first call waits until `answer()`; later calls answer at once. Each costs $0.01. */
function slowProvider() {
  let answer!: () => void
  const gate = new Promise<void>((resolve) => {
    answer = resolve
  })
  let sent!: () => void
  const firstSent = new Promise<void>((resolve) => {
    sent = resolve
  })
  let calls = 0
  const adapter = defineProvider({
    id: 'slow',
    async generate() {
      if (calls++ === 0) {
        sent()
        await gate
      }
      return {
        content: [{ type: 'text', text: 'ok' }],
        finishReason: 'stop',
        usage: normalizeUsage({ inputTokens: 5, outputTokens: 5 }),
      }
    },
  })
  const plugin: Plugin = { name: 'slow', setup: (host) => host.registerProvider(adapter) }
  return { plugin, answer, firstSent }
}

describe('budget reservations expire', () => {
  it('stops counting a reservation past its expiry, and still spends what its call cost', async () => {
    const slow = slowProvider()
    const ai = await createAI({
      plugins: [slow.plugin],
      prices,
      retry: false,
      // Each call is estimated at $0.015 (5 prompt tokens and 10 of output): one fits, two do not.
      budgets: [{ scope: 'global', limitUsd: 0.02, period: 'total' }],
      budgetReservationMaxMs: 1,
    })
    const first = ai.chat(ask)
    await slow.firstSent
    await sleep(20)
    // The first call's $0.015 is still reserved in the store, but expired: it no longer counts.
    expect((await ai.chat(ask)).text).toBe('ok')
    slow.answer()
    expect((await first).text).toBe('ok')
    await ai.flush()
    expect(await ai.store.spend.getSpend(total)).toEqual({ spentNanoUsd: 20_000_000, reservedNanoUsd: 0 })
    await ai.close()
  })

  it('holds a reservation until the call settles while it has not expired', async () => {
    const slow = slowProvider()
    const ai = await createAI({
      plugins: [slow.plugin],
      prices,
      retry: false,
      budgets: [{ scope: 'global', limitUsd: 0.02, period: 'total' }],
    })
    const first = ai.chat(ask)
    await slow.firstSent
    const error = await ai.chat(ask).catch((e) => e)
    expect(error.code).toBe('budget-exceeded')
    expect(error.message).toBe(
      "The total budget for global 'global' would be passed: $0.015 of $0.020 spent or reserved, and this call is estimated at $0.015.",
    )
    slow.answer()
    await first
    await ai.close()
  })

  it('expires a reservation at its deadline plus a minute, or after the longest hold', async () => {
    const store = createMemoryStore()
    const reserved: Date[] = []
    const spend: SpendStore = {
      ...store.spend,
      reserve: (input) => {
        reserved.push(input.expiresAt!)
        return store.spend.reserve(input)
      },
    }
    const at = new Date('2026-11-22T12:00:00Z')
    const guard = createBudgetGuard({
      budgets: [budgetSchema.parse({ scope: 'global', limitUsd: 1, period: 'total' })],
      spend,
      catalog: store.catalog,
      prices: createPriceCatalog(),
      events: createEventBus(createBackgroundWork(() => {})),
      unpricedModels: 'allow',
      now: () => at,
    })
    const request = { model: 'm', messages: [{ role: 'user' as const, content: 'Hi' }] }
    await guard.reserve('a', {}, request, 'p', at.getTime() + 30_000)
    await guard.reserve('b', {}, request, 'p', at.getTime() + 3_600_000)
    await guard.reserve('c', {}, request, 'p')
    expect(reserved.map((d) => d.getTime() - at.getTime())).toEqual([90_000, 900_000, 900_000])
  })

  it('spends the cost of a call whose reservation expired first, however short the longest hold', async () => {
    const store = createMemoryStore()
    const expiresIn: number[] = []
    const spend: SpendStore = {
      ...store.spend,
      reserve: (input) => {
        expiresIn.push(input.expiresAt!.getTime() - Date.now())
        return store.spend.reserve(input)
      },
    }
    const guard = createBudgetGuard({
      budgets: [budgetSchema.parse({ scope: 'global', limitUsd: 1, period: 'total' })],
      spend,
      catalog: store.catalog,
      prices: createPriceCatalog(),
      events: createEventBus(createBackgroundWork(() => {})),
      unpricedModels: 'allow',
      reservationMaxMs: 1,
    })
    const held = await guard.reserve(
      'a',
      {},
      { model: 'm', messages: [{ role: 'user', content: 'Hi' }] },
      'p',
    )
    await sleep(10)
    await guard.settle(held!, 5_000)
    expect(await store.spend.getSpend(total)).toEqual({ spentNanoUsd: 5_000, reservedNanoUsd: 0 })
    // The late reservation that carries the cost is settled at once; it must not expire first.
    expect(expiresIn[1]).toBeGreaterThanOrEqual(50_000)
  })
})

describe('settling a reservation the store no longer has', () => {
  /** A guard on a clock that moves only when told, over a store that has lost reservations 'a' and 'b'. */
  function lostReservations() {
    const store = createMemoryStore()
    // The store expires reservations on the real clock: the guard's starts from it.
    const clock = { now: new Date() }
    const spend: SpendStore = {
      ...store.spend,
      settle: (id, actual) =>
        id === 'a' || id === 'b'
          ? Promise.reject(new StoreError(`reservation ${id} not found (or expired)`))
          : store.spend.settle(id, actual),
    }
    const guard = createBudgetGuard({
      budgets: [budgetSchema.parse({ scope: 'global', limitUsd: 1, period: 'total' })],
      spend,
      catalog: store.catalog,
      prices: createPriceCatalog(),
      events: createEventBus(createBackgroundWork(() => {})),
      unpricedModels: 'allow',
      reservationMaxMs: 60_000,
      now: () => clock.now,
    })
    const request = { model: 'm', messages: [{ role: 'user' as const, content: 'Hi' }] }
    const reserve = async (id: string) => (await guard.reserve(id, {}, request, 'p'))!
    return { store, clock, guard, reserve }
  }

  it('fails while the reservation has not expired, and spends nothing', async () => {
    const { store, clock, guard, reserve } = lostReservations()
    const held = await reserve('a')
    clock.now = new Date(held.expiresAt.getTime() - 1)
    await expect(guard.settle(held, 5_000)).rejects.toMatchObject({ code: 'store' })
    expect((await store.spend.getSpend(total)).spentNanoUsd).toBe(0)
  })

  it('spends the cost once the reservation has expired, from its expiry on', async () => {
    const { store, clock, guard, reserve } = lostReservations()
    const held = await reserve('a')
    clock.now = held.expiresAt
    await guard.settle(held, 5_000)
    expect((await store.spend.getSpend(total)).spentNanoUsd).toBe(5_000)
  })

  it('spends the cost of each of two expired reservations settled at once', async () => {
    const { store, clock, guard, reserve } = lostReservations()
    const a = await reserve('a')
    const b = await reserve('b')
    clock.now = new Date(a.expiresAt.getTime() + 1)
    await Promise.all([guard.settle(a, 5_000), guard.settle(b, 7_000)])
    expect((await store.spend.getSpend(total)).spentNanoUsd).toBe(12_000)
  })
})

describe('budget thresholds', () => {
  it('fire in the order they are crossed, whichever check finishes its store writes first', async () => {
    const store = createMemoryStore()
    let slowMark = true
    const spend: SpendStore = {
      ...store.spend,
      async markThreshold(key, threshold) {
        const first = await store.spend.markThreshold(key, threshold)
        // The first check's write lands first but is acknowledged last.
        if (slowMark) {
          slowMark = false
          await sleep(30)
        }
        return first
      },
    }
    const work = createBackgroundWork(() => {})
    const events = createEventBus(work)
    const fired: AimuxEvents['budget:threshold'][] = []
    events.on('budget:threshold', (e) => void fired.push(e))
    const guard = createBudgetGuard({
      budgets: [
        budgetSchema.parse({ scope: 'global', limitUsd: 0.0000001, period: 'total', thresholds: [0.5, 0.8] }),
      ],
      spend,
      catalog: store.catalog,
      prices: createPriceCatalog(),
      events,
      unpricedModels: 'allow',
    })
    const request = { model: 'm', messages: [] }
    const a = (await guard.reserve('a', {}, request, 'p'))!
    const b = (await guard.reserve('b', {}, request, 'p'))!
    await guard.settle(a, 60)
    const first = guard.checkThresholds(a)
    await guard.settle(b, 30)
    const second = guard.checkThresholds(b)
    await Promise.all([first, second])
    await work.flush()
    expect(fired.map((e) => e.threshold)).toEqual([0.5, 0.8])
  })
})

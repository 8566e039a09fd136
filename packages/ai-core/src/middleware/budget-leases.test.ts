import { afterEach, describe, expect, it, vi } from 'vitest'
import { normalizeUsage } from '../cost/usage.js'
import { StoreError, ValidationError } from '../errors/errors.js'
import { createAI } from '../instance/create-ai.js'
import { defineProvider } from '../spec/provider.js'
import { createMemorySpendStore } from '../store/memory/memory-spend-store.js'
import { createMemoryStore } from '../store/memory/memory-store.js'
import type { SpendKey, SpendStore } from '../store/spend-store.js'
import { createBudgetLeases } from './budget-leases.js'

const month: SpendKey = { scope: 'tenant', scopeId: 't1', period: 'month', periodStart: '2030-05-01' }
const total: SpendKey = { scope: 'global', scopeId: 'global', period: 'total', periodStart: '1970-01-01' }
const hard = (limitNanoUsd: number) => [{ key: month, limitNanoUsd }, { key: total }]

/** The in-memory spend store, counting what is asked of it. */
function countedStore(store: SpendStore = createMemorySpendStore()) {
  const asked = { reserve: 0, settle: 0 }
  const read: SpendKey[] = []
  const counted: SpendStore = {
    ...store,
    getSpend: (key) => {
      read.push(key)
      return store.getSpend(key)
    },
    reserve: (input) => {
      asked.reserve++
      return store.reserve(input)
    },
    settle: (id, amount) => {
      asked.settle++
      return store.settle(id, amount)
    },
  }
  return { store: counted, asked, read }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('budget leases', () => {
  it('hold many calls in one reservation of the store, and spend what they cost there when returned', async () => {
    const { store, asked } = countedStore()
    const leases = createBudgetLeases(store, { openMs: 60_000 })
    for (let i = 0; i < 50; i++) {
      expect(
        await leases.reserve({ reservationId: `r${i}`, amountNanoUsd: 1_000, keys: hard(1e12) }),
      ).toEqual({
        ok: true,
      })
      await leases.settle(`r${i}`, 600)
    }
    expect(asked).toEqual({ reserve: 1, settle: 0 })
    // Room for 100 calls like the first, in the store; the calls' spend as this process sees it.
    expect(await store.getSpend(month)).toEqual({ spentNanoUsd: 0, reservedNanoUsd: 100_000 })
    expect(await leases.getSpend(month)).toEqual({ spentNanoUsd: 30_000, reservedNanoUsd: 0 })
    expect(await leases.getSpend(total)).toEqual({ spentNanoUsd: 30_000, reservedNanoUsd: 0 })

    await leases.flush()
    expect(asked).toEqual({ reserve: 1, settle: 1 })
    expect(await store.getSpend(month)).toEqual({ spentNanoUsd: 30_000, reservedNanoUsd: 0 })
    expect(await store.getSpend(total)).toEqual({ spentNanoUsd: 30_000, reservedNanoUsd: 0 })
  })

  it('count a call in flight as reserved, and a lease full of them opens the next', async () => {
    const { store, asked } = countedStore()
    const leases = createBudgetLeases(store, { openMs: 60_000, calls: 2 })
    for (const id of ['a', 'b', 'c'])
      await leases.reserve({ reservationId: id, amountNanoUsd: 1_000, keys: hard(1e12) })
    expect(asked.reserve).toBe(2)
    expect(await leases.getSpend(month)).toEqual({ spentNanoUsd: 0, reservedNanoUsd: 3_000 })
    expect(await store.getSpend(month)).toEqual({ spentNanoUsd: 0, reservedNanoUsd: 4_000 })
    // The full lease goes back once its last call is settled; the open one stays.
    await leases.settle('a', 700)
    await leases.release('b')
    expect(await store.getSpend(month)).toEqual({ spentNanoUsd: 700, reservedNanoUsd: 2_000 })
    await leases.settle('c', 900)
    expect(await leases.getSpend(month)).toEqual({ spentNanoUsd: 1_600, reservedNanoUsd: 0 })
  })

  it('take at most `share` of a hard budget remainder, down to one call estimate near the limit', async () => {
    const { store } = countedStore()
    const leases = createBudgetLeases(store, { openMs: 60_000 })
    await leases.reserve({ reservationId: 'first', amountNanoUsd: 1_000, keys: hard(320_000) })
    expect(await store.getSpend(month)).toEqual({ spentNanoUsd: 0, reservedNanoUsd: 10_000 })
    await leases.settle('first', 1_000)
    await leases.flush()

    // Another process spends nearly all the rest.
    await store.reserve({ reservationId: 'other', amountNanoUsd: 318_000, keys: hard(320_000) })
    await store.settle('other', 318_000)
    await leases.reserve({ reservationId: 'near', amountNanoUsd: 1_000, keys: hard(320_000) })
    expect(await store.getSpend(month)).toEqual({ spentNanoUsd: 319_000, reservedNanoUsd: 1_000 })
    await leases.settle('near', 1_000)
    // A lease that cannot hold another such call goes back at once.
    expect(await store.getSpend(month)).toEqual({ spentNanoUsd: 320_000, reservedNanoUsd: 0 })
    const refused = await leases.reserve({ reservationId: 'past', amountNanoUsd: 1_000, keys: hard(320_000) })
    expect(refused).toMatchObject({ ok: false, key: month, spentNanoUsd: 320_000, limitNanoUsd: 320_000 })
  })

  it('never let processes sharing a store pass a hard limit, and leave none of it unspent', async () => {
    const { store } = countedStore()
    const processes = [0, 1, 2].map(() => createBudgetLeases(store, { openMs: 60_000, share: 1 / 4 }))
    const limit = 100_000
    let granted = 0
    let refusedInARow = 0
    for (let i = 0; refusedInARow < 2 * processes.length; i++) {
      const leases = processes[i % processes.length]!
      const amount = 1_000 + (i % 3) * 500
      const result = await leases.reserve({
        reservationId: `r${i}`,
        amountNanoUsd: amount,
        keys: hard(limit),
      })
      if (result.ok) {
        granted += amount
        refusedInARow = 0
        await leases.settle(`r${i}`, amount)
      } else {
        expect(result.spentNanoUsd + result.reservedNanoUsd).toBeLessThanOrEqual(limit)
        // What another process holds unused in a lease comes back when it is flushed.
        if (++refusedInARow === processes.length) for (const other of processes) await other.flush()
      }
      expect(granted).toBeLessThanOrEqual(limit)
    }
    for (const leases of processes) await leases.flush()
    const { spentNanoUsd, reservedNanoUsd } = await store.getSpend(month)
    expect({ spentNanoUsd, reservedNanoUsd }).toEqual({ spentNanoUsd: granted, reservedNanoUsd: 0 })
    // Every call that still fits is let through: what is left is less than the smallest call.
    expect(limit - granted).toBeLessThan(1_000)
  })

  it('return a lease once it stops taking calls and its last call has settled', async () => {
    vi.useFakeTimers({ now: new Date('2030-05-10T00:00:00Z') })
    const { store } = countedStore()
    const leases = createBudgetLeases(store, { openMs: 1_000 })
    const expiresAt = new Date(Date.now() + 60_000)
    await leases.reserve({ reservationId: 'a', amountNanoUsd: 1_000, keys: hard(1e12), expiresAt })
    await leases.reserve({ reservationId: 'b', amountNanoUsd: 1_000, keys: hard(1e12), expiresAt })
    await leases.settle('a', 400)
    vi.advanceTimersByTime(1_000)
    expect(await store.getSpend(month)).toEqual({ spentNanoUsd: 0, reservedNanoUsd: 100_000 })
    await leases.settle('b', 500)
    expect(await store.getSpend(month)).toEqual({ spentNanoUsd: 900, reservedNanoUsd: 0 })
    // A call after that opens a new lease.
    await leases.reserve({ reservationId: 'c', amountNanoUsd: 1_000, keys: hard(1e12), expiresAt })
    expect(await store.getSpend(month)).toEqual({ spentNanoUsd: 900, reservedNanoUsd: 100_000 })
  })

  it('refuse to settle a call past its reservation expiry, as the store would, and return the rest', async () => {
    vi.useFakeTimers({ now: new Date('2030-05-10T00:00:00Z') })
    const { store } = countedStore()
    const leases = createBudgetLeases(store, { openMs: 1_000 })
    const soon = new Date(Date.now() + 5_000)
    await leases.reserve({ reservationId: 'done', amountNanoUsd: 1_000, keys: hard(1e12), expiresAt: soon })
    await leases.reserve({ reservationId: 'hung', amountNanoUsd: 1_000, keys: hard(1e12), expiresAt: soon })
    await leases.settle('done', 800)
    // The lease closes after a second; the hung call is dropped a second before the lease expires.
    await vi.advanceTimersByTimeAsync(6_000)
    expect(await store.getSpend(month)).toEqual({ spentNanoUsd: 800, reservedNanoUsd: 0 })
    await expect(leases.settle('hung', 900)).rejects.toThrow(StoreError)
  })

  it('refuse to settle a call past its expiry while its lease still takes calls, spending nothing for it', async () => {
    vi.useFakeTimers({ now: new Date('2030-05-10T00:00:00Z') })
    const { store } = countedStore()
    const leases = createBudgetLeases(store, { openMs: 60_000 })
    const soon = new Date(Date.now() + 5_000)
    await leases.reserve({ reservationId: 'done', amountNanoUsd: 1_000, keys: hard(1e12), expiresAt: soon })
    await leases.reserve({ reservationId: 'late', amountNanoUsd: 1_000, keys: hard(1e12), expiresAt: soon })
    await leases.settle('done', 800)
    vi.setSystemTime(soon)
    await expect(leases.settle('late', 900)).rejects.toThrow('reservation late not found (or expired)')
    await leases.flush()
    expect(await store.getSpend(month)).toEqual({ spentNanoUsd: 800, reservedNanoUsd: 0 })
  })

  it('return their own idle leases on the same budget before refusing a call', async () => {
    const { store } = countedStore()
    const leases = createBudgetLeases(store, { openMs: 60_000, share: 1 / 2 })
    const shared = (tenant: string) => [
      { key: { ...month, scopeId: tenant } },
      { key: total, limitNanoUsd: 10_000 },
    ]
    await leases.reserve({ reservationId: 'a', amountNanoUsd: 1_000, keys: shared('a') })
    await leases.settle('a', 1_000)
    // Tenant a's lease holds half the budget; tenant b's call needs more than the other half.
    expect(await store.getSpend(total)).toEqual({ spentNanoUsd: 0, reservedNanoUsd: 5_000 })
    expect(await leases.reserve({ reservationId: 'b', amountNanoUsd: 6_000, keys: shared('b') })).toEqual({
      ok: true,
    })
    expect(await store.getSpend(total)).toEqual({ spentNanoUsd: 1_000, reservedNanoUsd: 6_000 })
  })

  it('read the store for a counter once per openMs, and again as soon as a lease changes it', async () => {
    const { store, read } = countedStore()
    const leases = createBudgetLeases(store, { openMs: 60_000 })
    const other = createBudgetLeases(store, { openMs: 60_000 })
    await leases.reserve({ reservationId: 'a', amountNanoUsd: 1_000, keys: hard(1e12) })
    await leases.settle('a', 400)
    read.length = 0
    for (let i = 0; i < 3; i++) {
      expect(await leases.getSpend(total)).toEqual({ spentNanoUsd: 400, reservedNanoUsd: 0 })
    }
    expect(read).toEqual([total])
    // Another process's spend shows once read again; this process's returned lease at once.
    await other.reserve({ reservationId: 'b', amountNanoUsd: 1_000, keys: hard(1e12) })
    await other.settle('b', 300)
    await other.flush()
    expect(await leases.getSpend(total)).toEqual({ spentNanoUsd: 400, reservedNanoUsd: 0 })
    await leases.flush()
    expect(await leases.getSpend(total)).toEqual({ spentNanoUsd: 700, reservedNanoUsd: 0 })
    expect(read.filter((key) => key === total)).toHaveLength(2)
  })

  it('have the store hold a full lease spend once its last call is settled, with a store that answers later', async () => {
    const memory = createMemorySpendStore()
    const later: SpendStore = {
      ...memory,
      settle: async (id, amount) => {
        await new Promise((resolve) => setImmediate(resolve))
        return memory.settle(id, amount)
      },
    }
    const leases = createBudgetLeases(later, { openMs: 60_000 })
    // Room for one call only: the lease is that call's estimate, full once it is settled.
    await leases.reserve({ reservationId: 'only', amountNanoUsd: 1_000, keys: hard(1_500) })
    await leases.settle('only', 800)
    expect(await memory.getSpend(month)).toEqual({ spentNanoUsd: 800, reservedNanoUsd: 0 })
  })

  it('refuse a reservation id still held', async () => {
    const leases = createBudgetLeases(createMemorySpendStore())
    await leases.reserve({ reservationId: 'r', amountNanoUsd: 1_000, keys: hard(1e12) })
    await expect(
      leases.reserve({ reservationId: 'r', amountNanoUsd: 1_000, keys: hard(1e12) }),
    ).rejects.toThrow('reservation r already exists')
    await expect(leases.settle('unknown', 1)).rejects.toThrow(StoreError)
  })

  it('report a lease the store fails to take back, and never throw it at the call', async () => {
    const memory = createMemorySpendStore()
    const failure = new StoreError('the database is gone')
    const store: SpendStore = { ...memory, settle: () => Promise.reject(failure) }
    const reported: unknown[] = []
    const leases = createBudgetLeases(store, { report: (error) => reported.push(error) })
    await leases.reserve({ reservationId: 'r', amountNanoUsd: 1_000, keys: hard(1e12) })
    await leases.settle('r', 1_000)
    await leases.flush()
    expect(reported).toEqual([failure])
  })
})

describe('budget leases, at their edges', () => {
  const opener = { reservationId: 'a', amountNanoUsd: 1_000 }

  it('take a share of what is left after both the spend and the other reservations in the store', async () => {
    const { store } = countedStore()
    await store.reserve({ reservationId: 'spent', amountNanoUsd: 100_000, keys: hard(1_000_000) })
    await store.settle('spent', 100_000)
    await store.reserve({ reservationId: 'held', amountNanoUsd: 60_000, keys: hard(1_000_000) })
    const leases = createBudgetLeases(store, { openMs: 60_000, share: 1 / 2 })
    await leases.reserve({ reservationId: 'a', amountNanoUsd: 10_000, keys: hard(1_000_000) })
    // (1,000,000 - 100,000 - 60,000) / 2 = 420,000, below room for 100 such calls.
    expect(await store.getSpend(month)).toEqual({ spentNanoUsd: 100_000, reservedNanoUsd: 60_000 + 420_000 })
  })

  it('reserve just the call when the store refuses a slice taken from a stale reading', async () => {
    const { store, asked } = countedStore()
    const leases = createBudgetLeases(store, { openMs: 60_000, share: 1 / 2 })
    expect(await leases.getSpend(month)).toEqual({ spentNanoUsd: 0, reservedNanoUsd: 0 })
    // Another process spends nearly all of it after this one read the counters.
    await store.reserve({ reservationId: 'other', amountNanoUsd: 950_000, keys: hard(1_000_000) })
    await store.settle('other', 950_000)
    asked.reserve = 0
    expect(await leases.reserve({ ...opener, keys: hard(1_000_000) })).toEqual({ ok: true })
    expect(asked.reserve).toBe(2)
    expect(await store.getSpend(month)).toEqual({ spentNanoUsd: 950_000, reservedNanoUsd: 1_000 })
  })

  it('ask the store once for a call refused at its own size, with no lease of its own to return, and keep its reading', async () => {
    const { store, asked, read } = countedStore()
    await store.reserve({ reservationId: 'other', amountNanoUsd: 10_000, keys: hard(10_000) })
    await store.settle('other', 10_000)
    const leases = createBudgetLeases(store, { openMs: 60_000 })
    asked.reserve = 0
    const refused = await leases.reserve({ ...opener, keys: hard(10_000) })
    expect(refused).toMatchObject({ ok: false, spentNanoUsd: 10_000 })
    expect(asked.reserve).toBe(1)
    // The refusal changed nothing: the counter read for the slice is still the one kept.
    expect(await leases.getSpend(month)).toEqual({ spentNanoUsd: 10_000, reservedNanoUsd: 0 })
    expect(read.filter((key) => key === month)).toHaveLength(1)
  })

  it('not try again when its only lease on the budget still has a call in flight', async () => {
    const { store, asked } = countedStore()
    const leases = createBudgetLeases(store, { openMs: 60_000, share: 1 / 2 })
    await leases.reserve({ ...opener, keys: hard(10_000) })
    expect(await store.getSpend(month)).toEqual({ spentNanoUsd: 0, reservedNanoUsd: 5_000 })
    const refused = await leases.reserve({ reservationId: 'b', amountNanoUsd: 6_000, keys: hard(10_000) })
    expect(refused).toMatchObject({ ok: false, reservedNanoUsd: 5_000 })
    expect(asked.reserve).toBe(2)
  })

  it('return only its leases on the budgets of a refused call', async () => {
    const { store, asked } = countedStore()
    const leases = createBudgetLeases(store, { openMs: 60_000 })
    const other = { ...month, scopeId: 'other' }
    await leases.reserve({ reservationId: 'x', amountNanoUsd: 1_000, keys: [{ key: other }] })
    await leases.settle('x', 500)
    await store.reserve({ reservationId: 'full', amountNanoUsd: 10_000, keys: hard(10_000) })
    expect(await leases.reserve({ ...opener, keys: hard(10_000) })).toMatchObject({ ok: false })
    expect(asked.settle).toBe(0)
    expect(await store.getSpend(other)).toEqual({ spentNanoUsd: 0, reservedNanoUsd: 100_000 })
    // The lease on the other budget still takes calls.
    await leases.reserve({ reservationId: 'y', amountNanoUsd: 1_000, keys: [{ key: other }] })
    expect(asked.reserve).toBe(3)
  })

  it('keep a lease open while it still holds room for exactly one more call like the last', async () => {
    const { store, asked } = countedStore()
    const leases = createBudgetLeases(store, { openMs: 60_000, calls: 2 })
    await leases.reserve({ ...opener, keys: hard(1e12) })
    await leases.settle('a', 1_000)
    expect(asked).toEqual({ reserve: 1, settle: 0 })
    await leases.reserve({ reservationId: 'b', amountNanoUsd: 1_000, keys: hard(1e12) })
    expect(asked).toEqual({ reserve: 1, settle: 0 })
    // Now full: it goes back as its last call settles.
    await leases.settle('b', 1_000)
    expect(asked).toEqual({ reserve: 1, settle: 1 })
    expect(await store.getSpend(month)).toEqual({ spentNanoUsd: 2_000, reservedNanoUsd: 0 })
  })

  it('take no new call into a lease from openMs after it opened, even before its timer fires', async () => {
    let time = 1_000_000
    const { store, asked } = countedStore()
    const leases = createBudgetLeases(store, { openMs: 60_000, now: () => time })
    await leases.reserve({ ...opener, keys: hard(1e12) })
    time += 59_999
    await leases.reserve({ reservationId: 'b', amountNanoUsd: 1_000, keys: hard(1e12) })
    expect(asked.reserve).toBe(1)
    time += 1
    await leases.reserve({ reservationId: 'c', amountNanoUsd: 1_000, keys: hard(1e12) })
    expect(asked.reserve).toBe(2)
    await leases.flush()
  })

  it('take a call into a lease only if its reservation ends openMs before the lease does', async () => {
    let time = 1_000_000
    const { store, asked } = countedStore()
    const leases = createBudgetLeases(store, { openMs: 1_000, now: () => time })
    const at = (ms: number) => ({ expiresAt: new Date(time + ms) })
    // The lease expires 2 * openMs after its first call's reservation: at 7,000.
    await leases.reserve({ ...opener, keys: hard(1e12), ...at(5_000) })
    await leases.reserve({ reservationId: 'b', amountNanoUsd: 1_000, keys: hard(1e12), ...at(6_000) })
    expect(asked.reserve).toBe(1)
    await leases.reserve({ reservationId: 'c', amountNanoUsd: 1_000, keys: hard(1e12), ...at(6_001) })
    expect(asked.reserve).toBe(2)
    // The lease for c expires at 8,001: a call that never expires does not fit in it.
    await leases.reserve({ reservationId: 'd', amountNanoUsd: 1_000, keys: hard(1e12) })
    expect(asked.reserve).toBe(3)
    time += 10
    await leases.flush()
  })

  it('drop at openMs before a lease expires the calls whose reservation has ended by then, and only those of that lease', async () => {
    vi.useFakeTimers({ now: new Date('2030-05-10T00:00:00Z') })
    const start = Date.now()
    const { store } = countedStore()
    const leases = createBudgetLeases(store, { openMs: 1_000 })
    const at = (ms: number) => ({ expiresAt: new Date(start + ms) })
    // Lease A expires at 7,000 and drops its calls at 6,000; lease B (another limit) at 7,500 and 6,500.
    await leases.reserve({ reservationId: 'a1', amountNanoUsd: 1_000, keys: hard(1e12), ...at(5_000) })
    // Ends exactly when lease A drops its calls.
    await leases.reserve({ reservationId: 'a2', amountNanoUsd: 1_000, keys: hard(1e12), ...at(6_000) })
    await leases.reserve({ reservationId: 'b1', amountNanoUsd: 1_000, keys: hard(2e12), ...at(5_500) })
    await leases.settle('a1', 300)
    expect(await store.getSpend(month)).toEqual({ spentNanoUsd: 0, reservedNanoUsd: 200_000 })
    await vi.advanceTimersByTimeAsync(6_000)
    // Lease A goes back with what a1 spent; lease B still waits for b1.
    expect(await store.getSpend(month)).toEqual({ spentNanoUsd: 300, reservedNanoUsd: 100_000 })
    await vi.advanceTimersByTimeAsync(500)
    expect(await store.getSpend(month)).toEqual({ spentNanoUsd: 300, reservedNanoUsd: 0 })
    // A dropped call is gone: its id may be reserved again.
    expect(await leases.reserve({ reservationId: 'a2', amountNanoUsd: 1_000, keys: hard(1e12) })).toEqual({
      ok: true,
    })
  })

  it('keep, when it drops expired calls early by its own clock, those not yet expired, and count them', async () => {
    vi.useFakeTimers({ now: 0 })
    let time = 0
    const { store } = countedStore()
    const leases = createBudgetLeases(store, { openMs: 1_000, now: () => time })
    await leases.reserve({ ...opener, keys: hard(1e12), expiresAt: new Date(5_000) })
    await leases.reserve({
      reservationId: 'b',
      amountNanoUsd: 1_000,
      keys: hard(1e12),
      expiresAt: new Date(6_000),
    })
    time = 1_000
    await vi.advanceTimersByTimeAsync(1_000)
    // The drop timer (due at 6,000) runs while the clock says 5,500: a has expired, b has not.
    time = 5_500
    await vi.advanceTimersByTimeAsync(5_000)
    expect(await leases.getSpend(month)).toEqual({ spentNanoUsd: 0, reservedNanoUsd: 1_000 })
    await leases.settle('b', 600)
    expect(await store.getSpend(month)).toEqual({ spentNanoUsd: 600, reservedNanoUsd: 0 })
  })

  it('not hold a lease without expiry back for a call whose reservation has ended', async () => {
    vi.useFakeTimers({ now: new Date('2030-05-10T00:00:00Z') })
    const { store } = countedStore()
    const leases = createBudgetLeases(store, { openMs: 1_000 })
    await leases.reserve({ ...opener, keys: hard(1e12) })
    await leases.reserve({
      reservationId: 'b',
      amountNanoUsd: 1_000,
      keys: hard(1e12),
      expiresAt: new Date(Date.now() + 100),
    })
    await leases.settle('a', 400)
    vi.setSystemTime(Date.now() + 500)
    await vi.advanceTimersByTimeAsync(2_000)
    // A lease that never expires is not cut short: it waits for b to settle.
    expect(await store.getSpend(month)).toEqual({ spentNanoUsd: 0, reservedNanoUsd: 100_000 })
    await expect(leases.settle('b', 1_000)).rejects.toThrow(StoreError)
    expect(await store.getSpend(month)).toEqual({ spentNanoUsd: 400, reservedNanoUsd: 0 })
  })

  it('return a closed lease as soon as its last call is refused for having expired', async () => {
    vi.useFakeTimers({ now: new Date('2030-05-10T00:00:00Z') })
    const start = Date.now()
    const { store } = countedStore()
    const leases = createBudgetLeases(store, { openMs: 1_000 })
    await leases.reserve({ ...opener, keys: hard(1e12), expiresAt: new Date(start + 5_000) })
    await vi.advanceTimersByTimeAsync(1_000)
    vi.setSystemTime(start + 5_000)
    await expect(leases.settle('a', 800)).rejects.toThrow('reservation a not found (or expired)')
    expect(await store.getSpend(month)).toEqual({ spentNanoUsd: 0, reservedNanoUsd: 0 })
  })

  it('spend what a lease spent with a late reservation when the store let the lease expire', async () => {
    vi.useFakeTimers({ now: new Date('2030-05-10T00:00:00Z') })
    const start = Date.now()
    const { store } = countedStore()
    const ids: string[] = []
    const reported: unknown[] = []
    const leases = createBudgetLeases(
      {
        ...store,
        reserve: (input) => {
          ids.push(input.reservationId)
          return store.reserve(input)
        },
      },
      { openMs: 1_000, report: (error) => reported.push(error) },
    )
    await leases.reserve({ ...opener, keys: hard(1e12), expiresAt: new Date(start + 5_000) })
    await leases.settle('a', 700)
    // The lease expires in the store at 7,000, before it is returned (its timer has not run).
    vi.setSystemTime(start + 7_000)
    await leases.flush()
    expect(reported).toEqual([])
    expect(await store.getSpend(month)).toEqual({ spentNanoUsd: 700, reservedNanoUsd: 0 })
    expect(ids).toEqual([ids[0], `${ids[0]}:late`])
  })

  it('report, without spending it late, a lease the store fails to take back before it expires', async () => {
    const memory = createMemorySpendStore()
    const failure = new StoreError('the database is gone')
    const store: SpendStore = { ...memory, settle: () => Promise.reject(failure) }
    const reported: unknown[] = []
    for (const expiresAt of [undefined, new Date(Date.now() + 3_600_000)]) {
      const leases = createBudgetLeases(store, { report: (error) => reported.push(error) })
      await leases.reserve({
        ...opener,
        reservationId: `r${reported.length}`,
        keys: hard(1e12),
        ...(expiresAt ? { expiresAt } : {}),
      })
      await leases.settle(`r${reported.length}`, 1_000)
      await leases.flush()
    }
    expect(reported).toEqual([failure, failure])
    // Both leases still held in the store, nothing more reserved.
    expect(await memory.getSpend(month)).toEqual({ spentNanoUsd: 0, reservedNanoUsd: 200_000 })
  })

  it('let a lease of a process that never returns it expire in the store', async () => {
    vi.useFakeTimers({ now: new Date('2030-05-10T00:00:00Z') })
    const start = Date.now()
    const { store } = countedStore()
    const leases = createBudgetLeases(store, { openMs: 1_000 })
    await leases.reserve({ ...opener, keys: hard(1e12), expiresAt: new Date(start + 5_000) })
    vi.setSystemTime(start + 6_999)
    expect(await store.getSpend(month)).toEqual({ spentNanoUsd: 0, reservedNanoUsd: 100_000 })
    vi.setSystemTime(start + 7_000)
    expect(await store.getSpend(month)).toEqual({ spentNanoUsd: 0, reservedNanoUsd: 0 })
  })

  it('have flush wait until the store has taken its leases back', async () => {
    const memory = createMemorySpendStore()
    const store: SpendStore = {
      ...memory,
      settle: async (id, amount) => {
        await new Promise((resolve) => setTimeout(resolve, 1))
        return memory.settle(id, amount)
      },
    }
    const leases = createBudgetLeases(store)
    await leases.reserve({ ...opener, keys: hard(1e12) })
    await leases.settle('a', 600)
    await leases.flush()
    expect(await memory.getSpend(month)).toEqual({ spentNanoUsd: 600, reservedNanoUsd: 0 })
  })

  it('refuse an unknown reservation by name, and one settled already', async () => {
    const leases = createBudgetLeases(createMemorySpendStore())
    await expect(leases.settle('unknown', 1)).rejects.toThrow('reservation unknown not found (or expired)')
    await leases.reserve({ ...opener, keys: hard(1e12) })
    await leases.settle('a', 1)
    await expect(leases.settle('a', 1)).rejects.toThrow('reservation a not found (or expired)')
    expect(await leases.reserve({ ...opener, keys: hard(1e12) })).toEqual({ ok: true })
  })

  it('not keep a reading the store gave while a lease changed its counter', async () => {
    const memory = createMemorySpendStore()
    const waiting: (() => void)[] = []
    const store: SpendStore = {
      ...memory,
      getSpend: async (key) => {
        const spend = await memory.getSpend(key)
        await new Promise<void>((resolve) => waiting.push(resolve))
        return spend
      },
    }
    const leases = createBudgetLeases(store, { openMs: 60_000 })
    const reading = leases.getSpend(total)
    await vi.waitFor(() => expect(waiting).toHaveLength(1))
    // A lease on the counter opens while the read is under way (no hard limit: no read of its own).
    await leases.reserve({ ...opener, keys: [{ key: total }] })
    waiting.shift()?.()
    await reading
    const again = leases.getSpend(total)
    await vi.waitFor(() => expect(waiting).toHaveLength(1))
    waiting.shift()?.()
    expect(await again).toEqual({ spentNanoUsd: 0, reservedNanoUsd: 1_000 })
  })

  it('add to a counter only the leases that count on it', async () => {
    const leases = createBudgetLeases(createMemorySpendStore(), { openMs: 60_000 })
    await leases.reserve({ ...opener, keys: [{ key: month }] })
    await leases.settle('a', 500)
    expect(await leases.getSpend(month)).toEqual({ spentNanoUsd: 500, reservedNanoUsd: 0 })
    expect(await leases.getSpend(total)).toEqual({ spentNanoUsd: 0, reservedNanoUsd: 0 })
    expect(await leases.getSpend({ ...month, scopeId: 't2' })).toEqual({
      spentNanoUsd: 0,
      reservedNanoUsd: 0,
    })
  })

  it('open separate leases for budgets that differ only in a limit, or in having one', async () => {
    const { store, asked } = countedStore()
    const leases = createBudgetLeases(store, { openMs: 60_000 })
    let n = 0
    for (const keys of [hard(1e12), hard(2e12), [{ key: month }, { key: total }], hard(1e12)])
      await leases.reserve({ reservationId: `r${n++}`, amountNanoUsd: 1_000, keys })
    expect(asked.reserve).toBe(3)
  })
})

describe('createAI over a store plugin', () => {
  const usage = normalizeUsage({ inputTokens: 10, outputTokens: 10 })
  const provider = defineProvider({
    id: 'p',
    generate: async () => ({ content: [{ type: 'text', text: 'ok' }], finishReason: 'stop', usage }),
  })
  // $1 per million tokens: a call costs 20,000 nano-USD.
  const prices = [{ provider: 'p', model: 'm', price: { input: 1, output: 1 } }]
  const budgets = [{ scope: 'tenant' as const, limitUsd: 100, period: 'month' as const }]
  const call = {
    model: 'p:m',
    messages: [{ role: 'user' as const, content: 'Hi' }],
    scope: { tenantId: 't1' },
  }

  async function spendAfter(budgetLeases: false | object) {
    const store = createMemoryStore()
    const ai = await createAI({
      plugins: [
        { name: 'store', setup: (host) => host.registerStore(store) },
        { name: 'p', setup: (host) => host.registerProvider(provider) },
      ],
      prices,
      budgets,
      budgetLeases,
    })
    for (let i = 0; i < 5; i++) await ai.chat(call)
    const [status] = await ai.budgets.status({ tenantId: 't1' })
    const key = { ...month, periodStart: status!.periodStart }
    const beforeFlush = await store.spend.getSpend(key)
    await ai.flush()
    const afterFlush = await store.spend.getSpend(key)
    await ai.close()
    return { status, beforeFlush, afterFlush }
  }

  it('reserves calls in leases: the instance sees each call spent, the store once flushed', async () => {
    const { status, beforeFlush, afterFlush } = await spendAfter({})
    expect(status).toMatchObject({ spentNanoUsd: 100_000, reservedNanoUsd: 0 })
    expect(beforeFlush.spentNanoUsd).toBe(0)
    expect(beforeFlush.reservedNanoUsd).toBeGreaterThan(100_000)
    expect(afterFlush).toEqual({ spentNanoUsd: 100_000, reservedNanoUsd: 0 })
  })

  it('reserves and settles every call in the store with budgetLeases: false', async () => {
    const { status, beforeFlush, afterFlush } = await spendAfter(false)
    expect(status).toMatchObject({ spentNanoUsd: 100_000, reservedNanoUsd: 0 })
    expect(beforeFlush).toEqual({ spentNanoUsd: 100_000, reservedNanoUsd: 0 })
    expect(afterFlush).toEqual(beforeFlush)
  })

  it('refuse a share over 1 in the options', async () => {
    const refused = createAI({ budgetLeases: { share: 2 } })
    await expect(refused).rejects.toThrow(ValidationError)
    await expect(refused).rejects.toThrow('budgetLeases.share')
  })
})

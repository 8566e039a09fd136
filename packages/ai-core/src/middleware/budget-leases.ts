import { randomUUID } from 'node:crypto'
import { LRUCache } from 'lru-cache'
import { z } from 'zod'
import { StoreError } from '../errors/errors.js'
import type { ReserveResult, Spend, SpendKey, SpendStore } from '../store/spend-store.js'

type ReserveInput = Parameters<SpendStore['reserve']>[0]
type LeaseKeys = ReserveInput['keys']

export const budgetLeasesSchema = z.strictObject({
  /** The most of a hard budget's remainder one lease takes (default 1/32). */
  share: z.number().gt(0).max(1).optional(),
  /** How many calls like the one that opens a lease it holds room for, at most (default 100). */
  calls: z.number().int().positive().optional(),
  /** How long a lease takes new calls, in milliseconds (default 1,000). */
  openMs: z.number().int().positive().optional(),
})

export type BudgetLeaseOptions = z.input<typeof budgetLeasesSchema> & {
  /** Where a lease the store failed to take back is reported; it is never thrown at a call. */
  report?: (error: unknown) => void
  now?: () => number
}

/** A slice of budget reserved in the store, spent locally by the calls it holds. */
interface Lease {
  id: string
  keys: LeaseKeys
  /** The spend keys it counts on, as text. */
  counters: string[]
  amount: number
  /** Held by calls in flight, plus spent by calls settled. */
  used: number
  spent: number
  inFlight: number
  takesUntil: number
  /** When the store stops counting it (undefined: never). */
  expiresAt: number | undefined
  open: boolean
  timer?: ReturnType<typeof setTimeout>
}

interface Hold {
  lease: Lease
  amount: number
  expiresAt: number | undefined
}

export type BudgetLeases = Omit<SpendStore, 'markThreshold'> & {
  /**
   * Closes every lease and returns those no call holds to the store (the others as their last
   * call ends): what their calls spent is spent, the rest let go.
   */
  flush(): Promise<void>
}

/**
 * Call reservations in leases: instead of a store transaction to reserve before every call and
 * another to settle after it, the first call of a set of budgets reserves a slice of them in the
 * store (a lease), and the calls that follow reserve and settle against the slice in memory. A
 * lease takes new calls for `openMs`, then goes back to the store once its last call has settled:
 * what its calls spent is spent, the rest is let go. Every process's leases are reservations in
 * the store, so processes sharing it never pass a hard limit together: a slice is at most `share`
 * of a hard budget's remainder (and room for `calls` calls), so slices shrink as the remainder
 * does, down to one call's estimate, which is the store's own check. Before a call is refused,
 * this process's idle leases on the same budgets are returned and the call is tried once more.
 *
 * The view it gives (`getSpend`) adds what this process's leases have spent and hold in flight
 * to the store's counters (read at most `openMs` before); another process sees that spend once
 * the lease is returned (within `openMs` of the last call it took, unless a call is still
 * running, or at `flush()`), and at most `openMs` later if it read the counters just before. A process
 * that dies with leases out loses what their calls spent, and their room is held until they
 * expire, as its calls' reservations would have been.
 */
export function createBudgetLeases(store: SpendStore, options: BudgetLeaseOptions = {}): BudgetLeases {
  const share = options.share ?? 1 / 32
  const callsPerLease = options.calls ?? 100
  const openMs = options.openMs ?? 1_000
  const now = options.now ?? Date.now
  const report = options.report ?? (() => {})
  const prefix = `lease:${randomUUID()}:`
  let leaseCount = 0
  /** The lease open for each set of budgets (keyed by their keys and limits). */
  const opened = new Map<string, Lease>()
  /** Leases reserved in the store and not yet returned. */
  const live = new Set<Lease>()
  const holds = new Map<string, Hold>()
  const opening = new Map<string, Promise<unknown>>()
  const returning = new Set<Promise<void>>()
  /**
   * The store's counters as last read, kept for `openMs` (the thresholds read them after every
   * call). A lease of this process reserved or returned on a counter drops its reading, and a
   * reading that started before such a change is not kept.
   */
  const readings = new LRUCache<string, Spend>({ max: 10_000, ttl: openMs })
  let changes = 0
  const changed = (counters: readonly string[]) => {
    changes++
    for (const counter of counters) readings.delete(counter)
  }

  async function storeSpend(key: SpendKey): Promise<Spend> {
    const counter = counterOf(key)
    const known = readings.get(counter)
    if (known) return { ...known }
    const before = changes
    const spend = await store.getSpend(key)
    if (changes === before) readings.set(counter, { ...spend })
    return spend
  }

  const fits = (lease: Lease | undefined, input: ReserveInput): lease is Lease =>
    lease?.open === true &&
    now() < lease.takesUntil &&
    lease.amount - lease.used >= input.amountNanoUsd &&
    fitsExpiry(input.expiresAt?.getTime(), lease.expiresAt)

  // A lease is returned by the time its calls' reservations would have expired, with `openMs` to spare.
  const fitsExpiry = (call: number | undefined, lease: number | undefined) =>
    lease === undefined || (call !== undefined && call + openMs <= lease)

  function take(lease: Lease, input: ReserveInput): ReserveResult {
    lease.used += input.amountNanoUsd
    lease.inFlight++
    holds.set(input.reservationId, {
      lease,
      amount: input.amountNanoUsd,
      expiresAt: input.expiresAt?.getTime(),
    })
    return { ok: true }
  }

  /**
   * Stops a lease taking calls; returns it once none is in flight. A call that outlives its own
   * reservation's expiry no longer holds it back: at `openMs` before the lease expires, such
   * calls are dropped, as the store drops an expired reservation.
   */
  function close(lease: Lease): void {
    retire(lease)
    returnIfDone(lease)
  }

  /** Stops a lease taking calls, without returning it. */
  function retire(lease: Lease): void {
    if (!lease.open) return
    lease.open = false
    clearTimeout(lease.timer)
    if (opened.get(signatureOf(lease.keys)) === lease) opened.delete(signatureOf(lease.keys))
    if (lease.inFlight > 0 && lease.expiresAt !== undefined) {
      lease.timer = setTimeout(() => dropExpired(lease), lease.expiresAt - openMs - now())
      lease.timer.unref?.()
    }
  }

  function dropExpired(lease: Lease): void {
    for (const [id, hold] of holds) {
      if (hold.lease !== lease || hold.expiresAt === undefined || hold.expiresAt > now()) continue
      holds.delete(id)
      lease.used -= hold.amount
      lease.inFlight--
    }
    returnIfDone(lease)
  }

  function returnIfDone(lease: Lease): Promise<void> | undefined {
    if (lease.open || lease.inFlight > 0 || !live.has(lease)) return undefined
    clearTimeout(lease.timer)
    live.delete(lease)
    const returned = returnLease(lease)
      .catch(report)
      .finally(() => returning.delete(returned))
    returning.add(returned)
    return returned
  }

  /** Settles a lease to what its calls spent; one the store let expire is spent without it. */
  async function returnLease(lease: Lease): Promise<void> {
    try {
      await store.settle(lease.id, lease.spent)
    } catch (error) {
      if (lease.expiresAt === undefined || now() < lease.expiresAt) throw error
      await spendLate(store, `${lease.id}:late`, lease.keys, lease.spent)
    } finally {
      changed(lease.counters)
    }
  }

  /** Closes this process's leases that count on any of `counters`; true when one was returned. */
  async function returnIdle(counters: string[]): Promise<boolean> {
    const idle = [...live].filter((lease) => lease.counters.some((c) => counters.includes(c)))
    for (const lease of idle) close(lease)
    const returned = idle.filter((lease) => !live.has(lease))
    await Promise.all(returning)
    return returned.length > 0
  }

  /** How much a new lease for this call takes: room for `calls` such calls, at most `share` of each hard remainder. */
  async function sliceFor(input: ReserveInput): Promise<number> {
    let slice = input.amountNanoUsd * callsPerLease
    for (const { key, limitNanoUsd } of input.keys) {
      if (limitNanoUsd === undefined) continue
      const { spentNanoUsd, reservedNanoUsd } = await storeSpend(key)
      slice = Math.min(slice, Math.floor((limitNanoUsd - spentNanoUsd - reservedNanoUsd) * share))
    }
    return Math.max(slice, input.amountNanoUsd)
  }

  async function openLease(signature: string, input: ReserveInput): Promise<ReserveResult> {
    const previous = opened.get(signature)
    if (previous) close(previous)
    const counters = input.keys.map(({ key }) => counterOf(key))
    const expiresAt = input.expiresAt === undefined ? undefined : input.expiresAt.getTime() + 2 * openMs
    const reserve = async (amount: number) => {
      const id = `${prefix}${++leaseCount}`
      const result = await store.reserve({
        reservationId: id,
        amountNanoUsd: amount,
        keys: input.keys,
        ...(expiresAt === undefined ? {} : { expiresAt: new Date(expiresAt) }),
      })
      if (result.ok) changed(counters)
      return { id, amount, result }
    }
    const slice = await sliceFor(input)
    let attempt = await reserve(slice)
    if (!attempt.result.ok && slice > input.amountNanoUsd) attempt = await reserve(input.amountNanoUsd)
    if (!attempt.result.ok && (await returnIdle(counters))) attempt = await reserve(input.amountNanoUsd)
    if (!attempt.result.ok) return attempt.result
    const lease: Lease = {
      id: attempt.id,
      keys: input.keys,
      counters,
      amount: attempt.amount,
      used: 0,
      spent: 0,
      inFlight: 0,
      takesUntil: now() + openMs,
      expiresAt,
      open: true,
    }
    live.add(lease)
    opened.set(signature, lease)
    lease.timer = setTimeout(() => close(lease), openMs)
    lease.timer.unref?.()
    return take(lease, input)
  }

  /** Ends a call's hold on its lease; throws as the store would for one unknown or expired. */
  function end(reservationId: string, spent: number): Lease {
    const hold = holds.get(reservationId)
    if (!hold) throw new StoreError(`reservation ${reservationId} not found (or expired)`)
    holds.delete(reservationId)
    const { lease } = hold
    lease.inFlight--
    const expired = hold.expiresAt !== undefined && hold.expiresAt <= now()
    lease.used += (expired ? 0 : spent) - hold.amount
    lease.spent += expired ? 0 : spent
    if (expired) {
      returnIfDone(lease)
      throw new StoreError(`reservation ${reservationId} not found (or expired)`)
    }
    // One that cannot hold another call like this one is done: near a limit, where slices are
    // one call's estimate, its spend then reaches the store as a call's own reservation would.
    // (Returned by the settlement that ends here, which waits for the store.)
    if (lease.open && lease.amount - lease.used < hold.amount) retire(lease)
    return lease
  }

  return {
    async reserve(input) {
      if (holds.has(input.reservationId))
        throw new StoreError(`reservation ${input.reservationId} already exists`)
      const signature = signatureOf(input.keys)
      for (;;) {
        const lease = opened.get(signature)
        if (fits(lease, input)) return take(lease, input)
        const pending = opening.get(signature)
        if (!pending) break
        await pending.catch(() => {})
      }
      const result = openLease(signature, input)
      opening.set(
        signature,
        result.finally(() => opening.delete(signature)),
      )
      return result
    },

    async settle(reservationId, actualNanoUsd) {
      await returnIfDone(end(reservationId, actualNanoUsd))
    },

    async release(reservationId) {
      await returnIfDone(end(reservationId, 0))
    },

    async getSpend(key) {
      const spend = await storeSpend(key)
      const counter = counterOf(key)
      for (const lease of live) {
        if (!lease.counters.includes(counter)) continue
        spend.spentNanoUsd += lease.spent
        spend.reservedNanoUsd += lease.used - lease.spent - lease.amount
      }
      return spend
    },

    async flush() {
      for (const lease of [...live]) close(lease)
      await Promise.all(returning)
    },
  }
}

/**
 * Spends `amountNanoUsd` on `keys` without a reservation that still holds it (one that expired):
 * a reservation without a limit, settled at once.
 */
export async function spendLate(
  store: SpendStore,
  reservationId: string,
  keys: LeaseKeys,
  amountNanoUsd: number,
  expiresAt?: Date,
): Promise<void> {
  await store.reserve({
    reservationId,
    amountNanoUsd,
    keys: keys.map(({ key }) => ({ key })),
    ...(expiresAt ? { expiresAt } : {}),
  })
  await store.settle(reservationId, amountNanoUsd)
}

const counterOf = ({ scope, scopeId, period, periodStart }: SpendKey) =>
  `${scope}\u0000${scopeId}\u0000${period}\u0000${periodStart}`

const signatureOf = (keys: LeaseKeys) =>
  keys.map(({ key, limitNanoUsd }) => `${counterOf(key)}\u0000${limitNanoUsd ?? ''}`).join('\u0001')

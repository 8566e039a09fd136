import { randomUUID } from 'node:crypto'
import type { Store, WebhookDelivery } from '@aimux/ai-core'
import { beforeEach, describe, expect, it } from 'vitest'

const at = new Date('2026-11-22T12:00:00.123Z')
const later = (ms: number) => new Date(at.getTime() + ms)

/** A pending delivery to `endpointId`, of its own id (unique across runs), with `fields` over the defaults. */
function delivery(endpointId: string, fields: Partial<WebhookDelivery> = {}): WebhookDelivery {
  const id = `whd_${randomUUID()}`
  return {
    id,
    endpointId,
    event: 'budget:threshold',
    body: `{"id":"${id}","type":"budget:threshold","data":{"ratio":0.8,"text":"é \\u2028"}}`,
    status: 'pending',
    attempts: 0,
    createdAt: at,
    nextAttemptAt: at,
    ...fields,
  }
}

/**
 * The webhook outbox: deliveries stored as given, claimed by one owner at a time, oldest due
 * first, released when the lease ends, finished by the lease's owner only, dead ones never claimed.
 */
export function webhooksSuite(currentStore: () => Store): void {
  describe('webhook outbox', () => {
    let store: Store
    // Every test claims for endpoints of its own: other tests may share the database.
    let endpoint: string

    beforeEach(() => {
      store = currentStore()
      endpoint = `ep_${randomUUID()}`
    })

    const claim = (owner: string, now = at, limit = 10, leaseMs = 30_000) =>
      store.webhooks.claimDue({ now, limit, endpointIds: [endpoint], owner, leaseUntil: later(leaseMs) })

    it('reads a delivery back with every field, the body byte for byte, and ignores an id stored already', async () => {
      const full = delivery(endpoint, {
        status: 'dead',
        attempts: 3,
        nextAttemptAt: later(1),
        leaseOwner: 'a',
        leaseUntil: later(2),
        deliveredAt: later(3),
        lastError: 'HTTP 500',
        lastStatus: 500,
      })
      const bare = delivery(endpoint)
      await store.webhooks.enqueue([full, bare])
      expect(await store.webhooks.get(full.id)).toEqual(full)
      expect(await store.webhooks.get(bare.id)).toStrictEqual(bare)
      await store.webhooks.enqueue([{ ...bare, body: 'other', event: 'cost' }])
      expect(await store.webhooks.get(bare.id)).toStrictEqual(bare)
      expect(await store.webhooks.get('whd_missing')).toBeUndefined()
    })

    it('claims due deliveries oldest due first, leased to the owner, up to the limit', async () => {
      const first = delivery(endpoint, { nextAttemptAt: later(-2_000) })
      const second = delivery(endpoint, { nextAttemptAt: later(-1_000) })
      const notYet = delivery(endpoint, { nextAttemptAt: later(1) })
      const elsewhere = delivery(`ep_${randomUUID()}`)
      await store.webhooks.enqueue([notYet, second, elsewhere, first])

      const claimed = await claim('a', at, 1)
      expect(claimed.map((d) => d.id)).toEqual([first.id])
      expect(claimed[0]).toMatchObject({ leaseOwner: 'a', leaseUntil: later(30_000) })
      expect((await claim('b')).map((d) => d.id)).toEqual([second.id])
      expect(await claim('c')).toEqual([])
      expect((await claim('c', later(1))).map((d) => d.id)).toEqual([notYet.id])
    })

    it('gives two claims at once disjoint deliveries', async () => {
      const rows = Array.from({ length: 20 }, (_, i) => delivery(endpoint, { createdAt: later(i) }))
      await store.webhooks.enqueue(rows)
      const claims = await Promise.all(['a', 'b', 'c', 'd'].map((owner) => claim(owner, at, 8)))
      const ids = claims.flat().map((d) => d.id)
      expect(new Set(ids).size).toBe(ids.length)
      expect(ids.sort()).toEqual(rows.map((d) => d.id).sort())
    })

    it('makes a delivery claimable again once its lease has ended', async () => {
      const row = delivery(endpoint)
      await store.webhooks.enqueue([row])
      expect(await claim('a', at, 10, 1_000)).toHaveLength(1)
      expect(await claim('b', later(999))).toEqual([])
      const again = await claim('b', later(1_000))
      expect(again).toMatchObject([{ id: row.id, leaseOwner: 'b' }])
      // The first owner's lease is gone: its outcome no longer counts.
      expect(await store.webhooks.markDelivered(row.id, { owner: 'a', at: later(1_001), status: 200 })).toBe(
        false,
      )
      expect(await store.webhooks.get(row.id)).toMatchObject({
        status: 'pending',
        attempts: 0,
        leaseOwner: 'b',
      })
    })

    it('marks a delivery delivered, once, and never claims it again', async () => {
      const row = delivery(endpoint)
      await store.webhooks.enqueue([row])
      await claim('a')
      expect(await store.webhooks.markDelivered(row.id, { owner: 'a', at: later(5), status: 204 })).toBe(true)
      const read = await store.webhooks.get(row.id)
      expect(read).toMatchObject({ status: 'delivered', attempts: 1, deliveredAt: later(5), lastStatus: 204 })
      expect(read).not.toHaveProperty('leaseOwner')
      expect(read).not.toHaveProperty('leaseUntil')
      expect(await store.webhooks.markDelivered(row.id, { owner: 'a', at: later(6) })).toBe(false)
      expect(await claim('b', later(60_000))).toEqual([])
    })

    it('schedules a retry after a failure, then dead-letters, and never claims a dead one', async () => {
      const row = delivery(endpoint)
      await store.webhooks.enqueue([row])
      await claim('a')
      const failure = { owner: 'a', at: later(1), error: 'HTTP 500', status: 500, retryAt: later(10_000) }
      expect(await store.webhooks.markFailed(row.id, failure)).toBe(true)
      expect(await store.webhooks.get(row.id)).toMatchObject({
        status: 'pending',
        attempts: 1,
        nextAttemptAt: later(10_000),
        lastError: 'HTTP 500',
        lastStatus: 500,
      })
      expect(await claim('b', later(9_999))).toEqual([])
      expect(await claim('b', later(10_000))).toHaveLength(1)
      expect(
        await store.webhooks.markFailed(row.id, { owner: 'b', at: later(10_001), error: 'timed out' }),
      ).toBe(true)
      const dead = await store.webhooks.get(row.id)
      expect(dead).toMatchObject({ status: 'dead', attempts: 2, lastError: 'timed out' })
      expect(dead).not.toHaveProperty('lastStatus')
      expect(await claim('c', later(10_000_000))).toEqual([])
      expect(await store.webhooks.markFailed(row.id, { owner: 'b', at: later(2), error: 'x' })).toBe(false)
    })

    it('requeues a dead delivery only, its attempts back to 0', async () => {
      const dead = delivery(endpoint, { status: 'dead', attempts: 5, lastError: 'HTTP 500' })
      const pending = delivery(endpoint, { nextAttemptAt: later(60_000) })
      await store.webhooks.enqueue([dead, pending])
      expect(await store.webhooks.requeue(pending.id, at)).toBe(false)
      expect(await store.webhooks.requeue('whd_missing', at)).toBe(false)
      expect(await store.webhooks.requeue(dead.id, later(7))).toBe(true)
      expect(await store.webhooks.get(dead.id)).toMatchObject({
        status: 'pending',
        attempts: 0,
        nextAttemptAt: later(7),
      })
      expect((await claim('a', later(7))).map((d) => d.id)).toEqual([dead.id])
    })

    it('lists newest first, by status, endpoint and event, up to a limit', async () => {
      const other = `ep_${randomUUID()}`
      const a = delivery(endpoint, { createdAt: later(1) })
      const b = delivery(endpoint, { createdAt: later(3), status: 'dead', event: 'error' })
      const c = delivery(endpoint, { createdAt: later(2), status: 'delivered', deliveredAt: later(2) })
      const d = delivery(other, { createdAt: later(4) })
      await store.webhooks.enqueue([a, b, c, d])
      const ids = (list: WebhookDelivery[]) => list.map((x) => x.id)
      expect(ids(await store.webhooks.list({ endpointId: endpoint }))).toEqual([b.id, c.id, a.id])
      expect(ids(await store.webhooks.list({ endpointId: endpoint, limit: 2 }))).toEqual([b.id, c.id])
      expect(ids(await store.webhooks.list({ endpointId: endpoint, status: 'pending' }))).toEqual([a.id])
      expect(ids(await store.webhooks.list({ endpointId: endpoint, event: 'error' }))).toEqual([b.id])
      expect(ids(await store.webhooks.list({ endpointId: other }))).toEqual([d.id])
      const own = new Set([a.id, b.id, c.id, d.id])
      const dead = (await store.webhooks.list({ status: 'dead' })).filter((x) => own.has(x.id))
      expect(ids(dead)).toEqual([b.id])
    })
  })
}

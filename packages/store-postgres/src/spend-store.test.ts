import { randomUUID } from 'node:crypto'
import { type SpendKey, StoreError } from '@aimux/ai-core'
import { Client, Pool } from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { dropSchemas, freshSchemaName, testDatabaseUrl } from '../test/test-database.js'
import { createPostgresStore } from './postgres-store.js'
import { quoteIdentifier } from './quote-identifier.js'

const pool = new Pool({ connectionString: testDatabaseUrl })
const schemas: string[] = []
afterAll(async () => {
  await dropSchemas(schemas)
  await pool.end()
})

const open = async () => {
  const schema = freshSchemaName()
  schemas.push(schema)
  return { store: await createPostgresStore({ pool, schema }), s: quoteIdentifier(schema), schema }
}

const spendKey = (scopeId: string): SpendKey => ({
  scope: 'user',
  scopeId,
  period: 'month',
  periodStart: '2026-11-01',
})

/** A connection of its own, outside the store's pool, to hold locks the store's statements wait on. */
async function sideConnection(): Promise<Client> {
  const client = new Client({ connectionString: testDatabaseUrl })
  await client.connect()
  return client
}

/**
 * Resolves once `count` statements of `schema` that start with `statement` wait for a lock. Only
 * that condition ends the wait; the bound is far above how long reaching it takes.
 */
async function waitingStatements(side: Client, schema: string, statement: string, count: number) {
  const deadline = Date.now() + 30_000
  for (;;) {
    // Within a transaction the statistics are read once: read them afresh.
    await side.query('SELECT pg_stat_clear_snapshot()')
    const { rows } = await side.query<{ waiting: number }>(
      `SELECT count(*)::int AS waiting FROM pg_stat_activity
       WHERE wait_event_type = 'Lock' AND query LIKE $1 AND position($2 in query) > 0`,
      [`${statement}%`, schema],
    )
    if (rows[0]!.waiting >= count) return
    if (Date.now() > deadline) throw new Error(`${count} "${statement}" statements never waited`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

describe('postgres spend store', () => {
  it('names the reservation it cannot settle or release', async () => {
    const { store } = await open()
    const id = randomUUID()
    await expect(store.spend.settle(id, 1)).rejects.toThrow(`reservation ${id} not found (or expired)`)
    await expect(store.spend.release(id)).rejects.toThrow(`reservation ${id} not found (or expired)`)
  })

  it('refuses a pending reservation id again, even when the amount would not fit the limit', async () => {
    const { store } = await open()
    const key = spendKey(randomUUID())
    const reservationId = randomUUID()
    const reserve = () =>
      store.spend.reserve({ reservationId, amountNanoUsd: 10, keys: [{ key, limitNanoUsd: 15 }] })
    expect(await reserve()).toEqual({ ok: true })
    const again = reserve()
    await expect(again).rejects.toBeInstanceOf(StoreError)
    await expect(again).rejects.toThrow(`reservation ${reservationId} already exists`)
    expect(await store.spend.getSpend(key)).toEqual({ spentNanoUsd: 0, reservedNanoUsd: 10 })
  })

  it('refuses the second of two reservations that insert the same id at once', async () => {
    const { store, s, schema } = await open()
    const [first, second] = [spendKey(randomUUID()), spendKey(randomUUID())]
    const reservationId = randomUUID()
    const side = await sideConnection()
    try {
      // A third insert of the id, not yet committed: both find no reservation with the id, then
      // wait for it at their insert. Once it rolls back, the unique key lets one of the two in.
      await side.query('BEGIN')
      await side.query(
        `INSERT INTO ${s}.spend_reservations (id, amount_nano_usd, keys, created_at) VALUES ($1, 0, '[]', now())`,
        [reservationId],
      )
      const racing = Promise.allSettled(
        [first, second].map((key) =>
          store.spend.reserve({ reservationId, amountNanoUsd: 10, keys: [{ key }] }),
        ),
      )
      await waitingStatements(side, schema, 'INSERT INTO', 2)
      await side.query('ROLLBACK')
      const results = await racing
      expect(results.filter((result) => result.status === 'fulfilled').map((result) => result.value)).toEqual(
        [{ ok: true }],
      )
      const refused = results.find((result) => result.status === 'rejected')?.reason
      expect(refused).toBeInstanceOf(StoreError)
      expect(refused).toMatchObject({
        message: `reservation ${reservationId} already exists`,
        cause: { code: '23505' },
      })
    } finally {
      await side.end()
    }
    const spends = [await store.spend.getSpend(first), await store.spend.getSpend(second)]
    expect(spends.map((spend) => spend.reservedNanoUsd).sort()).toEqual([0, 10])
    await store.spend.settle(reservationId, 10)
    expect(await store.spend.getSpend(first)).toMatchObject({ reservedNanoUsd: 0 })
    expect(await store.spend.getSpend(second)).toMatchObject({ reservedNanoUsd: 0 })
  }, 60_000)

  it('passes on an error of the reservation insert other than a duplicate id as it is', async () => {
    const { store, s } = await open()
    const side = await sideConnection()
    try {
      await side.query(`
        CREATE FUNCTION ${s}.refuse_reservation() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN RAISE EXCEPTION 'out of disk' USING ERRCODE = 'disk_full'; END $$;
        CREATE TRIGGER refuse BEFORE INSERT ON ${s}.spend_reservations
          FOR EACH ROW EXECUTE FUNCTION ${s}.refuse_reservation();`)
    } finally {
      await side.end()
    }
    const key = spendKey(randomUUID())
    const reserving = store.spend.reserve({ reservationId: randomUUID(), amountNanoUsd: 10, keys: [{ key }] })
    await expect(reserving).rejects.toMatchObject({
      message: 'postgres store: reserve failed: out of disk',
      cause: { code: '53100' },
    })
    expect(await store.spend.getSpend(key)).toEqual({ spentNanoUsd: 0, reservedNanoUsd: 0 })
  })

  it('sweeps expired reservations while a settle waits on the same counters, without a deadlock', async () => {
    const { store, s, schema } = await open()
    const [a, b] = [spendKey(`a-${randomUUID()}`), spendKey(`b-${randomUUID()}`)]
    const held = randomUUID()
    const [onB, onA] = [randomUUID(), randomUUID()]
    const later = new Date(Date.now() + 3_600_000)
    await store.spend.reserve({ reservationId: held, amountNanoUsd: 10, keys: [{ key: a }, { key: b }] })
    await store.spend.reserve({ reservationId: onB, amountNanoUsd: 3, keys: [{ key: b }], expiresAt: later })
    await store.spend.reserve({ reservationId: onA, amountNanoUsd: 7, keys: [{ key: a }], expiresAt: later })
    const side = await sideConnection()
    let settling: Promise<void> | undefined
    let reading: Promise<unknown> | undefined
    try {
      // Expired, the one on b first: a sweep meets b's counter before a's.
      await side.query(
        `UPDATE ${s}.spend_reservations SET expires_at = now() - interval '2 hours' WHERE id = $1`,
        [onB],
      )
      await side.query(
        `UPDATE ${s}.spend_reservations SET expires_at = now() - interval '1 hour' WHERE id = $1`,
        [onA],
      )
      await side.query('BEGIN')
      await side.query(`SELECT 1 FROM ${s}.spend_counters WHERE scope_id = $1 FOR UPDATE`, [a.scopeId])
      // The settle waits for a's counter first, then a sweep (before the read) waits too.
      settling = store.spend.settle(held, 4)
      await waitingStatements(side, schema, 'UPDATE', 1)
      reading = store.spend.getSpend(b)
      await waitingStatements(side, schema, '', 2)
      await side.query('COMMIT')
      await settling
      await reading
    } finally {
      await Promise.allSettled([settling, reading])
      await side.end()
    }
    expect(await store.spend.getSpend(a)).toEqual({ spentNanoUsd: 4, reservedNanoUsd: 0 })
    expect(await store.spend.getSpend(b)).toEqual({ spentNanoUsd: 4, reservedNanoUsd: 0 })
  }, 60_000)
})

import { randomUUID } from 'node:crypto'
import type { Store } from '@aimux/ai-core'
import { beforeEach, describe, expect, it } from 'vitest'
import { connection, expectRecent, sleep } from './fixtures.js'

/** Connections for rotation: records, health, cooldowns and the audit log. */
export function connectionsSuite(currentStore: () => Store): void {
  describe('connections', () => {
    let store: Store

    beforeEach(() => {
      store = currentStore()
    })

    it('creates and updates a connection, keeping createdAt', async () => {
      const input = connection({ metadata: { region: 'eu' }, limits: { requestsPerMinute: 60 } })
      const created = await store.connections.upsertConnection(input)
      expect(created).toMatchObject(input)
      expectRecent(created.createdAt)
      expect(created.updatedAt.getTime()).toBe(created.createdAt.getTime())
      expect(await store.connections.getConnection(input.id)).toEqual(created)

      await sleep(5)
      const updated = await store.connections.upsertConnection({
        ...input,
        name: 'renamed',
        status: 'disabled',
        disabledReason: 'revoked',
      })
      expect(updated).toMatchObject({
        id: input.id,
        name: 'renamed',
        status: 'disabled',
        disabledReason: 'revoked',
      })
      expect(updated.createdAt.getTime()).toBe(created.createdAt.getTime())
      expect(updated.updatedAt.getTime()).toBeGreaterThan(created.updatedAt.getTime())
      expect(await store.connections.getConnection(input.id)).toEqual(updated)
      expect(await store.connections.getConnection(randomUUID())).toBeUndefined()
    })

    it('shares no object with its caller', async () => {
      const input = connection({ metadata: { region: 'eu' } })
      const created = await store.connections.upsertConnection(input)
      input.metadata!.region = 'us'
      created.metadata!.region = 'ap'
      const audit = { at: new Date('2026-11-22T12:00:00.000Z'), connectionId: input.id, action: 'created' }
      await store.connections.appendAudit(audit)
      audit.action = 'changed'
      const [listed] = await store.connections.listAudit({ connectionId: input.id })
      listed!.action = 'changed again'
      const health = await store.connections.getHealth(input.id)
      health.failures = 9

      expect((await store.connections.getConnection(input.id))?.metadata).toEqual({ region: 'eu' })
      expect((await store.connections.listAudit({ connectionId: input.id }))[0]!.action).toBe('created')
      expect(await store.connections.getHealth(input.id)).toEqual(zeroHealth(input.id))
    })

    it('lists by provider, highest priority first, then by id', async () => {
      const provider = `p-${randomUUID()}`
      const prefix = randomUUID()
      await store.connections.upsertConnection(connection({ id: `${prefix}-b`, provider, priority: 1 }))
      await store.connections.upsertConnection(connection({ id: `${prefix}-c`, provider, priority: 5 }))
      await store.connections.upsertConnection(connection({ id: `${prefix}-a`, provider, priority: 1 }))
      await store.connections.upsertConnection(connection({ id: `${prefix}-d`, priority: 9 }))
      const listed = await store.connections.listConnections({ provider })
      expect(listed.map((c) => c.id)).toEqual([`${prefix}-c`, `${prefix}-a`, `${prefix}-b`])
    })

    it('deletes a connection with its health', async () => {
      const input = connection()
      await store.connections.upsertConnection(input)
      await store.connections.recordOutcome(input.id, { ok: true, latencyMs: 10, at: new Date() })
      expect(await store.connections.deleteConnection(input.id)).toBe(true)
      expect(await store.connections.getConnection(input.id)).toBeUndefined()
      expect(await store.connections.getHealth(input.id)).toEqual(zeroHealth(input.id))
      expect(await store.connections.deleteConnection(input.id)).toBe(false)
    })

    it('returns zeroed health for a connection never used', async () => {
      const input = connection()
      await store.connections.upsertConnection(input)
      expect(await store.connections.getHealth(input.id)).toEqual(zeroHealth(input.id))
    })

    it('counts outcomes and keeps a running mean latency over successful calls', async () => {
      const input = connection()
      await store.connections.upsertConnection(input)
      const at = (second: number) => new Date(Date.UTC(2026, 10, 22, 12, 0, second))
      const record = (outcome: { ok: boolean; latencyMs?: number; error?: string; at: Date }) =>
        store.connections.recordOutcome(input.id, outcome)

      await record({ ok: true, latencyMs: 100, at: at(1) })
      await record({ ok: true, latencyMs: 200, at: at(2) })
      await record({ ok: false, latencyMs: 5_000, error: 'boom', at: at(3) })
      await record({ ok: false, error: 'bang', at: at(4) })
      expect(await store.connections.getHealth(input.id)).toEqual({
        connectionId: input.id,
        successes: 2,
        failures: 2,
        consecutiveFailures: 2,
        lastUsedAt: at(4),
        lastError: 'bang',
        lastErrorAt: at(4),
        avgLatencyMs: 150,
      })

      await record({ ok: true, at: at(5) })
      await record({ ok: true, latencyMs: 600, at: at(6) })
      expect(await store.connections.getHealth(input.id)).toEqual({
        connectionId: input.id,
        successes: 4,
        failures: 2,
        consecutiveFailures: 0,
        lastUsedAt: at(6),
        lastError: 'bang',
        lastErrorAt: at(4),
        avgLatencyMs: 300,
      })
    })

    it('counts 20 concurrent outcomes exactly', async () => {
      const input = connection()
      await store.connections.upsertConnection(input)
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          store.connections.recordOutcome(input.id, { ok: i % 4 !== 0, latencyMs: 50, at: new Date() }),
        ),
      )
      expect(await store.connections.getHealth(input.id)).toMatchObject({
        successes: 15,
        failures: 5,
        avgLatencyMs: 50,
      })
    })

    it('sets and clears a cooldown', async () => {
      const input = connection()
      await store.connections.upsertConnection(input)
      const until = new Date('2026-11-22T12:05:00.000Z')
      await store.connections.setCooldown(input.id, until)
      expect(await store.connections.getHealth(input.id)).toEqual({
        ...zeroHealth(input.id),
        cooldownUntil: until,
      })
      await store.connections.recordOutcome(input.id, { ok: true, latencyMs: 10, at: until })
      expect((await store.connections.getHealth(input.id)).cooldownUntil).toEqual(until)
      await store.connections.setCooldown(input.id, undefined)
      const cleared = await store.connections.getHealth(input.id)
      expect(cleared.cooldownUntil).toBeUndefined()
      expect(cleared.successes).toBe(1)
    })

    it('refuses health updates for a connection it does not have', async () => {
      const id = randomUUID()
      await expect(store.connections.recordOutcome(id, { ok: true, at: new Date() })).rejects.toMatchObject({
        code: 'store',
      })
      await expect(store.connections.setCooldown(id, new Date())).rejects.toMatchObject({ code: 'store' })
    })

    it('lists audit entries newest first, by connection, up to a limit', async () => {
      const a = randomUUID()
      const b = randomUUID()
      const entry = (connectionId: string, minute: number, action: string) => ({
        at: new Date(Date.UTC(2026, 10, 22, 12, minute)),
        connectionId,
        action,
      })
      await store.connections.appendAudit(entry(a, 2, 'rotated'))
      await store.connections.appendAudit({
        ...entry(a, 1, 'created'),
        actor: 'admin',
        detail: 'initial key',
      })
      await store.connections.appendAudit({ ...entry(b, 5, 'created'), requestId: 'r1' })
      await store.connections.appendAudit(entry(a, 3, 'disabled'))

      expect(await store.connections.listAudit({ connectionId: a })).toEqual([
        entry(a, 3, 'disabled'),
        entry(a, 2, 'rotated'),
        { ...entry(a, 1, 'created'), actor: 'admin', detail: 'initial key' },
      ])
      expect(await store.connections.listAudit({ connectionId: a, limit: 2 })).toEqual([
        entry(a, 3, 'disabled'),
        entry(a, 2, 'rotated'),
      ])
      expect(await store.connections.listAudit({ connectionId: b })).toEqual([
        { ...entry(b, 5, 'created'), requestId: 'r1' },
      ])
    })

    it('lists audit entries with the same time last appended first', async () => {
      const connectionId = randomUUID()
      const at = new Date('2026-11-22T12:00:00.000Z')
      for (const action of ['created', 'rotated', 'disabled']) {
        await store.connections.appendAudit({ at, connectionId, action })
      }
      const listed = await store.connections.listAudit({ connectionId })
      expect(listed.map((e) => e.action)).toEqual(['disabled', 'rotated', 'created'])
    })

    it('lists 100 audit entries by default', async () => {
      const connectionId = randomUUID()
      for (let i = 0; i < 101; i++) {
        await store.connections.appendAudit({
          at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
          connectionId,
          action: `a${i}`,
        })
      }
      const listed = await store.connections.listAudit({ connectionId })
      expect(listed).toHaveLength(100)
      expect(listed[0]!.action).toBe('a100')
      expect(listed[99]!.action).toBe('a1')
    })
  })
}

function zeroHealth(connectionId: string) {
  return { connectionId, successes: 0, failures: 0, consecutiveFailures: 0 }
}

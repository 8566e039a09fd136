import { randomUUID } from 'node:crypto'
import type { AuditQuery, AuditRecord, Store } from '@aimux/ai-core'
import { beforeEach, describe, expect, it } from 'vitest'

/** A record of its own id (unique across runs), with `fields` over the defaults. */
function auditRecord(fields: Partial<AuditRecord> = {}): AuditRecord {
  return {
    id: `aud_${randomUUID()}`,
    createdAt: new Date('2026-12-03T12:00:00.123Z'),
    requestId: `req_${randomUUID()}`,
    operation: 'chat',
    stream: false,
    provider: 'openai',
    model: 'gpt-4o-mini',
    promptSha256: 'a'.repeat(64),
    answerSha256: 'b'.repeat(64),
    costNanoUsd: 1_250,
    inputTokens: 10,
    outputTokens: 5,
    outcome: 'success',
    ...fields,
  }
}

/** The audit trail: appended once per id, read newest first a page at a time, filtered as asked. */
export function auditSuite(currentStore: () => Store): void {
  describe('audit trail', () => {
    let store: Store
    // A tenant of this test's own, so a database shared between tests and runs reads only these.
    let tenantId: string

    beforeEach(() => {
      store = currentStore()
      tenantId = `t_${randomUUID()}`
    })

    /** Every record the query selects, page after page, as the ids in the order read. */
    const readAll = async (query: AuditQuery) => {
      const ids: string[] = []
      let cursor: string | undefined
      for (let pages = 0; pages < 100; pages++) {
        const page = await store.audit.query({ ...query, ...(cursor ? { cursor } : {}) })
        expect(page.items.length).toBeLessThanOrEqual(query.limit ?? 100)
        ids.push(...page.items.map((r) => r.id))
        cursor = page.nextCursor
        if (!cursor) return ids
      }
      throw new Error('more than 100 pages')
    }

    it('reads a record back with every field, times to the millisecond, and a bare one without', async () => {
      const full = auditRecord({
        tenantId,
        userId: 'u1',
        projectId: 'p1',
        conversationId: 'c1',
        keyId: 'vk_1',
        stream: true,
        requestedModel: 'fast',
        content: {
          prompt: { messages: [{ role: 'user', content: 'Hi' }], tools: [] },
          answer: { text: 'Hello', toolCalls: [] },
        },
        costNanoUsd: 9_007_199_254_740,
        outcome: 'error',
        errorCode: 'provider',
        error: 'upstream failed',
      })
      const bare = auditRecord({ tenantId, createdAt: new Date('2026-12-03T12:00:00.001Z') })
      delete bare.provider
      delete bare.model
      delete bare.answerSha256
      await store.audit.append([full, bare])
      const { items } = await store.audit.query({ tenantId })
      expect(items).toEqual([full, bare])
      expect(items[1]).toStrictEqual(bare)
      expect(items[0]!.createdAt).toBeInstanceOf(Date)
      expect(items[0]!.createdAt.getTime()).toBe(full.createdAt.getTime())
    })

    it('keeps the first record of an id appended twice, without an error', async () => {
      const first = auditRecord({ tenantId })
      await store.audit.append([first])
      await store.audit.append([{ ...first, costNanoUsd: 99, outcome: 'error' }, first])
      const { items } = await store.audit.query({ tenantId })
      expect(items).toEqual([first])
      await expect(store.audit.append([])).resolves.toBeUndefined()
    })

    it('filters by time, scope, provider, model, key and outcome', async () => {
      const day = (d: number) => new Date(Date.UTC(2026, 11, d, 8, 0, 0, 5))
      const a = auditRecord({ tenantId, userId: 'u1', projectId: 'p1', createdAt: day(1), keyId: 'k1' })
      const b = auditRecord({ tenantId, userId: 'u2', createdAt: day(2), model: 'gpt-4o', outcome: 'error' })
      const c = auditRecord({ tenantId, userId: 'u1', createdAt: day(3), provider: 'anthropic' })
      await store.audit.append([a, b, c])
      const ids = async (query: AuditQuery) => (await readAll({ tenantId, ...query })).sort()
      const sorted = (...records: AuditRecord[]) => records.map((r) => r.id).sort()
      expect(await ids({})).toEqual(sorted(a, b, c))
      expect(await ids({ from: day(2) })).toEqual(sorted(b, c))
      expect(await ids({ to: day(2) })).toEqual(sorted(a))
      expect(await ids({ from: day(2), to: day(3) })).toEqual(sorted(b))
      expect(await ids({ userId: 'u1' })).toEqual(sorted(a, c))
      expect(await ids({ projectId: 'p1' })).toEqual(sorted(a))
      expect(await ids({ provider: 'anthropic' })).toEqual(sorted(c))
      expect(await ids({ model: 'gpt-4o' })).toEqual(sorted(b))
      expect(await ids({ keyId: 'k1' })).toEqual(sorted(a))
      expect(await ids({ outcome: 'error' })).toEqual(sorted(b))
      expect(await ids({ outcome: 'success', userId: 'u2' })).toEqual([])
      expect(await ids({ tenantId: `${tenantId}-other` })).toEqual([])
    })

    it('pages newest first, ties by id, through every record exactly once', async () => {
      const base = Date.UTC(2026, 11, 3, 12)
      // 23 records over 7 instants: several share a time, so the order falls to their ids.
      const records = Array.from({ length: 23 }, (_, i) =>
        auditRecord({ tenantId, createdAt: new Date(base + (i % 7) * 1_000 + 7) }),
      )
      await store.audit.append(records.slice(0, 11))
      await store.audit.append(records.slice(11))
      const expected = [...records]
        .sort((x, y) => y.createdAt.getTime() - x.createdAt.getTime() || (x.id < y.id ? 1 : -1))
        .map((r) => r.id)
      for (const limit of [1, 5, 23, 50]) expect(await readAll({ tenantId, limit })).toEqual(expected)
      const first = await store.audit.query({ tenantId, limit: 23 })
      expect(first.nextCursor).toBeUndefined()
      const paged = await store.audit.query({ tenantId, limit: 10 })
      expect(paged.items).toHaveLength(10)
      expect(paged.nextCursor).toEqual(expect.any(String))
    })

    it('refuses a cursor it did not hand out', async () => {
      await expect(store.audit.query({ tenantId, cursor: 'not a cursor' })).rejects.toMatchObject({
        name: 'StoreError',
      })
    })
  })
}

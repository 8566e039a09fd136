import { randomUUID } from 'node:crypto'
import type { Store } from '@aimux/ai-core'
import { beforeEach, describe, expect, it } from 'vitest'
import { dailyUsageRecords, textMessage } from './fixtures.js'

/** Resolves once the clock has moved past the current millisecond: updatedAt before and after it differ. */
async function nextMillisecond(): Promise<Date> {
  const now = Date.now()
  while (Date.now() <= now + 1) await new Promise((resolve) => setTimeout(resolve, 2))
  return new Date(Date.now() - 1)
}

/**
 * Retention: conversations deleted or archived by last activity, per tenant; usage records
 * compacted into their per-day sums. `fresh`: the store holds nothing but what the test wrote,
 * so a step over every tenant may run.
 */
export function retentionSuite(currentStore: () => Store, fresh: boolean): void {
  describe('retention', () => {
    let store: Store
    let tenant: string

    beforeEach(() => {
      store = currentStore()
      tenant = `t-${randomUUID()}`
    })

    /** An old conversation with a message, the cut, and a newer one, all of `tenantId`. */
    async function oldAndNew(tenantId: string | undefined = tenant) {
      const old = await store.conversations.createConversation({ id: randomUUID(), tenantId })
      const message = textMessage(old.id, 'hello')
      await store.conversations.appendMessage(message)
      const cut = await nextMillisecond()
      await nextMillisecond()
      const recent = await store.conversations.createConversation({ id: randomUUID(), tenantId })
      return { old, recent, cut }
    }

    it('deletes the conversations of a tenant inactive since before the date, with their messages', async () => {
      const { old, recent, cut } = await oldAndNew()
      const other = await store.conversations.createConversation({
        id: randomUUID(),
        tenantId: `${tenant}-other`,
      })
      expect(await store.conversations.deleteConversationsBefore({ before: cut, tenantId: tenant })).toBe(1)
      expect(await store.conversations.getConversation(old.id)).toBeUndefined()
      expect(await store.conversations.listMessages(old.id)).toEqual([])
      expect(await store.conversations.getConversation(recent.id)).toBeDefined()
      expect(await store.conversations.getConversation(other.id)).toBeDefined()
      expect(await store.conversations.deleteConversationsBefore({ before: cut, tenantId: tenant })).toBe(0)
    })

    it('archives them instead: hidden from lists unless asked for, still loaded by id, archived once', async () => {
      const { old, recent, cut } = await oldAndNew()
      const archivedAt = new Date('2026-12-01T10:00:00.123Z')
      expect(
        await store.conversations.archiveConversationsBefore({ before: cut, tenantId: tenant }, archivedAt),
      ).toBe(1)
      const listed = await store.conversations.listConversations({ tenantId: tenant })
      expect(listed.items.map((c) => c.id)).toEqual([recent.id])
      const all = await store.conversations.listConversations({ tenantId: tenant, includeArchived: true })
      expect(all.items.map((c) => c.id)).toEqual([recent.id, old.id])
      expect(await store.conversations.getConversation(old.id)).toMatchObject({ id: old.id, archivedAt })
      expect(await store.conversations.getConversation(recent.id)).not.toHaveProperty('archivedAt')
      expect(await store.conversations.listMessages(old.id)).toHaveLength(1)
      const later = new Date('2026-12-02T00:00:00.000Z')
      expect(
        await store.conversations.archiveConversationsBefore({ before: cut, tenantId: tenant }, later),
      ).toBe(0)
      expect(await store.conversations.getConversation(old.id)).toMatchObject({ archivedAt })
    })

    if (fresh) {
      it('applies a step over every tenant but the excepted ones, conversations without a tenant included', async () => {
        const kept = await store.conversations.createConversation({ id: randomUUID(), tenantId: 'vip' })
        const none = await store.conversations.createConversation({ id: randomUUID() })
        const { old, recent, cut } = await oldAndNew()
        const retention = { before: cut, exceptTenantIds: ['vip'] }
        expect(await store.conversations.deleteConversationsBefore(retention)).toBe(2)
        expect(await store.conversations.getConversation(kept.id)).toBeDefined()
        expect(await store.conversations.getConversation(none.id)).toBeUndefined()
        expect(await store.conversations.getConversation(old.id)).toBeUndefined()
        expect(await store.conversations.getConversation(recent.id)).toBeDefined()
      })
    }

    if (fresh) {
      it('compacts usage records into their day sums: totals over whole days stay the same', async () => {
        const records = dailyUsageRecords()
        await store.usage.recordUsage(records)
        // Whole UTC days: the partial days at a range's ends are read from the records.
        const days = {
          from: new Date('2026-11-20T00:00:00.000Z'),
          to: new Date('2026-11-24T00:00:00.000Z'),
          percentiles: false as const,
        }
        const queries = [
          { ...days, groupBy: 'day' as const },
          { ...days, groupBy: ['day', 'model'] as ['day', 'model'] },
          { ...days, groupBy: 'provider' as const, provider: 'openai' },
          { ...days, groupBy: ['day', 'user'] as ['day', 'user'] },
          { ...days, groupBy: ['day', 'model'] as ['day', 'model'], percentiles: 'approximate' as const },
        ]
        const before = await Promise.all(queries.map((q) => store.usage.queryUsage(q)))
        // Noon on the 22nd, rounded down to its day: the records of the 20th and 21st go.
        expect(await store.usage.compactUsageBefore(new Date('2026-11-22T12:00:00.000Z'))).toBe(3)
        expect(await store.usage.getUsage('r1')).toBeUndefined()
        expect(await store.usage.getUsage('r3')).toBeUndefined()
        expect(await store.usage.getUsage('r4')).toBeDefined()
        expect(await Promise.all(queries.map((q) => store.usage.queryUsage(q)))).toEqual(before)
        expect(before[0]!.map((row) => [row.key, row.requests, row.costNanoUsd])).toEqual([
          ['2026-11-20', 2, 9_000_000_010],
          ['2026-11-21', 1, 9_000_000_007],
          ['2026-11-22', 1, 9_000_000_007],
          ['2026-11-23', 1, 5],
        ])
        // Exact percentiles read every record: the compacted days are no longer in them.
        const [exact] = await store.usage.queryUsage({ from: days.from, to: days.to })
        expect(exact).toMatchObject({ requests: 2, costNanoUsd: 9_000_000_012 })
        expect(await store.usage.compactUsageBefore(new Date('2026-11-22T12:00:00.000Z'))).toBe(0)
      })
    }
  })
}

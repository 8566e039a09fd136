import type { Store } from '@aimux/ai-core'
import { beforeEach, describe, expect, it } from 'vitest'
import { connection, model, price, usageRecord, virtualKey, wholeRange } from './fixtures.js'

/** Listings without filters, on a store that starts empty (`fresh: true`). */
export function freshStoreSuite(currentStore: () => Store): void {
  describe('a fresh store', () => {
    let store: Store

    beforeEach(() => {
      store = currentStore()
    })

    it('lists exactly what was written, without filters', async () => {
      expect(await store.conversations.listConversations({})).toEqual({ items: [] })
      const conversation = await store.conversations.createConversation({ id: 'c1' })
      expect(await store.conversations.listConversations({})).toEqual({ items: [conversation] })

      await store.catalog.upsertModels([model('z', 'm'), model('a', 'm')])
      expect(await store.catalog.listModels()).toEqual([model('a', 'm'), model('z', 'm')])
      await store.catalog.upsertPrices([price('a', 'm', '2026-01-01T00:00:00.000Z', 1)])
      expect(await store.catalog.listPrices()).toEqual([price('a', 'm', '2026-01-01T00:00:00.000Z', 1)])

      const low = await store.connections.upsertConnection(connection({ id: 'low', priority: 0 }))
      const high = await store.connections.upsertConnection(connection({ id: 'high', priority: 1 }))
      expect(await store.connections.listConnections()).toEqual([high, low])
      const audit = { at: new Date('2026-11-22T00:00:00.000Z'), connectionId: 'low', action: 'created' }
      await store.connections.appendAudit(audit)
      expect(await store.connections.listAudit()).toEqual([audit])

      expect(await store.virtualKeys.list({ includeRevoked: true })).toEqual([])
      const older = virtualKey({ id: 'vk_older', createdAt: new Date('2026-11-01T00:00:00.000Z') })
      const newer = virtualKey({ id: 'vk_newer', createdAt: new Date('2026-11-02T00:00:00.000Z') })
      await store.virtualKeys.create(older)
      await store.virtualKeys.create(newer)
      await store.virtualKeys.revoke('vk_older', new Date('2026-11-03T00:00:00.000Z'))
      expect(await store.virtualKeys.list()).toEqual([newer])
      expect(await store.virtualKeys.list({ includeRevoked: true })).toEqual([
        newer,
        { ...older, revokedAt: new Date('2026-11-03T00:00:00.000Z') },
      ])

      await store.usage.recordUsage([
        usageRecord({ costNanoUsd: 5 }),
        usageRecord({ tenantId: 't', costNanoUsd: 6 }),
      ])
      expect(await store.usage.queryUsage(wholeRange)).toMatchObject([
        { key: 'total', requests: 2, costNanoUsd: 11 },
      ])
    })
  })
}

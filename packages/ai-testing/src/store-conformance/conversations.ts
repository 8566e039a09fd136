import { randomUUID } from 'node:crypto'
import type { ConversationRecord, Store } from '@aimux/ai-core'
import { beforeEach, describe, expect, it } from 'vitest'
import { expectRecent, sleep, textMessage } from './fixtures.js'

/** Conversations: create, read, update, delete, list with filters and cursors. */
export function conversationsSuite(currentStore: () => Store): void {
  describe('conversations', () => {
    let store: Store

    beforeEach(() => {
      store = currentStore()
    })

    it('creates a conversation with defaults', async () => {
      const id = randomUUID()
      const created = await store.conversations.createConversation({ id, userId: 'u1' })
      expect(created).toMatchObject({
        id,
        userId: 'u1',
        metadata: {},
        totalCostNanoUsd: 0,
        messageCount: 0,
      })
      expect(created.tenantId).toBeUndefined()
      expect(created.title).toBeUndefined()
      expectRecent(created.createdAt)
      expect(created.updatedAt.getTime()).toBe(created.createdAt.getTime())
      expect(await store.conversations.getConversation(id)).toEqual(created)
    })

    it('keeps every field it was created with', async () => {
      const input = {
        id: randomUUID(),
        tenantId: randomUUID(),
        userId: 'u1',
        projectId: 'p1',
        title: 'Support',
        model: 'openai:gpt-4o-mini',
        metadata: { channel: 'web', tags: ['a', 'b'], nested: { n: 1 } },
      }
      const created = await store.conversations.createConversation(input)
      expect(created).toMatchObject(input)
      expect(await store.conversations.getConversation(input.id)).toEqual(created)
    })

    it('rejects a duplicate id with a StoreError and keeps the first conversation', async () => {
      const id = randomUUID()
      await store.conversations.createConversation({ id, title: 'first' })
      await expect(store.conversations.createConversation({ id, title: 'second' })).rejects.toMatchObject({
        code: 'store',
      })
      expect((await store.conversations.getConversation(id))?.title).toBe('first')
    })

    it('returns undefined for an unknown conversation', async () => {
      expect(await store.conversations.getConversation(randomUUID())).toBeUndefined()
    })

    it('returns copies that cannot change what is stored', async () => {
      const id = randomUUID()
      const input = { id, metadata: { a: 1 } }
      const created = await store.conversations.createConversation(input)
      input.metadata.a = 4
      created.metadata.a = 2
      created.title = 'changed'
      const read = await store.conversations.getConversation(id)
      read!.metadata.a = 3
      expect(await store.conversations.getConversation(id)).toMatchObject({ metadata: { a: 1 } })
      expect((await store.conversations.getConversation(id))?.title).toBeUndefined()
    })

    it('updates title, model and metadata and bumps updatedAt', async () => {
      const id = randomUUID()
      const created = await store.conversations.createConversation({
        id,
        userId: 'u1',
        title: 'old',
        metadata: { a: 1 },
      })
      await sleep(5)
      const updated = await store.conversations.updateConversation(id, {
        title: 'new',
        model: 'anthropic:claude-3-5-haiku-latest',
        metadata: { b: 2 },
      })
      expect(updated).toMatchObject({
        id,
        userId: 'u1',
        title: 'new',
        model: 'anthropic:claude-3-5-haiku-latest',
        metadata: { b: 2 },
      })
      expect(updated.createdAt.getTime()).toBe(created.createdAt.getTime())
      expect(updated.updatedAt.getTime()).toBeGreaterThan(created.updatedAt.getTime())
      expect(await store.conversations.getConversation(id)).toEqual(updated)
      const retitled = await store.conversations.updateConversation(id, { title: 'newer' })
      expect(retitled).toMatchObject({
        title: 'newer',
        model: 'anthropic:claude-3-5-haiku-latest',
        metadata: { b: 2 },
      })
      const cleared = await store.conversations.updateConversation(id, { title: null, model: null })
      expect(cleared.title).toBeUndefined()
      expect(cleared.model).toBeUndefined()
      expect(await store.conversations.getConversation(id)).toEqual(cleared)
    })

    it('rejects an update of an unknown conversation', async () => {
      await expect(
        store.conversations.updateConversation(randomUUID(), { title: 'x' }),
      ).rejects.toMatchObject({
        code: 'store',
        message: expect.stringMatching(/not found/),
      })
    })

    it('never reads, updates or deletes another tenant’s conversation', async () => {
      const id = randomUUID()
      const tenantId = randomUUID()
      await store.conversations.createConversation({ id, tenantId, title: 'mine' })
      const other = { tenantId: randomUUID() }

      expect(await store.conversations.getConversation(id, other)).toBeUndefined()
      await expect(
        store.conversations.updateConversation(id, { title: 'theirs' }, other),
      ).rejects.toMatchObject({
        code: 'store',
        message: expect.stringMatching(/not found/),
      })
      expect(await store.conversations.deleteConversation(id, other)).toBe(false)
      expect(await store.conversations.getConversation(id, { tenantId })).toMatchObject({
        id,
        title: 'mine',
      })
      expect(await store.conversations.getConversation(id)).toMatchObject({ id, title: 'mine' })

      expect(
        await store.conversations.updateConversation(id, { title: 'renamed' }, { tenantId }),
      ).toMatchObject({
        title: 'renamed',
      })
      expect(await store.conversations.deleteConversation(id, { tenantId })).toBe(true)
    })

    it('hides a conversation without a tenant from a tenant-scoped read', async () => {
      const id = randomUUID()
      await store.conversations.createConversation({ id })
      expect(await store.conversations.getConversation(id, { tenantId: randomUUID() })).toBeUndefined()
      expect(await store.conversations.getConversation(id, {})).toMatchObject({ id })
    })

    it('deletes a conversation with its messages', async () => {
      const id = randomUUID()
      await store.conversations.createConversation({ id })
      await store.conversations.appendMessage(textMessage(id, 'hello'))
      expect(await store.conversations.deleteConversation(id)).toBe(true)
      expect(await store.conversations.getConversation(id)).toBeUndefined()
      expect(await store.conversations.listMessages(id)).toEqual([])
      expect(await store.conversations.deleteConversation(id)).toBe(false)
      await expect(store.conversations.appendMessage(textMessage(id, 'again'))).rejects.toMatchObject({
        code: 'store',
      })
    })

    it('starts empty when a deleted conversation’s id is used again', async () => {
      const id = randomUUID()
      await store.conversations.createConversation({ id })
      const old = await store.conversations.appendMessage({ ...textMessage(id, 'old'), costNanoUsd: 10 })
      await store.conversations.deleteConversation(id)

      const again = await store.conversations.createConversation({ id })
      expect(again).toMatchObject({ totalCostNanoUsd: 0, messageCount: 0 })
      expect(await store.conversations.listMessages(id)).toEqual([])
      const reused = await store.conversations.appendMessage({ ...textMessage(id, 'new'), id: old.id })
      expect(reused.seq).toBe(1)
      expect(await store.conversations.listMessages(id)).toEqual([reused])
    })

    it('lists by tenant, user and project', async () => {
      const tenantId = randomUUID()
      const otherTenant = randomUUID()
      const rows = [
        { id: randomUUID(), tenantId, userId: 'u1', projectId: 'p1' },
        { id: randomUUID(), tenantId, userId: 'u1', projectId: 'p2' },
        { id: randomUUID(), tenantId, userId: 'u2', projectId: 'p1' },
        { id: randomUUID(), tenantId: otherTenant, userId: 'u1', projectId: 'p1' },
      ]
      for (const row of rows) await store.conversations.createConversation(row)
      const ids = async (query: { tenantId?: string; userId?: string; projectId?: string }) =>
        (await store.conversations.listConversations(query)).items.map((c) => c.id).sort()

      expect(await ids({ tenantId })).toEqual([rows[0]!.id, rows[1]!.id, rows[2]!.id].sort())
      expect(await ids({ tenantId, userId: 'u1' })).toEqual([rows[0]!.id, rows[1]!.id].sort())
      expect(await ids({ tenantId, projectId: 'p1' })).toEqual([rows[0]!.id, rows[2]!.id].sort())
      expect(await ids({ tenantId, userId: 'u1', projectId: 'p1' })).toEqual([rows[0]!.id])
      expect(await ids({ tenantId: otherTenant })).toEqual([rows[3]!.id])
      expect(await ids({ tenantId: randomUUID() })).toEqual([])
    })

    for (const order of ['newest', 'oldest'] as const) {
      it(`walks every page in ${order} order without a duplicate or a missing row`, async () => {
        const tenantId = randomUUID()
        const created: ConversationRecord[] = []
        for (let i = 0; i < 7; i++) {
          created.push(await store.conversations.createConversation({ id: randomUUID(), tenantId }))
          if (i % 3 === 0) await sleep(2)
        }
        const expected = sortConversations(created, order).map((c) => c.id)

        const pages: string[][] = []
        let cursor: string | undefined
        do {
          const page = await store.conversations.listConversations({ tenantId, order, limit: 3, cursor })
          pages.push(page.items.map((c) => c.id))
          cursor = page.nextCursor
        } while (cursor !== undefined && pages.length < 10)

        expect(pages.map((p) => p.length)).toEqual([3, 3, 1])
        expect(pages.flat()).toEqual(expected)
      })
    }

    it('lists newest first by default and omits nextCursor when the last page is full', async () => {
      const tenantId = randomUUID()
      const created: ConversationRecord[] = []
      for (let i = 0; i < 6; i++) {
        created.push(await store.conversations.createConversation({ id: randomUUID(), tenantId }))
      }
      const first = await store.conversations.listConversations({ tenantId, limit: 3 })
      expect(first.nextCursor).toEqual(expect.any(String))
      const second = await store.conversations.listConversations({
        tenantId,
        limit: 3,
        cursor: first.nextCursor,
      })
      expect(second.nextCursor).toBeUndefined()
      expect([...first.items, ...second.items].map((c) => c.id)).toEqual(
        sortConversations(created, 'newest').map((c) => c.id),
      )
    })

    it('pages 50 conversations at a time by default', async () => {
      const tenantId = randomUUID()
      for (let i = 0; i < 51; i++)
        await store.conversations.createConversation({ id: randomUUID(), tenantId })
      const first = await store.conversations.listConversations({ tenantId })
      expect(first.items).toHaveLength(50)
      const rest = await store.conversations.listConversations({ tenantId, cursor: first.nextCursor })
      expect(rest.items).toHaveLength(1)
      expect(rest.nextCursor).toBeUndefined()
      expect(new Set([...first.items, ...rest.items].map((c) => c.id)).size).toBe(51)
    })
  })
}

function sortConversations(rows: ConversationRecord[], order: 'newest' | 'oldest'): ConversationRecord[] {
  const direction = order === 'oldest' ? 1 : -1
  return [...rows].sort(
    (a, b) =>
      direction * (a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
  )
}

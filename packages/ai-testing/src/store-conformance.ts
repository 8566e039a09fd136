import { randomUUID } from 'node:crypto'
import type {
  ConnectionRecord,
  ConversationRecord,
  ModelInfo,
  NewMessage,
  PriceEntry,
  SpendKey,
  Store,
  UsageAggregate,
  UsageQuery,
  UsageRecord,
} from '@aimux/ai-core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

export interface StoreConformanceOptions {
  /** Names the suite: "store conformance: <name>". */
  name: string
  /** Makes the store each test uses; its close(), when it has one, runs after the test. */
  create: () => Store | Promise<Store>
  /**
   * `create` returns an empty store every time (an in-memory store, a new database file), so
   * listings without a filter can be checked too. Without it every test scopes its reads to ids
   * of its own, and a database shared between tests and runs works.
   */
  fresh?: boolean
}

/**
 * The behaviour every Store must have, as a vitest suite. Call it at the top level of a test
 * file: `storeConformance({ name: 'memory', create: () => createMemoryStore(), fresh: true })`.
 */
export function storeConformance(options: StoreConformanceOptions): void {
  const { name, create: createStore } = options
  describe(`store conformance: ${name}`, () => {
    let store: Store

    beforeEach(async () => {
      store = await createStore()
    })

    afterEach(async () => {
      await store.close?.()
    })

    describe('conversations', () => {
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

    describe('messages', () => {
      it('keeps image parts as strings: a URL as its href, bytes as base64', async () => {
        const conversationId = randomUUID()
        await store.conversations.createConversation({ id: conversationId })
        const stored = await store.conversations.appendMessage({
          id: randomUUID(),
          conversationId,
          role: 'user',
          content: [
            { type: 'image', image: new URL('https://example.com/cat.png') },
            { type: 'image', image: new Uint8Array([1, 2, 3]), mediaType: 'image/png' },
            { type: 'image', image: 'data:image/png;base64,AQID' },
          ],
        })
        const expected = [
          { type: 'image', image: 'https://example.com/cat.png' },
          { type: 'image', image: 'AQID', mediaType: 'image/png' },
          { type: 'image', image: 'data:image/png;base64,AQID' },
        ]
        expect(stored.content).toEqual(expected)
        expect((await store.conversations.listMessages(conversationId))[0]?.content).toEqual(expected)
      })

      it('appends with seq 1, 2, 3, defaults, and the conversation totals', async () => {
        const conversationId = randomUUID()
        const conversation = await store.conversations.createConversation({ id: conversationId })
        await sleep(5)

        const first = await store.conversations.appendMessage(textMessage(conversationId, 'hi'))
        expect(first).toMatchObject({
          conversationId,
          seq: 1,
          role: 'user',
          costNanoUsd: 0,
          status: 'complete',
        })
        expect(first.content).toEqual([{ type: 'text', text: 'hi' }])
        expectRecent(first.createdAt)

        const at = new Date('2026-11-22T10:00:00.123Z')
        const usage = {
          inputTokens: 12,
          cachedInputTokens: 2,
          cacheWriteTokens: 1,
          outputTokens: 30,
          reasoningTokens: 10,
          totalTokens: 42,
        }
        const reply: NewMessage = {
          id: randomUUID(),
          conversationId,
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'thinking' },
            { type: 'text', text: 'Calling a tool' },
            { type: 'tool-call', id: 'call_1', name: 'weather', args: { city: 'Paris', days: [1, 2] } },
          ],
          usage,
          costNanoUsd: 1_234_567,
          latencyMs: 420,
          provider: 'openai',
          model: 'gpt-4o-mini',
          finishReason: 'tool-calls',
          status: 'partial',
          error: 'stream broke',
          requestId: randomUUID(),
          createdAt: at,
        }
        const second = await store.conversations.appendMessage(reply)
        expect(second).toEqual({ ...reply, seq: 2 })

        const third = await store.conversations.appendMessage({
          ...textMessage(conversationId, 'result'),
          role: 'tool',
          content: [{ type: 'tool-result', toolCallId: 'call_1', toolName: 'weather', result: { temp: 21 } }],
          costNanoUsd: 1_000_000_000,
        })
        expect(third.seq).toBe(3)

        expect(await store.conversations.listMessages(conversationId)).toEqual([first, second, third])
        const after = await store.conversations.getConversation(conversationId)
        expect(after).toMatchObject({ totalCostNanoUsd: 1_001_234_567, messageCount: 3 })
        expect(after!.updatedAt.getTime()).toBeGreaterThan(conversation.updatedAt.getTime())
      })

      it('rejects a message for an unknown conversation', async () => {
        await expect(
          store.conversations.appendMessage(textMessage(randomUUID(), 'lost')),
        ).rejects.toMatchObject({
          code: 'store',
        })
      })

      it('rejects a duplicate message id and leaves the totals alone', async () => {
        const conversationId = randomUUID()
        await store.conversations.createConversation({ id: conversationId })
        const message = { ...textMessage(conversationId, 'once'), costNanoUsd: 5 }
        await store.conversations.appendMessage(message)
        await expect(store.conversations.appendMessage(message)).rejects.toMatchObject({ code: 'store' })
        expect(await store.conversations.getConversation(conversationId)).toMatchObject({
          totalCostNanoUsd: 5,
          messageCount: 1,
        })
        expect(await store.conversations.listMessages(conversationId)).toHaveLength(1)
      })

      it('returns message copies that cannot change what is stored', async () => {
        const conversationId = randomUUID()
        await store.conversations.createConversation({ id: conversationId })
        const appended = await store.conversations.appendMessage(textMessage(conversationId, 'original'))
        appended.content.push({ type: 'text', text: 'added' })
        const [listed] = await store.conversations.listMessages(conversationId)
        listed!.content[0] = { type: 'text', text: 'changed' }
        expect((await store.conversations.listMessages(conversationId))[0]!.content).toEqual([
          { type: 'text', text: 'original' },
        ])
      })

      it('keeps exact totals under 50 concurrent appends', async () => {
        const conversationId = randomUUID()
        await store.conversations.createConversation({ id: conversationId })
        const costs = Array.from({ length: 50 }, (_, i) => (i + 1) * 1_000_000_007)
        const appended = await Promise.all(
          costs.map((costNanoUsd, i) =>
            store.conversations.appendMessage({ ...textMessage(conversationId, `m${i}`), costNanoUsd }),
          ),
        )
        expect(appended.map((m) => m.seq).sort((a, b) => a - b)).toEqual(range(1, 50))
        expect(await store.conversations.getConversation(conversationId)).toMatchObject({
          totalCostNanoUsd: 1_275_000_008_925,
          messageCount: 50,
        })
        const listed = await store.conversations.listMessages(conversationId)
        expect(listed.map((m) => m.seq)).toEqual(range(1, 50))
        const seqById = new Map(appended.map((m) => [m.id, m.seq]))
        expect(listed.every((m) => seqById.get(m.id) === m.seq)).toBe(true)
      })

      it('lists by order, limit, beforeSeq and afterSeq', async () => {
        const conversationId = randomUUID()
        await store.conversations.createConversation({ id: conversationId })
        for (let i = 1; i <= 5; i++)
          await store.conversations.appendMessage(textMessage(conversationId, `m${i}`))
        const seqs = async (query: Parameters<Store['conversations']['listMessages']>[1]) =>
          (await store.conversations.listMessages(conversationId, query)).map((m) => m.seq)

        expect(await seqs({})).toEqual([1, 2, 3, 4, 5])
        expect(await seqs({ order: 'oldest' })).toEqual([1, 2, 3, 4, 5])
        expect(await seqs({ order: 'newest' })).toEqual([5, 4, 3, 2, 1])
        expect(await seqs({ limit: 2 })).toEqual([1, 2])
        expect(await seqs({ order: 'newest', limit: 2 })).toEqual([5, 4])
        expect(await seqs({ afterSeq: 2 })).toEqual([3, 4, 5])
        expect(await seqs({ beforeSeq: 4 })).toEqual([1, 2, 3])
        expect(await seqs({ beforeSeq: 4, order: 'newest', limit: 2 })).toEqual([3, 2])
        expect(await seqs({ afterSeq: 1, beforeSeq: 4 })).toEqual([2, 3])
        expect(await seqs({ afterSeq: 5 })).toEqual([])
        expect(await store.conversations.listMessages(randomUUID())).toEqual([])
      })

      it('never lists another tenant’s messages', async () => {
        const conversationId = randomUUID()
        const tenantId = randomUUID()
        await store.conversations.createConversation({ id: conversationId, tenantId })
        await store.conversations.appendMessage(textMessage(conversationId, 'secret'))
        expect(await store.conversations.listMessages(conversationId, { tenantId: randomUUID() })).toEqual([])
        expect(await store.conversations.listMessages(conversationId, { tenantId })).toHaveLength(1)
      })
    })

    describe('preferences', () => {
      it('stores preferences per tenant and user', async () => {
        const userId = randomUUID()
        const tenantId = randomUUID()
        expect(await store.conversations.getPreferences({ userId })).toBeUndefined()

        await store.conversations.setPreferences(
          { userId },
          { model: 'openai:gpt-4o', metadata: { tone: 'brief' } },
        )
        await store.conversations.setPreferences(
          { tenantId, userId },
          { model: 'anthropic:claude-3-5-haiku-latest' },
        )

        expect(await store.conversations.getPreferences({ userId })).toEqual({
          model: 'openai:gpt-4o',
          metadata: { tone: 'brief' },
        })
        expect(await store.conversations.getPreferences({ tenantId: '', userId })).toEqual({
          model: 'openai:gpt-4o',
          metadata: { tone: 'brief' },
        })
        expect(await store.conversations.getPreferences({ tenantId, userId })).toEqual({
          model: 'anthropic:claude-3-5-haiku-latest',
        })

        await store.conversations.setPreferences({ tenantId, userId }, { model: 'openai:gpt-4o-mini' })
        expect(await store.conversations.getPreferences({ tenantId, userId })).toEqual({
          model: 'openai:gpt-4o-mini',
        })
      })
    })

    describe('usage', () => {
      it('stores a record and reads it back', async () => {
        const record = usageRecord({
          tenantId: 't1',
          userId: 'u1',
          projectId: 'p1',
          connectionId: 'c1',
          conversationId: randomUUID(),
          inputTokens: 10,
          cachedInputTokens: 4,
          cacheWriteTokens: 2,
          outputTokens: 20,
          reasoningTokens: 5,
          totalTokens: 30,
          costNanoUsd: 987_654_321,
          costSource: 'provider',
          latencyMs: 812,
          timeToFirstTokenMs: 120,
          success: false,
          errorCode: 'rate-limit',
          stream: true,
          steps: 3,
        })
        const written = structuredClone(record)
        await store.usage.recordUsage([record])
        record.costNanoUsd = 1
        const read = await store.usage.getUsage(record.requestId)
        expect(read).toEqual(written)
        read!.inputTokens = 0
        expect(await store.usage.getUsage(record.requestId)).toEqual(written)
        expect(await store.usage.getUsage(randomUUID())).toBeUndefined()
      })

      it('ignores a second record with the same requestId', async () => {
        const tenantId = randomUUID()
        const record = usageRecord({ tenantId, costNanoUsd: 100, inputTokens: 7 })
        await store.usage.recordUsage([record])
        await store.usage.recordUsage([{ ...record, costNanoUsd: 999, inputTokens: 1 }])
        const twin = usageRecord({ tenantId, costNanoUsd: 5 })
        await store.usage.recordUsage([twin, { ...twin, costNanoUsd: 6 }])

        expect(await store.usage.getUsage(record.requestId)).toMatchObject({
          costNanoUsd: 100,
          inputTokens: 7,
        })
        expect(await store.usage.getUsage(twin.requestId)).toMatchObject({ costNanoUsd: 5 })
        const [total] = await store.usage.queryUsage({ ...wholeRange, tenantId })
        expect(total).toMatchObject({ key: 'total', requests: 2, costNanoUsd: 105, inputTokens: 7 })
      })

      it('sums every field into one "total" row without groupBy', async () => {
        const tenantId = randomUUID()
        await store.usage.recordUsage([
          usageRecord({
            tenantId,
            inputTokens: 100,
            cachedInputTokens: 20,
            cacheWriteTokens: 10,
            outputTokens: 50,
            reasoningTokens: 5,
            totalTokens: 150,
            costNanoUsd: 1_000_000_001,
            latencyMs: 100,
          }),
          usageRecord({
            tenantId,
            inputTokens: 200,
            outputTokens: 80,
            totalTokens: 280,
            costNanoUsd: 2_000_000_002,
            latencyMs: 300,
            success: false,
          }),
          usageRecord({ tenantId, inputTokens: 1, totalTokens: 1, costNanoUsd: 3, latencyMs: 200 }),
          usageRecord({ tenantId, latencyMs: 400 }),
        ])
        const rows = await store.usage.queryUsage({ ...wholeRange, tenantId })
        expect(rows).toHaveLength(1)
        expectAggregate(rows[0]!, {
          key: 'total',
          inputTokens: 301,
          cachedInputTokens: 20,
          cacheWriteTokens: 10,
          outputTokens: 130,
          reasoningTokens: 5,
          totalTokens: 431,
          requests: 4,
          errors: 1,
          errorRate: 0.25,
          costNanoUsd: 3_000_000_006,
          latencyP50Ms: 250,
          latencyP95Ms: 385,
          latencyP99Ms: 397,
        })
      })

      it('returns one zero "total" row when nothing matches, and no rows for a grouped query', async () => {
        const tenantId = randomUUID()
        expect(await store.usage.queryUsage({ ...wholeRange, tenantId })).toEqual([
          {
            key: 'total',
            inputTokens: 0,
            cachedInputTokens: 0,
            cacheWriteTokens: 0,
            outputTokens: 0,
            reasoningTokens: 0,
            totalTokens: 0,
            requests: 0,
            errors: 0,
            errorRate: 0,
            costNanoUsd: 0,
            latencyP50Ms: 0,
            latencyP95Ms: 0,
            latencyP99Ms: 0,
          },
        ])
        expect(await store.usage.queryUsage({ ...wholeRange, tenantId, groupBy: 'model' })).toEqual([])
      })

      it('computes latency percentiles as percentile_cont does', async () => {
        const tenantId = randomUUID()
        const latencies = [70, 10, 100, 40, 20, 90, 60, 30, 80, 50]
        await store.usage.recordUsage(latencies.map((latencyMs) => usageRecord({ tenantId, latencyMs })))
        const [row] = await store.usage.queryUsage({ ...wholeRange, tenantId })
        expect(row!.latencyP50Ms).toBeCloseTo(55, 9)
        expect(row!.latencyP95Ms).toBeCloseTo(95.5, 9)
        expect(row!.latencyP99Ms).toBeCloseTo(99.1, 9)

        const twelve = randomUUID()
        await store.usage.recordUsage(
          range(1, 12).map((i) => usageRecord({ tenantId: twelve, latencyMs: i * 10 })),
        )
        const [row12] = await store.usage.queryUsage({ ...wholeRange, tenantId: twelve })
        expect(row12!.latencyP50Ms).toBeCloseTo(65, 9)
        expect(row12!.latencyP95Ms).toBeCloseTo(114.5, 9)
        expect(row12!.latencyP99Ms).toBeCloseTo(118.9, 9)

        const single = randomUUID()
        await store.usage.recordUsage([usageRecord({ tenantId: single, latencyMs: 42 })])
        expect(await store.usage.queryUsage({ ...wholeRange, tenantId: single })).toMatchObject([
          { latencyP50Ms: 42, latencyP95Ms: 42, latencyP99Ms: 42 },
        ])
      })

      it('groups by provider and by model, sorted by key', async () => {
        const tenantId = randomUUID()
        await store.usage.recordUsage([
          usageRecord({ tenantId, provider: 'openai', model: 'gpt-4o-mini', costNanoUsd: 10, latencyMs: 10 }),
          usageRecord({ tenantId, provider: 'openai', model: 'gpt-4o', costNanoUsd: 20, latencyMs: 20 }),
          usageRecord({ tenantId, provider: 'anthropic', model: 'claude', costNanoUsd: 40, latencyMs: 30 }),
          usageRecord({
            tenantId,
            provider: 'openai',
            model: 'gpt-4o-mini',
            costNanoUsd: 80,
            success: false,
          }),
        ])
        const byProvider = await store.usage.queryUsage({ ...wholeRange, tenantId, groupBy: 'provider' })
        expect(byProvider).toMatchObject([
          { key: 'anthropic', requests: 1, errors: 0, errorRate: 0, costNanoUsd: 40 },
          { key: 'openai', requests: 3, errors: 1, costNanoUsd: 110 },
        ])
        expect(byProvider[1]!.errorRate).toBeCloseTo(1 / 3, 12)

        const byModel = await store.usage.queryUsage({ ...wholeRange, tenantId, groupBy: 'model' })
        expect(byModel.map((r) => [r.key, r.requests, r.costNanoUsd])).toEqual([
          ['claude', 1, 40],
          ['gpt-4o', 1, 20],
          ['gpt-4o-mini', 2, 90],
        ])
      })

      it('groups by user and by tenant, with "" for records without one', async () => {
        const provider = `p-${randomUUID()}`
        await store.usage.recordUsage([
          usageRecord({ provider, tenantId: 'tenant-b', userId: 'u2', costNanoUsd: 1 }),
          usageRecord({ provider, tenantId: 'tenant-a', userId: 'u1', costNanoUsd: 2 }),
          usageRecord({ provider, tenantId: 'tenant-a', costNanoUsd: 4 }),
          usageRecord({ provider, userId: 'u1', costNanoUsd: 8 }),
        ])
        const byUser = await store.usage.queryUsage({ ...wholeRange, provider, groupBy: 'user' })
        expect(byUser.map((r) => [r.key, r.requests, r.costNanoUsd])).toEqual([
          ['', 1, 4],
          ['u1', 2, 10],
          ['u2', 1, 1],
        ])
        const byTenant = await store.usage.queryUsage({ ...wholeRange, provider, groupBy: 'tenant' })
        expect(byTenant.map((r) => [r.key, r.requests, r.costNanoUsd])).toEqual([
          ['', 1, 8],
          ['tenant-a', 2, 6],
          ['tenant-b', 1, 1],
        ])
      })

      it('groups by UTC day across midnight', async () => {
        const tenantId = randomUUID()
        await store.usage.recordUsage([
          usageRecord({ tenantId, createdAt: new Date('2026-11-21T23:59:59.999Z'), costNanoUsd: 1 }),
          usageRecord({ tenantId, createdAt: new Date('2026-11-22T00:00:00.000Z'), costNanoUsd: 2 }),
          usageRecord({ tenantId, createdAt: new Date('2026-11-22T23:30:00.000Z'), costNanoUsd: 4 }),
          usageRecord({ tenantId, createdAt: new Date('2026-11-20T12:00:00.000Z'), costNanoUsd: 8 }),
        ])
        const rows = await store.usage.queryUsage({ ...wholeRange, tenantId, groupBy: 'day' })
        expect(rows.map((r) => [r.key, r.requests, r.costNanoUsd])).toEqual([
          ['2026-11-20', 1, 8],
          ['2026-11-21', 1, 1],
          ['2026-11-22', 2, 6],
        ])
      })

      it('includes `from` and excludes `to`', async () => {
        const tenantId = randomUUID()
        const from = new Date('2026-11-01T00:00:00.000Z')
        const to = new Date('2026-11-02T00:00:00.000Z')
        await store.usage.recordUsage([
          usageRecord({ tenantId, createdAt: new Date(from.getTime() - 1), costNanoUsd: 1 }),
          usageRecord({ tenantId, createdAt: from, costNanoUsd: 2 }),
          usageRecord({ tenantId, createdAt: new Date(to.getTime() - 1), costNanoUsd: 4 }),
          usageRecord({ tenantId, createdAt: to, costNanoUsd: 8 }),
        ])
        expect(await store.usage.queryUsage({ from, to, tenantId })).toMatchObject([
          { key: 'total', requests: 2, costNanoUsd: 6 },
        ])
      })

      it('filters by user, project, provider and model', async () => {
        const tenantId = randomUUID()
        await store.usage.recordUsage([
          usageRecord({
            tenantId,
            userId: 'u1',
            projectId: 'p1',
            provider: 'openai',
            model: 'a',
            costNanoUsd: 1,
          }),
          usageRecord({
            tenantId,
            userId: 'u1',
            projectId: 'p2',
            provider: 'openai',
            model: 'b',
            costNanoUsd: 2,
          }),
          usageRecord({
            tenantId,
            userId: 'u2',
            projectId: 'p1',
            provider: 'gemini',
            model: 'a',
            costNanoUsd: 4,
          }),
        ])
        const cost = async (filter: Pick<UsageQuery, 'userId' | 'projectId' | 'provider' | 'model'>) =>
          (await store.usage.queryUsage({ ...wholeRange, tenantId, ...filter }))[0]!.costNanoUsd
        expect(await cost({})).toBe(7)
        expect(await cost({ userId: 'u1' })).toBe(3)
        expect(await cost({ projectId: 'p1' })).toBe(5)
        expect(await cost({ provider: 'openai' })).toBe(3)
        expect(await cost({ model: 'a' })).toBe(5)
        expect(await cost({ userId: 'u1', projectId: 'p1', provider: 'openai', model: 'a' })).toBe(1)
      })
    })

    describe('catalog', () => {
      it('upserts models by provider and id and lists them sorted', async () => {
        const provider = `p-${randomUUID()}`
        await store.catalog.upsertModels([model(provider, 'm-b'), model(provider, 'm-a', { name: 'A' })])
        await store.catalog.upsertModels([
          model(provider, 'm-a', { name: 'A2', contextWindow: 128_000, capabilities: { tools: true } }),
        ])
        expect(await store.catalog.listModels({ provider })).toEqual([
          model(provider, 'm-a', { name: 'A2', contextWindow: 128_000, capabilities: { tools: true } }),
          model(provider, 'm-b'),
        ])
        expect(await store.catalog.getModel(provider, 'm-b')).toEqual(model(provider, 'm-b'))
        expect(await store.catalog.getModel(provider, 'm-c')).toBeUndefined()
        expect(await store.catalog.getModel(`${provider}-other`, 'm-b')).toBeUndefined()
      })

      it('sorts models by provider, then id', async () => {
        const prefix = `p-${randomUUID()}`
        await store.catalog.upsertModels([
          model(`${prefix}b`, 'x'),
          model(`${prefix}a`, 'y'),
          model(`${prefix}a`, 'x'),
        ])
        const listed = (await store.catalog.listModels()).filter((m) => m.provider.startsWith(prefix))
        expect(listed.map((m) => [m.provider, m.id])).toEqual([
          [`${prefix}a`, 'x'],
          [`${prefix}a`, 'y'],
          [`${prefix}b`, 'x'],
        ])
      })

      it('shares no object with its caller', async () => {
        const provider = `p-${randomUUID()}`
        const input = model(provider, 'm', { capabilities: { tools: true } })
        await store.catalog.upsertModels([input])
        input.capabilities.tools = false
        const read = await store.catalog.getModel(provider, 'm')
        read!.capabilities.vision = true
        const entry = price(provider, 'm', '2026-01-01T00:00:00.000Z', 1)
        await store.catalog.upsertPrices([entry])
        entry.price.input = 7
        const [listed] = await store.catalog.listPrices({ provider })
        listed!.price.output = 0

        expect(await store.catalog.listModels({ provider })).toEqual([
          model(provider, 'm', { capabilities: { tools: true } }),
        ])
        expect(await store.catalog.listPrices({ provider })).toEqual([
          price(provider, 'm', '2026-01-01T00:00:00.000Z', 1),
        ])
      })

      it('keeps a model with its price and every optional field', async () => {
        const provider = `p-${randomUUID()}`
        const full = model(provider, 'full', {
          name: 'Full',
          contextWindow: 200_000,
          maxOutputTokens: 8_192,
          capabilities: { streaming: true, tools: true, vision: false, json: true, reasoning: true },
          price: { input: 3, output: 15, cachedInput: 0.3, tiers: [{ aboveInputTokens: 200_000, input: 6 }] },
          deprecated: true,
        })
        await store.catalog.upsertModels([full])
        expect(await store.catalog.getModel(provider, 'full')).toEqual(full)
      })

      it('resolves the price in force at a time', async () => {
        const provider = `p-${randomUUID()}`
        const january = price(provider, 'm', '2026-01-01T00:00:00.000Z', 1)
        const june = price(provider, 'm', '2026-06-01T00:00:00.000Z', 2)
        await store.catalog.upsertPrices([
          june,
          january,
          price(provider, 'other', '2025-01-01T00:00:00.000Z', 9),
        ])

        const at = async (iso: string) =>
          (await store.catalog.getPrice(provider, 'm', new Date(iso)))?.price.input
        expect(await at('2025-12-31T23:59:59.999Z')).toBeUndefined()
        expect(await at('2026-01-01T00:00:00.000Z')).toBe(1)
        expect(await at('2026-03-15T00:00:00.000Z')).toBe(1)
        expect(await at('2026-05-31T23:59:59.999Z')).toBe(1)
        expect(await at('2026-06-01T00:00:00.000Z')).toBe(2)
        expect(await at('2030-01-01T00:00:00.000Z')).toBe(2)
        expect(await store.catalog.getPrice(provider, 'm', new Date('2026-07-01T00:00:00.000Z'))).toEqual(
          june,
        )
        expect(
          await store.catalog.getPrice(provider, 'missing', new Date('2030-01-01T00:00:00.000Z')),
        ).toBeUndefined()
      })

      it('replaces a price by provider, model and effectiveFrom and lists prices sorted', async () => {
        const provider = `p-${randomUUID()}`
        await store.catalog.upsertPrices([
          price(provider, 'm-b', '2026-01-01T00:00:00.000Z', 5),
          price(provider, 'm-a', '2026-06-01T00:00:00.000Z', 2),
          price(provider, 'm-a', '2026-01-01T00:00:00.000Z', 1),
        ])
        await store.catalog.upsertPrices([price(provider, 'm-a', '2026-06-01T00:00:00.000Z', 3)])

        expect(await store.catalog.listPrices({ provider })).toEqual([
          price(provider, 'm-a', '2026-01-01T00:00:00.000Z', 1),
          price(provider, 'm-a', '2026-06-01T00:00:00.000Z', 3),
          price(provider, 'm-b', '2026-01-01T00:00:00.000Z', 5),
        ])
        expect(await store.catalog.listPrices({ provider, model: 'm-b' })).toEqual([
          price(provider, 'm-b', '2026-01-01T00:00:00.000Z', 5),
        ])
        expect(await store.catalog.listPrices({ provider: `${provider}-none` })).toEqual([])
      })
    })

    describe('spend', () => {
      const reserve = (key: SpendKey, amountNanoUsd: number, limitNanoUsd?: number) =>
        store.spend.reserve({ reservationId: randomUUID(), amountNanoUsd, keys: [{ key, limitNanoUsd }] })

      /** Spends `amountNanoUsd` on a key through a reservation settled at once. */
      const settleNow = async (key: SpendKey, amountNanoUsd: number) => {
        const reservationId = randomUUID()
        await store.spend.reserve({ reservationId, amountNanoUsd, keys: [{ key }] })
        await store.spend.settle(reservationId, amountNanoUsd)
      }

      it('returns zeros for an unknown key', async () => {
        expect(await store.spend.getSpend(spendKey())).toEqual({ spentNanoUsd: 0, reservedNanoUsd: 0 })
      })

      it('shares no object with its caller', async () => {
        const key = spendKey()
        await settleNow(key, 10)
        const spend = await store.spend.getSpend(key)
        spend.spentNanoUsd = 0
        const refused = await reserve(key, 100, 50)
        if (!refused.ok) refused.key.scopeId = 'changed'
        expect(await store.spend.getSpend(key)).toEqual({ spentNanoUsd: 10, reservedNanoUsd: 0 })
        expect(await reserve(key, 100, 50)).toMatchObject({ ok: false, key })
      })

      it('reserves up to the limit and refuses past it with the key’s numbers', async () => {
        const key = spendKey()
        expect(await reserve(key, 60, 100)).toEqual({ ok: true })
        expect(await reserve(key, 40, 100)).toEqual({ ok: true })
        expect(await reserve(key, 1, 100)).toEqual({
          ok: false,
          key,
          spentNanoUsd: 0,
          reservedNanoUsd: 100,
          limitNanoUsd: 100,
        })
        expect(await store.spend.getSpend(key)).toEqual({ spentNanoUsd: 0, reservedNanoUsd: 100 })
      })

      it('never limits a key without limitNanoUsd', async () => {
        const key = spendKey()
        const result = await store.spend.reserve({
          reservationId: randomUUID(),
          amountNanoUsd: 5_000_000_000_000,
          keys: [{ key }],
        })
        expect(result).toEqual({ ok: true })
        expect(await store.spend.getSpend(key)).toEqual({
          spentNanoUsd: 0,
          reservedNanoUsd: 5_000_000_000_000,
        })
      })

      it('reserves against every key or none, and names the first key that fails', async () => {
        const user = spendKey('user')
        const project = spendKey('project')
        const tenant = spendKey('tenant')
        await settleNow(project, 45)
        await settleNow(tenant, 95)

        const result = await store.spend.reserve({
          reservationId: randomUUID(),
          amountNanoUsd: 10,
          keys: [
            { key: user, limitNanoUsd: 1_000 },
            { key: project, limitNanoUsd: 50 },
            { key: tenant, limitNanoUsd: 100 },
          ],
        })
        expect(result).toEqual({
          ok: false,
          key: project,
          spentNanoUsd: 45,
          reservedNanoUsd: 0,
          limitNanoUsd: 50,
        })
        expect(await store.spend.getSpend(user)).toEqual({ spentNanoUsd: 0, reservedNanoUsd: 0 })
        expect(await store.spend.getSpend(project)).toEqual({ spentNanoUsd: 45, reservedNanoUsd: 0 })
        expect(await store.spend.getSpend(tenant)).toEqual({ spentNanoUsd: 95, reservedNanoUsd: 0 })

        const fits = await store.spend.reserve({
          reservationId: randomUUID(),
          amountNanoUsd: 5,
          keys: [
            { key: user, limitNanoUsd: 1_000 },
            { key: project, limitNanoUsd: 50 },
            { key: tenant, limitNanoUsd: 100 },
          ],
        })
        expect(fits).toEqual({ ok: true })
        expect(await store.spend.getSpend(user)).toEqual({ spentNanoUsd: 0, reservedNanoUsd: 5 })
        expect(await store.spend.getSpend(project)).toEqual({ spentNanoUsd: 45, reservedNanoUsd: 5 })
        expect(await store.spend.getSpend(tenant)).toEqual({ spentNanoUsd: 95, reservedNanoUsd: 5 })
      })

      it('rejects a reservation id that is already pending', async () => {
        const key = spendKey()
        const reservationId = randomUUID()
        await store.spend.reserve({ reservationId, amountNanoUsd: 10, keys: [{ key }] })
        await expect(
          store.spend.reserve({ reservationId, amountNanoUsd: 20, keys: [{ key }] }),
        ).rejects.toMatchObject({ code: 'store' })
        expect(await store.spend.getSpend(key)).toEqual({ spentNanoUsd: 0, reservedNanoUsd: 10 })
      })

      it('settles the actual amount on every key', async () => {
        const a = spendKey()
        const b = spendKey()
        const reservationId = randomUUID()
        await store.spend.reserve({
          reservationId,
          amountNanoUsd: 100,
          keys: [{ key: a, limitNanoUsd: 1_000 }, { key: b }],
        })
        await store.spend.reserve({ reservationId: randomUUID(), amountNanoUsd: 7, keys: [{ key: a }] })
        await store.spend.settle(reservationId, 70)
        expect(await store.spend.getSpend(a)).toEqual({ spentNanoUsd: 70, reservedNanoUsd: 7 })
        expect(await store.spend.getSpend(b)).toEqual({ spentNanoUsd: 70, reservedNanoUsd: 0 })

        const over = randomUUID()
        await store.spend.reserve({ reservationId: over, amountNanoUsd: 10, keys: [{ key: b }] })
        await store.spend.settle(over, 25)
        expect(await store.spend.getSpend(b)).toEqual({ spentNanoUsd: 95, reservedNanoUsd: 0 })
        await expect(store.spend.settle(over, 25)).rejects.toMatchObject({ code: 'store' })
      })

      it('releases a reservation without spending', async () => {
        const key = spendKey()
        await settleNow(key, 30)
        const reservationId = randomUUID()
        await store.spend.reserve({ reservationId, amountNanoUsd: 50, keys: [{ key, limitNanoUsd: 100 }] })
        expect(await store.spend.getSpend(key)).toEqual({ spentNanoUsd: 30, reservedNanoUsd: 50 })
        await store.spend.release(reservationId)
        expect(await store.spend.getSpend(key)).toEqual({ spentNanoUsd: 30, reservedNanoUsd: 0 })
        await expect(store.spend.release(reservationId)).rejects.toMatchObject({ code: 'store' })
      })

      it('rejects settling or releasing an unknown reservation', async () => {
        await expect(store.spend.settle(randomUUID(), 1)).rejects.toMatchObject({ code: 'store' })
        await expect(store.spend.release(randomUUID())).rejects.toMatchObject({ code: 'store' })
      })

      it('lets exactly 25 of 100 concurrent reservations of 10 fit a limit of 250', async () => {
        const key = spendKey()
        const ids = Array.from({ length: 100 }, () => randomUUID())
        const results = await Promise.all(
          ids.map((reservationId) =>
            store.spend.reserve({ reservationId, amountNanoUsd: 10, keys: [{ key, limitNanoUsd: 250 }] }),
          ),
        )
        expect(results.filter((r) => r.ok)).toHaveLength(25)
        for (const result of results) {
          if (result.ok) continue
          expect(result.spentNanoUsd + result.reservedNanoUsd).toBeLessThanOrEqual(250)
          expect(result.spentNanoUsd + result.reservedNanoUsd + 10).toBeGreaterThan(250)
        }
        expect(await store.spend.getSpend(key)).toEqual({ spentNanoUsd: 0, reservedNanoUsd: 250 })

        const granted = ids.filter((_, i) => results[i]!.ok)
        await Promise.all(granted.map((id) => store.spend.settle(id, 8)))
        expect(await store.spend.getSpend(key)).toEqual({ spentNanoUsd: 200, reservedNanoUsd: 0 })
      })

      it('marks a threshold only the first time per key', async () => {
        const key = spendKey()
        expect(await store.spend.markThreshold(key, 0.8)).toBe(true)
        expect(await store.spend.markThreshold(key, 0.8)).toBe(false)
        expect(await store.spend.markThreshold(key, 0.9)).toBe(true)
        expect(await store.spend.markThreshold({ ...key, periodStart: '2026-12-01' }, 0.8)).toBe(true)
        expect(await store.spend.markThreshold(spendKey(), 0.8)).toBe(true)
        const concurrent = await Promise.all(
          Array.from({ length: 10 }, () => store.spend.markThreshold(key, 1)),
        )
        expect(concurrent.filter(Boolean)).toHaveLength(1)
      })
    })

    describe('connections', () => {
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
        await expect(store.connections.recordOutcome(id, { ok: true, at: new Date() })).rejects.toMatchObject(
          { code: 'store' },
        )
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

    if (options.fresh) {
      describe('a fresh store', () => {
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
  })
}

const wholeRange = { from: new Date('2000-01-01T00:00:00.000Z'), to: new Date('2100-01-01T00:00:00.000Z') }

function textMessage(conversationId: string, text: string): NewMessage {
  return { id: randomUUID(), conversationId, role: 'user', content: [{ type: 'text', text }] }
}

function usageRecord(overrides: Partial<UsageRecord> = {}): UsageRecord {
  return {
    requestId: randomUUID(),
    createdAt: new Date('2026-11-22T12:00:00.000Z'),
    provider: 'openai',
    model: 'gpt-4o-mini',
    inputTokens: 0,
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    outputTokens: 0,
    reasoningTokens: 0,
    totalTokens: 0,
    costNanoUsd: 0,
    costSource: 'catalog',
    latencyMs: 100,
    success: true,
    stream: false,
    steps: 1,
    ...overrides,
  }
}

function model(provider: string, id: string, extra: Partial<ModelInfo> = {}): ModelInfo {
  return { provider, id, capabilities: {}, ...extra }
}

function price(provider: string, model: string, effectiveFrom: string, input: number): PriceEntry {
  return { provider, model, effectiveFrom: new Date(effectiveFrom), price: { input, output: input * 4 } }
}

function spendKey(scope: SpendKey['scope'] = 'user'): SpendKey {
  return { scope, scopeId: randomUUID(), period: 'month', periodStart: '2026-11-01' }
}

function connection(
  overrides: Partial<Omit<ConnectionRecord, 'createdAt' | 'updatedAt'>> = {},
): Omit<ConnectionRecord, 'createdAt' | 'updatedAt'> {
  return {
    id: randomUUID(),
    provider: 'openai',
    name: 'primary',
    ciphertext: 'v1:iv:ciphertext:tag',
    priority: 0,
    weight: 1,
    status: 'active',
    ...overrides,
  }
}

function zeroHealth(connectionId: string) {
  return { connectionId, successes: 0, failures: 0, consecutiveFailures: 0 }
}

function sortConversations(rows: ConversationRecord[], order: 'newest' | 'oldest'): ConversationRecord[] {
  const direction = order === 'oldest' ? 1 : -1
  return [...rows].sort(
    (a, b) =>
      direction * (a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
  )
}

function expectAggregate(actual: UsageAggregate, expected: UsageAggregate): void {
  const { latencyP50Ms, latencyP95Ms, latencyP99Ms, errorRate, ...exact } = expected
  expect(actual).toMatchObject(exact)
  expect(actual.errorRate).toBeCloseTo(errorRate, 12)
  expect(actual.latencyP50Ms).toBeCloseTo(latencyP50Ms, 9)
  expect(actual.latencyP95Ms).toBeCloseTo(latencyP95Ms, 9)
  expect(actual.latencyP99Ms).toBeCloseTo(latencyP99Ms, 9)
}

function expectRecent(date: Date): void {
  expect(date).toBeInstanceOf(Date)
  expect(Math.abs(date.getTime() - Date.now())).toBeLessThan(60_000)
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i)
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

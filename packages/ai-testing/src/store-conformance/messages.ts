import { randomUUID } from 'node:crypto'
import type { NewMessage, Store } from '@aimux/ai-core'
import { beforeEach, describe, expect, it } from 'vitest'
import { expectRecent, range, sleep, textMessage } from './fixtures.js'

/** Messages of a conversation: append, list, tenant isolation. */
export function messagesSuite(currentStore: () => Store): void {
  describe('messages', () => {
    let store: Store

    beforeEach(() => {
      store = currentStore()
    })

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

    it('keeps message text exactly, NUL and astral characters included', async () => {
      const conversationId = randomUUID()
      await store.conversations.createConversation({ id: conversationId })
      const text = 'nul:\u0000 emoji:🦊 rtl:שלום quote:" backslash:\\'
      await store.conversations.appendMessage({
        id: randomUUID(),
        conversationId,
        role: 'user',
        content: [{ type: 'text', text }],
      })
      expect((await store.conversations.listMessages(conversationId))[0]!.content).toEqual([
        { type: 'text', text },
      ])
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
}

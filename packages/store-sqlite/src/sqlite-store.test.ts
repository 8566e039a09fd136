import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { UsageRecord } from '@aimux/ai-core'
import { storeConformance } from '@aimux/ai-testing/conformance'
import { afterAll, describe, expect, it } from 'vitest'
import { createSqliteStore } from './sqlite-store.js'

const dir = mkdtempSync(join(tmpdir(), 'aimux-sqlite-'))
let files = 0
afterAll(() => rmSync(dir, { recursive: true, force: true }))

storeConformance({
  name: 'sqlite',
  create: () => createSqliteStore({ path: join(dir, `store-${++files}.db`) }),
  fresh: true,
})

describe('sqlite specifics', () => {
  const wholeRange = { from: new Date(0), to: new Date('2100-01-01T00:00:00.000Z') }
  const usage = (overrides: Partial<UsageRecord>): UsageRecord => ({
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
    latencyMs: 1,
    success: true,
    stream: false,
    steps: 1,
    ...overrides,
  })

  it('keeps message text exactly, NUL and astral characters included', async () => {
    const store = await createSqliteStore({ path: join(dir, `store-${++files}.db`) })
    await store.conversations.createConversation({ id: 'c' })
    const text = 'nul:\u0000 emoji:🦊 rtl:שלום quote:" backslash:\\'
    await store.conversations.appendMessage({
      id: 'm',
      conversationId: 'c',
      role: 'user',
      content: [{ type: 'text', text }],
    })
    expect((await store.conversations.listMessages('c'))[0]!.content).toEqual([{ type: 'text', text }])
    await store.close()
  })

  it('sums amounts past 32 bits exactly', async () => {
    const store = await createSqliteStore({ path: join(dir, `store-${++files}.db`) })
    const cost = 9_000_000_007
    await store.usage.recordUsage(Array.from({ length: 1_000 }, () => usage({ costNanoUsd: cost })))
    const [total] = await store.usage.queryUsage(wholeRange)
    expect(total!.costNanoUsd).toBe(cost * 1_000)
    await store.close()
  })

  it('writes a usage batch all or nothing, and refuses an amount that is not an integer', async () => {
    const store = await createSqliteStore({ path: join(dir, `store-${++files}.db`) })
    const batch = [usage({ costNanoUsd: 5 }), usage({ costNanoUsd: 1.5 }), usage({ costNanoUsd: 7 })]
    await expect(store.usage.recordUsage(batch)).rejects.toMatchObject({ code: 'store' })
    expect(await store.usage.getUsage(batch[0]!.requestId)).toBeUndefined()
    expect(await store.usage.queryUsage(wholeRange)).toMatchObject([{ requests: 0 }])
    await store.close()
  })

  it('works in memory, and fails with a StoreError once closed (closing twice is fine)', async () => {
    const store = await createSqliteStore({ path: ':memory:' })
    await store.catalog.upsertModels([{ provider: 'p', id: 'm', capabilities: {} }])
    expect(await store.catalog.listModels()).toEqual([{ provider: 'p', id: 'm', capabilities: {} }])
    await store.close()
    await store.close()
    await expect(store.catalog.listModels()).rejects.toMatchObject({
      code: 'store',
      message: expect.stringMatching(/listModels failed/),
    })
  })
})

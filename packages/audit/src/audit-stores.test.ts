import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createAI, type Plugin } from '@aimux/ai-core'
import { mockProvider } from '@aimux/ai-testing'
import { createPostgresStore, postgresStore } from '@aimux/store-postgres'
import { createSqliteStore, sqliteStore } from '@aimux/store-sqlite'
import { afterAll, describe, expect, it } from 'vitest'
import { dropSchemas, freshSchemaName, testDatabaseUrl } from '../../store-postgres/test/test-database.js'
import { audit, sha256Hex } from './index.js'

const dir = mkdtempSync(join(tmpdir(), 'aimux-audit-'))
const schemas: string[] = []
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true })
  await dropSchemas(schemas)
})

/** Two requests through the plugin on `store`: one answered, one refused by a provider error. */
async function run(store: Plugin) {
  const mock = mockProvider({
    prices: [{ provider: 'mock', model: 'mock-model', price: { input: 1, output: 2 } }],
  })
  const ai = await createAI({
    plugins: [mock, store, audit({ content: 'full' })],
    defaultModel: 'mock:mock-model',
  })
  mock.enqueue(
    { text: 'Stored.', usage: { inputTokens: 7, outputTokens: 2 } },
    { error: { status: 400, message: 'bad' } },
  )
  const ok = await ai.chat({
    messages: [{ role: 'user', content: 'Keep this' }],
    scope: { tenantId: 't1', userId: 'u1' },
  })
  await ai.chat({ messages: [{ role: 'user', content: 'And this' }] }).catch(() => undefined)
  const exported: string[] = []
  for await (const line of ai.audit.export()) exported.push(line)
  await ai.close()
  return { ok, exported }
}

function expectRecorded(items: { requestId: string }[], ok: { requestId: string }) {
  expect(items).toHaveLength(2)
  expect(items.find((r) => r.requestId === ok.requestId)).toMatchObject({
    tenantId: 't1',
    userId: 'u1',
    provider: 'mock',
    model: 'mock-model',
    costNanoUsd: 7 * 1_000 + 2 * 2_000,
    promptSha256: sha256Hex({ messages: [{ role: 'user', content: 'Keep this' }], tools: [] }),
    answerSha256: sha256Hex({ text: 'Stored.', toolCalls: [] }),
    content: { answer: { text: 'Stored.', toolCalls: [] } },
    outcome: 'success',
  })
  expect(items.find((r) => r.requestId !== ok.requestId)).toMatchObject({
    outcome: 'error',
    errorCode: 'provider',
  })
}

describe('audit trail in a SQLite file', () => {
  it('records each request, kept after the instance closed, and exports them', async () => {
    const path = join(dir, 'audit.db')
    const { ok, exported } = await run(sqliteStore({ path }))
    const store = await createSqliteStore({ path })
    const { items } = await store.audit.query()
    await store.close()
    expectRecorded(items, ok)
    expect(exported.map((line) => JSON.parse(line))).toEqual(JSON.parse(JSON.stringify(items)))
  })
})

describe('audit trail in PostgreSQL', () => {
  it('records each request in a schema of its own, and exports them', async () => {
    const schema = freshSchemaName()
    schemas.push(schema)
    const { ok, exported } = await run(postgresStore({ connectionString: testDatabaseUrl, schema }))
    const store = await createPostgresStore({ connectionString: testDatabaseUrl, schema })
    const { items } = await store.audit.query()
    await store.close()
    expectRecorded(items, ok)
    expect(exported.map((line) => JSON.parse(line))).toEqual(JSON.parse(JSON.stringify(items)))
  })
})

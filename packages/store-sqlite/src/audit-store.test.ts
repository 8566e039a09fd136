import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AuditRecord } from '@aimux/ai-core'
import Database from 'better-sqlite3'
import { afterAll, expect, it } from 'vitest'
import { createSqliteStore } from './sqlite-store.js'

const dir = mkdtempSync(join(tmpdir(), 'aimux-sqlite-audit-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const record = (id: string, at: number): AuditRecord => ({
  id,
  createdAt: new Date(at),
  requestId: `req_${id}`,
  userId: 'u1',
  operation: 'chat',
  stream: false,
  provider: 'openai',
  model: 'gpt-4o-mini',
  promptSha256: 'a'.repeat(64),
  costNanoUsd: 5,
  inputTokens: 1,
  outputTokens: 1,
  outcome: 'success',
})

it('refuses an UPDATE and a DELETE of the audit records, from another connection too', async () => {
  const path = join(dir, 'append-only.db')
  const store = await createSqliteStore({ path })
  await store.audit.append([record('a1', 1_000), record('a2', 2_000)])
  const raw = new Database(path)
  try {
    expect(() => raw.prepare("UPDATE audit_records SET cost_nano_usd = 0 WHERE id = 'a1'").run()).toThrow(
      /append-only/,
    )
    expect(() => raw.prepare("DELETE FROM audit_records WHERE id = 'a2'").run()).toThrow(/append-only/)
    expect(() => raw.prepare('DELETE FROM audit_records').run()).toThrow(/append-only/)
  } finally {
    raw.close()
  }
  const { items } = await store.audit.query()
  expect(items.map((r) => [r.id, r.costNanoUsd])).toEqual([
    ['a2', 5],
    ['a1', 5],
  ])
  await store.close()
})

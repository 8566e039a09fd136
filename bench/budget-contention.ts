// Scenario 6: budget reservations per second under contention: 8 processes, each with its own
// PostgreSQL store on one shared schema, reserving and settling against the same spend counter.
import { fork } from 'node:child_process'
import { createPostgresStore } from '@aimux/store-postgres'
import { Pool } from 'pg'
import type { Row } from './measure.ts'
import { postgresURL } from './store-throughput.ts'

const key = { scope: 'user', scopeId: 'u1', period: 'month', periodStart: '2026-11-01' } as const

async function child(schema: string, name: string, pairs: number): Promise<void> {
  const store = await createPostgresStore({ connectionString: postgresURL, schema })
  process.send?.('ready')
  await new Promise((resolve) => process.once('message', resolve))
  const t0 = performance.now()
  for (let i = 0; i < pairs; i++) {
    await store.spend.reserve({
      reservationId: `${name}-${i}`,
      amountNanoUsd: 1_000,
      keys: [{ key, limitNanoUsd: 1e15 }],
    })
    await store.spend.settle(`${name}-${i}`, 900)
  }
  process.send?.(performance.now() - t0)
  await store.close()
}

export async function budgetContention(processes: number, pairs: number): Promise<Row[]> {
  const schema = `bench_contention_${process.pid}`
  await (await createPostgresStore({ connectionString: postgresURL, schema })).close()
  const children = Array.from({ length: processes }, (_, i) =>
    fork(new URL(import.meta.url), [schema, `p${i}`, String(pairs)]),
  )
  await Promise.all(children.map((c) => new Promise((resolve) => c.once('message', resolve))))
  const t0 = performance.now()
  const done = children.map((c) => new Promise((resolve) => c.once('message', resolve)))
  for (const c of children) c.send('go')
  await Promise.all(done)
  const seconds = (performance.now() - t0) / 1000
  const pool = new Pool({ connectionString: postgresURL })
  await pool.query(`drop schema if exists "${schema}" cascade`)
  await pool.end()
  return [
    {
      scenario: 'budget contention',
      subject: `PostgreSQL, ${processes} processes, one counter`,
      numbers: {
        pairs: processes * pairs,
        'reserve+settle pairs/s': Math.round((processes * pairs) / seconds),
      },
      goal: 'no number set in the issue',
    },
  ]
}

if (process.argv[2] && process.send) await child(process.argv[2], process.argv[3]!, Number(process.argv[4]))

// Scenario 3: usage records per second into SQLite (one writer) and PostgreSQL (4 writers, each
// in a schema of its own), with benchmarkStoreWrites in batches of 2,000; and conversation sends
// persisted to SQLite.
import { benchmarkStoreWrites } from '@aimux/ai-testing'
import { createPostgresStore } from '@aimux/store-postgres'
import { createSqliteStore } from '@aimux/store-sqlite'
import { Pool } from 'pg'
import { goal, type Row, round, type Servers, timeCalls } from './measure.ts'
import { aimux, sqlitePath } from './subjects.ts'

/**
 * Records a batch: what the core's usage sink writes at once when records come faster than it
 * writes them (its maxBatch), as they do at the rates measured here.
 */
const batchSize = 2_000

/** The local test database (see scripts/ensure-postgres.sh). */
export const postgresURL = 'postgres://postgres@127.0.0.1:5432/aimux_test'

/** Parses benchmarkStoreWrites' lines ("label: N unit in S s, R unit/s") into label -> per second. */
function collect(lines: string[]): Map<string, number> {
  const rates = new Map<string, number>()
  for (const line of lines) {
    const match = /^(.*?)(?:, batches of \d+)?: .* (\d+) \w+\/s$/.exec(line)
    if (match) rates.set(match[1]!, (rates.get(match[1]!) ?? 0) + Number(match[2]))
  }
  return rates
}

function rows(subject: string, rates: Map<string, number>, goalRate: number): Row[] {
  const batched = rates.get('usage records') ?? 0
  return [
    {
      scenario: 'store writes',
      subject,
      numbers: {
        'batched records/s': batched,
        'single-record txn/s': rates.get('usage records, one per transaction') ?? 0,
        'reserve+settle pairs/s': rates.get('reserve + settle') ?? 0,
      },
      ...goal(`>= ${goalRate.toLocaleString('en')} batched records/s`, batched >= goalRate),
    },
  ]
}

export async function storeThroughput(servers: Servers, records: number, sends: number): Promise<Row[]> {
  const lite: string[] = []
  const sqlite = await createSqliteStore({ path: sqlitePath() })
  await benchmarkStoreWrites(sqlite, {
    records,
    batchSize,
    reservations: 2_000,
    log: (line) => lite.push(line),
  })
  await sqlite.close()

  const writers = 4
  const pg: string[] = []
  const schemas = Array.from({ length: writers }, (_, i) => `bench_${process.pid}_${i}`)
  const pool = new Pool({ connectionString: postgresURL, max: writers * 2 })
  const stores = await Promise.all(schemas.map((schema) => createPostgresStore({ pool, schema })))
  await Promise.all(
    stores.map((store) =>
      benchmarkStoreWrites(store, {
        records: Math.ceil(records / writers),
        batchSize,
        reservations: 500,
        log: (line) => pg.push(line),
      }),
    ),
  )
  await Promise.all(stores.map((store) => store.close()))
  for (const schema of schemas) await pool.query(`drop schema if exists "${schema}" cascade`)
  await pool.end()

  const ai = await aimux('SQLite', servers.ok, { defaultModel: 'openai:gpt-4o-mini' })
  // A fresh conversation every 10 sends, so the history each send carries stays short.
  let chat = await ai.conversation({ userId: 'u1', title: 'bench' })
  let sent = 0
  const send = async () => {
    if (sent++ % 10 === 0) chat = await ai.conversation({ userId: 'u1', title: 'bench' })
    return chat.send('Hello')
  }
  await servers.top(sends + 50)
  for (let i = 0; i < 50; i++) await send()
  const t = await timeCalls(send, sends)
  await ai.close()

  return [
    ...rows('SQLite, 1 writer', collect(lite), 80_000),
    ...rows(`PostgreSQL, ${writers} writers (sum)`, collect(pg), 50_000),
    {
      scenario: 'conversation send',
      subject: 'aimux, SQLite, persisted',
      numbers: {
        sends,
        'sends/s': Math.round((sends / t.wallMs) * 1000),
        'ms/send': round(t.wallMs / sends, 3),
      },
    },
  ]
}

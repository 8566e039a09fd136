import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type AI, createAI, type Plugin } from '@aimux/ai-core'
import { mockProvider } from '@aimux/ai-testing'
import { postgresStore } from '@aimux/store-postgres'
import { sqliteStore } from '@aimux/store-sqlite'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { createManualClock } from './manual-clock.js'
import { schedule } from './schedule.js'

const HOUR = 3_600_000
const DAY = 24 * HOUR
const databaseUrl = process.env.AIMUX_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/aimux_test'
const dir = mkdtempSync(join(tmpdir(), 'aimux-schedule-'))
const schemas: string[] = []

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true })
  if (schemas.length === 0) return
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  } finally {
    await client.end()
  }
})

/** A provider whose listModels() calls, by every instance, add to one count. */
function countedProvider(counter: { calls: number }): Plugin {
  const mock = mockProvider({ id: 'counted' })
  return {
    name: 'counted',
    setup(host) {
      host.registerProvider({
        ...mock.adapter,
        async listModels(ctx) {
          counter.calls++
          return mock.adapter.listModels!(ctx)
        },
      })
    },
  }
}

/**
 * Four instances on one store, one clock: through the start and four more hourly slots, model
 * sync runs once a slot in total; a retention day's run deletes the old conversations once.
 */
async function runsOnceAcrossInstances(store: () => Plugin) {
  // 10:30 UTC on a day after today: conversations created now are older than its slots.
  const day = Math.ceil(Date.now() / DAY) * DAY
  const clock = createManualClock(day + 10.5 * HOUR)
  const lastSlot = new Date(day + 14 * HOUR)
  const counter = { calls: 0 }
  const instances: AI[] = []
  try {
    for (let i = 0; i < 4; i++)
      instances.push(
        await createAI({
          plugins: [
            countedProvider(counter),
            store(),
            schedule({
              clock,
              instanceId: `instance-${i}`,
              retention: { conversations: { olderThanDays: 1, action: 'delete' } },
            }),
          ],
        }),
      )
    await clock.advance(0)
    expect(counter.calls).toBe(1)
    await clock.advance(4 * HOUR)
    expect(counter.calls).toBe(5)
    const ran = instances.map((ai) => ai.schedule.status()['models.sync']?.lastRun?.slot?.getTime())
    // Each slot ran on one instance: the five slots' runs are spread over the instances' statuses.
    expect(ran.filter((slot) => slot === lastSlot.getTime())).toHaveLength(1)
    const latest = await instances[0]!.store.jobs.latest('models.sync')
    expect(latest).toMatchObject({ slot: lastSlot, finishedAt: expect.any(Date) })

    // Retention ran once for today at the start; tomorrow's slot deletes what is older than a day.
    const retentionRuns = instances.filter((ai) => ai.schedule.status().retention?.lastRun).length
    expect(retentionRuns).toBe(1)
    await instances[0]!.store.conversations.createConversation({ id: `c-${randomUUID()}` })
    const events: number[] = []
    for (const ai of instances)
      ai.on('schedule:run', (event) => {
        if (event.job === 'retention')
          events.push((event.result as { conversations: { deleted: number } }).conversations.deleted)
      })
    // The conversation's updatedAt is the wall clock: more than a day before the next retention slot.
    await clock.advance(DAY)
    expect(events).toEqual([1])
  } finally {
    await Promise.all(instances.map((ai) => ai.close()))
  }
}

describe('several instances on one store run each slot once', () => {
  it('on one SQLite file', async () => {
    const path = join(dir, 'shared.db')
    await runsOnceAcrossInstances(() => sqliteStore({ path }))
  })

  it('on one PostgreSQL schema', async () => {
    const schema = `aimux_test_${randomUUID().replaceAll('-', '')}`
    schemas.push(schema)
    await runsOnceAcrossInstances(() => postgresStore({ connectionString: databaseUrl, schema }))
  })
})

import { setTimeout as sleep } from 'node:timers/promises'
import type { LineWorker } from '@aimux/ai-testing'
import { postgresStore } from '@aimux/store-postgres'
import { afterAll, expect, it } from 'vitest'
import { dropSchemas, freshSchemaName, testDatabaseUrl } from '../../store-postgres/test/test-database.js'
import { startWorker } from '../test/processes/worker.js'
import {
  chatCalls,
  closeServers,
  connectionTo,
  fakeMasterKey,
  type Keyed,
  rotatingAI,
  startKeyedServers,
} from '../test/test-fixtures.js'

const schema = freshSchemaName()
afterAll(() => dropSchemas([schema]))

const REFRESH_MS = 100

it('shares cooldowns and disables between two processes on PostgreSQL', async () => {
  const servers = await startKeyedServers(['a', 'b', 'c'])
  const { a, b, c } = servers as { a: Keyed; b: Keyed; c: Keyed }
  const masterKey = fakeMasterKey()
  const workers: LineWorker[] = []
  try {
    const admin = await rotatingAI(
      { masterKey },
      { plugins: [postgresStore({ connectionString: testDatabaseUrl, schema })] },
    )
    await admin.connections.add(connectionTo(a, { priority: 2 }))
    await admin.connections.add(connectionTo(b, { priority: 1 }))
    await admin.connections.add(connectionTo(c))
    await admin.close()

    for (let i = 0; i < 2; i++)
      workers.push(
        startWorker('./rotation-worker.ts', [testDatabaseUrl, schema, `${REFRESH_MS}`], {
          AIMUX_MASTER_KEY: masterKey,
        }),
      )
    const [first, second] = workers as [LineWorker, LineWorker]
    // Both have loaded the connections, all healthy, before anything happens.
    expect(await first.nextLine()).toBe('ready')
    expect(await second.nextLine()).toBe('ready')

    a.server.enqueue({ error: { status: 429, retryAfterMs: 120_000 } })
    b.server.enqueue({ error: { status: 401 } })
    c.server.enqueue({ text: 'from c' }, { text: 'from c' })

    first.send('call')
    expect(JSON.parse(await first.nextLine())).toEqual({ text: 'from c', connectionId: 'c' })

    // The second process reloads once its view is older than refreshMs, and skips both at once.
    await sleep(REFRESH_MS + 50)
    second.send('call')
    expect(JSON.parse(await second.nextLine())).toEqual({ text: 'from c', connectionId: 'c' })
    expect([chatCalls(a), chatCalls(b), chatCalls(c)]).toEqual([1, 1, 2])

    second.send('health')
    const health = JSON.parse(await second.nextLine()) as Record<string, unknown>[]
    expect(health.find((h) => h.connectionId === 'a')).toMatchObject({ coolingDown: true, failures: 1 })
    expect(health.find((h) => h.connectionId === 'b')).toMatchObject({
      status: 'disabled',
      disabledReason: 'openai: 401 Incorrect API key provided.',
    })
    expect(health.find((h) => h.connectionId === 'c')).toMatchObject({ successes: 2 })

    for (const worker of workers) worker.end()
    for (const worker of workers) expect(await worker.exited).toEqual({ code: 0, signal: null })
  } finally {
    for (const worker of workers) worker.child.kill()
    await closeServers(servers)
  }
}, 60_000)

import { afterAll, expect, it } from 'vitest'
import { startWorker } from '../test/processes/worker.js'
import { dropSchemas, freshSchemaName, testDatabaseUrl } from '../test/test-database.js'
import { createPostgresStore } from './postgres-store.js'

const schema = freshSchemaName()
afterAll(() => dropSchemas([schema]))

it('keeps every usage record a process acknowledged before it was killed with SIGKILL', async () => {
  const tenantId = 'tenant-crash'
  const writer = startWorker('./usage-writer.ts', [testDatabaseUrl, schema, tenantId])
  const acknowledged: string[] = []
  while (acknowledged.length < 500) acknowledged.push(...(await writer.nextLine()).split(','))
  writer.child.kill('SIGKILL')
  expect(await writer.exited).toEqual({ code: null, signal: 'SIGKILL' })

  const store = await createPostgresStore({ connectionString: testDatabaseUrl, schema })
  try {
    const missing = []
    for (const requestId of acknowledged)
      if (!(await store.usage.getUsage(requestId))) missing.push(requestId)
    expect(missing).toEqual([])
    const [total] = await store.usage.queryUsage({
      from: new Date(0),
      to: new Date(Date.now() + 60_000),
      tenantId,
    })
    expect(total!.requests).toBeGreaterThanOrEqual(acknowledged.length)
    expect(total!.requests % 10).toBe(0)
    expect(total!.costNanoUsd).toBe(total!.requests * 1_234)
  } finally {
    await store.close()
  }
}, 60_000)

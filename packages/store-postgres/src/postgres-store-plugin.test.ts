import { checkSecondStoreRefused, checkStorePlugin } from '@aimux/ai-testing/conformance'
import { Client } from 'pg'
import { afterAll, expect, it } from 'vitest'
import { dropSchemas, freshSchemaName, testDatabaseUrl } from '../test/test-database.js'
import { createPostgresStore } from './postgres-store.js'
import { postgresStore } from './postgres-store-plugin.js'

const schema = freshSchemaName()
afterAll(() => dropSchemas([schema]))

it('registers the store, keeps what an instance wrote, and ends its pool with the instance', async () => {
  await checkStorePlugin({
    plugin: postgresStore({ connectionString: testDatabaseUrl, schema }),
    storeName: 'postgres',
    afterClose: (closed) =>
      expect(closed.conversations.getConversation('c1')).rejects.toMatchObject({
        code: 'store',
        message: expect.stringMatching(/after calling end on the pool/),
      }),
    open: () => createPostgresStore({ connectionString: testDatabaseUrl, schema }),
  })
})

it('ends the pool it opened when another store plugin is already registered', async () => {
  const applicationName = `aimux-${freshSchemaName()}`
  const url = new URL(testDatabaseUrl)
  url.searchParams.set('application_name', applicationName)
  await checkSecondStoreRefused(postgresStore({ connectionString: url.href, schema }))
  const client = new Client({ connectionString: testDatabaseUrl })
  await client.connect()
  const { rows } = await client.query(
    'SELECT count(*)::int AS open FROM pg_stat_activity WHERE application_name = $1',
    [applicationName],
  )
  await client.end()
  expect(rows).toEqual([{ open: 0 }])
})

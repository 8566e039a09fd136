import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createAI, type Plugin } from '@aimux/ai-core'
import { startLineWorker } from '@aimux/ai-testing'
import { postgresStore } from '@aimux/store-postgres'
import { sqliteStore } from '@aimux/store-sqlite'
import { afterAll, expect, it } from 'vitest'
import { dropSchemas, freshSchemaName, testDatabaseUrl } from '../../store-postgres/test/test-database.js'
import { startWebhookReceiver } from '../test/webhook-receiver.js'
import { webhooks } from './webhooks.js'

const secret = 'whsec_crash_test_secret'
const hooks = new URL('../../ai-testing/test/workspace-source-hooks.ts', import.meta.url).href
const dir = mkdtempSync(join(tmpdir(), 'aimux-webhooks-crash-'))
const schema = freshSchemaName()
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true })
  await dropSchemas([schema])
})

const path = join(dir, 'outbox.db')
const targets: [string, string[], () => Plugin][] = [
  ['SQLite', ['sqlite', path], () => sqliteStore({ path })],
  [
    'PostgreSQL',
    ['postgres', testDatabaseUrl, schema],
    () => postgresStore({ connectionString: testDatabaseUrl, schema }),
  ],
]

it.each(targets)(
  'delivers, exactly once, what a process killed with SIGKILL left in the outbox (%s)',
  async (_, args, store) => {
    const receiver = await startWebhookReceiver(secret)
    try {
      const writer = startLineWorker(
        new URL('../test/processes/outbox-writer.ts', import.meta.url),
        [...args, receiver.url],
        { execArgv: ['--import', hooks], env: { WEBHOOK_SECRET: secret } },
      )
      const id = await writer.nextLine()
      writer.child.kill('SIGKILL')
      expect(await writer.exited).toEqual({ code: null, signal: 'SIGKILL' })
      expect(receiver.received).toEqual([])

      const ai = await createAI({
        plugins: [
          store(),
          webhooks({ endpoints: [{ id: 'ops', url: receiver.url, secret, events: ['error'] }] }),
        ],
      })
      try {
        await receiver.nth(1)
        await ai.webhooks.drain()
        await ai.webhooks.drain()
        expect(receiver.received.map((d) => [d.id, d.verified])).toEqual([[id, true]])
        expect(JSON.parse(receiver.received[0]!.body)).toMatchObject({ id, type: 'error' })
        expect(await ai.webhooks.deliveries()).toMatchObject([{ id, status: 'delivered', attempts: 1 }])
      } finally {
        await ai.close()
      }
    } finally {
      await receiver.close()
    }
  },
  60_000,
)

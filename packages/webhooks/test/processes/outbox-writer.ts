// Writes one webhook delivery to the outbox and then waits to be killed (crash.test.ts):
// outbox-writer.ts sqlite <path> <receiver url> | outbox-writer.ts postgres <url> <schema> <receiver url>
// Its webhooks plugin only writes (deliver: false), so the delivery is in the store, not sent,
// when the test kills it. It prints the delivery's id once the write is done.
import { createAI } from '@aimux/ai-core'
import { mockProvider } from '@aimux/ai-testing'
import { postgresStore } from '@aimux/store-postgres'
import { sqliteStore } from '@aimux/store-sqlite'
import { webhooks } from '../../src/webhooks.js'

const [kind, ...args] = process.argv.slice(2) as [string, ...string[]]
const store =
  kind === 'sqlite'
    ? sqliteStore({ path: args[0]! })
    : postgresStore({ connectionString: args[0]!, schema: args[1]! })
const url = args.at(-1)!
const mock = mockProvider()
const ai = await createAI({
  plugins: [
    store,
    mock,
    webhooks({
      endpoints: [{ id: 'ops', url, secret: process.env.WEBHOOK_SECRET!, events: ['error'] }],
      deliver: false,
    }),
  ],
  defaultModel: 'mock:mock-model',
  retry: false,
})
mock.enqueue({ error: { status: 400, message: 'refused' } })
await ai.chat({ messages: [{ role: 'user', content: 'hi' }] }).catch(() => undefined)
await ai.flush()
const [delivery] = await ai.webhooks.deliveries()
process.stdout.write(`${delivery!.id}\n`)
setInterval(() => {}, 60_000)

// One app instance sharing connections through PostgreSQL:
// node --import ./source-hooks.ts rotation-worker.ts <url> <schema> <refreshMs>
// The master key comes from AIMUX_MASTER_KEY. Prints "ready" once started, then answers each
// line on stdin: "call" prints the answer and the connection its usage record names, "health"
// prints ai.connections.health(); at the end of stdin it closes the instance.
import { createInterface } from 'node:readline'
import { createAI } from '@aimux/ai-core'
import { openai } from '@aimux/ai-openai'
import { postgresStore } from '@aimux/store-postgres'
import { rotation } from '../../src/rotation.js'

const [connectionString, schema, refreshMs] = process.argv.slice(2) as [string, string, string]
const ai = await createAI({
  plugins: [
    openai({ apiKey: 'sk-adapter-own-key-unused', baseURL: 'http://127.0.0.1:9/v1' }),
    rotation({ refreshMs: Number(refreshMs) }),
    postgresStore({ connectionString, schema }),
  ],
  defaultModel: 'openai:gpt-4o-mini',
  retry: false,
})
console.log('ready')

for await (const line of createInterface({ input: process.stdin })) {
  try {
    if (line === 'call') {
      const res = await ai.chat({ messages: [{ role: 'user', content: 'Hi' }] })
      const usage = await ai.usage.get(res.requestId)
      console.log(JSON.stringify({ text: res.text, connectionId: usage?.connectionId }))
    } else if (line === 'health') {
      console.log(JSON.stringify(await ai.connections.health()))
    }
  } catch (error) {
    console.log(JSON.stringify({ error: (error as Error).message }))
  }
}
await ai.close()

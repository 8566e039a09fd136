// One of several processes counting requests against one rate limit in one Redis
// (multi-process.test.ts): acquire-worker.ts <url> <prefix>. Prints "ready", reads its workload
// as one line of JSON, makes every acquire at once, and prints what it was answered.
import { createInterface } from 'node:readline'
import type { RateLimitCheck } from '@aimux/ai-core/store-kit'
import { createRedisState } from '../../src/redis-state.js'

const [url, prefix] = process.argv.slice(2) as [string, string]
const state = await createRedisState({ url, prefix, share: { responseCache: false, circuits: false } })
console.log('ready')
const { attempts, at, checks } = JSON.parse(await firstLine()) as {
  attempts: number
  at: number
  checks: RateLimitCheck[]
}
const decisions = await Promise.all(
  Array.from({ length: attempts }, (_, i) => state.rateLimits!.acquire(checks, at + (i % 1_000))),
)
await state.close()
console.log(
  JSON.stringify({
    admitted: decisions.filter((d) => d.ok).length,
    refused: decisions.filter((d) => !d.ok && d.check === 0 && d.waitMs > 0).length,
  }),
)

async function firstLine(): Promise<string> {
  for await (const line of createInterface({ input: process.stdin })) return line
  throw new Error('stdin closed before the workload arrived')
}

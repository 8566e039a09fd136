// One of several processes asking one half-open circuit in one Redis for calls
// (multi-process.test.ts): admit-worker.ts <url> <prefix>. Prints "ready", reads its workload as
// one line of JSON, makes every admit at once, and prints how many trials and changes it got.
import { createInterface } from 'node:readline'
import type { CircuitSettings } from '@aimux/ai-core/store-kit'
import { createRedisState } from '../../src/redis-state.js'

const [url, prefix] = process.argv.slice(2) as [string, string]
const state = await createRedisState({ url, prefix, share: { rateLimits: false, responseCache: false } })
console.log('ready')
const { key, settings, at, calls } = JSON.parse(await firstLine()) as {
  key: string
  settings: CircuitSettings
  at: number
  calls: number
}
const admissions = await Promise.all(
  Array.from({ length: calls }, () => state.circuits!.admit(key, settings, at)),
)
await state.close()
console.log(
  JSON.stringify({
    trials: admissions.filter((a) => a.ok && a.trial).length,
    admittedOtherwise: admissions.filter((a) => a.ok && !a.trial).length,
    halfOpened: admissions.flatMap((a) => a.changes).filter((c) => c.to === 'half-open').length,
  }),
)

async function firstLine(): Promise<string> {
  for await (const line of createInterface({ input: process.stdin })) return line
  throw new Error('stdin closed before the workload arrived')
}

import type { CircuitSettings, RateLimitCheck } from '@aimux/ai-core/store-kit'
import { afterAll, expect, it } from 'vitest'
import { runWorkers, startWorker } from '../test/processes/worker.js'
import { dropPrefixes, freshPrefix, testRedisUrl } from '../test/test-redis.js'
import { createRedisState } from './redis-state.js'

const prefixes: string[] = []
afterAll(() => dropPrefixes(prefixes))

const workers = 4
const T = 1_700_000_000_000

it(`lets ${workers} processes hammering one limit of 100 a minute admit 100 in all, never more`, async () => {
  const prefix = freshPrefix()
  prefixes.push(prefix)
  const checks: RateLimitCheck[] = [
    { key: 'user:shared', window: 'minute', kind: 'requests', max: 100 },
    { key: 'tenant:shared', window: 'day', kind: 'requests', max: 10_000 },
  ]
  const results = await runWorkers<{ admitted: number; refused: number }>(
    workers,
    () => startWorker('./acquire-worker.ts', [testRedisUrl, prefix]),
    // Each asks 75 times, within one second of the caller's clock: 300 for a limit of 100.
    () => ({ attempts: 75, at: T, checks }),
  )
  expect(results.reduce((sum, r) => sum + r.admitted, 0)).toBe(100)
  expect(results.reduce((sum, r) => sum + r.refused, 0)).toBe(workers * 75 - 100)
  // Every admitted request was counted once on the day's window too.
  const state = await createRedisState({ url: testRedisUrl, prefix })
  try {
    expect(await state.rateLimits!.acquire([{ ...checks[1]!, max: 101 }], T + 2_000)).toEqual({ ok: true })
    expect(await state.rateLimits!.acquire([{ ...checks[1]!, max: 101 }], T + 2_000)).toMatchObject({
      ok: false,
    })
  } finally {
    await state.close()
  }
}, 120_000)

it(`gives a half-open circuit exactly one trial call across ${workers} processes`, async () => {
  const prefix = freshPrefix()
  prefixes.push(prefix)
  const key = 'openai:gpt-4o-mini'
  const settings: CircuitSettings = { failureRate: 0.5, minRequests: 1, windowMs: 60_000, openMs: 30_000 }
  const state = await createRedisState({ url: testRedisUrl, prefix })
  try {
    expect(await state.circuits!.record(key, { ok: false, trial: false }, settings, T)).toEqual([
      { from: 'closed', to: 'open', failureRate: 1 },
    ])
    const results = await runWorkers<{ trials: number; admittedOtherwise: number; halfOpened: number }>(
      workers,
      () => startWorker('./admit-worker.ts', [testRedisUrl, prefix]),
      () => ({ key, settings, at: T + 30_000, calls: 25 }),
    )
    expect(results.reduce((sum, r) => sum + r.trials, 0)).toBe(1)
    expect(results.reduce((sum, r) => sum + r.admittedOtherwise, 0)).toBe(0)
    // One process moved it to half-open, and only that one emits the change.
    expect(results.reduce((sum, r) => sum + r.halfOpened, 0)).toBe(1)
    expect(await state.circuits!.record(key, { ok: true, trial: true }, settings, T + 31_000)).toEqual([
      { from: 'half-open', to: 'closed', failureRate: 0 },
    ])
  } finally {
    await state.close()
  }
}, 120_000)

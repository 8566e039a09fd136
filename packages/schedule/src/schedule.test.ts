import { type AimuxEvents, createAI, createMemoryStore, type Plugin, type Store } from '@aimux/ai-core'
import { mockProvider } from '@aimux/ai-testing'
import { usageRecord } from '@aimux/ai-testing/conformance'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createManualClock, type ManualClock } from './manual-clock.js'
import { schedule } from './schedule.js'
import type { ScheduleOptions } from './schedule-options.js'

const HOUR = 3_600_000
const DAY = 24 * HOUR
/** 10:30 UTC: half an hour into a slot. */
const start = new Date('2026-12-01T10:30:00.000Z')

/** A provider whose listModels() calls are counted, and fail while `failing` is set. */
function countingProvider() {
  const mock = mockProvider({ id: 'counted' })
  const counter = { calls: 0, failing: false }
  const plugin: Plugin = {
    name: 'counted',
    setup(host) {
      host.registerProvider({
        ...mock.adapter,
        async listModels(ctx) {
          counter.calls++
          if (counter.failing) throw new Error('listing failed')
          return mock.adapter.listModels!(ctx)
        },
      })
    },
  }
  return { plugin, counter }
}

const open: { close(): Promise<void> }[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((ai) => ai.close()))
})

async function instance(options: ScheduleOptions, clock: ManualClock, store?: Store) {
  const provider = countingProvider()
  const storePlugin: Plugin[] = store ? [{ name: 'store', setup: (host) => host.registerStore(store) }] : []
  const ai = await createAI({ plugins: [provider.plugin, ...storePlugin, schedule({ ...options, clock })] })
  open.push(ai)
  const runs: AimuxEvents['schedule:run'][] = []
  ai.on('schedule:run', (event) => {
    runs.push(event)
  })
  return { ai, counter: provider.counter, runs }
}

describe('model sync', () => {
  it('syncs once at start and then once an hour, on the hour, by default', async () => {
    const clock = createManualClock(start)
    const { ai, counter } = await instance({}, clock)
    await clock.advance(0)
    expect(counter.calls).toBe(1)
    await clock.advance(29 * 60_000)
    expect(counter.calls).toBe(1)
    await clock.advance(60_000)
    expect(counter.calls).toBe(2)
    await clock.advance(5 * HOUR)
    expect(counter.calls).toBe(7)
    const status = ai.schedule.status()['models.sync']!
    expect(status).toMatchObject({
      everyMs: HOUR,
      running: false,
      nextRunAt: new Date('2026-12-01T17:00:00.000Z'),
    })
    expect(status.lastRun).toMatchObject({ ok: true, slot: new Date('2026-12-01T16:00:00.000Z') })
    expect(ai.schedule.status()).not.toHaveProperty('retention')
  })

  it('follows the interval given, and none when modelSync is false', async () => {
    const clock = createManualClock(start)
    const every15 = await instance({ modelSync: { everyMs: 15 * 60_000 } }, clock)
    const off = await instance({ modelSync: false }, clock)
    await clock.advance(HOUR)
    // 10:30, 10:45, 11:00, 11:15, 11:30.
    expect(every15.counter.calls).toBe(5)
    expect(off.counter.calls).toBe(0)
    expect(off.ai.schedule.status()).toEqual({})
  })

  it('reports a failing run in status() and an event, keeps going and runs it again at the next slot', async () => {
    const clock = createManualClock(start)
    const { ai, counter, runs } = await instance({}, clock)
    counter.failing = true
    await clock.advance(0)
    const failed = ai.schedule.status()['models.sync']!
    expect(failed.lastRun).toMatchObject({ ok: false, slot: new Date('2026-12-01T10:00:00.000Z') })
    expect(failed.lastError?.message).toMatch(/models\.sync failed for counted: .*listing failed/)
    expect(runs).toMatchObject([{ job: 'models.sync', ok: false }])
    expect(await ai.store.jobs.latest('models.sync')).toMatchObject({
      error: expect.stringMatching(/listing failed/),
    })
    counter.failing = false
    await clock.advance(30 * 60_000)
    expect(counter.calls).toBe(2)
    const recovered = ai.schedule.status()['models.sync']!
    expect(recovered.lastRun).toMatchObject({ ok: true, slot: new Date('2026-12-01T11:00:00.000Z') })
    expect(recovered.lastError).toBeDefined()
    expect(runs.map((r) => r.ok)).toEqual([false, true])
  })

  it('runs a job now on request, and stops its timers on stop() and on close', async () => {
    const clock = createManualClock(start)
    const { ai, counter } = await instance({}, clock)
    await expect(ai.schedule.runNow('models.sync')).resolves.toEqual({ models: 1, providers: ['counted'] })
    expect(counter.calls).toBe(1)
    await expect(ai.schedule.runNow('retention')).rejects.toMatchObject({ code: 'config' })
    await ai.schedule.stop()
    await clock.advance(3 * HOUR)
    expect(counter.calls).toBe(1)
    expect(clock.pending).toBe(0)
    expect(ai.schedule.status()['models.sync']).not.toHaveProperty('nextRunAt')
  })

  it('never overlaps a run of itself: a slot that comes while it runs is skipped, runNow() waits', async () => {
    const clock = createManualClock(start)
    const { ai } = await instance({ modelSync: { everyMs: 60_000 } }, clock)
    const sync = ai.models.sync.bind(ai.models)
    const releases: (() => void)[] = []
    ai.models.sync = async (options) => {
      await new Promise<void>((resolve) => releases.push(resolve))
      return sync(options)
    }
    const first = clock.advance(0)
    await vi.waitFor(() => expect(releases).toHaveLength(1))
    expect(ai.schedule.status()['models.sync']?.running).toBe(true)
    // The next two slots come while the first run is blocked: both are skipped.
    await clock.advance(120_000)
    const during = ai.schedule.runNow('models.sync')
    await new Promise((resolve) => setImmediate(resolve))
    expect(releases).toHaveLength(1)
    releases[0]!()
    await first
    await vi.waitFor(() => expect(releases).toHaveLength(2))
    releases[1]!()
    await during
    expect(releases).toHaveLength(2)
    expect(ai.schedule.status()['models.sync']?.lastRun).not.toHaveProperty('slot')
  })
})

describe('retention', () => {
  const memoryStore = () => createMemoryStore()

  it('deletes or archives conversations by last activity, per tenant', async () => {
    const store = memoryStore()
    const make = (id: string, tenantId?: string) => store.conversations.createConversation({ id, tenantId })
    await Promise.all([make('old-a', 'a'), make('old-b', 'b'), make('old-none'), make('old-keep', 'keep')])
    // Created now (wall clock); the manual clock starts 40 days later.
    const clock = createManualClock(Date.now() + 40 * DAY)
    const { ai, runs } = await instance(
      {
        modelSync: false,
        retention: {
          conversations: {
            olderThanDays: 30,
            action: 'delete',
            tenants: { b: { olderThanDays: 35, action: 'archive' }, keep: { olderThanDays: 365 } },
          },
        },
      },
      clock,
      store,
    )
    await clock.advance(0)
    expect(runs).toMatchObject([
      { job: 'retention', ok: true, result: { conversations: { deleted: 2, archived: 1 }, usageRecords: 0 } },
    ])
    expect(await store.conversations.getConversation('old-a')).toBeUndefined()
    expect(await store.conversations.getConversation('old-none')).toBeUndefined()
    expect(await store.conversations.getConversation('old-b')).toMatchObject({ archivedAt: clock.now() })
    expect(await store.conversations.getConversation('old-keep')).not.toHaveProperty('archivedAt')
    const listed = await store.conversations.listConversations({})
    expect(listed.items.map((c) => c.id)).toEqual(['old-keep'])
    expect(ai.schedule.status().retention).toMatchObject({ everyMs: DAY })
  })

  it('compacts usage records past keepRecordsDays, keeping the per-day totals', async () => {
    const store = memoryStore()
    const at = (day: number) => new Date(Date.UTC(2026, 10, day, 12))
    await store.usage.recordUsage([
      usageRecord({ createdAt: at(1), costNanoUsd: 7 }),
      usageRecord({ createdAt: at(1), costNanoUsd: 11, model: 'other' }),
      usageRecord({ createdAt: at(20), costNanoUsd: 13 }),
    ])
    const query = {
      from: new Date(Date.UTC(2026, 10, 1)),
      to: new Date(Date.UTC(2026, 11, 1)),
      groupBy: ['day', 'model'] as ['day', 'model'],
      percentiles: false as const,
    }
    const before = await store.usage.queryUsage(query)
    const clock = createManualClock(new Date('2026-12-01T00:00:00.000Z'))
    const { runs } = await instance(
      { modelSync: false, retention: { usage: { keepRecordsDays: 15 } } },
      clock,
      store,
    )
    await clock.advance(0)
    expect(runs).toMatchObject([{ ok: true, result: { usageRecords: 2 } }])
    expect(await store.usage.queryUsage(query)).toEqual(before)
    expect(before.reduce((sum, row) => sum + row.costNanoUsd, 0)).toBe(31)
    const [exact] = await store.usage.queryUsage({ from: query.from, to: query.to })
    expect(exact).toMatchObject({ requests: 1, costNanoUsd: 13 })
  })
})

describe('options', () => {
  it('serves one instance', async () => {
    const plugin = schedule({ modelSync: false })
    const ai = await createAI({ plugins: [plugin] })
    open.push(ai)
    await expect(createAI({ plugins: [plugin] })).rejects.toMatchObject({ code: 'config' })
  })

  it('names the wrong field', () => {
    expect(() => schedule({ modelSync: { everyMs: 10 } })).toThrow(
      /modelSync\.everyMs: must be at least 1000/,
    )
    expect(() =>
      schedule({ retention: { conversations: { tenants: { t: { olderThanDays: 0 } } } } }),
    ).toThrow(/retention\.conversations\.tenants\.t\.olderThanDays: must be more than 0 days/)
    expect(() => schedule({ retention: { usage: {} } } as never)).toThrow(/retention\.usage\.keepRecordsDays/)
    expect(() => schedule({ clock: {} } as never)).toThrow(/clock: must have now\(\)/)
  })
})

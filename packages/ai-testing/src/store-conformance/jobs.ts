import { randomUUID } from 'node:crypto'
import type { Store } from '@aimux/ai-core'
import { beforeEach, describe, expect, it } from 'vitest'

const slot = new Date('2026-12-01T10:00:00.000Z')
const at = (ms: number) => new Date(slot.getTime() + ms)
/** A claim of `slot` by `owner` at `startedAt`, its lease five minutes long. */
const claim = (job: string, owner: string, startedAt = at(123), when = slot) => ({
  job,
  slot: when,
  owner,
  startedAt,
  leaseUntil: new Date(startedAt.getTime() + 300_000),
})

/** Scheduled job runs: each slot of a job claimed once, its end recorded, an abandoned lease taken over. */
export function jobsSuite(currentStore: () => Store): void {
  describe('job runs', () => {
    let store: Store
    let job: string

    beforeEach(() => {
      store = currentStore()
      job = `job-${randomUUID()}`
    })

    it('lets exactly one of several claims of one slot at once win', async () => {
      const owners = ['a', 'b', 'c', 'd']
      const won = await Promise.all(owners.map((owner) => store.jobs.claim(claim(job, owner))))
      expect(won.filter(Boolean)).toHaveLength(1)
      const winner = owners[won.indexOf(true)]!
      expect(await store.jobs.latest(job)).toEqual(claim(job, winner))
      expect(await store.jobs.claim(claim(job, 'e', at(1_000)))).toBe(false)
    })

    it('claims a later slot, and reads the latest one back', async () => {
      expect(await store.jobs.claim(claim(job, 'a'))).toBe(true)
      const next = at(3_600_000)
      expect(await store.jobs.claim(claim(job, 'b', next, next))).toBe(true)
      expect(await store.jobs.latest(job)).toMatchObject({ slot: next, owner: 'b' })
      expect(await store.jobs.latest(`other-${job}`)).toBeUndefined()
    })

    it('records the end and the error of a run; a finished slot stays taken', async () => {
      await store.jobs.claim(claim(job, 'a'))
      await store.jobs.finish({ job, slot, owner: 'b', finishedAt: at(500), error: 'not mine' })
      expect(await store.jobs.latest(job)).not.toHaveProperty('finishedAt')
      await store.jobs.finish({ job, slot, owner: 'a', finishedAt: at(456), error: 'sync failed' })
      expect(await store.jobs.latest(job)).toEqual({
        ...claim(job, 'a'),
        finishedAt: at(456),
        error: 'sync failed',
      })
      expect(await store.jobs.claim(claim(job, 'b', at(86_400_000)))).toBe(false)
    })

    it('takes over an unfinished run only once its lease ended', async () => {
      await store.jobs.claim(claim(job, 'a'))
      expect(await store.jobs.claim(claim(job, 'b', at(299_999)))).toBe(false)
      expect(await store.jobs.claim(claim(job, 'b', at(300_123)))).toBe(true)
      expect(await store.jobs.latest(job)).toEqual(claim(job, 'b', at(300_123)))
      await store.jobs.finish({ job, slot, owner: 'a', finishedAt: at(300_200) })
      expect(await store.jobs.latest(job)).not.toHaveProperty('finishedAt')
    })
  })
}

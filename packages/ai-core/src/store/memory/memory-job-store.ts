import type { JobRun, JobStore } from '../job-store.js'

/** Job runs in memory, by job and slot: one process's instances share them only through one store. */
export function createMemoryJobStore(): JobStore {
  const runs = new Map<string, JobRun>()
  const id = (job: string, slot: Date) => JSON.stringify([job, slot.getTime()])

  return {
    async claim(claim) {
      const key = id(claim.job, claim.slot)
      const held = runs.get(key)
      if (held && (held.finishedAt || held.leaseUntil.getTime() > claim.startedAt.getTime())) return false
      runs.set(key, structuredClone(claim))
      return true
    },

    async finish({ job, slot, owner, finishedAt, error }) {
      const run = runs.get(id(job, slot))
      if (!run || run.owner !== owner) return
      run.finishedAt = new Date(finishedAt)
      if (error !== undefined) run.error = error
    },

    async latest(job) {
      let latest: JobRun | undefined
      for (const run of runs.values())
        if (run.job === job && (!latest || run.slot > latest.slot)) latest = run
      return latest && structuredClone(latest)
    },
  }
}

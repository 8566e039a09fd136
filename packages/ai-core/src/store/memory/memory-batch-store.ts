import { StoreError } from '../../errors/errors.js'
import type { BatchJob, BatchStore } from '../batch-store.js'
import { compareStrings } from '../kit/compare-strings.js'

/** Batch jobs in memory, by id. */
export function createMemoryBatchStore(): BatchStore {
  const jobs = new Map<string, BatchJob>()

  return {
    async create(job) {
      if (jobs.has(job.id)) throw new StoreError(`batch job ${job.id} already exists`)
      jobs.set(job.id, structuredClone(job))
    },

    async get(id) {
      const job = jobs.get(id)
      return job && structuredClone(job)
    },

    async update(id, update) {
      const job = jobs.get(id)
      if (!job) return undefined
      const defined = Object.fromEntries(Object.entries(update).filter(([, v]) => v !== undefined))
      Object.assign(job, structuredClone(defined))
      return structuredClone(job)
    },

    async settle(id, { at, costNanoUsd }) {
      const job = jobs.get(id)
      if (!job || job.settledAt) return false
      job.settledAt = new Date(at)
      job.costNanoUsd = costNanoUsd
      return true
    },

    async list(options = {}) {
      const { status, provider, tenantId, userId, projectId, limit } = options
      return [...jobs.values()]
        .filter(
          (job) =>
            (status === undefined || job.status === status) &&
            (provider === undefined || job.provider === provider) &&
            (tenantId === undefined || job.scope.tenantId === tenantId) &&
            (userId === undefined || job.scope.userId === userId) &&
            (projectId === undefined || job.scope.projectId === projectId),
        )
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || compareStrings(b.id, a.id))
        .slice(0, limit)
        .map((job) => structuredClone(job))
    },
  }
}

import { compareStrings } from '../kit/compare-strings.js'
import type { WebhookDelivery, WebhookOutboxStore } from '../webhook-outbox-store.js'

/** The webhook outbox in memory, by id. */
export function createMemoryWebhookOutboxStore(): WebhookOutboxStore {
  const rows = new Map<string, WebhookDelivery>()

  /** Applies an attempt's outcome when `owner` holds the lease. */
  const finish = (id: string, owner: string, change: (row: WebhookDelivery) => void): boolean => {
    const row = rows.get(id)
    if (row?.status !== 'pending' || row.leaseOwner !== owner) return false
    change(row)
    row.attempts += 1
    delete row.leaseOwner
    delete row.leaseUntil
    return true
  }

  return {
    async enqueue(deliveries) {
      for (const delivery of deliveries)
        if (!rows.has(delivery.id)) rows.set(delivery.id, structuredClone(delivery))
    },

    async claimDue({ now, limit, endpointIds, owner, leaseUntil }) {
      const endpoints = new Set(endpointIds)
      const due = [...rows.values()]
        .filter(
          (row) =>
            row.status === 'pending' &&
            endpoints.has(row.endpointId) &&
            row.nextAttemptAt.getTime() <= now.getTime() &&
            (row.leaseUntil === undefined || row.leaseUntil.getTime() <= now.getTime()),
        )
        .sort(
          (a, b) =>
            a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime() ||
            a.createdAt.getTime() - b.createdAt.getTime() ||
            compareStrings(a.id, b.id),
        )
        .slice(0, limit)
      for (const row of due) {
        row.leaseOwner = owner
        row.leaseUntil = new Date(leaseUntil)
      }
      return due.map((row) => structuredClone(row))
    },

    async markDelivered(id, { owner, at, status }) {
      return finish(id, owner, (row) => {
        row.status = 'delivered'
        row.deliveredAt = new Date(at)
        if (status !== undefined) row.lastStatus = status
        else delete row.lastStatus
      })
    },

    async markFailed(id, { owner, status, error, retryAt }) {
      return finish(id, owner, (row) => {
        row.lastError = error
        if (status !== undefined) row.lastStatus = status
        else delete row.lastStatus
        if (retryAt) row.nextAttemptAt = new Date(retryAt)
        else row.status = 'dead'
      })
    },

    async get(id) {
      const row = rows.get(id)
      return row && structuredClone(row)
    },

    async list(query = {}) {
      const { status, endpointId, event, limit } = query
      return [...rows.values()]
        .filter(
          (row) =>
            (status === undefined || row.status === status) &&
            (endpointId === undefined || row.endpointId === endpointId) &&
            (event === undefined || row.event === event),
        )
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || compareStrings(b.id, a.id))
        .slice(0, limit)
        .map((row) => structuredClone(row))
    },

    async requeue(id, at) {
      const row = rows.get(id)
      if (row?.status !== 'dead') return false
      row.status = 'pending'
      row.attempts = 0
      row.nextAttemptAt = new Date(at)
      delete row.leaseOwner
      delete row.leaseUntil
      return true
    },
  }
}

import type { WebhookOutboxStore } from '@aimux/ai-core'
import {
  sqliteCodec as codec,
  compareDue,
  newestFirstQuery,
  toWebhookDelivery,
  toWebhookDeliveryRow,
  type WebhookDeliveryRow,
  webhookDeliveriesTable,
} from '@aimux/ai-core/store-kit'
import type { Database } from 'better-sqlite3'
import { insertSql } from './insert-sql.js'

/**
 * The webhook outbox in SQLite. A claim reads and leases its rows in one IMMEDIATE transaction,
 * which holds the database's write lock: two claims, from any processes on the file, never
 * overlap.
 */
export function createWebhookOutboxStore(db: Database): WebhookOutboxStore {
  const insert = db.prepare<WebhookDeliveryRow>(
    insertSql(webhookDeliveriesTable).replace('INSERT INTO', 'INSERT OR IGNORE INTO'),
  )
  const insertAll = db.transaction((rows: WebhookDeliveryRow[]) => {
    for (const row of rows) insert.run(row)
  })
  const selectById = db.prepare<[string], WebhookDeliveryRow>('SELECT * FROM webhook_deliveries WHERE id = ?')
  const lease = db.prepare<{ id: string; owner: string; until: unknown }>(
    'UPDATE webhook_deliveries SET lease_owner = @owner, lease_until = @until WHERE id = @id',
  )
  const claim = db.transaction(
    (now: number, limit: number, endpointIds: readonly string[], owner: string, until: number) => {
      if (endpointIds.length === 0) return []
      const rows = db
        .prepare<unknown[], WebhookDeliveryRow>(
          `SELECT * FROM webhook_deliveries
           WHERE status = 'pending' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until <= ?)
             AND endpoint_id IN (${endpointIds.map(() => '?').join(', ')})
           ORDER BY next_attempt_at, created_at, id LIMIT ?`,
        )
        .all(now, now, ...endpointIds, limit)
      for (const row of rows) {
        lease.run({ id: row.id, owner, until })
        row.lease_owner = owner
        row.lease_until = until
      }
      return rows
    },
  )
  const delivered = db.prepare<{ id: string; owner: string; at: unknown; status: number | null }>(
    `UPDATE webhook_deliveries
     SET status = 'delivered', attempts = attempts + 1, delivered_at = @at, last_status = @status,
       lease_owner = NULL, lease_until = NULL
     WHERE id = @id AND status = 'pending' AND lease_owner = @owner`,
  )
  const failed = db.prepare<{
    id: string
    owner: string
    error: string
    status: number | null
    retryAt: unknown
  }>(
    `UPDATE webhook_deliveries
     SET attempts = attempts + 1, last_error = @error, last_status = @status,
       status = CASE WHEN @retryAt IS NULL THEN 'dead' ELSE 'pending' END,
       next_attempt_at = coalesce(@retryAt, next_attempt_at),
       lease_owner = NULL, lease_until = NULL
     WHERE id = @id AND status = 'pending' AND lease_owner = @owner`,
  )
  const requeue = db.prepare<{ id: string; at: unknown }>(
    `UPDATE webhook_deliveries
     SET status = 'pending', attempts = 0, next_attempt_at = @at, lease_owner = NULL, lease_until = NULL
     WHERE id = @id AND status = 'dead'`,
  )

  return {
    async enqueue(deliveries) {
      insertAll(deliveries.map((delivery) => toWebhookDeliveryRow(delivery, codec)))
    },

    async claimDue({ now, limit, endpointIds, owner, leaseUntil }) {
      const rows = claim.immediate(
        now.getTime(),
        limit,
        endpointIds,
        owner,
        codec.date.write(leaseUntil) as number,
      )
      return rows.map((row) => toWebhookDelivery(row, codec)).sort(compareDue)
    },

    async markDelivered(id, { owner, at, status }) {
      return delivered.run({ id, owner, at: codec.date.write(at), status: status ?? null }).changes > 0
    },

    async markFailed(id, { owner, error, status, retryAt }) {
      const retry = retryAt === undefined ? null : codec.date.write(retryAt)
      return failed.run({ id, owner, error, status: status ?? null, retryAt: retry }).changes > 0
    },

    async get(id) {
      const row = selectById.get(id)
      return row && toWebhookDelivery(row, codec)
    },

    async list(query = {}) {
      const { sql, params } = newestFirstQuery(
        'webhook_deliveries',
        { status: query.status, endpoint_id: query.endpointId, event: query.event },
        query.limit,
        () => '?',
      )
      return db
        .prepare<unknown[], WebhookDeliveryRow>(sql)
        .all(...params)
        .map((row) => toWebhookDelivery(row, codec))
    },

    async requeue(id, at) {
      return requeue.run({ id, at: codec.date.write(at) }).changes > 0
    },
  }
}

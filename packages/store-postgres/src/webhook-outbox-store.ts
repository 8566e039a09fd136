import type { WebhookOutboxStore } from '@aimux/ai-core'
import {
  postgresCodec as codec,
  columnNames,
  compareDue,
  newestFirstQuery,
  toWebhookDelivery,
  toWebhookDeliveryRow,
  type WebhookDeliveryRow,
  webhookDeliveriesTable,
} from '@aimux/ai-core/store-kit'
import type { Pool } from 'pg'
import { pgType } from './table-sql.js'

/**
 * The webhook outbox in PostgreSQL. A claim locks its rows with FOR UPDATE SKIP LOCKED and leases
 * them in the same statement: two claims at once, from any instances, get disjoint rows.
 */
export function createWebhookOutboxStore(pool: Pool, s: string): WebhookOutboxStore {
  const columns = columnNames(webhookDeliveriesTable)
  // One parameter per column, each an array: a batch of any size is one statement.
  const insertAll = `INSERT INTO ${s}.webhook_deliveries (${columns.join(', ')})
    SELECT * FROM unnest(${columns.map((c, i) => `$${i + 1}::${pgType(webhookDeliveriesTable, c)}[]`).join(', ')})
    ON CONFLICT (id) DO NOTHING`

  return {
    async enqueue(deliveries) {
      if (deliveries.length === 0) return
      const rows = deliveries.map((delivery) => toWebhookDeliveryRow(delivery, codec))
      await pool.query(
        insertAll,
        columns.map((column) => rows.map((row) => row[column])),
      )
    },

    async claimDue({ now, limit, endpointIds, owner, leaseUntil }) {
      if (endpointIds.length === 0) return []
      const { rows } = await pool.query<WebhookDeliveryRow>(
        `UPDATE ${s}.webhook_deliveries SET lease_owner = $1, lease_until = $2
         WHERE id IN (
           SELECT id FROM ${s}.webhook_deliveries
           WHERE status = 'pending' AND next_attempt_at <= $3 AND (lease_until IS NULL OR lease_until <= $3)
             AND endpoint_id = ANY($4::text[])
           ORDER BY next_attempt_at, created_at, id
           LIMIT $5
           FOR UPDATE SKIP LOCKED
         )
         RETURNING *`,
        [owner, codec.date.write(leaseUntil), codec.date.write(now), endpointIds, limit],
      )
      return rows.map((row) => toWebhookDelivery(row, codec)).sort(compareDue)
    },

    async markDelivered(id, { owner, at, status }) {
      const { rowCount } = await pool.query(
        `UPDATE ${s}.webhook_deliveries
         SET status = 'delivered', attempts = attempts + 1, delivered_at = $3, last_status = $4,
           lease_owner = NULL, lease_until = NULL
         WHERE id = $1 AND status = 'pending' AND lease_owner = $2`,
        [id, owner, codec.date.write(at), status ?? null],
      )
      return rowCount! > 0
    },

    async markFailed(id, { owner, error, status, retryAt }) {
      const { rowCount } = await pool.query(
        `UPDATE ${s}.webhook_deliveries
         SET attempts = attempts + 1, last_error = $3, last_status = $4,
           status = CASE WHEN $5::timestamptz IS NULL THEN 'dead' ELSE 'pending' END,
           next_attempt_at = coalesce($5::timestamptz, next_attempt_at),
           lease_owner = NULL, lease_until = NULL
         WHERE id = $1 AND status = 'pending' AND lease_owner = $2`,
        [id, owner, error, status ?? null, retryAt === undefined ? null : codec.date.write(retryAt)],
      )
      return rowCount! > 0
    },

    async get(id) {
      const { rows } = await pool.query<WebhookDeliveryRow>(
        `SELECT * FROM ${s}.webhook_deliveries WHERE id = $1`,
        [id],
      )
      return rows[0] && toWebhookDelivery(rows[0], codec)
    },

    async list(query = {}) {
      const { sql, params } = newestFirstQuery(
        `${s}.webhook_deliveries`,
        { status: query.status, endpoint_id: query.endpointId, event: query.event },
        query.limit,
        (n) => `$${n}`,
      )
      const { rows } = await pool.query<WebhookDeliveryRow>(sql, params)
      return rows.map((row) => toWebhookDelivery(row, codec))
    },

    async requeue(id, at) {
      const { rowCount } = await pool.query(
        `UPDATE ${s}.webhook_deliveries
         SET status = 'pending', attempts = 0, next_attempt_at = $2, lease_owner = NULL, lease_until = NULL
         WHERE id = $1 AND status = 'dead'`,
        [id, codec.date.write(at)],
      )
      return rowCount! > 0
    },
  }
}

import { compactFields } from '../../spec/compact-fields.js'
import { compareStrings } from '../kit/compare-strings.js'
import type { WebhookDelivery, WebhookDeliveryStatus } from '../webhook-outbox-store.js'
import type { SqlCodec, SqlDate } from './sql-codec.js'
import type { SqlTable } from './sql-table.js'

/** A row of `webhook_deliveries`: the body as text (byte for byte), the lease in two columns. */
export interface WebhookDeliveryRow {
  id: string
  endpoint_id: string
  event: string
  body: string
  status: string
  attempts: number
  created_at: SqlDate
  next_attempt_at: SqlDate
  lease_owner: string | null
  lease_until: SqlDate | null
  delivered_at: SqlDate | null
  last_error: string | null
  last_status: number | null
}

export const webhookDeliveriesTable: SqlTable<WebhookDeliveryRow> = {
  name: 'webhook_deliveries',
  columns: {
    id: 'text',
    endpoint_id: 'text',
    event: 'text',
    body: 'text',
    status: 'text',
    attempts: 'integer',
    created_at: 'timestamp',
    next_attempt_at: 'timestamp',
    lease_owner: 'text',
    lease_until: 'timestamp',
    delivered_at: 'timestamp',
    last_error: 'text',
    last_status: 'integer',
  },
}

/** The row a delivery is written as; an absent field is NULL. */
export function toWebhookDeliveryRow(delivery: WebhookDelivery, codec: SqlCodec): WebhookDeliveryRow {
  const date = (value: Date | undefined) => (value === undefined ? null : codec.date.write(value))
  return {
    id: delivery.id,
    endpoint_id: delivery.endpointId,
    event: delivery.event,
    body: delivery.body,
    status: delivery.status,
    attempts: delivery.attempts,
    created_at: codec.date.write(delivery.createdAt),
    next_attempt_at: codec.date.write(delivery.nextAttemptAt),
    lease_owner: delivery.leaseOwner ?? null,
    lease_until: date(delivery.leaseUntil),
    delivered_at: date(delivery.deliveredAt),
    last_error: delivery.lastError ?? null,
    last_status: delivery.lastStatus ?? null,
  }
}

export function toWebhookDelivery(row: WebhookDeliveryRow, codec: SqlCodec): WebhookDelivery {
  const date = (value: SqlDate | null) => (value === null ? null : codec.date.read(value))
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    event: row.event,
    body: row.body,
    status: row.status as WebhookDeliveryStatus,
    attempts: Number(row.attempts),
    createdAt: codec.date.read(row.created_at),
    nextAttemptAt: codec.date.read(row.next_attempt_at),
    ...compactFields({
      leaseOwner: row.lease_owner,
      leaseUntil: date(row.lease_until),
      deliveredAt: date(row.delivered_at),
      lastError: row.last_error,
      lastStatus: row.last_status === null ? null : Number(row.last_status),
    }),
  }
}

/** Oldest due first: the order claimDue() hands deliveries out in. */
export function compareDue(a: WebhookDelivery, b: WebhookDelivery): number {
  return (
    a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime() ||
    a.createdAt.getTime() - b.createdAt.getTime() ||
    compareStrings(a.id, b.id)
  )
}

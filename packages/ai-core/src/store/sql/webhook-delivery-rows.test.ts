import { describe, expect, it } from 'vitest'
import type { WebhookDelivery } from '../webhook-outbox-store.js'
import { postgresCodec } from './postgres-codec.js'
import { columnNames } from './sql-table.js'
import { sqliteCodec } from './sqlite-codec.js'
import {
  compareDue,
  toWebhookDelivery,
  toWebhookDeliveryRow,
  webhookDeliveriesTable,
} from './webhook-delivery-rows.js'

const at = new Date('2026-11-22T12:00:00.123Z')
const full: WebhookDelivery = {
  id: 'whd_1',
  endpointId: 'ops',
  event: 'budget:threshold',
  body: '{"id":"whd_1"}',
  status: 'pending',
  attempts: 2,
  createdAt: at,
  nextAttemptAt: new Date(at.getTime() + 1),
  leaseOwner: 'instance-a',
  leaseUntil: new Date(at.getTime() + 2),
  deliveredAt: new Date(at.getTime() + 3),
  lastError: 'HTTP 500',
  lastStatus: 500,
}
const bare: WebhookDelivery = { ...full, id: 'whd_2' }
for (const field of ['leaseOwner', 'leaseUntil', 'deliveredAt', 'lastError', 'lastStatus'] as const)
  delete bare[field]

describe.each([
  ['SQLite', sqliteCodec],
  ['PostgreSQL', postgresCodec],
])('webhook delivery rows over the %s codec', (_, codec) => {
  it('round-trips every field, and leaves the absent ones out', () => {
    const row = toWebhookDeliveryRow(full, codec)
    expect(Object.keys(row)).toEqual(columnNames(webhookDeliveriesTable))
    expect(toWebhookDelivery(row, codec)).toEqual(full)
    const bareRow = toWebhookDeliveryRow(bare, codec)
    expect(bareRow).toMatchObject({ lease_owner: null, lease_until: null, last_status: null })
    expect(toWebhookDelivery(bareRow, codec)).toStrictEqual(bare)
  })
})

it('orders deliveries by due time, then creation, then id', () => {
  const a = { ...bare, id: 'b', nextAttemptAt: at, createdAt: at }
  const b = { ...bare, id: 'a', nextAttemptAt: at, createdAt: new Date(at.getTime() + 1) }
  const c = { ...bare, id: 'a', nextAttemptAt: new Date(at.getTime() + 1), createdAt: at }
  const d = { ...bare, id: 'c', nextAttemptAt: at, createdAt: at }
  expect([c, d, b, a].sort(compareDue).map((x) => `${x.id}`)).toEqual(['b', 'c', 'a', 'a'])
  expect([c, d, b, a].sort(compareDue)).toEqual([a, d, b, c])
})

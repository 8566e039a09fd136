// `@aimux/ai-core/store-kit`: what a store author needs to implement the storage ports the way
// the in-memory, SQLite and PostgreSQL stores do, and to pass `storeConformance()`.
export { validate, validateOptions } from './errors/validate.js'
export { type ClosableStore, storePlugin } from './instance/store-plugin.js'
export { compactFields } from './spec/compact-fields.js'
export { DEFAULT_AUDIT_PAGE_SIZE } from './store/audit-store.js'
export { compareStrings } from './store/kit/compare-strings.js'
export { decodePageCursor, encodePageCursor, type PagePosition } from './store/kit/page-cursor.js'
export { DEFAULT_AUDIT_LIMIT, DEFAULT_CONVERSATION_PAGE_SIZE } from './store/kit/store-defaults.js'
export { toStoredContent, toStoredPart } from './store/kit/stored-content.js'
export {
  aggregateGroup,
  aggregateUsage,
  compareUsageKeys,
  histogramPercentiles,
  LATENCY_BUCKET_BOUNDS,
  latencyBucket,
  latencyHistogram,
  matchesUsageQuery,
  mergeUsageAggregates,
  orderUsageAggregates,
  percentileCont,
  USAGE_KEY_SEPARATOR,
  usageByModelDay,
  usageDailyRange,
  usageDimensions,
  usageGroupKey,
  utcDay,
  utcHour,
} from './store/kit/usage-aggregate.js'
export { withStoreErrors } from './store/kit/with-store-errors.js'
// The state ports a shared-state plugin (`host.registerSharedState`) implements, with the in-memory
// versions, which pass the same stateConformance() suite from '@aimux/ai-testing/conformance'.
export {
  createMemoryCircuitState,
  type MemoryCircuitState,
  type MemoryCircuitStateOptions,
} from './store/memory/memory-circuit-state.js'
export {
  createMemoryRateLimitState,
  type MemoryRateLimitState,
  type MemoryRateLimitStateOptions,
} from './store/memory/memory-rate-limit-state.js'
export {
  createMemoryResponseCacheState,
  type MemoryResponseCacheState,
  type MemoryResponseCacheStateOptions,
} from './store/memory/memory-response-cache-state.js'
export {
  createMemorySharedState,
  type MemorySharedState,
  type MemorySharedStateOptions,
} from './store/memory/memory-shared-state.js'
export type * from './store/shared-state.js'
// The SQL-store kit: row types and table columns of the schema the SQLite and PostgreSQL stores
// share, mappers between rows and port records over a driver's codec, and the usage query maps.
export {
  type AuditPageQuery,
  type AuditRecordRow,
  auditPageQuery,
  auditRecordsTable,
  toAuditPage,
  toAuditRecord,
  toAuditRecordRow,
} from './store/sql/audit-record-rows.js'
export {
  type BatchJobRow,
  batchJobsTable,
  batchJobUpdate,
  toBatchJob,
  toBatchJobRow,
} from './store/sql/batch-rows.js'
export {
  type ModelRow,
  modelsTable,
  type PriceRow,
  pricesTable,
  toModel,
  toModelRow,
  toPrice,
  toPriceRow,
} from './store/sql/catalog-rows.js'
export {
  type AuditRow,
  connectionAuditTable,
  toAudit,
  toAuditRow,
} from './store/sql/connection-audit-rows.js'
export {
  connectionHealthTable,
  emptyHealth,
  type HealthRow,
  type OutcomeDelta,
  outcomeDelta,
  toHealth,
} from './store/sql/connection-health-rows.js'
export {
  type ConnectionRow,
  connectionsTable,
  toConnection,
  toConnectionRow,
} from './store/sql/connection-rows.js'
export {
  type ConversationPageQuery,
  conversationPageQuery,
  toConversationPage,
} from './store/sql/conversation-page.js'
export {
  type ConversationRow,
  type ConversationUpdate,
  conversationsTable,
  conversationUpdate,
  newConversationRow,
  toConversation,
} from './store/sql/conversation-rows.js'
export { type JobRunRow, jobRunsTable, toJobRun, toJobRunRow } from './store/sql/job-rows.js'
export { type MessageRow, messagesTable, newMessageRow, toMessage } from './store/sql/message-rows.js'
export { newestFirstQuery } from './store/sql/newest-first-query.js'
export { postgresCodec } from './store/sql/postgres-codec.js'
export { exceededLimit, spendKey, spendKeyId, uniqueSpendKeys } from './store/sql/spend-keys.js'
export {
  type ReservationRow,
  type SpendCounterRow,
  spendCountersTable,
  spendReservationsTable,
  toReservation,
  toReservationRow,
  toSpend,
  toSpendKey,
} from './store/sql/spend-rows.js'
export type {
  SqlBoolean,
  SqlCodec,
  SqlDate,
  SqlInt64,
  SqlJson,
  SqlValueCodec,
} from './store/sql/sql-codec.js'
export { createStorePorts, type StorePorts } from './store/sql/sql-store-ports.js'
export { columnNames, columnValues, type SqlTable, type SqlType } from './store/sql/sql-table.js'
export { sqliteCodec } from './store/sql/sqlite-codec.js'
export {
  toUsageAggregate,
  toUsageAggregates,
  type UsageAggregateRow,
  type UsageLatencyRow,
  withLatencyHistograms,
} from './store/sql/usage-aggregate-rows.js'
export {
  usageDailySumsSql,
  usageFilterColumns,
  usageFilters,
  usageGroupKeys,
  usageGroupSql,
  usageSummedColumns,
  usageSumsSql,
} from './store/sql/usage-query-columns.js'
export { toUsageRecord, toUsageRow, type UsageRow, usageRecordsTable } from './store/sql/usage-rows.js'
export {
  toVirtualKey,
  toVirtualKeyRow,
  type VirtualKeyRow,
  virtualKeysTable,
} from './store/sql/virtual-key-rows.js'
export {
  compareDue,
  toWebhookDelivery,
  toWebhookDeliveryRow,
  type WebhookDeliveryRow,
  webhookDeliveriesTable,
} from './store/sql/webhook-delivery-rows.js'

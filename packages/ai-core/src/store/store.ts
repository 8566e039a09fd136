import type { CostSource } from '../cost/cost.js'
import type { PriceEntry } from '../cost/price-catalog.js'
import type { Usage } from '../cost/usage.js'
import type { ContentPart, Role } from '../spec/message.js'
import type { ModelInfo } from '../spec/model.js'
import type { FinishReason } from '../spec/provider.js'

/**
 * The storage ports. ai-core ships in-memory versions (the default); @aimux/store-sqlite and
 * @aimux/store-postgres implement the same ports and pass the same storeConformance() suite.
 * All amounts are integer nano-USD; all times are Dates with millisecond precision, set by the
 * caller or by the store from the JavaScript clock (never a database clock of finer precision).
 */
export interface Store {
  name: string
  conversations: ConversationStore
  usage: UsageStore
  catalog: CatalogStore
  spend: SpendStore
  connections: ConnectionStore
  close?(): Promise<void>
}

// ---------------------------------------------------------------- conversations

export interface ConversationRecord {
  id: string
  tenantId?: string
  userId?: string
  projectId?: string
  title?: string
  /** The conversation's own model override, "provider:model". */
  model?: string
  metadata: Record<string, unknown>
  totalCostNanoUsd: number
  messageCount: number
  createdAt: Date
  updatedAt: Date
}

export type NewConversation = Pick<ConversationRecord, 'id'> &
  Partial<Pick<ConversationRecord, 'tenantId' | 'userId' | 'projectId' | 'title' | 'model' | 'metadata'>>

export type MessageStatus = 'complete' | 'partial' | 'error'

export interface MessageRecord {
  /** Unique across the store. */
  id: string
  conversationId: string
  /** 1, 2, 3... in the order the store received them; assigned by the store. */
  seq: number
  role: Role
  /**
   * Stored as JSON: an image part comes back with `image` as a string, a URL as its href and
   * raw bytes as base64 (its mediaType kept), so every store returns the same thing.
   */
  content: ContentPart[]
  usage?: Usage
  costNanoUsd: number
  latencyMs?: number
  provider?: string
  model?: string
  finishReason?: FinishReason
  status: MessageStatus
  error?: string
  requestId?: string
  createdAt: Date
}

export type NewMessage = Omit<MessageRecord, 'seq' | 'createdAt' | 'costNanoUsd' | 'status'> &
  Partial<Pick<MessageRecord, 'createdAt' | 'costNanoUsd' | 'status'>>

/** Limits a read to one tenant: a query scoped to a tenant never sees another tenant's rows. */
export interface TenantFilter {
  tenantId?: string
}

export interface Page<T> {
  items: T[]
  /** Pass back as `cursor` for the next page; absent on the last page. */
  nextCursor?: string
}

export interface UserPreferences {
  /** The user's preferred "provider:model". */
  model?: string
  metadata?: Record<string, unknown>
}

export interface ConversationStore {
  createConversation(input: NewConversation): Promise<ConversationRecord>
  getConversation(id: string, filter?: TenantFilter): Promise<ConversationRecord | undefined>
  /** Changes the given fields; a field left undefined stays as it is, `null` clears title or model. */
  updateConversation(
    id: string,
    patch: { title?: string | null; model?: string | null; metadata?: Record<string, unknown> },
    filter?: TenantFilter,
  ): Promise<ConversationRecord>
  listConversations(query: {
    tenantId?: string
    userId?: string
    projectId?: string
    limit?: number
    cursor?: string
    order?: 'newest' | 'oldest'
  }): Promise<Page<ConversationRecord>>
  /** Deletes the conversation and its messages; false when there was none. */
  deleteConversation(id: string, filter?: TenantFilter): Promise<boolean>
  /**
   * Appends a message and, in the same atomic step, adds its cost to the conversation's total
   * and increments its message count. Unknown conversation: StoreError.
   */
  appendMessage(message: NewMessage): Promise<MessageRecord>
  /** Oldest first unless `order` says otherwise; all of them unless `limit` is given. */
  listMessages(
    conversationId: string,
    query?: {
      limit?: number
      order?: 'oldest' | 'newest'
      beforeSeq?: number
      afterSeq?: number
    } & TenantFilter,
  ): Promise<MessageRecord[]>
  /** Preferences are keyed by (tenantId, userId); a missing tenantId is its own key, not a wildcard. */
  getPreferences(key: { tenantId?: string; userId: string }): Promise<UserPreferences | undefined>
  setPreferences(key: { tenantId?: string; userId: string }, preferences: UserPreferences): Promise<void>
}

// ---------------------------------------------------------------- usage

/** One record per call, idempotent on requestId. */
export interface UsageRecord extends Usage {
  requestId: string
  createdAt: Date
  tenantId?: string
  userId?: string
  projectId?: string
  provider: string
  model: string
  connectionId?: string
  conversationId?: string
  costNanoUsd: number
  costSource: CostSource
  latencyMs: number
  timeToFirstTokenMs?: number
  success: boolean
  errorCode?: string
  stream: boolean
  /** Model calls in this request (more than one in a tool loop). */
  steps: number
}

export type UsageGroupBy = 'day' | 'provider' | 'model' | 'user' | 'tenant'

export interface UsageQuery {
  from: Date
  /** Exclusive. */
  to: Date
  /** Without groupBy, one row with key "total". */
  groupBy?: UsageGroupBy
  tenantId?: string
  userId?: string
  projectId?: string
  provider?: string
  model?: string
}

/**
 * Aggregates over a group. Latency percentiles interpolate linearly between the closest ranks
 * (PostgreSQL's percentile_cont); rows without a user or tenant group under key "".
 * Day keys are UTC dates, "2026-11-22".
 */
export interface UsageAggregate extends Usage {
  key: string
  requests: number
  errors: number
  errorRate: number
  costNanoUsd: number
  latencyP50Ms: number
  latencyP95Ms: number
  latencyP99Ms: number
}

export interface UsageStore {
  /** Writes a batch; a record whose requestId is already stored is ignored. */
  recordUsage(records: readonly UsageRecord[]): Promise<void>
  getUsage(requestId: string): Promise<UsageRecord | undefined>
  /** Rows sorted by key. */
  queryUsage(query: UsageQuery): Promise<UsageAggregate[]>
}

// ---------------------------------------------------------------- catalog

export interface CatalogStore {
  /** Inserts or replaces models by (provider, id). */
  upsertModels(models: readonly ModelInfo[]): Promise<void>
  listModels(filter?: { provider?: string }): Promise<ModelInfo[]>
  getModel(provider: string, id: string): Promise<ModelInfo | undefined>
  /** Inserts or replaces prices by (provider, model, effectiveFrom). */
  upsertPrices(entries: readonly PriceEntry[]): Promise<void>
  listPrices(filter?: { provider?: string; model?: string }): Promise<PriceEntry[]>
  /** The entry with the latest effectiveFrom at or before `at`. */
  getPrice(provider: string, model: string, at: Date): Promise<PriceEntry | undefined>
}

// ---------------------------------------------------------------- spend

export type BudgetScope = 'user' | 'project' | 'tenant' | 'global'
export type BudgetPeriod = 'day' | 'week' | 'month' | 'total'

/** One spend counter: a scope, who in it, and which period (periodStart as a UTC ISO date). */
export interface SpendKey {
  scope: BudgetScope
  scopeId: string
  period: BudgetPeriod
  periodStart: string
}

export interface Spend {
  spentNanoUsd: number
  reservedNanoUsd: number
}

export type ReserveResult =
  | { ok: true }
  | { ok: false; key: SpendKey; spentNanoUsd: number; reservedNanoUsd: number; limitNanoUsd: number }

export interface SpendStore {
  /**
   * Atomically reserves `amountNanoUsd` against every key, or against none: when spent +
   * reserved + amount would pass any key's limit, nothing is reserved and the first such key is
   * returned. Safe across processes for stores shared between them. A reservationId still
   * pending may not be reused (StoreError).
   */
  reserve(input: {
    reservationId: string
    amountNanoUsd: number
    keys: readonly { key: SpendKey; limitNanoUsd?: number }[]
  }): Promise<ReserveResult>
  /** Replaces the reservation by the actual amount spent, on every key it was made against. */
  settle(reservationId: string, actualNanoUsd: number): Promise<void>
  /** Drops a reservation without spending (the call failed before it cost anything). */
  release(reservationId: string): Promise<void>
  getSpend(key: SpendKey): Promise<Spend>
  /** Records that a threshold was crossed for a key; true only the first time (once per period). */
  markThreshold(key: SpendKey, threshold: number): Promise<boolean>
}

// ---------------------------------------------------------------- connections

export type ConnectionStatus = 'active' | 'retiring' | 'disabled'

/** A stored credential set for the rotation plugin. Credentials only ever as ciphertext. */
export interface ConnectionRecord {
  id: string
  provider: string
  name: string
  /** The encrypted credentials, as the rotation plugin wrote them (key version included). */
  ciphertext: string
  priority: number
  weight: number
  limits?: { requestsPerMinute?: number; requestsPerDay?: number; tokensPerMinute?: number }
  status: ConnectionStatus
  disabledReason?: string
  metadata?: Record<string, unknown>
  createdAt: Date
  updatedAt: Date
}

export interface ConnectionHealth {
  connectionId: string
  successes: number
  failures: number
  consecutiveFailures: number
  lastUsedAt?: Date
  lastError?: string
  lastErrorAt?: Date
  /** Running mean over successful calls. */
  avgLatencyMs?: number
  cooldownUntil?: Date
}

export interface AuditEntry {
  at: Date
  connectionId: string
  action: string
  actor?: string
  requestId?: string
  detail?: string
}

export interface ConnectionStore {
  listConnections(filter?: { provider?: string }): Promise<ConnectionRecord[]>
  getConnection(id: string): Promise<ConnectionRecord | undefined>
  upsertConnection(record: Omit<ConnectionRecord, 'createdAt' | 'updatedAt'>): Promise<ConnectionRecord>
  deleteConnection(id: string): Promise<boolean>
  getHealth(id: string): Promise<ConnectionHealth>
  /** Atomically counts one call's outcome. Unknown connection: StoreError. */
  recordOutcome(
    id: string,
    outcome: { ok: boolean; latencyMs?: number; error?: string; at: Date },
  ): Promise<void>
  /** Unknown connection: StoreError. */
  setCooldown(id: string, until: Date | undefined): Promise<void>
  appendAudit(entry: AuditEntry): Promise<void>
  listAudit(filter?: { connectionId?: string; limit?: number }): Promise<AuditEntry[]>
}

import type { Usage } from '../cost/usage.js'
import type { ContentPart, Role } from '../spec/message.js'
import type { FinishReason } from '../spec/provider.js'

// The conversation port: conversations, their messages in order, and users' preferences.

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
  /** When a retention policy archived it: hidden from listConversations() unless asked for. */
  archivedAt?: Date
}

/**
 * Which conversations a retention step touches: those whose last activity (updatedAt) is before
 * `before`, of one tenant (`tenantId`), or of every tenant but those in `exceptTenantIds`
 * (conversations without a tenant included).
 */
export interface ConversationRetention {
  before: Date
  tenantId?: string
  exceptTenantIds?: readonly string[]
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
    /** Lists archived conversations too; by default they are left out (getConversation still loads them). */
    includeArchived?: boolean
  }): Promise<Page<ConversationRecord>>
  /** Deletes the conversation and its messages; false when there was none. */
  deleteConversation(id: string, filter?: TenantFilter): Promise<boolean>
  /** Deletes the conversations `retention` selects, with their messages; how many it deleted. */
  deleteConversationsBefore(retention: ConversationRetention): Promise<number>
  /** Sets archivedAt to `at` on those `retention` selects not archived yet; how many it archived. */
  archiveConversationsBefore(retention: ConversationRetention, at: Date): Promise<number>
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

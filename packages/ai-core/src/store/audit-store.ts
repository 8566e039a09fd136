import type { UsageOperation } from '../spec/embedding.js'
import type { Page } from './conversation-store.js'

// The audit port: an append-only record of who sent what to which model and when, written by
// @aimux/audit. Nothing in the port changes or deletes a record once appended.

/** How a request ended, as its audit record says. */
export type AuditOutcome = 'success' | 'error'

/** What a request sent and got back, kept only when the audit plugin is set to store content. */
export interface AuditContent {
  /**
   * The messages and tools as sent to the model (any redaction applied before it included);
   * absent when the request failed before a model call, as nothing was sent.
   */
  prompt?: unknown
  /** The answer: its text and tool calls; absent when the request failed. */
  answer?: unknown
}

/**
 * One request as recorded. Every field round-trips through every store: an absent optional field
 * stays absent, JSON comes back deep-equal, times keep their milliseconds.
 */
export interface AuditRecord {
  /** The record's own id; appending an id stored already changes nothing. */
  id: string
  createdAt: Date
  requestId: string
  tenantId?: string
  userId?: string
  projectId?: string
  conversationId?: string
  /** The id of the key the request was made with (`limits.key`, a virtual key's id, never the key). */
  keyId?: string
  operation: UsageOperation
  /** True when the answer was streamed. */
  stream: boolean
  /** The provider that answered (or was to answer, when the request failed before a model call). */
  provider?: string
  /** The provider's model id that answered. */
  model?: string
  /** The model the request named, when it differs from `provider:model` (an alias, a fallback). */
  requestedModel?: string
  /** SHA-256 (hex) of the canonical JSON of the prompt as sent: `{ messages, tools }`. */
  promptSha256: string
  /** SHA-256 (hex) of the canonical JSON of the answer `{ text, toolCalls }`; absent on an error. */
  answerSha256?: string
  content?: AuditContent
  costNanoUsd: number
  inputTokens: number
  outputTokens: number
  outcome: AuditOutcome
  /** The error's code (`budget_exceeded`, `rate_limit`, ...) when the request failed. */
  errorCode?: string
  /** The error's message with anything shaped like a key masked. */
  error?: string
}

/** How many records a page of `query()` holds when the query sets no limit. */
export const DEFAULT_AUDIT_PAGE_SIZE = 100

/** Which records a query reads, newest first (by createdAt, then id, highest first). */
export interface AuditQuery {
  /** Created at or after. */
  from?: Date
  /** Created before. */
  to?: Date
  tenantId?: string
  userId?: string
  projectId?: string
  provider?: string
  model?: string
  keyId?: string
  outcome?: AuditOutcome
  /** At most this many a page; default 100. */
  limit?: number
  /** The `nextCursor` of the previous page. */
  cursor?: string
}

export interface AuditStore {
  /** Adds records as given; a record whose id is stored already is left as it is (no error). */
  append(records: readonly AuditRecord[]): Promise<void>
  /** A page of the records the query selects, newest first, with a cursor when more follow. */
  query(query?: AuditQuery): Promise<Page<AuditRecord>>
}

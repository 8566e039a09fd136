import { StoreError } from '../../errors/errors.js'
import type { ContentPart } from '../../spec/message.js'
import type {
  ConversationRecord,
  ConversationRetention,
  ConversationStore,
  MessageRecord,
  TenantFilter,
  UserPreferences,
} from '../conversation-store.js'
import { compareStrings } from '../kit/compare-strings.js'
import { decodePageCursor, encodePageCursor } from '../kit/page-cursor.js'
import { DEFAULT_CONVERSATION_PAGE_SIZE } from '../kit/store-defaults.js'
import { toStoredContent } from '../kit/stored-content.js'

/** Conversations, their messages and user preferences, in memory. */
export function createMemoryConversationStore(): ConversationStore {
  const conversations = new Map<string, ConversationRecord>()
  const messages = new Map<string, MessageRecord[]>()
  const messageIds = new Set<string>()
  const preferences = new Map<string, UserPreferences>()

  /** The conversation, unless the filter names another tenant. */
  function find(id: string, filter: TenantFilter = {}): ConversationRecord | undefined {
    const conversation = conversations.get(id)
    if (!conversation) return undefined
    if (filter.tenantId !== undefined && conversation.tenantId !== filter.tenantId) return undefined
    return conversation
  }

  return {
    async createConversation(input) {
      if (conversations.has(input.id)) throw new StoreError(`conversation ${input.id} already exists`)
      const now = new Date()
      const record: ConversationRecord = {
        ...input,
        metadata: structuredClone(input.metadata ?? {}),
        totalCostNanoUsd: 0,
        messageCount: 0,
        createdAt: now,
        updatedAt: now,
      }
      conversations.set(record.id, record)
      messages.set(record.id, [])
      return structuredClone(record)
    },

    async getConversation(id, filter) {
      const conversation = find(id, filter)
      return conversation && structuredClone(conversation)
    },

    async updateConversation(id, patch, filter) {
      const conversation = find(id, filter)
      if (!conversation) throw new StoreError(`conversation ${id} not found`)
      if (patch.title === null) delete conversation.title
      else if (patch.title !== undefined) conversation.title = patch.title
      if (patch.model === null) delete conversation.model
      else if (patch.model !== undefined) conversation.model = patch.model
      if (patch.metadata !== undefined) conversation.metadata = structuredClone(patch.metadata)
      conversation.updatedAt = new Date()
      return structuredClone(conversation)
    },

    async listConversations(query) {
      const limit = query.limit ?? DEFAULT_CONVERSATION_PAGE_SIZE
      const direction = query.order === 'oldest' ? 1 : -1
      const after = query.cursor === undefined ? undefined : decodePageCursor(query.cursor)
      const matching = [...conversations.values()]
        .filter(
          (c) =>
            (query.tenantId === undefined || c.tenantId === query.tenantId) &&
            (query.userId === undefined || c.userId === query.userId) &&
            (query.projectId === undefined || c.projectId === query.projectId) &&
            (query.includeArchived === true || c.archivedAt === undefined) &&
            (after === undefined || direction * comparePosition(c, after) > 0),
        )
        .sort((a, b) => direction * comparePosition(a, b))
      const items = matching.slice(0, limit).map((c) => structuredClone(c))
      const last = items.at(-1)
      return matching.length > limit && last ? { items, nextCursor: encodePageCursor(last) } : { items }
    },

    async deleteConversation(id, filter) {
      if (!find(id, filter)) return false
      for (const message of messages.get(id) ?? []) messageIds.delete(message.id)
      messages.delete(id)
      return conversations.delete(id)
    },

    async deleteConversationsBefore(retention) {
      let deleted = 0
      for (const conversation of [...conversations.values()]) {
        if (!retained(conversation, retention)) continue
        for (const message of messages.get(conversation.id) ?? []) messageIds.delete(message.id)
        messages.delete(conversation.id)
        conversations.delete(conversation.id)
        deleted++
      }
      return deleted
    },

    async archiveConversationsBefore(retention, at) {
      let archived = 0
      for (const conversation of conversations.values()) {
        if (conversation.archivedAt || !retained(conversation, retention)) continue
        conversation.archivedAt = new Date(at)
        archived++
      }
      return archived
    },

    async appendMessage(input) {
      const conversation = conversations.get(input.conversationId)
      const thread = messages.get(input.conversationId)
      if (!conversation || !thread) throw new StoreError(`conversation ${input.conversationId} not found`)
      if (messageIds.has(input.id)) throw new StoreError(`message ${input.id} already exists`)
      const copy = copyMessage(input)
      const record: MessageRecord = {
        ...copy,
        seq: thread.length + 1,
        costNanoUsd: copy.costNanoUsd ?? 0,
        status: copy.status ?? 'complete',
        createdAt: copy.createdAt ?? new Date(),
      }
      thread.push(record)
      messageIds.add(record.id)
      conversation.totalCostNanoUsd += record.costNanoUsd
      conversation.messageCount += 1
      conversation.updatedAt = new Date()
      return copyMessage(record)
    },

    async listMessages(conversationId, query = {}) {
      if (!find(conversationId, query)) return []
      const selected = (messages.get(conversationId) ?? []).filter(
        (m) =>
          (query.afterSeq === undefined || m.seq > query.afterSeq) &&
          (query.beforeSeq === undefined || m.seq < query.beforeSeq),
      )
      if (query.order === 'newest') selected.reverse()
      return selected.slice(0, query.limit ?? selected.length).map(copyMessage)
    },

    async getPreferences(key) {
      const stored = preferences.get(preferencesKey(key))
      return stored && structuredClone(stored)
    },

    async setPreferences(key, value) {
      preferences.set(preferencesKey(key), structuredClone(value))
    },
  }
}

/** Whether a retention step selects the conversation: inactive since before its date, of its tenants. */
function retained(conversation: ConversationRecord, retention: ConversationRetention): boolean {
  if (conversation.updatedAt.getTime() >= retention.before.getTime()) return false
  if (retention.tenantId !== undefined) return conversation.tenantId === retention.tenantId
  return conversation.tenantId === undefined || !retention.exceptTenantIds?.includes(conversation.tenantId)
}

/** Conversations are ordered by createdAt, then id. */
function comparePosition(a: { createdAt: Date; id: string }, b: { createdAt: Date; id: string }): number {
  return a.createdAt.getTime() - b.createdAt.getTime() || compareStrings(a.id, b.id)
}

function preferencesKey(key: { tenantId?: string; userId: string }): string {
  return JSON.stringify([key.tenantId ?? '', key.userId])
}

/** A deep copy, with image parts stored the way every store keeps them (see MessageRecord). */
function copyMessage<T extends { content: ContentPart[] }>(message: T): T {
  const { content, ...rest } = message
  return { ...structuredClone(rest), content: structuredClone(toStoredContent(content)) } as T
}

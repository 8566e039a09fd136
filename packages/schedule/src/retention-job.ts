import type { ConversationRetention, Store } from '@aimux/ai-core'
import type { ResolvedScheduleOptions } from './schedule-options.js'

const DAY_MS = 86_400_000

/** What one retention run did. */
export interface RetentionResult {
  conversations: { deleted: number; archived: number }
  /** Usage records deleted (their per-day sums stay). */
  usageRecords: number
}

type RetentionOptions = NonNullable<ResolvedScheduleOptions['retention']>

/**
 * Applies the retention policy at `now`: each listed tenant's conversations by its own policy,
 * every other conversation by the general one (when it has an age), then usage compaction.
 */
export async function runRetention(
  store: Store,
  options: RetentionOptions,
  now: Date,
): Promise<RetentionResult> {
  const result: RetentionResult = { conversations: { deleted: 0, archived: 0 }, usageRecords: 0 }
  const before = (days: number) => new Date(now.getTime() - days * DAY_MS)
  const apply = async (retention: ConversationRetention, action: 'delete' | 'archive') => {
    if (action === 'delete')
      result.conversations.deleted += await store.conversations.deleteConversationsBefore(retention)
    else result.conversations.archived += await store.conversations.archiveConversationsBefore(retention, now)
  }
  const conversations = options.conversations
  if (conversations) {
    const tenants = Object.entries(conversations.tenants)
    for (const [tenantId, policy] of tenants)
      await apply({ before: before(policy.olderThanDays), tenantId }, policy.action)
    if (conversations.olderThanDays !== undefined) {
      const retention = {
        before: before(conversations.olderThanDays),
        exceptTenantIds: tenants.map(([id]) => id),
      }
      await apply(retention, conversations.action)
    }
  }
  if (options.usage)
    result.usageRecords = await store.usage.compactUsageBefore(before(options.usage.keepRecordsDays))
  return result
}

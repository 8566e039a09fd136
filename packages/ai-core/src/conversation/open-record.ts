import type { z } from 'zod'
import type { Runtime } from '../call/runtime.js'
import { NotFoundError } from '../errors/errors.js'
import type { ConversationRecord } from '../store/conversation-store.js'
import type { Store } from '../store/store.js'
import type { ConversationOptions, conversationOptionsSchema } from './conversation-options.js'

// The stored record that conversation options name: loaded, its owner checked, or created.

type Owner = Pick<ConversationOptions, 'tenantId' | 'userId' | 'projectId'>

/**
 * The stored conversation, when it belongs to every owner field given. Otherwise NotFoundError,
 * the same as for an id that was never stored, so that a caller cannot learn that an id exists.
 */
export async function loadRecord(store: Store, id: string, owner: Owner): Promise<ConversationRecord> {
  const tenant = owner.tenantId === undefined ? {} : { tenantId: owner.tenantId }
  const found = await store.conversations.getConversation(id, tenant)
  const owned =
    found !== undefined &&
    (['tenantId', 'userId', 'projectId'] as const).every(
      (field) => owner[field] === undefined || found[field] === owner[field],
    )
  if (!owned) {
    throw new NotFoundError(
      `There is no conversation '${id}'${describeOwner(owner)}. To create one with this id, pass \`create: true\`.`,
    )
  }
  return found
}

function describeOwner(owner: Owner): string {
  const parts = (['tenantId', 'userId', 'projectId'] as const).flatMap((field) =>
    owner[field] === undefined ? [] : [`${field} '${owner[field]}'`],
  )
  return parts.length === 0 ? '' : ` for ${parts.join(', ')}`
}

/** A new conversation, with its system prompt as the first message. */
export async function createRecord(
  rt: Runtime,
  store: Store,
  options: z.output<typeof conversationOptionsSchema>,
): Promise<ConversationRecord> {
  const { system, create: _create, ...fields } = options
  const record = await store.conversations.createConversation({ ...fields, id: options.id ?? rt.newId() })
  if (system) {
    await store.conversations.appendMessage({
      id: rt.newId(),
      conversationId: record.id,
      role: 'system',
      content: [{ type: 'text', text: system }],
    })
  }
  return record
}

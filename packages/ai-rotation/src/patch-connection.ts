import type { ConnectionRecord, ConnectionStore } from '@aimux/ai-core'

export type ConnectionRecordPatch = Partial<Omit<ConnectionRecord, 'id' | 'createdAt' | 'updatedAt'>>

/**
 * Changes some fields of a stored connection (read, then upsert); a status other than 'disabled'
 * clears the disabled reason. Resolves to undefined when there is no such connection, or, given
 * `sealedAs`, when its stored ciphertext (or fingerprint) is no longer that: its credentials were
 * replaced.
 */
export async function patchConnection(
  store: ConnectionStore,
  id: string,
  patch: ConnectionRecordPatch,
  sealedAs?: string,
): Promise<ConnectionRecord | undefined> {
  const record = await store.getConnection(id)
  if (!record || (sealedAs !== undefined && record.ciphertext !== sealedAs)) return undefined
  const { createdAt: _created, updatedAt: _updated, ...fields } = record
  const next = { ...fields, ...patch }
  if (next.status !== 'disabled') delete next.disabledReason
  for (const key of Object.keys(next) as (keyof typeof next)[]) if (next[key] === undefined) delete next[key]
  return store.upsertConnection(next)
}

import type { AuditRecord, AuditStore } from '../audit-store.js'
import { DEFAULT_AUDIT_PAGE_SIZE } from '../audit-store.js'
import { compareStrings } from '../kit/compare-strings.js'
import { decodePageCursor, encodePageCursor } from '../kit/page-cursor.js'

/** Audit records in memory, append-only, read newest first (by createdAt, then id). */
export function createMemoryAuditStore(): AuditStore {
  const records = new Map<string, AuditRecord>()
  const newestFirst = (a: AuditRecord, b: AuditRecord) =>
    b.createdAt.getTime() - a.createdAt.getTime() || compareStrings(b.id, a.id)

  return {
    async append(entries) {
      for (const entry of entries) if (!records.has(entry.id)) records.set(entry.id, structuredClone(entry))
    },

    async query(query = {}) {
      const limit = query.limit ?? DEFAULT_AUDIT_PAGE_SIZE
      const after = query.cursor === undefined ? undefined : decodePageCursor(query.cursor)
      const matches = [...records.values()]
        .filter(
          (r) =>
            (query.from === undefined || r.createdAt.getTime() >= query.from.getTime()) &&
            (query.to === undefined || r.createdAt.getTime() < query.to.getTime()) &&
            (query.tenantId === undefined || r.tenantId === query.tenantId) &&
            (query.userId === undefined || r.userId === query.userId) &&
            (query.projectId === undefined || r.projectId === query.projectId) &&
            (query.provider === undefined || r.provider === query.provider) &&
            (query.model === undefined || r.model === query.model) &&
            (query.keyId === undefined || r.keyId === query.keyId) &&
            (query.outcome === undefined || r.outcome === query.outcome) &&
            (after === undefined ||
              newestFirst(r, { createdAt: after.createdAt, id: after.id } as AuditRecord) > 0),
        )
        .sort(newestFirst)
      const items = matches.slice(0, limit).map((r) => structuredClone(r))
      const last = items.at(-1)
      return matches.length > limit && last ? { items, nextCursor: encodePageCursor(last) } : { items }
    },
  }
}

import { once } from 'node:events'
import type { AuditQuery, AuditRecord, AuditStore, Page } from '@aimux/ai-core'
import { parseAuditQuery } from './audit-query.js'

/** `ai.audit`: the audit trail, read a page at a time or exported whole. */
export interface AuditApi {
  /** A page of records, newest first; waits for the records still being written first. */
  query(query?: AuditQuery): Promise<Page<AuditRecord>>
  /**
   * Every record the query selects (newest first), one JSON object a line, each ending in "\n".
   * Reads the store a page at a time, so the trail never sits in memory whole. `limit` and
   * `cursor` are the export's own: its page size comes from the plugin's `exportPageSize`.
   */
  export(query?: Omit<AuditQuery, 'limit' | 'cursor'>): AsyncIterable<string>
  /**
   * Writes `export(query)` to a writable stream (a file, a response), waiting whenever it is
   * full; leaves it open. Resolves to the number of records written.
   */
  exportTo(writable: NodeJS.WritableStream, query?: Omit<AuditQuery, 'limit' | 'cursor'>): Promise<number>
}

export function createAuditApi(input: {
  store: () => AuditStore
  /** Waits for the records being written (the instance's flush). */
  flush: () => Promise<void>
  pageSize: number
}): AuditApi {
  const { store, flush, pageSize } = input

  async function* exportLines(query?: Omit<AuditQuery, 'limit' | 'cursor'>): AsyncGenerator<string> {
    const filter = parseAuditQuery(query)
    delete filter.cursor
    await flush()
    let cursor: string | undefined
    do {
      const page = await store().query({ ...filter, limit: pageSize, ...(cursor ? { cursor } : {}) })
      for (const record of page.items) yield `${JSON.stringify(record)}\n`
      cursor = page.nextCursor
    } while (cursor)
  }

  return {
    async query(query) {
      const parsed = parseAuditQuery(query)
      await flush()
      return store().query(parsed)
    },
    export: exportLines,
    async exportTo(writable, query) {
      let written = 0
      for await (const line of exportLines(query)) {
        if (!writable.write(line)) await once(writable, 'drain')
        written++
      }
      return written
    },
  }
}

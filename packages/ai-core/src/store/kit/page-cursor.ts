import { StoreError } from '../../errors/errors.js'

/** Where a page of conversations ended: conversations are ordered by createdAt, then id. */
export interface PagePosition {
  createdAt: Date
  id: string
}

/** The opaque cursor every store hands out for the page after `position`. */
export function encodePageCursor(position: PagePosition): string {
  return Buffer.from(JSON.stringify([position.createdAt.getTime(), position.id])).toString('base64url')
}

/** The position a cursor from encodePageCursor names; a StoreError for anything else. */
export function decodePageCursor(cursor: string): PagePosition {
  try {
    const [time, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    if (Number.isSafeInteger(time) && typeof id === 'string') return { createdAt: new Date(time), id }
  } catch {}
  throw new StoreError(`invalid cursor: ${cursor}`)
}

import { StoreError } from '@aimux/ai-core'

/** Where a page of conversations ended: conversations are ordered by createdAt, then id. */
export interface Position {
  createdAt: Date
  id: string
}

export function encodeCursor(position: Position): string {
  return Buffer.from(JSON.stringify([position.createdAt.getTime(), position.id])).toString('base64url')
}

export function decodeCursor(cursor: string): Position {
  try {
    const [time, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    if (Number.isSafeInteger(time) && typeof id === 'string') return { createdAt: new Date(time), id }
  } catch {}
  throw new StoreError(`invalid cursor: ${cursor}`)
}

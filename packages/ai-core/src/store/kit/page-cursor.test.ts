import { expect, it } from 'vitest'
import { StoreError } from '../../errors/errors.js'
import { decodePageCursor, encodePageCursor } from './page-cursor.js'

it('decodes the position a cursor was made from', () => {
  const position = { createdAt: new Date('2026-11-22T10:00:00.123Z'), id: 'c1' }
  expect(decodePageCursor(encodePageCursor(position))).toEqual(position)
})

it('rejects a cursor it did not make with a StoreError', () => {
  for (const cursor of ['not a cursor', Buffer.from('[1.5,"c1"]').toString('base64url'), ''])
    expect(() => decodePageCursor(cursor)).toThrow(StoreError)
})

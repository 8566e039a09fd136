import { expect, it } from 'vitest'
import type { ContentPart } from '../../spec/message.js'
import { toStoredContent, toStoredPart } from './stored-content.js'

it('stores an image URL as its href and raw bytes as base64, keeping the mediaType', () => {
  const content: ContentPart[] = [
    { type: 'text', text: 'Look' },
    { type: 'image', image: new URL('https://example.com/cat.png') },
    { type: 'image', image: new Uint8Array([1, 2, 3]), mediaType: 'image/png' },
    { type: 'image', image: 'aGVsbG8=', mediaType: 'image/jpeg' },
  ]
  expect(toStoredContent(content)).toEqual([
    { type: 'text', text: 'Look' },
    { type: 'image', image: 'https://example.com/cat.png' },
    { type: 'image', image: 'AQID', mediaType: 'image/png' },
    { type: 'image', image: 'aGVsbG8=', mediaType: 'image/jpeg' },
  ])
})

it('returns a part that is already stored as it is', () => {
  const part: ContentPart = { type: 'text', text: 'Hi' }
  expect(toStoredPart(part)).toBe(part)
})

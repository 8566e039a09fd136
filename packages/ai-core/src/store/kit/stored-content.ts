import type { ContentPart } from '../../spec/message.js'

/**
 * A content part as every store keeps it (see MessageRecord): an image part's URL becomes its
 * href and its raw bytes become base64 (mediaType kept); any other part is returned as it is.
 */
export function toStoredPart(part: ContentPart): ContentPart {
  if (part.type !== 'image' || typeof part.image === 'string') return part
  const image = part.image instanceof URL ? part.image.href : Buffer.from(part.image).toString('base64')
  return { ...part, image }
}

/** Message content as every store keeps it: each part through toStoredPart. */
export function toStoredContent(content: readonly ContentPart[]): ContentPart[] {
  return content.map(toStoredPart)
}

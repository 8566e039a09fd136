import type { ContentPart } from '@aimux/ai-core'

/**
 * Message content as the JSON text that is stored: an image part's URL becomes its href and its
 * raw bytes become base64 (mediaType kept), so it reads back as every store returns it.
 */
export function contentToJson(content: readonly ContentPart[]): string {
  return JSON.stringify(
    content.map((part) => {
      if (part.type !== 'image' || typeof part.image === 'string') return part
      const image = part.image instanceof URL ? part.image.href : Buffer.from(part.image).toString('base64')
      return { ...part, image }
    }),
  )
}

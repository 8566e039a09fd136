import type { ImagePart } from '@aimux/ai-core'

/**
 * An image part as the URL the OpenAI wire takes: http(s) and data: URLs as they are, base64
 * text and raw bytes as a data: URL of the part's media type (PNG when it has none).
 */
export function imageUrl(part: ImagePart): string {
  const { image } = part
  if (image instanceof URL) return image.href
  const mediaType = part.mediaType ?? 'image/png'
  if (image instanceof Uint8Array) return `data:${mediaType};base64,${Buffer.from(image).toString('base64')}`
  if (/^(https?:|data:)/i.test(image)) return image
  return `data:${mediaType};base64,${image}`
}

import type { ContentBlock } from '@modelcontextprotocol/sdk/types.js'

/** The size of base64 data, for a reader: "812 B", "14.2 kB", "3.1 MB". */
export function base64Size(data: string): string {
  const bytes = Math.floor((data.replace(/=+$/, '').length * 3) / 4)
  if (bytes < 1000) return `${bytes} B`
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`
  return `${(bytes / 1_000_000).toFixed(1)} MB`
}

/**
 * One MCP content block as text a model reads. Text stays as it is; an embedded text resource is
 * its text under a `[resource <uri>]` line. Binary data (images, audio, blob resources) is not
 * pushed to the model as base64: a short note says what it was and how large.
 */
export function contentText(block: ContentBlock): string {
  switch (block.type) {
    case 'text':
      return block.text
    case 'image':
    case 'audio':
      return `[${block.type} ${block.mimeType}, ${base64Size(block.data)}, not shown]`
    case 'resource_link':
      return `[resource link ${block.uri}${block.name ? ` "${block.name}"` : ''}${block.mimeType ? ` (${block.mimeType})` : ''}]`
    case 'resource': {
      const { resource } = block
      const kind = resource.mimeType ? ` (${resource.mimeType})` : ''
      if ('text' in resource && typeof resource.text === 'string')
        return `[resource ${resource.uri}${kind}]\n${resource.text}`
      const size =
        'blob' in resource && typeof resource.blob === 'string' ? `, ${base64Size(resource.blob)}` : ''
      return `[resource ${resource.uri}${kind}${size}, binary, not shown]`
    }
    default:
      return `[${(block as { type: string }).type} content, not shown]`
  }
}

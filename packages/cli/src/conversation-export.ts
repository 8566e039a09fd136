import { type ContentPart, type ConversationRecord, formatUsd, type MessageRecord } from '@aimux/ai-core'

export type ExportFormat = 'md' | 'json'

/** A stored conversation and its messages as a document: Markdown for people, JSON for programs. */
export function exportConversation(
  record: ConversationRecord,
  messages: readonly MessageRecord[],
  format: ExportFormat,
): string {
  if (format === 'json') return `${JSON.stringify({ conversation: record, messages }, null, 2)}\n`
  return toMarkdown(record, messages)
}

function toMarkdown(record: ConversationRecord, messages: readonly MessageRecord[]): string {
  const facts = [
    `- id: \`${record.id}\``,
    ...(record.userId ? [`- user: ${record.userId}`] : []),
    ...(record.tenantId ? [`- tenant: ${record.tenantId}`] : []),
    ...(record.projectId ? [`- project: ${record.projectId}`] : []),
    ...(record.model ? [`- model: ${record.model}`] : []),
    `- created: ${record.createdAt.toISOString()}`,
    `- messages: ${record.messageCount}`,
    `- cost: ${formatUsd(record.totalCostNanoUsd)}`,
  ]
  const sections = messages.map((message) => {
    const why = message.error ? `\n\n_${message.error}_` : ''
    return `## ${heading(message)}\n\n${body(message.content)}${why}`.trimEnd()
  })
  return `${[`# ${record.title || `Conversation ${record.id}`}`, facts.join('\n'), ...sections].join('\n\n')}\n`
}

function heading(message: MessageRecord): string {
  const role = message.role[0]?.toUpperCase() + message.role.slice(1)
  const details = [
    ...(message.provider && message.model ? [`${message.provider}:${message.model}`] : []),
    ...(message.role === 'assistant' && message.status === 'complete'
      ? [formatUsd(message.costNanoUsd)]
      : []),
    ...(message.status === 'partial' ? ['partial'] : []),
    ...(message.status === 'error' ? ['failed'] : []),
  ]
  return [role, ...details].join(' · ')
}

function body(content: readonly ContentPart[]): string {
  return content
    .map((part) => {
      switch (part.type) {
        case 'text':
          return part.text
        case 'reasoning':
          return part.text
            .split('\n')
            .map((line) => `> ${line}`)
            .join('\n')
        case 'image':
          return typeof part.image === 'string' && /^https?:/.test(part.image)
            ? `![image](${part.image})`
            : '(image)'
        case 'tool-call':
          return `Tool call \`${part.name}\`:\n\n\`\`\`json\n${JSON.stringify(part.args, null, 2)}\n\`\`\``
        case 'tool-result':
          return `Result of \`${part.toolName}\`${part.isError ? ' (error)' : ''}:\n\n\`\`\`json\n${JSON.stringify(part.result, null, 2)}\n\`\`\``
        default:
          return ''
      }
    })
    .filter(Boolean)
    .join('\n\n')
}

import type { ContentPart, ConversationRecord, MessageRecord, Page } from '@aimux/ai-core'
import { formatCount, formatMs, formatTime, formatUsd } from './format.js'
import { type Html, html } from './html.js'

export interface ConversationFilter {
  userId?: string
  tenantId?: string
  cursor?: string
}

const query = (filter: ConversationFilter) => {
  const params = new URLSearchParams()
  for (const [name, value] of Object.entries(filter)) if (value) params.set(name, value)
  const text = params.toString()
  return text ? `?${text}` : ''
}

export function conversationsPage(
  base: string,
  filter: ConversationFilter,
  page: Page<ConversationRecord>,
): Html {
  return html`
    <form method="get" action="${base}/conversations" class="card" aria-label="Filter conversations">
      <div class="fields">
        <label>User <input name="userId" value="${filter.userId ?? ''}" autocomplete="off" /></label>
        <label>Tenant <input name="tenantId" value="${filter.tenantId ?? ''}" autocomplete="off" /></label>
      </div>
      <button type="submit">Show</button>
    </form>
    <div class="table-wrap"><table id="conversations-table">
      <caption>Conversations${filter.userId ? html` of user ${filter.userId}` : ''}, newest first</caption>
      <thead><tr><th scope="col">Conversation</th><th scope="col">User</th><th scope="col">Tenant</th>
        <th scope="col">Model</th><th scope="col" class="num">Messages</th><th scope="col" class="num">Cost</th>
        <th scope="col">Updated</th></tr></thead>
      <tbody>
        ${
          page.items.length === 0
            ? html`<tr><td colspan="7" class="muted">No conversations.</td></tr>`
            : page.items.map(
                (c) => html`<tr>
                  <th scope="row"><a href="${base}/conversations/${encodeURIComponent(c.id)}">${c.title ?? c.id}</a></th>
                  <td>${c.userId ?? ''}</td>
                  <td>${c.tenantId ?? ''}</td>
                  <td>${c.model ?? ''}</td>
                  <td class="num">${formatCount(c.messageCount)}</td>
                  <td class="num">${formatUsd(c.totalCostNanoUsd)}</td>
                  <td>${formatTime(c.updatedAt)}</td>
                </tr>`,
              )
        }
      </tbody>
    </table></div>
    ${
      page.nextCursor
        ? html`<p><a href="${base}/conversations${query({ ...filter, cursor: page.nextCursor })}" rel="next">Older conversations</a></p>`
        : ''
    }`
}

function partText(part: ContentPart): string {
  switch (part.type) {
    case 'text':
      return part.text
    case 'reasoning':
      return `[reasoning] ${part.text}`
    case 'tool-call':
      return `[tool call ${part.name}] ${JSON.stringify(part.args)}`
    case 'tool-result':
      return `[tool result ${part.toolName}] ${JSON.stringify(part.result)}`
    default:
      return `[${part.type}]`
  }
}

export function conversationPage(conversation: ConversationRecord, messages: MessageRecord[]): Html {
  return html`
    <dl class="tiles" aria-label="Conversation">
      <div><dt>User</dt><dd>${conversation.userId ?? '–'}</dd></div>
      <div><dt>Messages</dt><dd>${formatCount(conversation.messageCount)}</dd></div>
      <div><dt>Cost</dt><dd id="conversation-cost">${formatUsd(conversation.totalCostNanoUsd)}</dd></div>
      <div><dt>Started</dt><dd>${formatTime(conversation.createdAt)}</dd></div>
    </dl>
    <div class="table-wrap"><table id="messages-table">
      <caption>Messages in order, with the cost of each</caption>
      <thead><tr><th scope="col" class="num">#</th><th scope="col">Role</th><th scope="col">Content</th>
        <th scope="col">Model</th><th scope="col" class="num">Tokens in / out</th><th scope="col" class="num">Latency</th>
        <th scope="col" class="num">Cost</th><th scope="col">Status</th></tr></thead>
      <tbody>
        ${messages.map(
          (m) => html`<tr>
            <td class="num">${m.seq}</td>
            <th scope="row">${m.role}</th>
            <td><div class="message-text">${m.content.map(partText).join('\n')}</div></td>
            <td>${m.model ? `${m.provider}:${m.model}` : ''}</td>
            <td class="num">${m.usage ? `${formatCount(m.usage.inputTokens)} / ${formatCount(m.usage.outputTokens)}` : '–'}</td>
            <td class="num">${formatMs(m.latencyMs)}</td>
            <td class="num">${formatUsd(m.costNanoUsd)}</td>
            <td>${m.status}${m.error ? html`: ${m.error}` : ''}</td>
          </tr>`,
        )}
      </tbody>
    </table></div>`
}

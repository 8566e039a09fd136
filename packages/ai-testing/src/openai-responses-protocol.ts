import type { FinishReason } from '@aimux/ai-core'
import {
  type FakeRequest,
  sseEvent,
  type WireFrame,
  type WireProtocol,
  type WireResponse,
} from './fake-server.js'
import { openaiChatProtocol } from './openai-chat-protocol.js'
import type { ResolvedReply, ScriptedError } from './scripted-turn.js'

export interface OpenAIResponsesProtocolOptions {
  /** The model ids GET /v1/models lists. Default: gpt-4o-mini and gpt-4o. */
  models?: string[]
  /**
   * Adds the `obfuscation` padding field OpenAI puts on `response.output_text.delta` events (left
   * out when the request sets `stream_options.include_obfuscation: false`). Default true.
   */
  obfuscation?: boolean
}

interface ResponsesRequestBody {
  model?: string
  input?: unknown
  include?: string[]
  store?: boolean
  stream?: boolean
  stream_options?: { include_obfuscation?: boolean }
  max_output_tokens?: number
  temperature?: number
  reasoning?: { effort?: string; summary?: string }
}

type Item = Record<string, unknown>

const incompleteReasons: Partial<Record<FinishReason, string>> = {
  length: 'max_output_tokens',
  'content-filter': 'content_filter',
}

/**
 * The OpenAI Responses API wire protocol, for {@link createFakeServer}: POST /v1/responses as a
 * JSON response object or, with `stream: true`, as named SSE events with sequence numbers
 * (`response.created`, `response.output_item.added`, `response.reasoning_summary_text.delta`,
 * `response.output_text.delta` with its `obfuscation` field, `response.function_call_arguments.delta`
 * in several fragments, ..., then `response.completed` or `response.incomplete` carrying the usage
 * with `input_tokens_details.cached_tokens` and `output_tokens_details.reasoning_tokens`). A 'length'
 * or 'content-filter' finish is an incomplete response. Errors and GET /v1/models as in
 * {@link openaiChatProtocol}. The /v1 prefix is optional.
 *
 * Encrypted reasoning, as a stateless client uses it: with `include: ['reasoning.encrypted_content']`
 * a reasoning item carries an `encrypted_content` this server issued (a reply with reasoning text,
 * or with reasoning tokens and no text: an item with an empty summary), in the finished item
 * (`response.output_item.done`), not the added one. Reasoning items sent back in `input` are
 * checked as the API checks them, answering with its errors instead of the scripted turn: one
 * without `encrypted_content` must name an item of a response stored here (`store` not false),
 * else a 404 "Item with id ... not found"; encrypted content must be what this server issued for
 * that id, else a 400; and each must be followed by the assistant message or function call it
 * preceded, else a 400.
 *
 * @example const server = await createFakeServer(openaiResponsesProtocol())
 */
export function openaiResponsesProtocol(options: OpenAIResponsesProtocolOptions = {}): WireProtocol {
  const chat = openaiChatProtocol({ models: options.models })
  const obfuscation = options.obfuscation ?? true
  const reasoning: ReasoningLedger = { issued: new Map(), stored: new Set() }
  let responses = 0
  return {
    name: 'openai-responses',
    routes: [
      {
        method: 'POST',
        path: /^(\/v1)?\/responses$/,
        reply(request, reply) {
          responses += 1
          const refused = checkReasoningInput(request, reasoning)
          if (refused) return { type: 'json', status: refused.status, body: chat.errorBody(refused, request) }
          return renderResponse(request, reply, responses, obfuscation, reasoning)
        },
      },
      ...chat.routes.filter((route) => route.method === 'GET'),
    ],
    errorBody: chat.errorBody,
  }
}

/** The encrypted contents this server issued (by item id), and the reasoning items it stored. */
interface ReasoningLedger {
  issued: Map<string, string>
  stored: Set<string>
}

/** What the API answers for reasoning items in `input` it cannot use, or undefined when all are fine. */
function checkReasoningInput(
  request: FakeRequest,
  ledger: ReasoningLedger,
): ScriptedError['error'] | undefined {
  const input = (request.body as ResponsesRequestBody | undefined)?.input
  if (!Array.isArray(input)) return undefined
  for (const [index, item] of (input as Item[]).entries()) {
    if (item?.type !== 'reasoning') continue
    const id = String(item.id)
    const encrypted = item.encrypted_content
    if (typeof encrypted !== 'string' || encrypted === '') {
      if (!ledger.stored.has(id)) {
        return {
          status: 404,
          message: `Item with id '${id}' not found. Items are not persisted when \`store\` is set to false. Try again with \`store\` set to true, or remove this item from your input.`,
        }
      }
    } else if (ledger.issued.get(id) !== encrypted) {
      return {
        status: 400,
        code: 'invalid_encrypted_content',
        message: `The encrypted content for item ${id} could not be verified.`,
      }
    }
    const next = input[index + 1] as Item | undefined
    const follows =
      next?.type === 'function_call' || (next?.role === 'assistant' && next.type !== 'reasoning')
    if (!follows) {
      return {
        status: 400,
        message: `Item '${id}' of type 'reasoning' was provided without its required following item.`,
      }
    }
  }
  return undefined
}

function renderResponse(
  request: FakeRequest,
  reply: ResolvedReply,
  number: number,
  obfuscation: boolean,
  ledger: ReasoningLedger,
): WireResponse {
  const body = (request.body ?? {}) as ResponsesRequestBody
  const incomplete = incompleteReasons[reply.finishReason]
  const encrypted = body.include?.includes('reasoning.encrypted_content') ?? false
  const items = outputItems(reply, number, encrypted)
  for (const item of items) {
    if (item.type !== 'reasoning') continue
    if (typeof item.encrypted_content === 'string') ledger.issued.set(String(item.id), item.encrypted_content)
    if (body.store !== false) ledger.stored.add(String(item.id))
  }
  const response = (status: string, output: Item[], usage: unknown) => ({
    id: `resp_fake${number}`,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status,
    background: false,
    error: null,
    incomplete_details: status === 'incomplete' ? { reason: incomplete } : null,
    instructions: null,
    max_output_tokens: body.max_output_tokens ?? null,
    model: reply.model ?? body.model ?? 'unknown',
    output,
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: body.reasoning?.effort ?? null, summary: body.reasoning?.summary ?? null },
    service_tier: 'default',
    store: body.store ?? true,
    temperature: body.temperature ?? 1,
    text: { format: { type: 'text' }, verbosity: 'medium' },
    tool_choice: 'auto',
    tools: [],
    top_p: 1,
    truncation: 'disabled',
    usage,
    user: null,
    metadata: {},
  })
  const final = response(incomplete ? 'incomplete' : 'completed', items, renderUsage(reply))
  if (!body.stream) return { type: 'json', body: final }

  const obfuscate = obfuscation && body.stream_options?.include_obfuscation !== false
  const frames: WireFrame[] = []
  let sequence = 0
  const emit = (type: string, data: Record<string, unknown>, text = false) => {
    frames.push({
      data: sseEvent({ type, sequence_number: sequence, ...data }, { event: type }),
      ...(text ? { text } : {}),
    })
    sequence += 1
  }

  emit('response.created', { response: response('in_progress', [], null) })
  emit('response.in_progress', { response: response('in_progress', [], null) })
  for (const [index, item] of items.entries()) {
    const at = { item_id: item.id, output_index: index }
    emit('response.output_item.added', { output_index: index, item: started(item) })
    if (item.type === 'reasoning') {
      if (!reply.reasoning) {
        emit('response.output_item.done', { output_index: index, item })
        continue
      }
      const part = { type: 'summary_text', text: reply.reasoning }
      emit('response.reasoning_summary_part.added', { ...at, summary_index: 0, part: { ...part, text: '' } })
      for (const delta of reply.reasoningChunks) {
        emit('response.reasoning_summary_text.delta', { ...at, summary_index: 0, delta })
      }
      emit('response.reasoning_summary_text.done', { ...at, summary_index: 0, text: reply.reasoning })
      emit('response.reasoning_summary_part.done', { ...at, summary_index: 0, part })
    } else if (item.type === 'message') {
      const part = { type: 'output_text', annotations: [], logprobs: [], text: reply.text }
      emit('response.content_part.added', { ...at, content_index: 0, part: { ...part, text: '' } })
      for (const [chunk, delta] of reply.textChunks.entries()) {
        const padding = obfuscate ? { obfuscation: 'Qf3aZ9xT0pQ2xYb7'.slice(0, 2 + ((chunk * 5) % 13)) } : {}
        emit('response.output_text.delta', { ...at, content_index: 0, delta, logprobs: [], ...padding }, true)
      }
      emit('response.output_text.done', { ...at, content_index: 0, text: reply.text, logprobs: [] })
      emit('response.content_part.done', { ...at, content_index: 0, part })
    } else {
      const args = String(item.arguments)
      for (const delta of fragments(args)) emit('response.function_call_arguments.delta', { ...at, delta })
      emit('response.function_call_arguments.done', { ...at, arguments: args })
    }
    emit('response.output_item.done', { output_index: index, item })
  }
  emit(incomplete ? 'response.incomplete' : 'response.completed', { response: final })
  return { type: 'stream', contentType: 'text/event-stream; charset=utf-8', frames }
}

/**
 * The reply's output items, in the order the API emits them: reasoning, message, function calls.
 * With `encrypted`, the reasoning item carries its encrypted content, and reasoning tokens without
 * a summary still make one.
 */
function outputItems(reply: ResolvedReply, number: number, encrypted: boolean): Item[] {
  const items: Item[] = []
  if (reply.reasoning || (encrypted && reply.usage.reasoningTokens > 0)) {
    const id = `rs_fake${number}`
    items.push({
      id,
      type: 'reasoning',
      summary: reply.reasoning ? [{ type: 'summary_text', text: reply.reasoning }] : [],
      ...(encrypted ? { encrypted_content: encryptedReasoning(id, reply) } : {}),
    })
  }
  if (reply.text) {
    items.push({
      id: `msg_fake${number}`,
      type: 'message',
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', annotations: [], logprobs: [], text: reply.text }],
    })
  }
  for (const [index, call] of reply.toolCalls.entries()) {
    items.push({
      id: `fc_fake${number}_${index + 1}`,
      type: 'function_call',
      status: 'completed',
      arguments: JSON.stringify(call.args),
      call_id: call.id,
      name: call.name,
    })
  }
  return items
}

/** An opaque token standing for the reasoning of item `id`, as only this server can issue it. */
function encryptedReasoning(id: string, reply: ResolvedReply): string {
  const sealed = Buffer.from(
    JSON.stringify({ id, reasoning: reply.reasoning, tokens: reply.usage.reasoningTokens }),
  )
  return `gAAAAB${sealed.toString('base64url')}`
}

/** An item as `response.output_item.added` shows it: nothing generated yet. */
function started(item: Item): Item {
  if (item.type === 'reasoning') {
    const { encrypted_content: _sealed, ...rest } = item
    return { ...rest, summary: [] }
  }
  if (item.type === 'message') return { ...item, status: 'in_progress', content: [] }
  return { ...item, status: 'in_progress', arguments: '' }
}

function renderUsage({ usage }: ResolvedReply) {
  return {
    input_tokens: usage.inputTokens,
    input_tokens_details: {
      cached_tokens: usage.cachedInputTokens,
      ...(usage.cacheWriteTokens > 0 ? { cache_write_tokens: usage.cacheWriteTokens } : {}),
    },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens },
    total_tokens: usage.totalTokens,
  }
}

/** Function call arguments arrive in several pieces, as the real API sends them. */
function fragments(json: string, count = 3): string[] {
  const size = Math.max(1, Math.ceil(json.length / count))
  const pieces: string[] = []
  for (let at = 0; at < json.length; at += size) pieces.push(json.slice(at, at + size))
  return pieces
}

import type { FinishReason } from '@aimux/ai-core'
import {
  type FakeRequest,
  sseEvent,
  type WireFrame,
  type WireProtocol,
  type WireResponse,
} from './fake-server.js'
import { openaiChatProtocol } from './openai-chat-protocol.js'
import type { ResolvedReply } from './scripted-turn.js'

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
 * @example const server = await createFakeServer(openaiResponsesProtocol())
 */
export function openaiResponsesProtocol(options: OpenAIResponsesProtocolOptions = {}): WireProtocol {
  const chat = openaiChatProtocol({ models: options.models })
  const obfuscation = options.obfuscation ?? true
  let responses = 0
  return {
    name: 'openai-responses',
    routes: [
      {
        method: 'POST',
        path: /^(\/v1)?\/responses$/,
        reply(request, reply) {
          responses += 1
          return renderResponse(request, reply, responses, obfuscation)
        },
      },
      ...chat.routes.filter((route) => route.method === 'GET'),
    ],
    errorBody: chat.errorBody,
  }
}

function renderResponse(
  request: FakeRequest,
  reply: ResolvedReply,
  number: number,
  obfuscation: boolean,
): WireResponse {
  const body = (request.body ?? {}) as ResponsesRequestBody
  const incomplete = incompleteReasons[reply.finishReason]
  const items = outputItems(reply, number)
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
    store: true,
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

/** The reply's output items, in the order the API emits them: reasoning, message, function calls. */
function outputItems(reply: ResolvedReply, number: number): Item[] {
  const items: Item[] = []
  if (reply.reasoning) {
    items.push({
      id: `rs_fake${number}`,
      type: 'reasoning',
      summary: [{ type: 'summary_text', text: reply.reasoning }],
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

/** An item as `response.output_item.added` shows it: nothing generated yet. */
function started(item: Item): Item {
  if (item.type === 'reasoning') return { ...item, summary: [] }
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

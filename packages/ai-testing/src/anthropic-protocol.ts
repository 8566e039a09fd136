import { STATUS_CODES } from 'node:http'
import type { FinishReason } from '@aimux/ai-core'
import { answerAnthropicCount } from './anthropic-count-tokens.js'
import {
  type FakeRequest,
  sseEvent,
  type WireFrame,
  type WireProtocol,
  type WireResponse,
} from './fake-server.js'
import type { ResolvedReply, ScriptedError } from './scripted-turn.js'

export interface AnthropicProtocolOptions {
  /**
   * The model ids GET /v1/models lists, and the only ones POST /v1/messages/count_tokens counts
   * for. Default: claude-sonnet-5 and claude-opus-5-5.
   */
  models?: string[]
}

interface MessagesRequestBody {
  model?: string
  stream?: boolean
}

/** 'error' has no stop reason: it is sent as an `error` event (a stream) or a 529 (JSON). */
const stopReasons: Record<Exclude<FinishReason, 'error'>, string> = {
  stop: 'end_turn',
  length: 'max_tokens',
  'tool-calls': 'tool_use',
  'content-filter': 'refusal',
  other: 'pause_turn',
}

/** The error type the API sends for each status. */
const errorTypes: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  409: 'conflict_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
}

/**
 * The Anthropic Messages wire protocol, for {@link createFakeServer}: POST /v1/messages as a JSON
 * message or, with `stream: true`, as named SSE events (message_start, content_block_start /
 * delta / stop, ping, message_delta with the output usage, message_stop) whose data is padded
 * with spaces as the API pads it; thinking blocks with a `fake-signature-<n>` signature; tool
 * input streamed as input_json_delta fragments; `{ type: 'error', error: { type, message } }`
 * error bodies; a reply with finishReason 'error' becomes an `overloaded_error` event after its
 * text (a 529 when not streaming); GET /v1/models; POST /v1/messages/count_tokens, answered
 * without a scripted turn by a rule a test can work out by hand (see answerAnthropicCount).
 *
 * @example const server = await createFakeServer(anthropicProtocol())
 */
export function anthropicProtocol(options: AnthropicProtocolOptions = {}): WireProtocol {
  const models = options.models ?? ['claude-sonnet-5', 'claude-opus-5-5']
  let messages = 0

  return {
    name: 'anthropic',
    routes: [
      {
        method: 'POST',
        path: '/v1/messages',
        reply(request, reply) {
          messages += 1
          return renderMessage(request, reply, messages)
        },
      },
      {
        method: 'POST',
        path: '/v1/messages/count_tokens',
        answer: (request) =>
          answerAnthropicCount(request, models, (status, message) => ({
            type: 'json',
            status,
            body: renderError({ status, message }),
          })),
      },
      {
        method: 'GET',
        path: '/v1/models',
        answer: () => ({
          type: 'json',
          body: {
            data: models.map((id) => ({
              type: 'model',
              id,
              display_name: id,
              created_at: '2026-07-24T00:00:00Z',
              lifecycle: 'active',
              max_input_tokens: 1_000_000,
              max_tokens: 128_000,
            })),
            has_more: false,
            first_id: models[0] ?? null,
            last_id: models.at(-1) ?? null,
          },
        }),
      },
    ],
    errorBody: renderError,
  }
}

/** JSON as the API writes it in its stream: a space after every colon and comma. */
function spaced(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(spaced).join(', ')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined)
    return `{${entries.map(([key, v]) => `${JSON.stringify(key)}: ${spaced(v)}`).join(', ')}}`
  }
  return JSON.stringify(value)
}

function event(type: string, data: Record<string, unknown>): string {
  return sseEvent(spaced({ type, ...data }), { event: type })
}

function renderUsage({ usage }: ResolvedReply) {
  const oneHour = usage.cacheWrite1hTokens ?? 0
  return {
    input_tokens: usage.inputTokens - usage.cachedInputTokens - usage.cacheWriteTokens,
    cache_creation_input_tokens: usage.cacheWriteTokens,
    cache_read_input_tokens: usage.cachedInputTokens,
    cache_creation: {
      ephemeral_5m_input_tokens: usage.cacheWriteTokens - oneHour,
      ephemeral_1h_input_tokens: oneHour,
    },
    output_tokens: usage.outputTokens,
    output_tokens_details: { thinking_tokens: usage.reasoningTokens },
    service_tier: 'standard',
  }
}

function renderMessage(request: FakeRequest, reply: ResolvedReply, n: number): WireResponse {
  const body = (request.body ?? {}) as MessagesRequestBody
  const model = reply.model ?? body.model ?? 'unknown'
  const signature = `fake-signature-${n}`
  const head = {
    id: `msg_fake${n}`,
    type: 'message',
    role: 'assistant',
    model,
    stop_sequence: null,
    stop_details: null,
    container: null,
  }
  const stopReason = reply.finishReason === 'error' ? null : stopReasons[reply.finishReason]

  if (!body.stream) {
    if (reply.finishReason === 'error') {
      return { type: 'json', status: 529, body: renderError({ status: 529, message: 'Overloaded' }) }
    }
    const content = [
      ...(reply.reasoning ? [{ type: 'thinking', thinking: reply.reasoning, signature }] : []),
      ...(reply.text ? [{ type: 'text', text: reply.text, citations: null }] : []),
      ...reply.toolCalls.map((call) => ({
        type: 'tool_use',
        id: call.id,
        name: call.name,
        input: call.args,
        caller: { type: 'direct' },
      })),
    ]
    return {
      type: 'json',
      body: { ...head, content, stop_reason: stopReason, usage: renderUsage(reply) },
    }
  }

  const { output_tokens, output_tokens_details, ...inputUsage } = renderUsage(reply)
  const frames: WireFrame[] = [
    {
      data: event('message_start', {
        message: { ...head, content: [], stop_reason: null, usage: { ...inputUsage, output_tokens: 1 } },
      }),
    },
  ]
  let index = 0
  const block = (start: Record<string, unknown>, deltas: WireFrame[]) => {
    frames.push({ data: event('content_block_start', { index, content_block: start }) })
    if (index === 0) frames.push({ data: event('ping', {}) })
    for (const delta of deltas) frames.push(delta)
    frames.push({ data: event('content_block_stop', { index }) })
    index += 1
  }
  const delta = (type: string, fields: Record<string, unknown>) =>
    event('content_block_delta', { index, delta: { type, ...fields } })

  if (reply.reasoning) {
    block({ type: 'thinking', thinking: '', signature: '' }, [
      ...reply.reasoningChunks.map((thinking) => ({ data: delta('thinking_delta', { thinking }) })),
      { data: delta('signature_delta', { signature }) },
    ])
  }
  if (reply.textChunks.length > 0) {
    block(
      { type: 'text', text: '', citations: null },
      reply.textChunks.map((text) => ({ data: delta('text_delta', { text }), text: true })),
    )
  }
  for (const call of reply.toolCalls) {
    block(
      { type: 'tool_use', id: call.id, name: call.name, input: {}, caller: { type: 'direct' } },
      ['', ...fragments(JSON.stringify(call.args))].map((partial_json) => ({
        data: delta('input_json_delta', { partial_json }),
      })),
    )
  }
  if (reply.finishReason === 'error') {
    frames.push({ data: event('error', { error: { type: 'overloaded_error', message: 'Overloaded' } }) })
  } else {
    frames.push({
      data: event('message_delta', {
        delta: { stop_reason: stopReason, stop_sequence: null, stop_details: null, container: null },
        usage: { output_tokens, output_tokens_details },
      }),
    })
    frames.push({ data: event('message_stop', {}) })
  }
  return {
    type: 'stream',
    contentType: 'text/event-stream; charset=utf-8',
    headers: { 'request-id': `req_fake${n}` },
    frames,
  }
}

/** Tool input arrives in several pieces, as the real API sends it. */
function fragments(json: string, count = 3): string[] {
  const size = Math.max(1, Math.ceil(json.length / count))
  const pieces: string[] = []
  for (let at = 0; at < json.length; at += size) pieces.push(json.slice(at, at + size))
  return pieces
}

function renderError(error: ScriptedError['error']) {
  const type =
    error.type ?? errorTypes[error.status] ?? (error.status >= 500 ? 'api_error' : 'invalid_request_error')
  return {
    type: 'error',
    error: {
      type,
      message: error.message ?? defaultMessage(error.status),
      ...(error.code ? { details: { error_code: error.code } } : {}),
    },
    request_id: 'req_fake_error',
  }
}

/** What the API says when the script leaves the message out. */
function defaultMessage(status: number): string {
  if (status === 401) return 'invalid x-api-key'
  if (status === 429) return 'Number of request tokens has exceeded your per-minute rate limit'
  if (status === 529) return 'Overloaded'
  if (status >= 500) return 'Internal server error'
  return STATUS_CODES[status] ?? 'Error'
}

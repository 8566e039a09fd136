import { STATUS_CODES } from 'node:http'
import type { FinishReason } from '@aimux/ai-core'
import {
  type FakeRequest,
  sseEvent,
  type WireFrame,
  type WireProtocol,
  type WireResponse,
} from './fake-server.js'
import { openaiEmbeddingsRoute } from './openai-embeddings.js'
import type { ResolvedReply, ScriptedError } from './scripted-turn.js'

export interface OpenAIChatProtocolOptions {
  /** The model ids GET /v1/models lists. Default: gpt-4o-mini and gpt-4o. */
  models?: string[]
  /**
   * Adds the `obfuscation` padding field OpenAI puts on every streamed chunk (left out when the
   * request sets `stream_options.include_obfuscation: false`). Default false.
   */
  obfuscation?: boolean
  /**
   * Where the usage counts reasoning: 'inside' completion_tokens, as OpenAI and OpenRouter do, or
   * 'outside' it, as xAI does (completion_tokens without reasoning, total_tokens with it).
   * Default 'inside'.
   */
  reasoningTokens?: 'inside' | 'outside'
  /**
   * The field reasoning text arrives in: 'reasoning_content' (xAI, DeepSeek) or 'reasoning'
   * (OpenRouter). Default 'reasoning_content'.
   */
  reasoningField?: 'reasoning_content' | 'reasoning'
  /**
   * Keep-alive lines sent before each answer, as OpenRouter sends them while the model works:
   * `: OPENROUTER PROCESSING` comments before a stream, whitespace lines before a JSON body.
   * Default 0.
   */
  keepAlive?: number
  /**
   * Streams the last text chunk, or the last piece of the last tool call, in the chunk that
   * carries `finish_reason`, as some OpenAI-compatible servers do, instead of ending with a chunk
   * of its own whose delta is empty. A scripted reply's `finishWithLastChunk` overrides it.
   * Default false.
   */
  finishWithLastChunk?: boolean
}

interface ChatRequestBody {
  model?: string
  stream?: boolean
  stream_options?: { include_usage?: boolean; include_obfuscation?: boolean }
}

type Dialect = Required<Omit<OpenAIChatProtocolOptions, 'models'>>

/** One streamed delta; text deltas count for `breakAfterChunks`. */
interface Delta {
  delta: Record<string, unknown>
  text?: boolean
}

/** 'error' is sent as OpenRouter sends it; 'other' has no wire value and is sent as it is. */
const finishReasons: Record<FinishReason, string> = {
  stop: 'stop',
  length: 'length',
  'tool-calls': 'tool_calls',
  'content-filter': 'content_filter',
  error: 'error',
  other: 'other',
}

/**
 * The OpenAI Chat Completions wire protocol (also spoken by xAI and OpenRouter), for
 * {@link createFakeServer}: POST /v1/chat/completions as JSON or, with `stream: true`, as SSE
 * chunks ending in `data: [DONE]` (a usage chunk first when `stream_options.include_usage`);
 * reasoning as `reasoning_content`, a provider-reported cost as OpenRouter's `usage.cost`;
 * `{ error: { message, type, param, code } }` error bodies; GET /v1/models; POST /v1/embeddings
 * (openaiEmbeddingsRoute). The /v1 prefix is optional.
 * The options switch on what differs between the providers that speak it: OpenAI's `obfuscation`
 * field, xAI's reasoning outside completion_tokens, OpenRouter's `reasoning` field and keep-alive lines,
 * and servers that send the last text with the finish reason (`finishWithLastChunk`).
 *
 * @example const server = await createFakeServer(openaiChatProtocol({ obfuscation: true }))
 */
export function openaiChatProtocol(options: OpenAIChatProtocolOptions = {}): WireProtocol {
  const models = options.models ?? ['gpt-4o-mini', 'gpt-4o']
  const dialect: Dialect = {
    obfuscation: options.obfuscation ?? false,
    reasoningTokens: options.reasoningTokens ?? 'inside',
    reasoningField: options.reasoningField ?? 'reasoning_content',
    keepAlive: options.keepAlive ?? 0,
    finishWithLastChunk: options.finishWithLastChunk ?? false,
  }
  let completions = 0

  return {
    name: 'openai-chat',
    routes: [
      {
        method: 'POST',
        path: /^(\/v1)?\/chat\/completions$/,
        reply(request, reply) {
          completions += 1
          return renderCompletion(request, reply, `chatcmpl-fake${completions}`, dialect)
        },
      },
      openaiEmbeddingsRoute(),
      {
        method: 'GET',
        path: /^(\/v1)?\/models$/,
        answer: () => ({
          type: 'json',
          body: {
            object: 'list',
            data: models.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'openai' })),
          },
        }),
      },
    ],
    errorBody: renderError,
  }
}

function renderCompletion(
  request: FakeRequest,
  reply: ResolvedReply,
  id: string,
  dialect: Dialect,
): WireResponse {
  const body = (request.body ?? {}) as ChatRequestBody
  const created = Math.floor(Date.now() / 1000)
  const model = reply.model ?? body.model ?? 'unknown'
  const head = (object: string) => ({
    id,
    object,
    created,
    model,
    service_tier: 'default',
    system_fingerprint: 'fp_fake',
  })
  const finishReason = finishReasons[reply.finishReason]
  if (!body.stream) {
    const message = {
      role: 'assistant',
      content: reply.text || (reply.toolCalls.length > 0 ? null : ''),
      refusal: null,
      annotations: [],
      ...(reply.reasoning ? { [dialect.reasoningField]: reply.reasoning } : {}),
      ...(reply.toolCalls.length > 0
        ? {
            tool_calls: reply.toolCalls.map((call) => ({
              id: call.id,
              type: 'function',
              function: { name: call.name, arguments: JSON.stringify(call.args) },
            })),
          }
        : {}),
    }
    const completion = {
      ...head('chat.completion'),
      choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
      usage: renderUsage(reply, dialect),
    }
    if (dialect.keepAlive === 0) return { type: 'json', body: completion }
    // The status and headers go out first; whitespace keeps the connection alive until the JSON.
    return {
      type: 'stream',
      contentType: 'application/json',
      frames: [{ data: '\n \n'.repeat(dialect.keepAlive) }, { data: JSON.stringify(completion) }],
    }
  }

  const includeUsage = body.stream_options?.include_usage === true
  const obfuscate = dialect.obfuscation && body.stream_options?.include_obfuscation !== false
  const chunkHead = { ...head('chat.completion.chunk'), ...(includeUsage ? { usage: null } : {}) }
  let chunks = 0
  const padded = (data: Record<string, unknown>) => {
    chunks += 1
    return obfuscate ? { ...data, obfuscation: obfuscation(chunks) } : data
  }
  const chunk = (delta: Record<string, unknown>, finish: string | null = null): WireFrame => ({
    data: sseEvent(
      padded({ ...chunkHead, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] }),
    ),
  })
  const deltas: Delta[] = [
    ...reply.reasoningChunks.map((text) => ({ delta: { [dialect.reasoningField]: text } })),
    ...reply.textChunks.map((text) => ({ delta: { content: text }, text: true })),
    ...reply.toolCalls.flatMap((call, index) => [
      {
        delta: {
          tool_calls: [
            { index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } },
          ],
        },
      },
      ...fragments(JSON.stringify(call.args)).map((args) => ({
        delta: { tool_calls: [{ index, function: { arguments: args } }] },
      })),
    ]),
  ]
  // The finish reason comes alone with an empty delta, or with the last delta of the reply.
  const last = (reply.finishWithLastChunk ?? dialect.finishWithLastChunk) ? deltas.pop() : undefined
  const frames: WireFrame[] = [
    ...Array.from({ length: dialect.keepAlive }, () => ({ data: ': OPENROUTER PROCESSING\n\n' })),
    chunk({ role: 'assistant', content: '', refusal: null }),
    ...deltas.map(({ delta, text }) => ({ ...chunk(delta), ...(text ? { text } : {}) })),
    { ...chunk(last?.delta ?? {}, finishReason), ...(last?.text ? { text: true } : {}) },
  ]
  if (includeUsage) {
    frames.push({ data: sseEvent(padded({ ...chunkHead, choices: [], usage: renderUsage(reply, dialect) })) })
  }
  frames.push({ data: sseEvent('[DONE]') })
  return { type: 'stream', contentType: 'text/event-stream; charset=utf-8', frames }
}

function renderUsage({ usage, costNanoUsd }: ResolvedReply, dialect: Dialect) {
  const outside = dialect.reasoningTokens === 'outside'
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: outside ? usage.outputTokens - usage.reasoningTokens : usage.outputTokens,
    total_tokens: usage.totalTokens,
    prompt_tokens_details: {
      cached_tokens: usage.cachedInputTokens,
      audio_tokens: 0,
      ...(usage.cacheWriteTokens > 0 ? { cache_write_tokens: usage.cacheWriteTokens } : {}),
    },
    completion_tokens_details: {
      reasoning_tokens: usage.reasoningTokens,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
    ...(costNanoUsd === undefined ? {} : { cost: costNanoUsd / 1e9 }),
  }
}

const padding = 'mvkAadOd3983J1LnnINX8UTZOE4wuLRN'

/** Random-looking padding of varying length, the same for the same chunk number. */
function obfuscation(chunk: number): string {
  const start = (chunk * 7) % padding.length
  return (padding + padding).slice(start, start + 2 + ((chunk * 5) % 13))
}

/** Tool call arguments arrive in several pieces, as the real API sends them. */
function fragments(json: string, count = 3): string[] {
  const size = Math.max(1, Math.ceil(json.length / count))
  const pieces: string[] = []
  for (let at = 0; at < json.length; at += size) pieces.push(json.slice(at, at + size))
  return pieces
}

function renderError(error: ScriptedError['error']) {
  const defaults = errorDefaults(error.status, error.code)
  return {
    error: {
      message: error.message ?? defaults.message,
      type: error.type ?? defaults.type,
      param: null,
      code: error.code ?? defaults.code,
    },
  }
}

/** What the API says when the script leaves the details out. */
function errorDefaults(status: number, code: string | undefined) {
  if (status === 401) {
    return { message: 'Incorrect API key provided.', type: 'invalid_request_error', code: 'invalid_api_key' }
  }
  if (status === 429 && code === 'insufficient_quota') {
    return { message: 'You exceeded your current quota.', type: 'insufficient_quota', code }
  }
  if (status === 429)
    return { message: 'Rate limit reached for requests.', type: 'requests', code: 'rate_limit_exceeded' }
  if (status >= 500) {
    return {
      message: 'The server had an error while processing your request.',
      type: 'server_error',
      code: null,
    }
  }
  return { message: STATUS_CODES[status] ?? 'Error', type: 'invalid_request_error', code: null }
}

import { STATUS_CODES } from 'node:http'
import { isDeepStrictEqual } from 'node:util'
import {
  type FakeRequest,
  type ScriptedRoute,
  sseEvent,
  type WireFrame,
  type WireProtocol,
  type WireResponse,
} from './fake-server.js'
import { openaiChatProtocol } from './openai-chat-protocol.js'
import { type FakeEmbeddingModel, openaiEmbeddingsRoute } from './openai-embeddings.js'

export interface OpenRouterProtocolOptions {
  /** The model objects GET /models lists, as OpenRouter shapes them. Default: two models with prices. */
  models?: Record<string, unknown>[]
  /** Keep-alive lines before each answer. Default 2. */
  keepAlive?: number
  /** The last text or tool-call piece in the chunk that carries `finish_reason`, as in {@link openaiChatProtocol}. Default false. */
  finishWithLastChunk?: boolean
  /**
   * Answers as an Anthropic reasoning model behind OpenRouter does: a reply's reasoning also comes
   * as `reasoning_details`, one `reasoning.text` block with a `signature` (streamed in pieces, the
   * signature in a piece of its own), and a later request whose assistant message holds that
   * reply's tool calls must carry those details back unchanged, else the answer is a 400 with
   * OpenRouter's error body (the scripted turn is used up). Default false.
   */
  reasoningDetails?: boolean
}

/** The embedding models POST /embeddings knows, by OpenRouter's ids. */
export const OPENROUTER_EMBEDDING_MODELS: Readonly<Record<string, FakeEmbeddingModel>> = {
  'openai/text-embedding-3-small': { dimensions: 1536, shortens: true },
  'openai/text-embedding-3-large': { dimensions: 3072, shortens: true },
  'qwen/qwen3-embedding-8b': { dimensions: 4096, shortens: true },
}

/** The format OpenRouter names Anthropic's reasoning blocks with. */
const reasoningFormat = 'anthropic-claude-v1'

const defaultModels: Record<string, unknown>[] = [
  {
    id: 'openai/gpt-4o-mini',
    canonical_slug: 'openai/gpt-4o-mini',
    name: 'OpenAI: GPT-4o-mini',
    created: 1_721_260_800,
    context_length: 128_000,
    architecture: {
      modality: 'text+image->text',
      input_modalities: ['text', 'image'],
      output_modalities: ['text'],
      tokenizer: 'GPT',
      instruct_type: null,
    },
    pricing: { prompt: '0.00000015', completion: '0.0000006', input_cache_read: '0.000000075' },
    top_provider: { context_length: 128_000, max_completion_tokens: 16_384, is_moderated: true },
    per_request_limits: null,
    supported_parameters: ['max_tokens', 'temperature', 'tools', 'tool_choice', 'response_format', 'seed'],
  },
  {
    id: 'openrouter/auto',
    canonical_slug: 'openrouter/auto',
    name: 'Auto Router',
    created: 1_699_401_600,
    context_length: 2_000_000,
    architecture: { modality: 'text->text', input_modalities: ['text'], output_modalities: ['text'] },
    pricing: { prompt: '-1', completion: '-1' },
    top_provider: { context_length: null, max_completion_tokens: null, is_moderated: false },
    per_request_limits: null,
    supported_parameters: [],
  },
]

/**
 * OpenRouter's dialect of the Chat Completions wire, for {@link createFakeServer}: reasoning as
 * `reasoning`, usage with `cost` in USD, keep-alive lines before every answer (whitespace before
 * JSON, `: OPENROUTER PROCESSING` comments before SSE), error bodies
 * `{ error: { code: <status>, message } }`, GET /models with per-token price strings and GET /key,
 * and POST /embeddings as OpenAI's (openaiEmbeddingsRoute) for {@link OPENROUTER_EMBEDDING_MODELS},
 * a scripted `costNanoUsd` as `usage.cost`. Paths work with or without the /api and /v1 prefixes. With `reasoningDetails`, signed reasoning
 * blocks as `reasoning_details`, which must come back with the tool calls they preceded.
 *
 * @example const server = await createFakeServer(openrouterProtocol())
 */
export function openrouterProtocol(options: OpenRouterProtocolOptions = {}): WireProtocol {
  const models = options.models ?? defaultModels
  const base = openaiChatProtocol({
    reasoningField: 'reasoning',
    keepAlive: options.keepAlive ?? 2,
    finishWithLastChunk: options.finishWithLastChunk ?? false,
  })
  const completions = base.routes[0] as ScriptedRoute
  const path = /^(\/api)?(\/v1)?\/chat\/completions$/
  const errorBody = (status: number, message: string) => ({ error: { code: status, message } })
  return {
    name: 'openrouter',
    routes: [
      openaiEmbeddingsRoute({
        models: OPENROUTER_EMBEDDING_MODELS,
        path: /^(\/api)?(\/v1)?\/embeddings$/,
        errorBody,
      }),
      options.reasoningDetails ? { ...signedReasoning(completions), path } : { ...completions, path },
      {
        method: 'GET',
        path: /^(\/api)?(\/v1)?\/models$/,
        answer: () => ({ type: 'json', body: { data: models } }),
      },
      {
        method: 'GET',
        path: /^(\/api)?(\/v1)?\/key$/,
        answer: () => ({
          type: 'json',
          body: {
            data: {
              label: 'sk-or-v1-fak...key',
              limit: null,
              limit_remaining: null,
              usage: 0,
              is_free_tier: false,
              is_provisioning_key: false,
            },
          },
        }),
      },
    ],
    errorBody: (error) => errorBody(error.status, error.message ?? STATUS_CODES[error.status] ?? 'Error'),
  }
}

/**
 * The chat route of an Anthropic reasoning model behind OpenRouter: reasoning as signed
 * `reasoning_details` too, and a 400 for a history whose tool calls lost the details that came
 * with them.
 */
function signedReasoning(completions: ScriptedRoute): ScriptedRoute {
  /** The details each tool call was sent with, by call id. */
  const sent = new Map<string, unknown[]>()
  let replies = 0
  return {
    ...completions,
    reply(request, reply) {
      const problem = missingDetails(request, sent)
      if (problem) return providerError(problem)
      const rendered = completions.reply(request, reply)
      if (!reply.reasoning) return rendered
      replies += 1
      const signature = Buffer.from(`fake-signature-${replies}:${reply.reasoning}`).toString('base64')
      const details = [
        { type: 'reasoning.text', text: reply.reasoning, signature, format: reasoningFormat, index: 0 },
      ]
      for (const call of reply.toolCalls) sent.set(call.id, details)
      return withDetails(rendered, details)
    },
  }
}

/** Why Anthropic refuses the request's history, or undefined when the details came back. */
function missingDetails(request: FakeRequest, sent: Map<string, unknown[]>): string | undefined {
  const { messages } = (request.body ?? {}) as { messages?: unknown }
  if (!Array.isArray(messages)) return undefined
  for (const [at, message] of messages.entries()) {
    const { role, tool_calls, reasoning_details } = (message ?? {}) as Record<string, unknown>
    if (role !== 'assistant' || !Array.isArray(tool_calls)) continue
    const id = (tool_calls[0] as { id?: unknown } | undefined)?.id
    const expected = typeof id === 'string' ? sent.get(id) : undefined
    if (!expected) continue
    if (reasoning_details === undefined) {
      return `messages.${at}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`tool_use\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block.`
    }
    if (!isDeepStrictEqual(reasoning_details, expected)) {
      return `messages.${at}.content.0: Invalid \`signature\` in \`thinking\` block`
    }
  }
  return undefined
}

/** A provider's refusal as OpenRouter passes it on: its own message, the provider's body in `metadata.raw`. */
function providerError(message: string): WireResponse {
  const raw = JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message } })
  return {
    type: 'json',
    status: 400,
    body: {
      error: { code: 400, message: 'Provider returned error', metadata: { raw, provider_name: 'Anthropic' } },
    },
  }
}

type Detail = Record<string, unknown>

/**
 * A rendered completion with `reasoning_details` added: on the message of a JSON reply; in a
 * stream, a piece beside each reasoning delta, then the signature in a piece of its own.
 */
function withDetails(rendered: WireResponse, details: Detail[]): WireResponse {
  if (rendered.type === 'json') return { ...rendered, body: withMessageDetails(rendered.body, details) }
  if (!rendered.contentType.startsWith('text/event-stream')) {
    // A JSON reply after keep-alive whitespace: the last frame is the completion.
    const frames = rendered.frames.map((frame, at) =>
      at === rendered.frames.length - 1
        ? { ...frame, data: JSON.stringify(withMessageDetails(JSON.parse(frame.data), details)) }
        : frame,
    )
    return { ...rendered, frames }
  }
  const frames: WireFrame[] = []
  let reasoning: Chunk | undefined
  let signed = false
  for (const frame of rendered.frames) {
    const chunk = chunkOf(frame)
    const delta = chunk?.choices?.[0]?.delta
    if (chunk && typeof delta?.reasoning === 'string') {
      reasoning = chunk
      delta.reasoning_details = [
        { type: 'reasoning.text', text: delta.reasoning, format: reasoningFormat, index: 0 },
      ]
      frames.push({ ...frame, data: sseEvent(chunk) })
      continue
    }
    // The signature comes once the reasoning is over, before whatever follows it ([DONE] included).
    if (reasoning && !signed && frame.data.startsWith('data: ')) {
      signed = true
      const { signature } = details[0] as Detail
      const piece = { type: 'reasoning.text', text: '', signature, format: reasoningFormat, index: 0 }
      const delta = { reasoning_details: [piece] }
      frames.push({
        data: sseEvent({ ...reasoning, choices: [{ index: 0, delta, logprobs: null, finish_reason: null }] }),
      })
    }
    frames.push(frame)
  }
  return { ...rendered, frames }
}

interface Chunk {
  choices?: { index: number; delta?: Record<string, unknown>; logprobs: null; finish_reason: string | null }[]
  [field: string]: unknown
}

/** A stream frame's chunk, or undefined for a comment, `[DONE]` or a frame of something else. */
function chunkOf(frame: WireFrame): Chunk | undefined {
  if (!frame.data.startsWith('data: {')) return undefined
  return JSON.parse(frame.data.slice('data: '.length)) as Chunk
}

function withMessageDetails(body: unknown, details: Detail[]): unknown {
  const completion = structuredClone(body) as { choices: { message: Record<string, unknown> }[] }
  const message = completion.choices[0]?.message
  if (message) message.reasoning_details = details
  return completion
}

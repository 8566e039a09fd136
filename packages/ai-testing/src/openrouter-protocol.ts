import { STATUS_CODES } from 'node:http'
import type { WireProtocol, WireRoute } from './fake-server.js'
import { openaiChatProtocol } from './openai-chat-protocol.js'

export interface OpenRouterProtocolOptions {
  /** The model objects GET /models lists, as OpenRouter shapes them. Default: two models with prices. */
  models?: Record<string, unknown>[]
  /** Keep-alive lines before each answer. Default 2. */
  keepAlive?: number
  /** The last text or tool-call piece in the chunk that carries `finish_reason`, as in {@link openaiChatProtocol}. Default false. */
  finishWithLastChunk?: boolean
}

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
 * `{ error: { code: <status>, message } }`, GET /models with per-token price strings and GET /key.
 * Paths work with or without the /api and /v1 prefixes.
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
  const completions = base.routes[0] as WireRoute
  return {
    name: 'openrouter',
    routes: [
      { ...completions, path: /^(\/api)?(\/v1)?\/chat\/completions$/ },
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
    errorBody: (error) => ({
      error: { code: error.status, message: error.message ?? STATUS_CODES[error.status] ?? 'Error' },
    }),
  }
}

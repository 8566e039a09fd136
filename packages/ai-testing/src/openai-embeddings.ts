import { fakeEmbedding } from './fake-embedding.js'
import type { FakeRequest, ScriptedRoute, WireResponse } from './fake-server.js'
import { fakeTokenCount } from './fake-token-count.js'

/** An embedding model a fake knows: its default size and whether `dimensions` may shorten it. */
export interface FakeEmbeddingModel {
  dimensions: number
  shortens: boolean
}

/** The embedding models the fake knows: their default size and whether `dimensions` may shorten it. */
export const OPENAI_EMBEDDING_MODELS: Readonly<Record<string, FakeEmbeddingModel>> = {
  'text-embedding-3-small': { dimensions: 1536, shortens: true },
  'text-embedding-3-large': { dimensions: 3072, shortens: true },
  'text-embedding-ada-002': { dimensions: 1536, shortens: false },
}

/** The most inputs one request takes, as OpenAI documents it. */
export const OPENAI_EMBEDDING_MAX_INPUTS = 2048

/** How another provider's OpenAI-compatible embeddings route differs from OpenAI's. */
export interface OpenAIEmbeddingsRouteOptions {
  /** The models the route knows. Default {@link OPENAI_EMBEDDING_MODELS}. */
  models?: Readonly<Record<string, FakeEmbeddingModel>>
  /** The path it answers. Default /v1/embeddings, the /v1 optional. */
  path?: RegExp
  /** The body of a refused request. Default OpenAI's `{ error: { message, type, param, code } }`. */
  errorBody?: (status: number, message: string) => unknown
}

interface EmbeddingsBody {
  model?: unknown
  input?: unknown
  dimensions?: unknown
  encoding_format?: unknown
}

/**
 * POST /v1/embeddings as OpenAI answers it: `{ object: 'list', data: [{ object: 'embedding',
 * index, embedding }], model, usage: { prompt_tokens, total_tokens } }`, each vector the
 * {@link fakeEmbedding} of its input, as floats or, with `encoding_format: 'base64'` (what the
 * openai SDK asks for unless told otherwise), as the base64 of little-endian float32s; tokens
 * counted by {@link fakeTokenCount}. Refuses, with OpenAI's 400 error bodies, a missing or empty
 * input, an empty string, more than 2048 inputs, `dimensions` on a model that cannot shorten its
 * vectors or above its size, and an unknown `encoding_format`; an unknown model with a 404
 * `model_not_found`. Each request takes a scripted turn, so a test can script errors and delays;
 * the turn's `model` is the one the answer names, and its `costNanoUsd` is reported as
 * `usage.cost` in USD, as OpenRouter reports it. `options` fit the route to another provider's
 * OpenAI-compatible endpoint: its models, path and error body.
 */
export function openaiEmbeddingsRoute(options: OpenAIEmbeddingsRouteOptions = {}): ScriptedRoute {
  return {
    method: 'POST',
    path: options.path ?? /^(\/v1)?\/embeddings$/,
    reply(request, reply) {
      const rendered = renderEmbeddings(request, reply.model, options.models ?? OPENAI_EMBEDDING_MODELS)
      if (rendered.type !== 'json') return rendered
      if (rendered.status !== undefined && rendered.status >= 400) {
        const { errorBody } = options
        if (!errorBody) return rendered
        const { message } = (rendered.body as { error: { message: string } }).error
        return { ...rendered, body: errorBody(rendered.status, message) }
      }
      if (reply.costNanoUsd === undefined) return rendered
      const body = rendered.body as { usage: Record<string, number> }
      return { ...rendered, body: { ...body, usage: { ...body.usage, cost: reply.costNanoUsd / 1e9 } } }
    },
  }
}

function invalid(
  message: string,
  param: string | null,
  status = 400,
  code: string | null = null,
): WireResponse {
  return { type: 'json', status, body: { error: { message, type: 'invalid_request_error', param, code } } }
}

function renderEmbeddings(
  request: FakeRequest,
  answeredModel: string | undefined,
  models: Readonly<Record<string, FakeEmbeddingModel>>,
): WireResponse {
  const body = (request.body ?? {}) as EmbeddingsBody
  const model = typeof body.model === 'string' ? body.model : ''
  const known = models[model]
  if (!known) {
    return invalid(
      `The model \`${model}\` does not exist or you do not have access to it.`,
      null,
      404,
      'model_not_found',
    )
  }
  const inputs = typeof body.input === 'string' ? [body.input] : body.input
  if (!Array.isArray(inputs) || inputs.length === 0 || !inputs.every((i) => typeof i === 'string')) {
    return invalid("'input' is a required property and must be a string or an array of strings.", 'input')
  }
  if (inputs.length > OPENAI_EMBEDDING_MAX_INPUTS) {
    return invalid(
      `'$.input' is invalid: at most ${OPENAI_EMBEDDING_MAX_INPUTS} inputs per request.`,
      'input',
    )
  }
  if (inputs.some((i) => i === ''))
    return invalid("'$.input' is invalid: an input must not be empty.", 'input')
  let dimensions = known.dimensions
  if (body.dimensions !== undefined) {
    if (!known.shortens) return invalid('This model does not support specifying dimensions.', 'dimensions')
    if (typeof body.dimensions !== 'number' || body.dimensions < 1 || body.dimensions > known.dimensions) {
      return invalid(`'dimensions' must be between 1 and ${known.dimensions}.`, 'dimensions')
    }
    dimensions = body.dimensions
  }
  const format = body.encoding_format ?? 'float'
  if (format !== 'float' && format !== 'base64') {
    return invalid("'encoding_format' must be 'float' or 'base64'.", 'encoding_format')
  }
  const tokens = inputs.reduce((sum: number, text: string) => sum + fakeTokenCount(text), 0)
  return {
    type: 'json',
    body: {
      object: 'list',
      data: inputs.map((text: string, index) => {
        const vector = fakeEmbedding(text, dimensions)
        return { object: 'embedding', index, embedding: format === 'base64' ? toBase64(vector) : vector }
      }),
      model: answeredModel ?? model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    },
  }
}

/** A vector as the API's base64: little-endian float32s. */
function toBase64(vector: readonly number[]): string {
  return Buffer.from(new Float32Array(vector).buffer).toString('base64')
}

import { fakeEmbedding } from './fake-embedding.js'
import type { FakeRequest, ScriptedRoute, WireResponse } from './fake-server.js'
import { fakeTokenCount } from './fake-token-count.js'

/** The embedding models the fake knows (with and without ":latest"), with the size of their vectors. */
export const OLLAMA_EMBEDDING_MODELS: Readonly<Record<string, number>> = {
  'nomic-embed-text': 768,
  'all-minilm': 384,
}

interface EmbedBody {
  model?: unknown
  input?: unknown
  dimensions?: unknown
}

/**
 * POST /api/embed as Ollama answers it: `{ model, embeddings, total_duration, load_duration,
 * prompt_eval_count }`, one {@link fakeEmbedding} per input in order, of `dimensions` numbers
 * (at most the model's size) or the model's size; prompt_eval_count by {@link fakeTokenCount}.
 * An unknown model is Ollama's 404 `{ error: 'model "x" not found, try pulling it first' }`; a
 * missing input or a wrong `dimensions` a 400. Each call takes a scripted turn.
 */
export function ollamaEmbeddingsRoute(): ScriptedRoute {
  return { method: 'POST', path: '/api/embed', reply: (request) => renderEmbed(request) }
}

function failure(status: number, error: string): WireResponse {
  return { type: 'json', status, body: { error } }
}

function renderEmbed(request: FakeRequest): WireResponse {
  const body = (request.body ?? {}) as EmbedBody
  const model = typeof body.model === 'string' ? body.model : ''
  const size = OLLAMA_EMBEDDING_MODELS[model.replace(/:latest$/, '')]
  if (size === undefined) return failure(404, `model "${model}" not found, try pulling it first`)
  const inputs = typeof body.input === 'string' ? [body.input] : body.input
  if (!Array.isArray(inputs) || !inputs.every((i) => typeof i === 'string')) {
    return failure(400, 'invalid input type')
  }
  let dimensions = size
  if (body.dimensions !== undefined) {
    if (typeof body.dimensions !== 'number' || body.dimensions < 1 || body.dimensions > size) {
      return failure(400, `dimensions must be between 1 and ${size}`)
    }
    dimensions = body.dimensions
  }
  return {
    type: 'json',
    body: {
      model,
      embeddings: inputs.map((text: string) => fakeEmbedding(text, dimensions)),
      total_duration: 14_143_917,
      load_duration: 1_019_500,
      prompt_eval_count: inputs.reduce((sum: number, text: string) => sum + fakeTokenCount(text), 0),
    },
  }
}

import { fakeEmbedding } from './fake-embedding.js'
import type { FakeRequest, ScriptedRoute, WireResponse } from './fake-server.js'

/** The embedding models the fake knows, with the size of their vectors. */
export const GEMINI_EMBEDDING_MODELS: Readonly<Record<string, number>> = {
  'gemini-embedding-001': 3072,
  'text-embedding-004': 768,
}

/** The most requests one batchEmbedContents call takes. */
export const GEMINI_EMBEDDING_MAX_INPUTS = 100

export const batchEmbedPath = /^\/(v1|v1beta|v1alpha)\/models\/([^/:]+):batchEmbedContents$/

interface EmbedRequestBody {
  model?: unknown
  content?: { parts?: { text?: unknown }[] }
  outputDimensionality?: unknown
  taskType?: unknown
}

const statusNames: Record<number, string> = { 400: 'INVALID_ARGUMENT', 404: 'NOT_FOUND' }

function failure(status: number, message: string): WireResponse {
  return { type: 'json', status, body: { error: { code: status, message, status: statusNames[status] } } }
}

/**
 * POST /{version}/models/{model}:batchEmbedContents, which @google/genai's `models.embedContent`
 * calls on the Gemini API: `{ embeddings: [{ values }] }`, one {@link fakeEmbedding} per request
 * in order, of `outputDimensionality` numbers or the model's full size. Like the API, it reports
 * no token counts. Refuses, with the API's error bodies, an unknown model (404 NOT_FOUND), more
 * than 100 requests, a request naming another model than the URL, a content without text, and an
 * `outputDimensionality` above the model's size (400 INVALID_ARGUMENT). Each call takes a
 * scripted turn, so a test can script errors and delays.
 */
export function geminiEmbeddingsRoute(): ScriptedRoute {
  return {
    method: 'POST',
    path: batchEmbedPath,
    reply: (request) => renderBatch(request),
  }
}

function renderBatch(request: FakeRequest): WireResponse {
  const [, version, model = ''] = batchEmbedPath.exec(request.path) ?? []
  const size = GEMINI_EMBEDDING_MODELS[model]
  if (size === undefined) {
    return failure(
      404,
      `models/${model} is not found for API version ${version}, or is not supported for embedContent. ` +
        'Call ListModels to see the list of available models and their supported methods.',
    )
  }
  const requests = ((request.body ?? {}) as { requests?: unknown }).requests
  if (!Array.isArray(requests) || requests.length === 0) {
    return failure(400, '* BatchEmbedContentsRequest.requests: requests must not be empty.')
  }
  if (requests.length > GEMINI_EMBEDDING_MAX_INPUTS) {
    return failure(
      400,
      `* BatchEmbedContentsRequest.requests: at most ${GEMINI_EMBEDDING_MAX_INPUTS} requests can be in one batch`,
    )
  }
  const embeddings: { values: number[] }[] = []
  for (const [index, each] of (requests as EmbedRequestBody[]).entries()) {
    if (each.model !== `models/${model}`) {
      return failure(
        400,
        `* BatchEmbedContentsRequest.requests[${index}].model: the model must be models/${model}.`,
      )
    }
    const text = (each.content?.parts ?? [])
      .map((part) => (typeof part.text === 'string' ? part.text : ''))
      .join('')
    if (text === '') {
      return failure(
        400,
        `* BatchEmbedContentsRequest.requests[${index}].content: contents.parts must not be empty.`,
      )
    }
    const dimensions = each.outputDimensionality ?? size
    if (typeof dimensions !== 'number' || dimensions < 1 || dimensions > size) {
      return failure(
        400,
        `* BatchEmbedContentsRequest.requests[${index}].output_dimensionality: must be at most ${size}.`,
      )
    }
    embeddings.push({ values: fakeEmbedding(text, dimensions) })
  }
  return { type: 'json', body: { embeddings } }
}

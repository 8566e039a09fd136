import type { FakeRequest, WireResponse } from './fake-server.js'
import { fakeJsonTokenCount, fakeTokenCount } from './fake-token-count.js'

/** What the fake counts for each content's framing. */
export const GEMINI_CONTENT_TOKENS = 3
/** What the fake counts for each image: what Gemini counts for an image of up to 384x384 pixels. */
export const GEMINI_IMAGE_TOKENS = 258

export const countTokensPath = /^\/(v1|v1beta|v1alpha)\/models\/([^/:]+):countTokens$/

type ErrorAnswer = (status: number, message: string) => WireResponse

interface Counted {
  text: number
  image: number
}

/**
 * Answers POST /{version}/models/{model}:countTokens as `{ totalTokens, promptTokensDetails }`,
 * counted by the fake's rule ({@link fakeTokenCount}) over the request's `contents`, or over
 * `generateContentRequest` (its contents, systemInstruction and tools' function declarations):
 * each part's text, functionCall name and args, functionResponse name and response, plus
 * GEMINI_CONTENT_TOKENS a content and GEMINI_IMAGE_TOKENS an image (inlineData or fileData).
 * Refuses, with the API's error bodies, a model not in the protocol's `models` (404 NOT_FOUND) and
 * a body with neither or both of `contents` and `generateContentRequest` (400 INVALID_ARGUMENT).
 */
export function answerGeminiCount(request: FakeRequest, models: readonly string[], error: ErrorAnswer) {
  const model = countTokensPath.exec(request.path)?.[2] ?? ''
  const version = countTokensPath.exec(request.path)?.[1] ?? 'v1beta'
  if (!models.includes(model)) {
    return error(
      404,
      `models/${model} is not found for API version ${version}, or is not supported for countTokens. ` +
        'Call ListModels to see the list of available models and their supported methods.',
    )
  }
  const body = (request.body ?? {}) as {
    contents?: unknown
    generateContentRequest?: { contents?: unknown; systemInstruction?: unknown; tools?: unknown }
  }
  if ((body.contents === undefined) === (body.generateContentRequest === undefined)) {
    return error(400, 'Exactly one of contents or generateContentRequest must be set.')
  }
  const counted: Counted = { text: 0, image: 0 }
  const generate = body.generateContentRequest
  countContents(generate ? generate.contents : body.contents, counted)
  if (generate?.systemInstruction !== undefined) countContents([generate.systemInstruction], counted)
  for (const tool of (generate?.tools ?? []) as { functionDeclarations?: unknown[] }[]) {
    for (const declaration of tool.functionDeclarations ?? []) counted.text += fakeJsonTokenCount(declaration)
  }
  const details = [
    { modality: 'TEXT', tokenCount: counted.text },
    ...(counted.image > 0 ? [{ modality: 'IMAGE', tokenCount: counted.image }] : []),
  ]
  return {
    type: 'json',
    body: { totalTokens: counted.text + counted.image, promptTokensDetails: details },
  } satisfies WireResponse
}

function countContents(contents: unknown, counted: Counted) {
  for (const content of (Array.isArray(contents) ? contents : []) as { parts?: unknown[] }[]) {
    counted.text += GEMINI_CONTENT_TOKENS
    for (const part of (content.parts ?? []) as Record<string, unknown>[]) {
      if (typeof part.text === 'string') counted.text += fakeTokenCount(part.text)
      else if (part.inlineData !== undefined || part.fileData !== undefined)
        counted.image += GEMINI_IMAGE_TOKENS
      else if (part.functionCall !== undefined) {
        const call = part.functionCall as { name?: string; args?: unknown }
        counted.text += fakeTokenCount(call.name ?? '') + fakeJsonTokenCount(call.args ?? {})
      } else if (part.functionResponse !== undefined) {
        const response = part.functionResponse as { name?: string; response?: unknown }
        counted.text += fakeTokenCount(response.name ?? '') + fakeJsonTokenCount(response.response ?? {})
      }
    }
  }
}

import { STATUS_CODES } from 'node:http'
import type { FinishReason } from '@aimux/ai-core'
import {
  type FakeRequest,
  sseEvent,
  type WireFrame,
  type WireProtocol,
  type WireResponse,
} from './fake-server.js'
import { answerGeminiCount, countTokensPath } from './gemini-count-tokens.js'
import { geminiEmbeddingsRoute } from './gemini-embeddings.js'
import type { ResolvedReply, ScriptedError } from './scripted-turn.js'

export interface GeminiProtocolOptions {
  /**
   * The model ids GET /v1beta/models lists, and the only ones :countTokens counts for. Default:
   * gemini-3.8-flash and gemini-3.1-pro-preview.
   */
  models?: string[]
  /**
   * Streams the last text chunk in the chunk that carries `finishReason` (before any function
   * calls, which always come in that chunk), as Gemini commonly ends a reply, instead of a final
   * chunk with empty text. A scripted reply's `finishWithLastChunk` overrides it. Default false.
   */
  finishWithLastChunk?: boolean
}

/** Gemini ends a turn with function calls as STOP; 'error' and 'other' are sent as OTHER. */
const finishReasons: Record<FinishReason, string> = {
  stop: 'STOP',
  length: 'MAX_TOKENS',
  'tool-calls': 'STOP',
  'content-filter': 'SAFETY',
  error: 'OTHER',
  other: 'OTHER',
}

/** The google.rpc status name the API sends with each HTTP status. */
const statusNames: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'NOT_IMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
}

const generatePath = /^\/(v1|v1beta|v1alpha)\/models\/[^/:]+:generateContent$/
const streamPath = /^\/(v1|v1beta|v1alpha)\/models\/[^/:]+:streamGenerateContent$/

/**
 * The Gemini Developer API wire protocol, for {@link createFakeServer}: POST
 * /{version}/models/{model}:generateContent as JSON and :streamGenerateContent?alt=sse as SSE
 * events separated by CRLF CRLF, as Google sends them, with cumulative usageMetadata on every
 * chunk; reasoning as `thought: true` parts; whole functionCall parts without ids, carrying the
 * scripted call's `providerMetadata.gemini.thoughtSignature`; a content-filter reply without text
 * as a prompt blocked by `promptFeedback.blockReason`; `{ error: { code, message, status, details } }`
 * error bodies with a google.rpc.RetryInfo `retryDelay` from `retryAfterMs` and a
 * google.rpc.ErrorInfo reason from `code`; GET /{version}/models; POST
 * /{version}/models/{model}:countTokens, answered without a scripted turn by a rule a test can
 * work out by hand (see answerGeminiCount); POST /{version}/models/{model}:batchEmbedContents
 * (geminiEmbeddingsRoute). The version is v1, v1beta or v1alpha.
 * With `finishWithLastChunk`, the last text comes in the chunk that carries `finishReason`.
 *
 * @example const server = await createFakeServer(geminiProtocol())
 */
export function geminiProtocol(options: GeminiProtocolOptions = {}): WireProtocol {
  const models = options.models ?? ['gemini-3.8-flash', 'gemini-3.1-pro-preview']
  const finishWithLastChunk = options.finishWithLastChunk ?? false
  let responses = 0

  return {
    name: 'gemini',
    routes: [
      {
        method: 'POST',
        path: generatePath,
        reply(request, reply) {
          responses += 1
          return { type: 'json', body: renderResponse(request, reply, responses) }
        },
      },
      {
        method: 'POST',
        path: streamPath,
        reply(request, reply) {
          responses += 1
          return renderStream(request, reply, responses, reply.finishWithLastChunk ?? finishWithLastChunk)
        },
      },
      geminiEmbeddingsRoute(),
      {
        method: 'POST',
        path: countTokensPath,
        answer: (request) =>
          answerGeminiCount(request, models, (status, message) => ({
            type: 'json',
            status,
            body: renderError({ status, message }),
          })),
      },
      {
        method: 'GET',
        path: /^\/(v1|v1beta|v1alpha)\/models$/,
        answer: () => ({
          type: 'json',
          body: {
            models: models.map((id) => ({
              name: `models/${id}`,
              version: '001',
              displayName: id,
              inputTokenLimit: 1_048_576,
              outputTokenLimit: 65_536,
              supportedGenerationMethods: ['generateContent', 'countTokens', 'createCachedContent'],
              thinking: true,
            })),
          },
        }),
      },
    ],
    errorBody: renderError,
  }
}

function modelOf(request: FakeRequest, reply: ResolvedReply): string {
  return reply.model ?? /\/models\/([^/:]+):/.exec(request.path)?.[1] ?? 'unknown'
}

/** promptTokenCount includes cached tokens; candidatesTokenCount leaves thoughts out. */
function renderUsage({ usage }: ResolvedReply, candidates = usage.outputTokens - usage.reasoningTokens) {
  const thoughts = usage.reasoningTokens
  return {
    promptTokenCount: usage.inputTokens,
    candidatesTokenCount: candidates,
    totalTokenCount: usage.inputTokens + candidates + thoughts,
    ...(usage.cachedInputTokens > 0 ? { cachedContentTokenCount: usage.cachedInputTokens } : {}),
    ...(thoughts > 0 ? { thoughtsTokenCount: thoughts } : {}),
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: usage.inputTokens }],
  }
}

function functionCallParts(reply: ResolvedReply) {
  return reply.toolCalls.map((call) => {
    const signature = call.providerMetadata?.gemini?.thoughtSignature
    return {
      functionCall: { name: call.name, args: call.args },
      ...(typeof signature === 'string' ? { thoughtSignature: signature } : {}),
    }
  })
}

function renderResponse(request: FakeRequest, reply: ResolvedReply, n: number) {
  const blocked = reply.finishReason === 'content-filter' && !reply.text && reply.toolCalls.length === 0
  const head = {
    usageMetadata: renderUsage(reply),
    modelVersion: modelOf(request, reply),
    responseId: `fake${n}`,
  }
  if (blocked) return { promptFeedback: { blockReason: 'SAFETY' }, ...head }
  const parts = [
    ...(reply.reasoning ? [{ text: reply.reasoning, thought: true }] : []),
    ...(reply.text ? [{ text: reply.text }] : []),
    ...functionCallParts(reply),
  ]
  return {
    candidates: [
      { content: { role: 'model', parts }, finishReason: finishReasons[reply.finishReason], index: 0 },
    ],
    ...head,
  }
}

function renderStream(
  request: FakeRequest,
  reply: ResolvedReply,
  n: number,
  finishWithLastChunk: boolean,
): WireResponse {
  const blocked = reply.finishReason === 'content-filter' && !reply.text && reply.toolCalls.length === 0
  const head = { modelVersion: modelOf(request, reply), responseId: `fake${n}` }
  const final = reply.usage.outputTokens - reply.usage.reasoningTokens
  let generated = 0
  const chunk = (parts: unknown[], extra: Record<string, unknown> = {}) => {
    generated = Math.min(final, generated + 1)
    return sseEvent(
      {
        candidates: [{ content: { role: 'model', parts }, index: 0, ...extra }],
        usageMetadata: renderUsage(reply, 'finishReason' in extra ? final : generated),
        ...head,
      },
      { eol: '\r\n' },
    )
  }
  if (blocked) {
    const data = { promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: renderUsage(reply), ...head }
    return {
      type: 'stream',
      contentType: 'text/event-stream',
      frames: [{ data: sseEvent(data, { eol: '\r\n' }) }],
    }
  }
  const texts = [...reply.textChunks]
  const last = finishWithLastChunk ? texts.pop() : undefined
  const frames: WireFrame[] = [
    ...reply.reasoningChunks.map((text) => ({ data: chunk([{ text, thought: true }]) })),
    ...texts.map((text) => ({ data: chunk([{ text }]), text: true })),
  ]
  const parts: unknown[] = [...(last === undefined ? [] : [{ text: last }]), ...functionCallParts(reply)]
  frames.push({
    data: chunk(parts.length > 0 ? parts : [{ text: '' }], {
      finishReason: finishReasons[reply.finishReason],
    }),
    ...(last === undefined ? {} : { text: true }),
  })
  return { type: 'stream', contentType: 'text/event-stream', frames }
}

function renderError(error: ScriptedError['error']) {
  const status = error.type ?? statusNames[error.status] ?? (error.status >= 500 ? 'INTERNAL' : 'UNKNOWN')
  const details: unknown[] = []
  if (error.code) {
    details.push({
      '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
      reason: error.code,
      domain: 'googleapis.com',
      metadata: { service: 'generativelanguage.googleapis.com' },
    })
  }
  if (error.status === 429) {
    details.push({
      '@type': 'type.googleapis.com/google.rpc.Help',
      links: [
        {
          description: 'Learn more about Gemini API quotas',
          url: 'https://ai.google.dev/gemini-api/docs/rate-limits',
        },
      ],
    })
  }
  if (error.retryAfterMs !== undefined) {
    details.push({
      '@type': 'type.googleapis.com/google.rpc.RetryInfo',
      retryDelay: `${error.retryAfterMs / 1000}s`,
    })
  }
  return {
    error: {
      code: error.status,
      message: error.message ?? defaultMessage(error.status, error.code),
      status,
      ...(details.length > 0 ? { details } : {}),
    },
  }
}

/** What the API says when the script leaves the message out. */
function defaultMessage(status: number, code: string | undefined): string {
  if (code === 'API_KEY_INVALID') return 'API key not valid. Please pass a valid API key.'
  if (status === 400) return 'Request contains an invalid argument.'
  if (status === 429) return 'You exceeded your current quota, please check your plan and billing details.'
  if (status === 503) return 'The model is overloaded. Please try again later.'
  if (status >= 500)
    return 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting'
  return STATUS_CODES[status] ?? 'Error'
}

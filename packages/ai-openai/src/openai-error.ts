import {
  AbortedError,
  AimuxError,
  AuthenticationError,
  ConnectionError,
  ProviderError,
  TimeoutError,
} from '@aimux/ai-core'
import { errorFromStatus, invalidResponse, parseRetryAfter, redactSecrets } from '@aimux/ai-core/provider-kit'
import OpenAI from 'openai'

/** What the error mapping needs to know about the call that failed. */
export interface OpenAIErrorContext {
  provider: string
  model?: string
  signal: AbortSignal
  /** The key the call used; masked in every message. */
  apiKey: string
}

/** The error body as the SDK keeps it: OpenAI's `{ message, type, code }`, or xAI's bare message string. */
interface ErrorBody {
  message?: unknown
  code?: unknown
  type?: unknown
}

const refusedKey = /incorrect api key|invalid api key/i
/**
 * The TypeErrors the SDK's own reading of an answer throws when the answer is not the object it
 * expects (the Responses API's post-processing of an HTML or empty body, say); fetch's network
 * failures ('fetch failed', 'terminated') are TypeErrors too, and are not these.
 */
const sdkCouldNotRead = /^Cannot (use 'in' operator|read properties of)|is not iterable/

/** The error of a call whose signal aborted. */
export function abortedError(provider: string, signal: AbortSignal, model?: string): AbortedError {
  return new AbortedError(`${provider}: the call was aborted`, {
    provider,
    model,
    cause: signal.reason,
    secrets: [],
  })
}

/**
 * Maps anything the openai SDK threw to the core's typed error: an abort first (whatever the SDK
 * threw after it), HTTP statuses through errorFromStatus with the provider's own message, code,
 * type and Retry-After (the key masked), and xAI's 400 for a wrong key as an AuthenticationError.
 * An error event inside a stream becomes a retryable ProviderError (or the status OpenRouter puts
 * in its numeric `code`); a body that is not JSON (the SDK's SyntaxError, on a 200 or in a stream,
 * or the TypeError its reading of a non-object throws) an InvalidResponseError; a failed or cut connection, a ConnectionError. Every error keeps the
 * SDK's only as a masked plain copy (its headers and body can echo the key). A stream throws these as
 * they are, whether or not parts were yielded: the core turns a failure after the first part into
 * a StreamInterruptedError holding the text that reached the caller.
 */
export function mapOpenAIError(error: unknown, context: OpenAIErrorContext): AimuxError {
  const { provider, model, signal, apiKey } = context
  const secrets = [apiKey]
  if (signal.aborted) return abortedError(provider, signal, model)
  if (AimuxError.is(error)) return error
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return new TimeoutError(`${provider}: the request timed out`, { provider, model, cause: error, secrets })
  }
  if (error instanceof OpenAI.APIConnectionError) {
    return new ConnectionError(`${provider}: ${redactSecrets(error.message, secrets)}`, {
      provider,
      model,
      cause: error,
      secrets,
    })
  }
  if (error instanceof SyntaxError) {
    return invalidResponse({
      provider,
      model,
      problem: 'not JSON',
      body: error.message,
      cause: error,
      secrets,
    })
  }
  if (error instanceof TypeError && sdkCouldNotRead.test(error.message)) {
    const problem = / in undefined$/.test(error.message) ? 'an empty body' : 'not a JSON object'
    return invalidResponse({ provider, model, problem, body: error.message, cause: error, secrets })
  }
  if (error instanceof OpenAI.APIError) {
    const body: ErrorBody = typeof error.error === 'string' ? { message: error.error } : (error.error ?? {})
    const message = typeof body.message === 'string' ? body.message : undefined
    const status = error.status ?? (typeof body.code === 'number' ? body.code : undefined)
    if (status === undefined) {
      const text = redactSecrets(message ?? error.message, secrets)
      return new ProviderError(`${provider}: ${text}`, {
        provider,
        model,
        retryable: true,
        cause: error,
        secrets,
      })
    }
    const mapped = errorFromStatus(status, {
      message,
      code: typeof body.code === 'string' ? body.code : undefined,
      type: typeof body.type === 'string' ? body.type : undefined,
      retryAfterMs: parseRetryAfter(error.headers),
      provider,
      model,
      requestId: error.requestID ?? undefined,
      secrets,
      cause: error,
    })
    if (status === 400 && refusedKey.test(message ?? '')) {
      return new AuthenticationError(mapped.message, {
        status,
        provider,
        model,
        requestId: mapped.requestId,
        cause: error,
        secrets,
      })
    }
    return mapped
  }
  const text = error instanceof Error ? error.message : String(error)
  return new ConnectionError(`${provider}: the connection failed: ${redactSecrets(text, secrets)}`, {
    provider,
    model,
    cause: error,
    secrets,
  })
}

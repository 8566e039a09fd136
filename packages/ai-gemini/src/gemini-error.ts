import { AbortedError, AimuxError, AuthenticationError, ConnectionError, ProviderError } from '@aimux/ai-core'
import { errorFromStatus, invalidResponse, redactSecrets } from '@aimux/ai-core/provider-kit'
import { ApiError } from '@google/genai'

interface GoogleErrorDetail {
  '@type'?: string
  retryDelay?: string
  reason?: string
}

interface GoogleError {
  code?: number
  message?: string
  status?: string
  details?: GoogleErrorDetail[]
}

export interface ErrorContext {
  signal: AbortSignal
  /** The key the call used, kept out of error messages. */
  apiKey: string | undefined
  /** The model requested, when the call was for one. */
  model?: string
}

/**
 * The typed error for whatever a call threw: an abort first; then API errors through
 * errorFromStatus, with retryAfterMs from the body's google.rpc.RetryInfo `retryDelay` (the SDK
 * keeps no response headers) and an API_KEY_INVALID reason as an AuthenticationError; then
 * connection failures, and a stream cut off in the middle of an event, as a retryable
 * ConnectionError; a body that is not JSON is an InvalidResponseError; anything else a
 * ProviderError. Each keeps the SDK's error only as a masked plain copy (its message holds the
 * provider's body, which can echo the key). A stream throws it as it is too,
 * whether or not parts were yielded before: the core turns a failure after the first part into
 * a StreamInterruptedError holding the text so far, with this error as its cause.
 */
export function geminiError(error: unknown, { signal, apiKey, model }: ErrorContext): AimuxError {
  const provider = 'gemini'
  const secrets = apiKey ? [apiKey] : []
  const options = { provider, model, cause: error, secrets }
  if (signal.aborted) return new AbortedError('The call was aborted.', options)
  if (AimuxError.is(error)) return error
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
  if (error instanceof ApiError) {
    const body = errorBody(error.message)
    const details = body?.details ?? []
    const detail = (type: string) => details.find((d) => d['@type']?.endsWith(`/google.rpc.${type}`))
    const reason = detail('ErrorInfo')?.reason
    const message = body?.message ?? error.message
    if (reason === 'API_KEY_INVALID') {
      return new AuthenticationError(`gemini: ${error.status} ${redactSecrets(message, secrets)}`, {
        ...options,
        status: error.status,
      })
    }
    return errorFromStatus(error.status, {
      message,
      // A call for a model that is not found is for a model that does not exist.
      code: error.status === 404 && model ? 'model_not_found' : (reason ?? body?.status),
      type: body?.status,
      retryAfterMs: parseRetryDelay(detail('RetryInfo')?.retryDelay),
      provider,
      model,
      secrets,
      cause: error,
    })
  }
  if (isCutStream(error)) {
    return new ConnectionError('gemini: the stream ended in the middle of an event', options)
  }
  if (isNetworkError(error)) {
    const code = (error as Error & { cause?: { code?: string } }).cause?.code
    return new ConnectionError(`gemini: ${(error as Error).message}${code ? ` (${code})` : ''}`, options)
  }
  return new ProviderError(`gemini: ${redactSecrets(error, secrets)}`, options)
}

/** The SDK puts the error body, as JSON, in the message (after "got status: ..." for stream errors). */
function errorBody(message: string): GoogleError | undefined {
  const start = message.search(/[[{]/)
  if (start < 0) return undefined
  try {
    const parsed = JSON.parse(message.slice(start)) as { error?: GoogleError } | { error?: GoogleError }[]
    return (Array.isArray(parsed) ? parsed[0] : parsed)?.error
  } catch {
    return undefined
  }
}

/** A protobuf Duration in JSON ("30s", "1.5s"), in milliseconds. */
function parseRetryDelay(delay: string | undefined): number | undefined {
  const seconds = delay === undefined ? undefined : /^(\d+(?:\.\d+)?)s$/.exec(delay.trim())?.[1]
  return seconds === undefined ? undefined : Math.ceil(Number(seconds) * 1000)
}

/** fetch's own failures: no connection ("fetch failed") or a body cut off ("terminated"). */
function isNetworkError(error: unknown): boolean {
  return error instanceof TypeError && (error.message === 'fetch failed' || error.message === 'terminated')
}

/**
 * The SDK's error for a stream whose body ended part-way through an event: the connection closed
 * before the answer was complete, as with "terminated", only cleanly.
 */
function isCutStream(error: unknown): boolean {
  return error instanceof Error && error.message === 'Incomplete JSON segment at the end'
}

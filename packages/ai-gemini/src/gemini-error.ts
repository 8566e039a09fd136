import {
  AbortedError,
  AimuxError,
  AuthenticationError,
  ConnectionError,
  StreamInterruptedError,
} from '@aimux/ai-core'
import { errorFromStatus, redactSecrets } from '@aimux/ai-core/provider-kit'
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
  apiKey: string
  /** The model requested, when the call was for one. */
  model?: string
}

/**
 * The typed error for whatever a call threw: an abort first; then API errors through
 * errorFromStatus, with retryAfterMs from the body's google.rpc.RetryInfo `retryDelay` (the SDK
 * keeps no response headers) and an API_KEY_INVALID reason as an AuthenticationError; then
 * connection failures. Anything else is returned as it is.
 */
export function geminiError(error: unknown, { signal, apiKey, model }: ErrorContext): unknown {
  const provider = 'gemini'
  if (signal.aborted) return new AbortedError('The call was aborted.', { provider, model, cause: error })
  if (AimuxError.is(error)) return error
  if (error instanceof ApiError) {
    const body = errorBody(error.message)
    const details = body?.details ?? []
    const detail = (type: string) => details.find((d) => d['@type']?.endsWith(`/google.rpc.${type}`))
    const reason = detail('ErrorInfo')?.reason
    const message = body?.message ?? error.message
    if (reason === 'API_KEY_INVALID') {
      return new AuthenticationError(`gemini: ${error.status} ${redactSecrets(message, [apiKey])}`, {
        status: error.status,
        provider,
        model,
        cause: error,
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
      secrets: [apiKey],
      cause: error,
    })
  }
  if (isNetworkError(error)) {
    const code = (error as Error & { cause?: { code?: string } }).cause?.code
    return new ConnectionError(`gemini: ${(error as Error).message}${code ? ` (${code})` : ''}`, {
      provider,
      model,
      cause: error,
    })
  }
  return error
}

/**
 * The error a stream ends with: once text, reasoning or a function call has been yielded, any
 * failure but an abort is a StreamInterruptedError holding the text so far, with the typed error as cause.
 */
export function geminiStreamError(
  error: unknown,
  context: ErrorContext & { text: string; started: boolean },
): unknown {
  const typed = geminiError(error, context)
  if (!context.started || AbortedError.is(typed)) return typed
  const reason = typed instanceof Error ? typed.message : String(typed)
  const broken = new StreamInterruptedError(`gemini: the stream broke after it had started: ${reason}`, {
    provider: 'gemini',
    model: context.model,
    cause: typed,
  })
  broken.partialText = context.text
  return broken
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

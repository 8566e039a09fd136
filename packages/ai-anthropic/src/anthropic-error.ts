import {
  AbortedError,
  AimuxError,
  ConnectionError,
  StreamInterruptedError,
  TimeoutError,
} from '@aimux/ai-core'
import { errorFromStatus, parseRetryAfter } from '@aimux/ai-core/provider-kit'
import { APIConnectionError, APIConnectionTimeoutError, APIError } from '@anthropic-ai/sdk'

/** The status each error type stands for, for errors that arrive as stream events, without one. */
const statusOfType: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  conflict_error: 409,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
}

export interface ErrorContext {
  signal: AbortSignal
  apiKey: string
  /** The model requested, when the call was for one. */
  model?: string
}

/**
 * The typed error for whatever a call threw: an abort first, then HTTP errors (and `error`
 * events in a stream) through errorFromStatus with the key kept out of the message, then
 * connection failures. Anything else is returned as it is.
 */
export function anthropicError(error: unknown, { signal, model, apiKey }: ErrorContext): unknown {
  if (signal.aborted)
    return new AbortedError('The call was aborted.', { provider: 'anthropic', model, cause: error })
  if (AimuxError.is(error)) return error
  if (error instanceof APIConnectionTimeoutError) {
    return new TimeoutError(`anthropic: ${error.message}`, { provider: 'anthropic', model, cause: error })
  }
  if (error instanceof APIConnectionError) {
    return new ConnectionError(`anthropic: ${error.message}`, { provider: 'anthropic', model, cause: error })
  }
  if (error instanceof APIError) {
    const status = error.status ?? statusOfType[error.type ?? ''] ?? 500
    return errorFromStatus(status, {
      message: error.apiMessage ?? error.message,
      type: error.type ?? undefined,
      code: error.errorCode ?? undefined,
      retryAfterMs: parseRetryAfter(error.headers),
      provider: 'anthropic',
      model,
      secrets: [apiKey],
      cause: error,
    })
  }
  return error
}

/**
 * The error a stream ends with: once text, reasoning or a tool call has been yielded, any failure
 * but an abort is a StreamInterruptedError holding the text so far, with the typed error as cause.
 */
export function anthropicStreamError(
  error: unknown,
  context: ErrorContext & { text: string; started: boolean },
): unknown {
  const typed = anthropicError(error, context)
  if (!context.started || AbortedError.is(typed)) return typed
  const reason = typed instanceof Error ? typed.message : String(typed)
  const broken = new StreamInterruptedError(`anthropic: the stream broke after it had started: ${reason}`, {
    provider: 'anthropic',
    model: context.model,
    cause: typed,
  })
  broken.partialText = context.text
  return broken
}

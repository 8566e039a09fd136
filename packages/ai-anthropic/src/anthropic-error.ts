import { AbortedError, AimuxError, ConnectionError, ProviderError, TimeoutError } from '@aimux/ai-core'
import { errorFromStatus, invalidResponse, parseRetryAfter, redactSecrets } from '@aimux/ai-core/provider-kit'
import { APIConnectionError, APIConnectionTimeoutError, APIError } from '@anthropic-ai/sdk'

/** The status each error type stands for, for errors that arrive as stream events, without one. */
export const statusOfType: Record<string, number> = {
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
  /** The key the call used, kept out of error messages. */
  apiKey: string | undefined
  /** The model requested, when the call was for one. */
  model?: string
}

/**
 * The typed error for whatever a call threw: an abort first, then HTTP errors (and `error`
 * events in a stream) through errorFromStatus with the key kept out of the message, then
 * connection failures (the SDK's, and fetch's own when a stream's body is cut); a body that is
 * not JSON is an InvalidResponseError; anything else a ProviderError. Each keeps the SDK's error
 * only as a masked plain copy (its message, headers and body can echo the key). A stream throws it as it is too, whether or not parts were yielded
 * before: the core turns a failure after the first part into a StreamInterruptedError holding
 * the text so far, with this error as its cause.
 */
export function anthropicError(error: unknown, { signal, model, apiKey }: ErrorContext): AimuxError {
  const provider = 'anthropic'
  const secrets = apiKey ? [apiKey] : []
  const options = { provider, model, cause: error, secrets }
  if (signal.aborted) return new AbortedError('The call was aborted.', options)
  if (AimuxError.is(error)) return error
  if (error instanceof APIConnectionTimeoutError) {
    return new TimeoutError(`anthropic: ${error.message}`, options)
  }
  if (error instanceof APIConnectionError) {
    return new ConnectionError(`anthropic: ${error.message}`, options)
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
  if (error instanceof APIError) {
    const status = error.status ?? statusOfType[error.type ?? ''] ?? 500
    const message = error.apiMessage ?? error.message
    // The API names a model it does not know as "model: <id>" in a 404 not_found_error.
    const unknownModel = status === 404 && error.type === 'not_found_error' && /^model: /.test(message)
    return errorFromStatus(status, {
      message,
      type: error.type ?? undefined,
      code: error.errorCode ?? (unknownModel ? 'model_not_found' : undefined),
      retryAfterMs: parseRetryAfter(error.headers),
      provider,
      model,
      secrets,
      cause: error,
    })
  }
  if (isNetworkError(error)) {
    const code = (error as Error & { cause?: { code?: string } }).cause?.code
    return new ConnectionError(`anthropic: ${error.message}${code ? ` (${code})` : ''}`, options)
  }
  return new ProviderError(`anthropic: ${redactSecrets(error, secrets)}`, options)
}

/** fetch's own failures, which reach a stream as they are: a body cut off ("terminated"), or no connection. */
function isNetworkError(error: unknown): error is TypeError {
  return error instanceof TypeError && (error.message === 'terminated' || error.message === 'fetch failed')
}

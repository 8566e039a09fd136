import { AbortedError, AimuxError, ConnectionError, ProviderError } from '@aimux/ai-core'
import { errorFromStatus, invalidResponse, parseRetryAfter, redactSecrets } from '@aimux/ai-core/provider-kit'
import { StreamEndedEarlyError, UnreadableLineError } from './checked-ndjson.js'

export interface ErrorContext {
  signal: AbortSignal
  /** The server the call went to, named in connection errors. */
  host: string
  /** The response the error came with, for its headers: the SDK keeps none. */
  response?: Response
  apiKey?: string
  /** The model requested, when the call was for one. */
  model?: string
}

/**
 * The typed error for whatever a call threw: an abort first; then the SDK's ResponseError (an
 * HTTP status and Ollama's `{ error }` message, a string or, from some proxies, an object with a
 * `message`) through errorFromStatus, with its status and the Retry-After read from the response;
 * then a server that cannot be reached, or a stream that ended before its `done` object, as a
 * retryable ConnectionError naming the host; a body or a stream line that is not JSON, an
 * InvalidResponseError; anything else a ProviderError. Each keeps the
 * client's error only as a masked plain copy. A stream throws it as it is too, whether or not
 * parts were yielded before: the core turns a failure after the first part into a
 * StreamInterruptedError holding the text so far, with this error as its cause.
 */
export function ollamaError(error: unknown, context: ErrorContext): AimuxError {
  const { signal, host, response, apiKey, model } = context
  const provider = 'ollama'
  const secrets = apiKey ? [apiKey] : []
  const options = { provider, model, cause: error, secrets }
  if (signal.aborted) return new AbortedError('The call was aborted.', options)
  if (AimuxError.is(error)) return error
  if (isResponseError(error)) {
    return errorFromStatus(error.status_code, {
      message: redactSecrets(error.error, secrets),
      retryAfterMs: parseRetryAfter(response?.headers),
      provider,
      model,
      secrets,
      cause: error,
    })
  }
  if (error instanceof UnreadableLineError) {
    return invalidResponse({
      provider,
      model,
      problem: 'a stream line that is not JSON',
      body: error.line,
      status: response?.status,
      cause: error,
      secrets,
    })
  }
  if (error instanceof StreamEndedEarlyError) {
    return new ConnectionError(`ollama: ${error.message} (${host})`, options)
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
  if (error instanceof TypeError && (error.message === 'fetch failed' || error.message === 'terminated')) {
    const code = (error as Error & { cause?: { code?: string } }).cause?.code
    const message =
      error.message === 'fetch failed'
        ? `ollama: cannot reach the Ollama server at ${host}${code ? ` (${code})` : ''}. Is it running? Start it with \`ollama serve\`.`
        : `ollama: the connection to ${host} broke before the answer was complete${code ? ` (${code})` : ''}`
    return new ConnectionError(message, options)
  }
  return new ProviderError(`ollama: ${redactSecrets(error, secrets)}`, options)
}

/** The SDK's ResponseError, which it does not export; `error` is whatever the body's `error` held. */
function isResponseError(error: unknown): error is Error & { error: unknown; status_code: number } {
  return (
    error instanceof Error &&
    error.name === 'ResponseError' &&
    typeof (error as { status_code?: unknown }).status_code === 'number'
  )
}

import { redactSecrets } from './redact-secrets.js'
import { scrubCause } from './scrub-cause.js'

/**
 * Typed errors. Every error aimux throws is an {@link AimuxError} with a stable `code`.
 * Each class can be recognised with `Class.is(value)`, which works even when two copies of
 * @aimux/ai-core are installed (it checks a symbol marker, not only the prototype chain).
 */

const marker = Symbol.for('aimux.error')

export type AimuxErrorCode =
  | 'validation'
  | 'config'
  | 'unknown-provider'
  | 'unknown-model'
  | 'provider'
  | 'authentication'
  | 'rate-limit'
  | 'quota-exceeded'
  | 'context-length'
  | 'content-filter'
  | 'timeout'
  | 'aborted'
  | 'connection'
  | 'stream-interrupted'
  | 'structured-output'
  | 'tool'
  | 'budget-exceeded'
  | 'circuit-open'
  | 'store'
  | 'closed'
  | 'not-found'
  | 'invalid-response'

export interface AimuxErrorOptions {
  cause?: unknown
  provider?: string
  model?: string
  status?: number
  retryable?: boolean
  retryAfterMs?: number
  requestId?: string
  /**
   * Secrets to keep out of this error, such as the API key of the call. When given (an empty list
   * too), the message is masked, and a cause that is not an aimux error is replaced by a plain
   * copy (name, message, status, code and stack, masked; its own causes copied the same way), so
   * nothing a provider echoed back (in an SDK error's message, headers or body) stays in the chain.
   * Adapters pass it for every error they make from an SDK's. See {@link scrubCause}.
   */
  secrets?: readonly string[]
}

export class AimuxError extends Error {
  readonly [marker] = true
  readonly code: AimuxErrorCode
  readonly provider: string | undefined
  readonly model: string | undefined
  readonly status: number | undefined
  readonly retryable: boolean
  readonly retryAfterMs: number | undefined
  requestId: string | undefined

  constructor(code: AimuxErrorCode, message: string, options: AimuxErrorOptions = {}) {
    const { secrets } = options
    const cause = secrets === undefined ? options.cause : scrubCause(options.cause, secrets)
    super(
      secrets === undefined ? message : redactSecrets(message, secrets),
      cause === undefined ? undefined : { cause },
    )
    this.name = 'AimuxError'
    this.code = code
    this.provider = options.provider
    this.model = options.model
    this.status = options.status
    this.retryable = options.retryable ?? false
    this.retryAfterMs = options.retryAfterMs
    this.requestId = options.requestId
  }

  /** True for any aimux error, whichever copy of the package created it. */
  static is(value: unknown): value is AimuxError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      provider: this.provider,
      model: this.model,
      status: this.status,
      retryable: this.retryable,
      retryAfterMs: this.retryAfterMs,
      requestId: this.requestId,
    }
  }
}

/** Defines a subclass whose `is()` matches on its code, so it too survives duplicate installs. */
function errorClass<C extends AimuxErrorCode>(
  code: C,
  name: string,
  defaults: Partial<AimuxErrorOptions> = {},
) {
  const Class = class extends AimuxError {
    declare readonly code: C
    constructor(message: string, options: AimuxErrorOptions = {}) {
      super(code, message, { ...defaults, ...options })
      this.name = name
    }
    /** True for an error of this class, whichever copy of the package created it. */
    static override is<T extends abstract new (...args: never[]) => AimuxError>(
      this: T,
      value: unknown,
    ): value is InstanceType<T> {
      return AimuxError.is(value) && value.code === code
    }
  }
  Object.defineProperty(Class, 'name', { value: name })
  return Class
}

/** A request or option failed validation; `issues` names each field and what is wrong with it. */
export class ValidationError extends errorClass('validation', 'ValidationError') {
  issues: { path: string; message: string }[] = []
}
/** The configuration cannot work: a duplicate provider id, a plugin that failed to set up, ... */
export class ConfigError extends errorClass('config', 'ConfigError') {}
export class UnknownProviderError extends errorClass('unknown-provider', 'UnknownProviderError') {}
export class UnknownModelError extends errorClass('unknown-model', 'UnknownModelError') {}
/**
 * A provider answered with an error that has no more specific class. `ProviderError.is()` also
 * matches its kind {@link InvalidResponseError}.
 */
export class ProviderError extends AimuxError {
  declare readonly code: 'provider' | 'invalid-response'
  constructor(message: string, options: AimuxErrorOptions = {}) {
    super('provider', message, options)
    this.name = 'ProviderError'
  }
  /** True for a ProviderError (an InvalidResponseError included), whichever copy of the package created it. */
  static override is(value: unknown): value is ProviderError {
    return AimuxError.is(value) && (value.code === 'provider' || value.code === 'invalid-response')
  }
}
/**
 * A provider answered, but not with anything the adapter can read: malformed JSON on a 200, an
 * empty or HTML body, `{}`, a reply with no choices or candidates. A ProviderError with code
 * 'invalid-response'; `excerpt` holds the start of what came back (secrets masked, a few hundred
 * characters at most). Not retryable by default: an unreadable answer usually comes again (a
 * proxy or a wrong `baseURL` answering with a page), so it is not worth another attempt.
 */
export class InvalidResponseError extends ProviderError {
  declare readonly code: 'invalid-response'
  /** The start of the body the adapter could not read, secrets masked; '' when there was none. */
  excerpt = ''
  constructor(message: string, options: AimuxErrorOptions = {}) {
    super(message, options)
    ;(this as { code: AimuxErrorCode }).code = 'invalid-response'
    this.name = 'InvalidResponseError'
  }
  /** True for an InvalidResponseError, whichever copy of the package created it. */
  static override is(value: unknown): value is InvalidResponseError {
    return AimuxError.is(value) && value.code === 'invalid-response'
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), excerpt: this.excerpt }
  }
}
/** 401 / 403: the credentials were refused. Never retried. */
export class AuthenticationError extends errorClass('authentication', 'AuthenticationError') {}
/** 429: retryable; `retryAfterMs` says when, when the provider said so. */
export class RateLimitError extends errorClass('rate-limit', 'RateLimitError', { retryable: true }) {}
/** The account's quota or credit is exhausted. Never retried. */
export class QuotaExceededError extends errorClass('quota-exceeded', 'QuotaExceededError') {}
/** The prompt does not fit the model's context window. Never retried on the same model. */
export class ContextLengthError extends errorClass('context-length', 'ContextLengthError') {}
export class ContentFilterError extends errorClass('content-filter', 'ContentFilterError') {}
export class TimeoutError extends errorClass('timeout', 'TimeoutError', { retryable: true }) {}
/** The caller aborted the call through its AbortSignal. */
export class AbortedError extends errorClass('aborted', 'AbortedError') {}
/**
 * The connection failed or was reset before an answer; also a stream that ended without its
 * 'finish' part before any part reached the caller. Retryable: the caller has seen nothing yet.
 */
export class ConnectionError extends errorClass('connection', 'ConnectionError', { retryable: true }) {}
/**
 * A stream broke after a part had reached the caller; `partialText` holds the text the caller
 * got, `cause` the provider's typed error. Not retryable: asking again would repeat what the
 * caller has already shown. Only the core makes it (adapters throw the typed error as it is).
 */
export class StreamInterruptedError extends errorClass('stream-interrupted', 'StreamInterruptedError') {
  partialText = ''
}
/** The model's reply did not match the requested schema; `text` holds the raw reply. */
export class StructuredOutputError extends errorClass('structured-output', 'StructuredOutputError') {
  text = ''
  issues: { path: string; message: string }[] = []
}
export class ToolError extends errorClass('tool', 'ToolError') {}
/**
 * A hard budget would be passed by this call's estimated cost; nothing was sent. `retryAfterMs`
 * says when the refusing budget's period ends and it renews (none for a 'total' budget).
 */
export class BudgetExceededError extends errorClass('budget-exceeded', 'BudgetExceededError') {}
/** The provider and model's circuit is open after repeated failures: the call failed fast, unsent. */
export class CircuitOpenError extends errorClass('circuit-open', 'CircuitOpenError') {}
export class StoreError extends errorClass('store', 'StoreError') {}
/** The instance was closed; no new calls are accepted. */
export class ClosedError extends errorClass('closed', 'ClosedError') {}
/** What was asked for by id does not exist (or is not the caller's to see). */
export class NotFoundError extends errorClass('not-found', 'NotFoundError') {}

/**
 * Makes any thrown value a typed error carrying the request id. A foreign error's message is
 * kept with anything shaped like a key masked, and it is kept as the cause only as a masked plain
 * copy (see {@link scrubCause}); an abort becomes AbortedError (or the typed
 * error the signal was aborted with, such as a TimeoutError).
 */
export function toAimuxError(
  error: unknown,
  context: {
    signal?: AbortSignal
    requestId?: string
    provider?: string
    model?: string
  },
): AimuxError {
  let typed: AimuxError
  if (AimuxError.is(error)) typed = error
  else if (context.signal?.aborted) {
    const reason: unknown = context.signal.reason
    typed = AimuxError.is(reason)
      ? reason
      : new AbortedError('The call was aborted.', { cause: reason ?? error })
  } else {
    typed = new ProviderError(redactSecrets(error), {
      cause: error,
      secrets: [],
      provider: context.provider,
      model: context.model,
    })
  }
  typed.requestId ??= context.requestId
  return typed
}

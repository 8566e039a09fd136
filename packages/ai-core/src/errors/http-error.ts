import { STATUS_CODES } from 'node:http'
import {
  type AimuxError,
  AuthenticationError,
  ContentFilterError,
  ContextLengthError,
  ProviderError,
  QuotaExceededError,
  RateLimitError,
  TimeoutError,
  UnknownModelError,
} from './errors.js'
import { redactSecrets } from './redact-secrets.js'

/** What a provider's error answer said, as far as the adapter could read it. */
export interface HttpErrorDetails {
  message?: string
  /** The provider's machine-readable code, e.g. 'insufficient_quota' or 'context_length_exceeded'. */
  code?: string
  /** The provider's error type, e.g. 'invalid_request_error' or 'insufficient_quota'. */
  type?: string
  retryAfterMs?: number
  provider?: string
  model?: string
  requestId?: string
  cause?: unknown
  /**
   * Strings masked in the message, such as the API key the call used. Given (an empty list too),
   * the cause is kept only as a masked plain copy: see AimuxErrorOptions.secrets.
   */
  secrets?: readonly string[]
}

const quotaCodes = new Set(['insufficient_quota'])
const contentFilterCodes = new Set(['content_filter', 'content_policy_violation'])
const contextLengthCodes = new Set(['context_length_exceeded'])
const modelNotFoundMessage = /model\b.*\b(not found|does not exist|not exist)/i
const contextLengthMessage =
  /context[ _]length|context window|prompt is too long|maximum prompt length|input token count .* exceeds/i

/**
 * Maps a provider's HTTP error status to the core's typed error, as every adapter does:
 * - 401, 403: AuthenticationError
 * - 402, and 429 with code or type 'insufficient_quota': QuotaExceededError
 * - 429: RateLimitError, retryable, with `retryAfterMs`
 * - 400 or 413 saying the prompt does not fit ('context_length_exceeded'): ContextLengthError
 * - 400 or 403 with code 'content_filter' or 'content_policy_violation': ContentFilterError
 * - 404 with code 'model_not_found' or saying the model does not exist: UnknownModelError
 * - 408: TimeoutError, retryable
 * - 409 and 5xx (529 "overloaded" included): ProviderError, retryable
 * - any other status: ProviderError, not retryable
 *
 * The message names the provider and status and never contains `secrets` or anything shaped
 * like an API key; with `secrets` given, neither does the cause (a masked plain copy of it).
 *
 * @example throw errorFromStatus(429, { message: body.error.message, retryAfterMs: parseRetryAfter(headers), provider: 'openai' })
 */
export function errorFromStatus(status: number, details: HttpErrorDetails = {}): AimuxError {
  const text = redactSecrets(details.message || STATUS_CODES[status] || 'Unknown error', details.secrets)
  const message = `${details.provider ? `${details.provider}: ` : ''}${status} ${text}`
  const options = {
    status,
    provider: details.provider,
    model: details.model,
    requestId: details.requestId,
    cause: details.cause,
    secrets: details.secrets,
  }
  const retryLater = { ...options, retryable: true, retryAfterMs: details.retryAfterMs }
  const code = details.code ?? ''
  const type = details.type ?? ''

  if (contentFilterCodes.has(code) && (status === 400 || status === 403)) {
    return new ContentFilterError(message, options)
  }
  if (status === 401 || status === 403) return new AuthenticationError(message, options)
  if (status === 402 || (status === 429 && (quotaCodes.has(code) || quotaCodes.has(type)))) {
    return new QuotaExceededError(message, options)
  }
  if (status === 429) return new RateLimitError(message, retryLater)
  if (
    (status === 400 || status === 413) &&
    (contextLengthCodes.has(code) || contextLengthMessage.test(details.message ?? ''))
  ) {
    return new ContextLengthError(message, options)
  }
  if (status === 404 && (code === 'model_not_found' || modelNotFoundMessage.test(details.message ?? ''))) {
    return new UnknownModelError(message, options)
  }
  if (status === 408) return new TimeoutError(message, retryLater)
  if (status === 409 || status >= 500) return new ProviderError(message, retryLater)
  return new ProviderError(message, options)
}

/** Response headers as fetch's `Headers` or a plain object (node:http's IncomingHttpHeaders, say). */
export type HeaderSource =
  | Headers
  | Record<string, string | string[] | number | undefined | null>
  | undefined
  | null

function headerReader(headers: HeaderSource): (name: string) => string | undefined {
  if (!headers) return () => undefined
  if (typeof (headers as Headers).get === 'function') {
    return (name) => (headers as Headers).get(name) ?? undefined
  }
  const lower = new Map(Object.entries(headers).map(([key, value]) => [key.toLowerCase(), value]))
  return (name) => {
    const value = lower.get(name)
    if (value === undefined || value === null) return undefined
    return Array.isArray(value) ? value[0] : String(value)
  }
}

const durationPart = /(\d+(?:\.\d+)?)(ms|h|m|s)/g
const unitMs: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 }

/** "6m0s", "1.5s", "20ms", "1h2m" (OpenAI's x-ratelimit-reset-* format) or bare seconds, in ms. */
function parseDuration(value: string): number | undefined {
  const trimmed = value.trim()
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000
  let total = 0
  let consumed = 0
  for (const [match, amount, unit] of trimmed.matchAll(durationPart)) {
    total += Number(amount) * (unitMs[unit as string] ?? 0)
    consumed += match.length
  }
  return consumed > 0 && consumed === trimmed.length ? total : undefined
}

/** An absolute reset time: epoch milliseconds, epoch seconds, or small numbers as seconds from now. */
function parseResetTime(value: string, now: number): number | undefined {
  const number = Number(value)
  if (!Number.isFinite(number)) return undefined
  if (number > 1e12) return number - now
  if (number > 1e9) return number * 1000 - now
  return number * 1000
}

/**
 * How long a provider asked the caller to wait, in milliseconds, from its response headers:
 * `retry-after-ms`; `retry-after` in seconds or as an HTTP date; `x-ratelimit-reset-requests` /
 * `x-ratelimit-reset-tokens` as durations like "6m0s" (the exhausted one, by its
 * `x-ratelimit-remaining-*`, else the longer); `x-ratelimit-reset` as an epoch time (OpenRouter).
 * Undefined when the headers say nothing usable.
 *
 * @example parseRetryAfter(new Headers({ 'retry-after': '2' })) // 2000
 */
export function parseRetryAfter(headers: HeaderSource, now: number = Date.now()): number | undefined {
  const header = headerReader(headers)
  const settle = (ms: number | undefined) =>
    ms === undefined || Number.isNaN(ms) ? undefined : Math.max(0, Math.ceil(ms))

  const retryAfterMs = header('retry-after-ms')
  if (retryAfterMs !== undefined && retryAfterMs.trim() !== '' && Number.isFinite(Number(retryAfterMs))) {
    return settle(Number(retryAfterMs))
  }
  const retryAfter = header('retry-after')?.trim()
  if (retryAfter) {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return settle(Number(retryAfter) * 1000)
    const date = Date.parse(retryAfter)
    if (!Number.isNaN(date)) return settle(date - now)
  }
  const resets = (['requests', 'tokens'] as const)
    .map((kind) => {
      const reset = header(`x-ratelimit-reset-${kind}`)
      return {
        ms: reset === undefined ? undefined : parseDuration(reset),
        exhausted: header(`x-ratelimit-remaining-${kind}`)?.trim() === '0',
      }
    })
    .filter((reset): reset is { ms: number; exhausted: boolean } => reset.ms !== undefined)
  const exhausted = resets.filter((reset) => reset.exhausted)
  const candidates = exhausted.length > 0 ? exhausted : resets
  if (candidates.length > 0) return settle(Math.max(...candidates.map((reset) => reset.ms)))
  const reset = header('x-ratelimit-reset')
  return reset === undefined ? undefined : settle(parseResetTime(reset, now))
}

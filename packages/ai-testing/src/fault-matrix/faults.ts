import type { FakeServerTurn } from '../fake-server.js'
import {
  type ExpectedOutcome,
  type Fault,
  firstChunk,
  type RetryMode,
  scriptedReply as reply,
} from './fault.js'

/** The longest full-jitter backoff of the default policy over its three attempts (500 + 1000 ms). */
const defaultBackoffMs = 1500
const stallMs = 250
const retryAfterSeconds = 1
const retryAfterMs = 250
/** Longer than the default retry policy's maxDelayMs (30 s): never waited for. */
const retryAfterDateMs = 120_000

const instant = { default: 0, 'retries off': 0 }
const backoff = { default: defaultBackoffMs, 'retries off': 0 }

type ScriptedErrorAnswer = Extract<FakeServerTurn, { error: unknown }>['error']

/** A status the fake server answers with; retryable ones are tried three times by default. */
const statusFault = (options: {
  id: string
  label: string
  /** A function for an answer made when the cell runs, such as one with a date. */
  error: ScriptedErrorAnswer | (() => ScriptedErrorAnswer)
  expect: Omit<ExpectedOutcome, 'defaultAttempts'> & { defaultAttempts?: number }
  waitMs?: Record<RetryMode, number>
}): Fault => ({
  id: options.id,
  group: 'status codes',
  label: options.label,
  call: 'chat',
  source: () => ({ turn: { error: typeof options.error === 'function' ? options.error() : options.error } }),
  expect: { defaultAttempts: options.expect.retryable ? 3 : 1, ...options.expect },
  waitMs: options.waitMs ?? (options.expect.retryable ? backoff : instant),
})

const providerError = { error: 'ProviderError', code: 'provider', retryable: true }
const rateLimited = { error: 'RateLimitError', code: 'rate-limit', retryable: true, status: 429 }
const invalidResponse = { error: 'InvalidResponseError', code: 'invalid-response', retryable: false }
const unreadStatus = [200, undefined] as const
const interrupted = { error: 'StreamInterruptedError', code: 'stream-interrupted', retryable: false }

/** Every fault of the matrix, in the order the docs list them. */
export const faults: readonly Fault[] = [
  statusFault({
    id: 'status-400-context-length',
    label: '400 context length',
    error: {
      status: 400,
      message: 'prompt is too long: 200000 tokens > 128000, the maximum context length',
      code: 'context_length_exceeded',
      type: 'invalid_request_error',
    },
    expect: { error: 'ContextLengthError', code: 'context-length', retryable: false, status: 400 },
  }),
  statusFault({
    id: 'status-401',
    label: '401',
    error: { status: 401 },
    expect: { error: 'AuthenticationError', code: 'authentication', retryable: false, status: 401 },
  }),
  statusFault({
    id: 'status-403',
    label: '403',
    error: { status: 403, message: 'Forbidden: this key may not use the model' },
    expect: { error: 'AuthenticationError', code: 'authentication', retryable: false, status: 403 },
  }),
  statusFault({
    id: 'status-404-unknown-model',
    label: '404 unknown model',
    error: { status: 404, message: 'The model `no-such-model` does not exist', code: 'model_not_found' },
    expect: { error: 'UnknownModelError', code: 'unknown-model', retryable: false, status: 404 },
  }),
  statusFault({
    id: 'status-408',
    label: '408',
    error: { status: 408 },
    expect: { error: 'TimeoutError', code: 'timeout', retryable: true, status: 408 },
  }),
  // `retryAfterMs` also puts the wait where the provider's own wire does (Gemini: the body's
  // RetryInfo, its SDK keeping no headers); `headers` give the header form the cell is named for.
  statusFault({
    id: 'status-429-seconds',
    label: '429, Retry-After in seconds',
    error: { status: 429, message: 'Rate limit reached', retryAfterMs: retryAfterSeconds * 1000 },
    expect: { ...rateLimited, retryAfterMs: retryAfterSeconds * 1000 },
    waitMs: { default: 2 * retryAfterSeconds * 1000, 'retries off': 0 },
  }),
  statusFault({
    id: 'status-429-milliseconds',
    label: '429, Retry-After in milliseconds',
    error: {
      status: 429,
      message: 'Rate limit reached',
      retryAfterMs,
      headers: { 'retry-after-ms': String(retryAfterMs) },
    },
    expect: { ...rateLimited, retryAfterMs },
    waitMs: { default: 2 * retryAfterMs, 'retries off': 0 },
  }),
  statusFault({
    id: 'status-429-date',
    label: '429, Retry-After as an HTTP date past maxDelayMs',
    // Taken when the cell runs. Longer than maxDelayMs: not retried early, the error comes at once.
    error: () => ({
      status: 429,
      message: 'Rate limit reached',
      retryAfterMs: retryAfterDateMs,
      headers: { 'retry-after': new Date(Date.now() + retryAfterDateMs).toUTCString() },
    }),
    expect: {
      ...rateLimited,
      retryAfterMs: { min: retryAfterDateMs - 5_000, max: retryAfterDateMs },
      defaultAttempts: 1,
    },
    waitMs: instant,
  }),
  statusFault({
    id: 'status-500',
    label: '500',
    error: { status: 500 },
    expect: { ...providerError, status: 500 },
  }),
  statusFault({
    id: 'status-502',
    label: '502',
    error: { status: 502 },
    expect: { ...providerError, status: 502 },
  }),
  statusFault({
    id: 'status-503',
    label: '503',
    error: { status: 503 },
    expect: { ...providerError, status: 503 },
  }),
  statusFault({
    id: 'status-529-overloaded',
    label: '529 overloaded',
    error: { status: 529, message: 'Overloaded', type: 'overloaded_error' },
    expect: { ...providerError, status: 529 },
  }),
  {
    id: 'connection-refused',
    group: 'connection',
    label: 'refused',
    call: 'chat',
    source: () => ({ refused: true }),
    expect: {
      error: 'ConnectionError',
      code: 'connection',
      retryable: true,
      status: undefined,
      defaultAttempts: 3,
    },
    waitMs: backoff,
  },
  {
    id: 'connection-reset-before-headers',
    group: 'connection',
    label: 'reset before headers',
    call: 'chat',
    source: () => ({ turn: { dropConnection: true } }),
    expect: {
      error: 'ConnectionError',
      code: 'connection',
      retryable: true,
      status: undefined,
      defaultAttempts: 3,
    },
    waitMs: backoff,
  },
  {
    id: 'connection-reset-mid-stream',
    group: 'connection',
    label: 'reset mid-stream',
    call: 'stream',
    source: () => ({ turn: { ...reply, breakAfterChunks: 1 } }),
    expect: {
      ...interrupted,
      status: undefined,
      defaultAttempts: 1,
      causeCodes: ['connection'],
      partialText: firstChunk,
    },
    waitMs: instant,
  },
  {
    id: 'stall-before-first-byte',
    group: 'stalls',
    label: 'before the first byte',
    call: 'chat',
    source: () => ({ turn: { ...reply, delayMs: 600_000 } }),
    timeout: { attemptMs: stallMs },
    expect: {
      error: 'TimeoutError',
      code: 'timeout',
      retryable: true,
      status: undefined,
      defaultAttempts: 3,
    },
    waitMs: { default: 3 * stallMs + defaultBackoffMs, 'retries off': stallMs },
  },
  {
    id: 'stall-mid-stream',
    group: 'stalls',
    label: 'mid-stream',
    call: 'stream',
    source: () => ({ proxy: { type: 'cut', after: firstChunk.trim(), and: 'stall' } }),
    // The first part may take its time on a loaded machine; only the gap after it is short.
    timeout: { attemptMs: 30_000, idleMs: stallMs },
    expect: {
      ...interrupted,
      status: undefined,
      defaultAttempts: 1,
      causeCodes: ['timeout'],
      partialText: firstChunk,
    },
    waitMs: { default: stallMs, 'retries off': stallMs },
  },
  {
    id: 'body-malformed-json',
    group: 'bad bodies',
    label: 'malformed JSON',
    call: 'chat',
    source: () => ({
      proxy: {
        type: 'replace-body',
        contentType: 'application/json',
        body: '{"id": "x", "note": "key {key}", "choices": [{"message": {"content": "Alph',
      },
    }),
    expect: { ...invalidResponse, status: unreadStatus, defaultAttempts: 1 },
    waitMs: instant,
  },
  {
    id: 'body-truncated-sse',
    group: 'bad bodies',
    label: 'truncated SSE',
    call: 'stream',
    source: () => ({ proxy: { type: 'cut', after: firstChunk.trim(), and: 'truncate' } }),
    expect: {
      ...interrupted,
      status: undefined,
      defaultAttempts: 1,
      causeCodes: ['connection', 'invalid-response'],
      partialText: firstChunk,
    },
    waitMs: instant,
  },
  {
    id: 'body-garbage-sse-line',
    group: 'bad bodies',
    label: 'a garbage SSE line',
    call: 'stream',
    source: () => ({
      proxy: { type: 'garbage-line', in: firstChunk.trim(), line: '{oops, not json; key {key}' },
    }),
    expect: { ...invalidResponse, status: unreadStatus, defaultAttempts: 1 },
    waitMs: instant,
  },
  {
    id: 'body-empty',
    group: 'bad bodies',
    label: 'an empty body',
    call: 'chat',
    source: () => ({ proxy: { type: 'replace-body', contentType: 'application/json', body: '' } }),
    expect: { ...invalidResponse, status: unreadStatus, defaultAttempts: 1 },
    waitMs: instant,
  },
  {
    id: 'body-html',
    group: 'bad bodies',
    label: 'an HTML body',
    call: 'chat',
    source: () => ({
      proxy: {
        type: 'replace-body',
        contentType: 'text/html; charset=utf-8',
        body: '<!doctype html><html><body><h1>Welcome to nginx!</h1><p>{key}</p></body></html>',
      },
    }),
    expect: { ...invalidResponse, status: unreadStatus, defaultAttempts: 1 },
    waitMs: instant,
  },
]

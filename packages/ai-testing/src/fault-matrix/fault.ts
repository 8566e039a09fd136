import type { FakeServerTurn } from '../fake-server.js'
import type { ProxyFault } from './fault-proxy.js'

export type FaultGroup = 'status codes' | 'connection' | 'stalls' | 'bad bodies'

/** How the instance is set up: createAI's defaults, or the same with `retry: false`. */
export type RetryMode = 'default' | 'retries off'
export const retryModes: readonly RetryMode[] = ['default', 'retries off']

/** What the call under a fault ends with, whichever adapter made it. */
export interface ExpectedOutcome {
  /** The error class's name, e.g. 'RateLimitError'. */
  error: string
  code: string
  retryable: boolean
  /**
   * The HTTP status; a list when more than one is right, as for an answer that could not be read,
   * whose status (200) an adapter gives when it knows it (see the core's InvalidResponseError).
   */
  status: number | undefined | readonly (number | undefined)[]
  /** Exact, or a range for a Retry-After given as a date (whole seconds). */
  retryAfterMs?: number | { min: number; max: number }
  /** Attempts with createAI's default retry policy (three attempts); with retries off, always one. */
  defaultAttempts: number
  /** For a stream that broke after a part: the codes its typed cause may have. */
  causeCodes?: readonly string[]
  /** For a stream that broke after a part: the text the caller got. */
  partialText?: string
}

/** How a fault is produced: a turn the fake server repeats, a proxy in front of it, or no server. */
export type FaultSource = { turn: FakeServerTurn } | { proxy: ProxyFault } | { refused: true }

export interface Fault {
  /** Stable id, e.g. 'status-429-seconds'. */
  id: string
  group: FaultGroup
  /** How the docs name it. */
  label: string
  /** 'stream' for faults only a stream can show; the others are made with `ai.chat()`. */
  call: 'chat' | 'stream'
  source: () => FaultSource
  /** The request's own timeouts, for stalls: nothing waits on a default. */
  timeout?: { attemptMs?: number; idleMs?: number }
  expect: ExpectedOutcome
  /** Time the cell spends waiting by design (backoff, Retry-After, timeouts), per mode. */
  waitMs: Record<RetryMode, number>
}

/** The text every scripted reply streams first. */
export const firstChunk = 'Alpha '

/** The reply the fake server gives when a fault is not its own answer (a proxy's, say). */
export const scriptedReply = { chunks: [firstChunk, 'Beta ', 'Gamma'] }

/** The id of one cell: a fault under a retry mode, e.g. 'status-401 / retries off'. */
export function cellId(fault: Pick<Fault, 'id'>, mode: RetryMode): string {
  return `${fault.id} / ${mode}`
}

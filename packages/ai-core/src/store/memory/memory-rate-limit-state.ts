import type { RateLimitCheck, RateLimitDecision, RateLimitState } from '../shared-state.js'
import { createIdleMap } from './idle-map.js'
import { createRateWindow, type RateWindow } from './rate-window.js'

const SECOND = 1_000
const MINUTE = 60_000
const DAY = 86_400_000

export interface MemoryRateLimitStateOptions {
  /**
   * The most counters kept (one per user, tenant, provider, model or key seen). Past it, the one
   * used least recently is dropped and starts again from zero. Default 100,000.
   */
  maxCounters?: number
}

/**
 * What one counter (say, user u1) has used over the last minute and the last day; a window is
 * made only once a check names it.
 */
interface Counter {
  minute?: RateWindow
  day?: RateWindow
}

/** The in-memory state: the port, answering at once. */
export interface MemoryRateLimitState extends RateLimitState {
  acquire(checks: readonly RateLimitCheck[], at: number): RateLimitDecision
  addTokens(checks: readonly RateLimitCheck[], tokens: number, at: number): void
}

const ADMITTED: RateLimitDecision = Object.freeze({ ok: true })

/**
 * Rate-limit counters in this process: a minute counted in buckets of a second, a day in buckets
 * of a minute (see rate-window.ts). A counter is dropped once idle, when every bucket of its
 * longest window has left it (a minute and a second after its last use, or a day and a minute
 * when it counts days), and past `maxCounters`, least recently used first, so that many distinct
 * users cannot grow the heap without bound. Every answer is synchronous.
 */
export function createMemoryRateLimitState(options: MemoryRateLimitStateOptions = {}): MemoryRateLimitState {
  const counters = createIdleMap<string, Counter>({
    idleMs: (counter) => (counter.day ? DAY + MINUTE : MINUTE + SECOND),
    max: options.maxCounters ?? 100_000,
  })
  const windowOf = (check: RateLimitCheck, at: number): RateWindow => {
    const counter = counters.touch(check.key, () => ({}), at)
    let window = counter[check.window]
    if (!window) {
      window = check.window === 'minute' ? createRateWindow(MINUTE, SECOND) : createRateWindow(DAY, MINUTE)
      counter[check.window] = window
    }
    return window
  }
  /** Adds `window` to `windows` unless it is there: two checks on one (key, window) count once. */
  const addOnce = (windows: RateWindow[], window: RateWindow) => {
    if (!windows.includes(window)) windows.push(window)
  }

  return {
    acquire(checks, at) {
      let wait = 0
      let blocking = -1
      const windows: RateWindow[] = []
      for (let i = 0; i < checks.length; i++) {
        const check = checks[i]!
        const window = windowOf(check, at)
        addOnce(windows, window)
        const until = window.waitUntilBelow(at, check.kind, check.max)
        if (until > wait) {
          wait = until
          blocking = i
        }
      }
      if (blocking >= 0) return { ok: false, check: blocking, waitMs: wait }
      for (const window of windows) window.add(at, 1, 0)
      return ADMITTED
    },
    addTokens(checks, tokens, at) {
      const windows: RateWindow[] = []
      for (const check of checks) addOnce(windows, windowOf(check, at))
      for (const window of windows) window.add(at, 0, tokens)
    },
  }
}

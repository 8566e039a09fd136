import type { ConnectionLimits } from './connection-config.js'

const MINUTE = 60_000
const DAY = 86_400_000

/**
 * Each connection's requests and tokens over the last minute and the last day, counted by this
 * instance in memory (not shared through the store), in buckets of a second (minute window) and
 * a minute (day window), so memory stays bounded whatever the traffic.
 */
export interface LimitCounters {
  /** Counts requests when a call is sent, tokens when its usage is known. */
  count(connectionId: string, at: number, requests: number, tokens: number): void
  /** When the connection is under every one of its limits again: `at` when it already is. */
  freeAt(connectionId: string, limits: ConnectionLimits | undefined, at: number): number
  forget(connectionId: string): void
}

interface Windows {
  minute: SlidingWindow
  day: SlidingWindow
}

export function createLimitCounters(): LimitCounters {
  const counters = new Map<string, Windows>()
  return {
    count(connectionId, at, requests, tokens) {
      let windows = counters.get(connectionId)
      if (!windows) {
        windows = { minute: createSlidingWindow(MINUTE, 1_000), day: createSlidingWindow(DAY, MINUTE) }
        counters.set(connectionId, windows)
      }
      windows.minute.add(at, requests, tokens)
      windows.day.add(at, requests, tokens)
    },
    freeAt(connectionId, limits, at) {
      const windows = counters.get(connectionId)
      if (!windows || !limits) return at
      const checks: [SlidingWindow, 'requests' | 'tokens', number | undefined][] = [
        [windows.minute, 'requests', limits.requestsPerMinute],
        [windows.day, 'requests', limits.requestsPerDay],
        [windows.minute, 'tokens', limits.tokensPerMinute],
      ]
      let free = at
      for (const [window, kind, max] of checks)
        if (max !== undefined) free = Math.max(free, window.belowAt(at, kind, max))
      return free
    },
    forget(connectionId) {
      counters.delete(connectionId)
    },
  }
}

interface SlidingWindow {
  add(at: number, requests: number, tokens: number): void
  /** When the window's count of `kind` drops below `max`. */
  belowAt(at: number, kind: 'requests' | 'tokens', max: number): number
}

function createSlidingWindow(spanMs: number, bucketMs: number): SlidingWindow {
  const buckets: { index: number; requests: number; tokens: number }[] = []
  const total = { requests: 0, tokens: 0 }
  // A bucket leaves the window once its end is more than spanMs ago.
  const leavesAt = (index: number) => (index + 1) * bucketMs + spanMs
  const prune = (at: number) => {
    while (buckets[0] && leavesAt(buckets[0].index) <= at) {
      const gone = buckets.shift()!
      total.requests -= gone.requests
      total.tokens -= gone.tokens
    }
  }
  return {
    add(at, requests, tokens) {
      prune(at)
      const index = Math.floor(at / bucketMs)
      let last = buckets[buckets.length - 1]
      if (last?.index !== index) {
        last = { index, requests: 0, tokens: 0 }
        buckets.push(last)
      }
      last.requests += requests
      last.tokens += tokens
      total.requests += requests
      total.tokens += tokens
    },
    belowAt(at, kind, max) {
      prune(at)
      let used = total[kind]
      if (used < max) return at
      for (const bucket of buckets) {
        used -= bucket[kind]
        if (used < max) return leavesAt(bucket.index)
      }
      return at + spanMs
    },
  }
}

import { createRateWindow, type RateWindow } from '@aimux/ai-core/provider-kit'
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
  /** Drops the counters of every connection but these. */
  retain(connectionIds: ReadonlySet<string>): void
}

interface Windows {
  minute: RateWindow
  day: RateWindow
}

export function createLimitCounters(): LimitCounters {
  const counters = new Map<string, Windows>()
  return {
    count(connectionId, at, requests, tokens) {
      let windows = counters.get(connectionId)
      if (!windows) {
        windows = { minute: createRateWindow(MINUTE, 1_000), day: createRateWindow(DAY, MINUTE) }
        counters.set(connectionId, windows)
      }
      windows.minute.add(at, requests, tokens)
      windows.day.add(at, requests, tokens)
    },
    freeAt(connectionId, limits, at) {
      const windows = counters.get(connectionId)
      if (!windows || !limits) return at
      const checks: [RateWindow, 'requests' | 'tokens', number | undefined][] = [
        [windows.minute, 'requests', limits.requestsPerMinute],
        [windows.day, 'requests', limits.requestsPerDay],
        [windows.minute, 'tokens', limits.tokensPerMinute],
      ]
      let free = at
      for (const [window, kind, max] of checks)
        if (max !== undefined) free = Math.max(free, at + window.waitUntilBelow(at, kind, max))
      return free
    },
    retain(connectionIds) {
      for (const id of counters.keys()) if (!connectionIds.has(id)) counters.delete(id)
    },
  }
}

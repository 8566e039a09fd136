/**
 * Requests and tokens counted over a sliding window in buckets (a second's worth for a minute
 * window, a minute's worth for a day): the totals are kept as buckets enter and leave, so a
 * check costs the same however much traffic the window holds, and memory stays bounded.
 */
export interface RateWindow {
  add(at: number, requests: number, tokens: number): void
  /** Milliseconds until the window's `kind` drops below `max`; 0 when it is already below. */
  waitUntilBelow(at: number, kind: 'requests' | 'tokens', max: number): number
}

export function createRateWindow(spanMs: number, bucketMs: number): RateWindow {
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
      if (!last || last.index !== index) {
        last = { index, requests: 0, tokens: 0 }
        buckets.push(last)
      }
      last.requests += requests
      last.tokens += tokens
      total.requests += requests
      total.tokens += tokens
    },
    waitUntilBelow(at, kind, max) {
      prune(at)
      let used = total[kind]
      if (used < max) return 0
      for (const bucket of buckets) {
        used -= bucket[kind]
        if (used < max) return leavesAt(bucket.index) - at
      }
      return spanMs
    },
  }
}

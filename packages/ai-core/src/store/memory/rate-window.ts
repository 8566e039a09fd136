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
  return new SlidingWindow(spanMs, bucketMs)
}

interface Bucket {
  index: number
  requests: number
  tokens: number
}

// A class rather than closures: the methods live once on the prototype, so the rate limiter's
// one window per user (and per tenant, provider, model) stays a few small objects.
class SlidingWindow implements RateWindow {
  private readonly spanMs: number
  private readonly bucketMs: number
  private buckets: Bucket[] = []
  private requests = 0
  private tokens = 0

  constructor(spanMs: number, bucketMs: number) {
    this.spanMs = spanMs
    this.bucketMs = bucketMs
  }

  /** A bucket leaves the window once its end is more than spanMs ago. */
  private leavesAt(index: number): number {
    return (index + 1) * this.bucketMs + this.spanMs
  }

  private prune(at: number): void {
    const { buckets } = this
    while (buckets[0] && this.leavesAt(buckets[0].index) <= at) {
      const gone = buckets.shift()!
      this.requests -= gone.requests
      this.tokens -= gone.tokens
    }
  }

  add(at: number, requests: number, tokens: number): void {
    this.prune(at)
    const index = Math.floor(at / this.bucketMs)
    let last = this.buckets[this.buckets.length - 1]
    if (!last || last.index !== index) {
      last = { index, requests: 0, tokens: 0 }
      // A new array of one holds one slot, where a push would make room for seventeen: most
      // counters (one per user) see a call or two.
      if (this.buckets.length === 0) this.buckets = [last]
      else this.buckets.push(last)
    }
    last.requests += requests
    last.tokens += tokens
    this.requests += requests
    this.tokens += tokens
  }

  waitUntilBelow(at: number, kind: 'requests' | 'tokens', max: number): number {
    this.prune(at)
    let used = this[kind]
    if (used < max) return 0
    for (const bucket of this.buckets) {
      used -= bucket[kind]
      if (used < max) return this.leavesAt(bucket.index) - at
    }
    return this.spanMs
  }
}

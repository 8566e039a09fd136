/** The ranges the overview offers, each with the bucket its time series use. */
export const RANGES = {
  '24h': { label: 'Last 24 hours', ms: 24 * 3_600_000, bucket: 'hour' },
  '7d': { label: 'Last 7 days', ms: 7 * 86_400_000, bucket: 'day' },
  '30d': { label: 'Last 30 days', ms: 30 * 86_400_000, bucket: 'day' },
} as const

export type RangeName = keyof typeof RANGES
export type Bucket = (typeof RANGES)[RangeName]['bucket']

export interface TimeRange {
  name: RangeName
  from: Date
  to: Date
  bucket: Bucket
  /** The start of every bucket from `from` to `to`, so that a bucket without records shows as 0. */
  buckets: Date[]
}

const BUCKET_MS: Record<Bucket, number> = { hour: 3_600_000, day: 86_400_000 }

/** Anything but a known range name is the default, 7 days: a wrong query string is not an error page. */
export function parseRange(value: string | undefined): RangeName {
  return value !== undefined && Object.hasOwn(RANGES, value) ? (value as RangeName) : '7d'
}

/** The range ending at `now`, its buckets aligned to UTC hours or days as the store's keys are. */
export function timeRange(name: RangeName, now: Date): TimeRange {
  const { ms, bucket } = RANGES[name]
  const to = now
  const from = new Date(now.getTime() - ms)
  const size = BUCKET_MS[bucket]
  const buckets: Date[] = []
  for (let t = Math.floor(from.getTime() / size) * size; t < to.getTime(); t += size)
    buckets.push(new Date(t))
  return { name, from, to, bucket, buckets }
}

/** The store's key of the bucket that starts at `at`: "2026-11-22" or "2026-11-22T13:00Z". */
export function bucketKey(bucket: Bucket, at: Date): string {
  const iso = at.toISOString()
  return bucket === 'day' ? iso.slice(0, 10) : `${iso.slice(0, 13)}:00Z`
}

import { formatUsd } from '@aimux/ai-core'

// Display helpers. Money stays integer nano-USD until it is printed, exactly, by formatUsd.

export { formatUsd }

export function formatMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '–'
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`
}

export function formatPercent(ratio: number): string {
  if (!Number.isFinite(ratio)) return '–'
  const percent = ratio * 100
  return `${percent === 0 || percent >= 10 ? percent.toFixed(0) : percent.toFixed(1)}%`
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US')
}

/** "2026-05-01 14:03:07 UTC": unambiguous whatever the reader's time zone. */
export function formatTime(date: Date | undefined): string {
  if (!date) return '–'
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`
}

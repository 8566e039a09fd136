/**
 * Money is kept as integers of nano-USD (1e-9 USD), never as sums of floats: a total over any
 * number of records is exactly the sum of its parts (up to 9 million USD in a safe integer).
 */
export const NANO_USD_PER_USD = 1_000_000_000

/** Converts a USD amount (as providers report it) to whole nano-USD. */
export function usdToNano(usd: number): number {
  return Math.round(usd * NANO_USD_PER_USD)
}

/** For display only: adding these floats is not exact, adding nano-USD integers is. */
export function nanoToUsd(nanoUsd: number): number {
  return nanoUsd / NANO_USD_PER_USD
}

/** Formats nano-USD exactly, e.g. 1234 -> "$0.000001234", 1_500_000_000 -> "$1.50". */
export function formatUsd(nanoUsd: number): string {
  const sign = nanoUsd < 0 ? '-' : ''
  const abs = Math.abs(nanoUsd)
  const whole = Math.floor(abs / NANO_USD_PER_USD)
  const fraction = String(abs % NANO_USD_PER_USD)
    .padStart(9, '0')
    .replace(/0+$/, '')
    .padEnd(2, '0')
  return `${sign}$${whole}.${fraction}`
}

/**
 * Formats amounts side by side, each exactly, with as many decimals as the longest needs (at
 * least 2): [12_300_000, 10_000_000] -> ["$0.0123", "$0.0100"].
 */
export function formatUsdAligned(nanoUsd: readonly number[]): string[] {
  const formatted = nanoUsd.map(formatUsd)
  const decimals = Math.max(...formatted.map((f) => f.length - f.indexOf('.') - 1))
  return formatted.map((f) => f.padEnd(f.indexOf('.') + 1 + decimals, '0'))
}

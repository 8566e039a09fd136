const decimal = /^(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i

/**
 * A per-token USD price as OpenRouter writes it ("0.00000219") in USD per million tokens (2.19),
 * by moving the decimal point six places in the string, so that no float multiplication drifts
 * (0.00000219 * 1e6 is 2.1900000000000004). Undefined for a negative price (OpenRouter writes "-1"
 * for a router that has none) or anything that is not a number.
 */
export function perMillion(perToken: string): number | undefined {
  const match = decimal.exec(perToken.trim())
  if (!match) return undefined
  const [, whole = '', fractional = '', exponent = '0'] = match
  if (whole === '' && fractional === '') return undefined
  const digits = `${whole}${fractional}`
  const point = whole.length + Number(exponent) + 6
  const padded = point > digits.length ? digits.padEnd(point, '0') : digits
  const units = point <= 0 ? '0' : padded.slice(0, point)
  const fraction = point <= 0 ? `${'0'.repeat(-point)}${padded}` : padded.slice(point)
  return Number(`${units}.${fraction || '0'}`)
}

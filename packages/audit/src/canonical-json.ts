import { createHash } from 'node:crypto'

/**
 * The canonical JSON text of a value, the same for equal values however they were built: object
 * keys sorted by code point, undefined fields left out (as JSON.stringify leaves them), no
 * whitespace; bytes (a Uint8Array) as their base64 text. What the audit trail hashes.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'null'
}

function sortKeys(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64')
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value === null || typeof value !== 'object' || value instanceof Date) return value
  const sorted: Record<string, unknown> = {}
  for (const key of Object.keys(value).sort()) {
    const field = (value as Record<string, unknown>)[key]
    if (field !== undefined && typeof field !== 'function') sorted[key] = sortKeys(field)
  }
  return sorted
}

/** SHA-256 of the value's canonical JSON (UTF-8), as 64 lowercase hex digits. */
export function sha256Hex(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex')
}

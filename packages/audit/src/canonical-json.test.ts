import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { canonicalJson, sha256Hex } from './canonical-json.js'

describe('canonicalJson', () => {
  it('sorts keys at every depth and leaves undefined fields out', () => {
    const a = { b: 1, a: [{ y: 2, x: undefined, w: 'v' }], c: { z: null, e: true } }
    expect(canonicalJson(a)).toBe('{"a":[{"w":"v","y":2}],"b":1,"c":{"e":true,"z":null}}')
    expect(canonicalJson({ c: { e: true, z: null }, a: [{ w: 'v', y: 2 }], b: 1 })).toBe(canonicalJson(a))
  })

  it('writes bytes as base64 and dates as ISO text', () => {
    expect(canonicalJson({ data: new Uint8Array([1, 2, 3]), at: new Date(0) })).toBe(
      '{"at":"1970-01-01T00:00:00.000Z","data":"AQID"}',
    )
  })

  it('hashes the canonical text as SHA-256 hex', () => {
    const expected = createHash('sha256').update('{"a":1,"b":"é"}', 'utf8').digest('hex')
    expect(sha256Hex({ b: 'é', a: 1 })).toBe(expected)
    expect(sha256Hex({ a: 1, b: 'é' })).toMatch(/^[0-9a-f]{64}$/)
  })
})

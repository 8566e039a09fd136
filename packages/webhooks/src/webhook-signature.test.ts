import { describe, expect, it } from 'vitest'
import { signWebhook, verifyWebhookSignature } from './webhook-signature.js'

const secret = 'whsec_test_secret'
const body = '{"id":"whd_1","type":"cost","data":{"n":1}}'
const now = new Date('2026-12-03T12:00:00.000Z')
const t = Math.floor(now.getTime() / 1000)

describe('verifyWebhookSignature', () => {
  it('accepts the signature of the body as sent, within the tolerance', () => {
    const header = signWebhook(body, secret, t - 299)
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/)
    expect(verifyWebhookSignature({ body, header, secret, now })).toEqual({ ok: true, timestamp: t - 299 })
    expect(verifyWebhookSignature({ body: Buffer.from(body), header, secret, now }).ok).toBe(true)
  })

  it('rejects a tampered body, another secret and a replayed old signature', () => {
    const header = signWebhook(body, secret, t)
    expect(verifyWebhookSignature({ body: body.replace('1', '2'), header, secret, now })).toEqual({
      ok: false,
      reason: 'mismatch',
    })
    expect(verifyWebhookSignature({ body, header, secret: 'another_secret', now })).toMatchObject({
      reason: 'mismatch',
    })
    const old = signWebhook(body, secret, t - 301)
    expect(verifyWebhookSignature({ body, header: old, secret, now })).toEqual({
      ok: false,
      reason: 'expired',
    })
    expect(verifyWebhookSignature({ body, header: old, secret, now, toleranceSeconds: 600 }).ok).toBe(true)
    // A changed timestamp breaks the signature: the time is signed too.
    const moved = header.replace(`t=${t}`, `t=${t + 1}`)
    expect(verifyWebhookSignature({ body, header: moved, secret, now })).toMatchObject({ reason: 'mismatch' })
  })

  it('rejects a missing or malformed header', () => {
    expect(verifyWebhookSignature({ body, header: undefined, secret, now })).toEqual({
      ok: false,
      reason: 'missing',
    })
    for (const header of ['garbage', `t=${t}`, 'v1=abc', `t=soon,v1=${'0'.repeat(64)}`])
      expect(verifyWebhookSignature({ body, header, secret, now })).toMatchObject({
        ok: false,
        reason: 'malformed',
      })
    expect(verifyWebhookSignature({ body, header: `t=${t},v1=zz`, secret, now })).toMatchObject({
      reason: 'mismatch',
    })
  })
})

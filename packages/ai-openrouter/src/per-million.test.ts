import { describe, expect, it } from 'vitest'
import { perMillion } from './per-million.js'

describe('perMillion', () => {
  it.each([
    ['0.0000025', 2.5],
    ['0.00000015', 0.15],
    ['0.000000075', 0.075],
    ['0.00003', 30],
    ['0.000003125', 3.125],
    ['0.0048', 4800],
    ['0', 0],
    ['1.5e-7', 0.15],
    ['3e-8', 0.03],
    ['2E-6', 2],
  ])('moves the decimal point of %s six places: %s', (perToken, expected) => {
    expect(perMillion(perToken)).toBe(expected)
  })

  it('is exact where multiplying the float drifts', () => {
    expect(Number('0.00000219') * 1_000_000).toBe(2.1900000000000004)
    expect(perMillion('0.00000219')).toBe(2.19)
  })

  it.each(['-1', '', 'free', '1.2.3'])('has no price for %j', (perToken) => {
    expect(perMillion(perToken)).toBeUndefined()
  })
})

import { describe, expect, it } from 'vitest'
import { addUsage, emptyUsage, normalizeUsage } from './usage.js'

const zero = {
  inputTokens: 0,
  cachedInputTokens: 0,
  cacheWriteTokens: 0,
  outputTokens: 0,
  reasoningTokens: 0,
  totalTokens: 0,
}

describe('emptyUsage', () => {
  it('is all zeros, and a fresh object each time', () => {
    expect(emptyUsage()).toEqual(zero)
    const a = emptyUsage()
    a.inputTokens = 5
    expect(emptyUsage().inputTokens).toBe(0)
  })
})

describe('normalizeUsage', () => {
  it('keeps every reported count, and defaults the total to input + output', () => {
    expect(
      normalizeUsage({
        inputTokens: 100,
        cachedInputTokens: 40,
        cacheWriteTokens: 10,
        outputTokens: 30,
        reasoningTokens: 12,
      }),
    ).toEqual({
      inputTokens: 100,
      cachedInputTokens: 40,
      cacheWriteTokens: 10,
      outputTokens: 30,
      reasoningTokens: 12,
      totalTokens: 130,
    })
    expect(normalizeUsage()).toEqual(zero)
  })

  it('keeps a reported total as it is, even when it differs from input + output', () => {
    expect(normalizeUsage({ inputTokens: 10, outputTokens: 5, totalTokens: 20 }).totalTokens).toBe(20)
    expect(normalizeUsage({ inputTokens: 10, outputTokens: 5, totalTokens: 0 }).totalTokens).toBe(0)
  })

  it('turns a negative, fractional, infinite, NaN or non-number count into a whole count, never NaN', () => {
    const usage = normalizeUsage({
      inputTokens: -5,
      cachedInputTokens: Number.NaN,
      cacheWriteTokens: Number.POSITIVE_INFINITY,
      outputTokens: 2.6,
      reasoningTokens: '7' as unknown as number,
    })
    expect(usage).toEqual({ ...zero, outputTokens: 3, totalTokens: 3 })
    expect(normalizeUsage({ inputTokens: 0.4 }).inputTokens).toBe(0)
    expect(normalizeUsage({ inputTokens: 1 }).inputTokens).toBe(1)
  })
})

describe('addUsage', () => {
  it('adds every count separately', () => {
    const a = {
      inputTokens: 1,
      cachedInputTokens: 2,
      cacheWriteTokens: 3,
      outputTokens: 4,
      reasoningTokens: 5,
      totalTokens: 6,
    }
    const b = {
      inputTokens: 10,
      cachedInputTokens: 20,
      cacheWriteTokens: 30,
      outputTokens: 40,
      reasoningTokens: 50,
      totalTokens: 60,
    }
    expect(addUsage(a, b)).toEqual({
      inputTokens: 11,
      cachedInputTokens: 22,
      cacheWriteTokens: 33,
      outputTokens: 44,
      reasoningTokens: 55,
      totalTokens: 66,
    })
  })
})

describe('cacheWrite1hTokens', () => {
  it('is kept as a part of cacheWriteTokens: absent at 0, never above the total', () => {
    expect(normalizeUsage({ cacheWriteTokens: 30, cacheWrite1hTokens: 20 })).toEqual({
      ...zero,
      cacheWriteTokens: 30,
      cacheWrite1hTokens: 20,
    })
    expect(normalizeUsage({ cacheWriteTokens: 30, cacheWrite1hTokens: 0 })).not.toHaveProperty(
      'cacheWrite1hTokens',
    )
    expect(normalizeUsage({ cacheWriteTokens: 30, cacheWrite1hTokens: 50 }).cacheWrite1hTokens).toBe(30)
    expect(normalizeUsage({ cacheWrite1hTokens: 5 })).toEqual(zero)
  })

  it('is summed by addUsage, and left out when neither side has any', () => {
    const a = normalizeUsage({ inputTokens: 10, cacheWriteTokens: 10, cacheWrite1hTokens: 4 })
    const b = normalizeUsage({ inputTokens: 10, cacheWriteTokens: 6 })
    expect(addUsage(a, b)).toMatchObject({ cacheWriteTokens: 16, cacheWrite1hTokens: 4 })
    expect(addUsage(a, a).cacheWrite1hTokens).toBe(8)
    expect(addUsage(b, b)).not.toHaveProperty('cacheWrite1hTokens')
  })
})

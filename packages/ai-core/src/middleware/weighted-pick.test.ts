import { describe, expect, it } from 'vitest'
import { weightedPick } from './weighted-pick.js'

const items = [
  { name: 'a', weight: 3 },
  { name: 'b', weight: 1 },
]
const weight = (item: { weight: number }) => item.weight

describe('weightedPick', () => {
  it('picks in proportion to the weights', () => {
    // The total weight is 4: [0, 3) is a's share, [3, 4) is b's.
    expect(weightedPick(items, weight, () => 0)?.name).toBe('a')
    expect(weightedPick(items, weight, () => 0.74)?.name).toBe('a')
    expect(weightedPick(items, weight, () => 0.75)?.name).toBe('b')
    expect(weightedPick(items, weight, () => 0.999)?.name).toBe('b')
  })

  it('falls back to the last item when rounding leaves the point at the total', () => {
    expect(weightedPick(items, weight, () => 1)?.name).toBe('b')
  })

  it('returns undefined for no items', () => {
    expect(weightedPick([], weight, () => 0.5)).toBeUndefined()
  })
})

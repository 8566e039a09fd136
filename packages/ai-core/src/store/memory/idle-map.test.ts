import { describe, expect, it } from 'vitest'
import { createIdleMap } from './idle-map.js'

function clockedMap(idleMs: number, max = 1_000) {
  const clock = { t: 0 }
  const map = createIdleMap<string, { n: number }>({ idleMs, max, now: () => clock.t })
  return { clock, map }
}

describe('idle map', () => {
  it('drops an entry once it has not been touched for idleMs', () => {
    const { clock, map } = clockedMap(1_000)
    map.touch('a', () => ({ n: 1 }))
    clock.t = 500
    map.touch('b', () => ({ n: 2 }))
    clock.t = 999
    expect(map.get('a')).toEqual({ n: 1 }) // touched again: kept until 1 999
    clock.t = 1_600
    expect(map.get('x')).toBeUndefined()
    expect(map.size).toBe(1) // b, untouched since 500, is gone; a is not
    clock.t = 1_999
    expect(map.get('x')).toBeUndefined()
    expect(map.size).toBe(0)
  })

  it('keeps at most max entries, dropping the least recently touched', () => {
    const { map } = clockedMap(60_000, 2)
    map.touch('a', () => ({ n: 1 }))
    map.touch('b', () => ({ n: 2 }))
    map.get('a')
    map.touch('c', () => ({ n: 3 }))
    expect(map.size).toBe(2)
    expect(map.get('b')).toBeUndefined()
    expect(map.get('a')).toEqual({ n: 1 })
    expect(map.get('c')).toEqual({ n: 3 })
  })

  it('returns the stored value on touch, creating it only when there is none', () => {
    const { map } = clockedMap(1_000)
    const first = map.touch('a', () => ({ n: 1 }))
    expect(map.touch('a', () => ({ n: 2 }))).toBe(first)
  })

  it('stays flat under many distinct keys', () => {
    const { clock, map } = clockedMap(60_000, 10_000)
    for (let i = 0; i < 200_000; i++) {
      clock.t = i // one key a millisecond
      map.touch(`user-${i}`, () => ({ n: i }))
    }
    expect(map.size).toBe(10_000)
    clock.t += 60_000
    map.get('any')
    expect(map.size).toBe(0)
  })

  it('gives each entry its own idle time when idleMs is a function of its value', () => {
    const map = createIdleMap<string, { idleMs: number }>({ idleMs: (v) => v.idleMs, max: 10, now: () => 0 })
    map.touch('short', () => ({ idleMs: 100 }), 0)
    map.touch('long', () => ({ idleMs: 1_000 }), 0)
    map.get('x', 100)
    expect(map.size).toBe(1)
    expect(map.get('long', 999)).toEqual({ idleMs: 1_000 })
    map.get('x', 1_999)
    expect(map.size).toBe(0)
  })

  it('takes the time of a call from the caller when given, over its clock', () => {
    const { map } = clockedMap(1_000)
    map.touch('a', () => ({ n: 1 }), 5_000)
    expect(map.get('a', 5_999)).toEqual({ n: 1 })
    expect(map.get('b', 6_999)).toBeUndefined()
    expect(map.size).toBe(0)
  })
})

import { describe, expect, it } from 'vitest'
import { colorEnabled, painter } from './terminal.js'

describe('colour', () => {
  it('is on for a terminal, off for a pipe or under NO_COLOR, forced by FORCE_COLOR', () => {
    expect(colorEnabled({ isTTY: true }, {})).toBe(true)
    expect(colorEnabled({}, {})).toBe(false)
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: '1' })).toBe(false)
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: '' })).toBe(true)
    expect(colorEnabled({}, { FORCE_COLOR: '1' })).toBe(true)
    expect(colorEnabled({}, { FORCE_COLOR: '0' })).toBe(false)
    expect(colorEnabled({}, { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(false)
  })

  it('paints only when enabled', () => {
    expect(painter({ isTTY: true }, {})('red', 'x')).toBe('\u001b[31mx\u001b[39m')
    expect(painter({}, {})('red', 'x')).toBe('x')
  })
})

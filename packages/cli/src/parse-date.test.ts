import { describe, expect, it } from 'vitest'
import { parseDate } from './parse-date.js'
import { UsageError } from './usage-error.js'

describe('parseDate', () => {
  it('reads a date as midnight UTC, and as the end of that day when asked', () => {
    expect(parseDate('2026-11-01', '--from').toISOString()).toBe('2026-11-01T00:00:00.000Z')
    expect(parseDate('2026-11-30', '--to', { endOfDay: true }).toISOString()).toBe('2026-12-01T00:00:00.000Z')
  })

  it('reads an ISO date-time as it is', () => {
    expect(parseDate('2026-11-01T12:30:00+01:00', '--from').toISOString()).toBe('2026-11-01T11:30:00.000Z')
    expect(parseDate('2026-11-01T12:30:00Z', '--to', { endOfDay: true }).toISOString()).toBe(
      '2026-11-01T12:30:00.000Z',
    )
  })

  it.each(['yesterday', '2026-13-01', '2026-02-30', '11/01/2026', '2026-11-01T25:00', ''])(
    'refuses %j with a UsageError naming the option',
    (value) => {
      expect(() => parseDate(value, '--from')).toThrow(UsageError)
      expect(() => parseDate(value, '--from')).toThrow(`--from: '${value}' is not a date`)
    },
  )
})
